/** @type {import('prettier').Config} */

// The OCA's prettier configuration for Odoo 18+ (oca-addons-repo-template), with the repository's
// line length (120, as ruff.toml) instead of 88. Run by .pre-commit-config.yaml and ./setup/lint.
const config = {
    // https://github.com/prettier/prettier/issues/15388#issuecomment-1717746872
    plugins: [require.resolve("@prettier/plugin-xml")],
    bracketSpacing: false,
    printWidth: 120,
    proseWrap: "always",
    semi: true,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
