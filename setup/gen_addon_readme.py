#!/usr/bin/env python3
"""Write each add-on's README.rst from its manifest and its readme/ fragments, as the OCA does.

The OCA's generator (oca-gen-addon-readme) is not published on PyPI; this script gives the same
shape of README (title, generated-file notice, badges, description, contents, the sections of the
fragments the OCA names, bug tracker, credits) so that an add-on gets its README by re-running it.
Markdown fragments are converted by pandoc (pypandoc-binary, pinned in .pre-commit-config.yaml,
so that every machine writes the same bytes); the result must be valid reStructuredText.

    python setup/gen_addon_readme.py            # every add-on of the repository
    python setup/gen_addon_readme.py ADDON_DIR  # some of them
    python setup/gen_addon_readme.py --check    # exit 1 if a README.rst is not current

Run by the gen-addon-readme hook of .pre-commit-config.yaml, and so by ./setup/lint.
"""

import argparse
import ast
import hashlib
import io
import sys
from pathlib import Path

import pypandoc
from docutils.core import publish_string

REPO_DIR = Path(__file__).resolve().parent.parent
ORG = "credit-collection"
REPO = "credit-collection"
BRANCH = "19.0"
# The fragments the OCA names, in the order of the README, with their title (None: no title, and
# the heading level their own headings start at).
FRAGMENTS = [
    ("DESCRIPTION", None, 2),
    ("CONTEXT", "Use Cases / Context", 2),
    ("INSTALL", "Installation", 2),
    ("CONFIGURE", "Configuration", 2),
    ("USAGE", "Usage", 2),
    ("DEVELOP", "Development", 2),
    ("ROADMAP", "Known issues / Roadmap", 2),
    ("HISTORY", "Changelog", 2),
]
CREDIT_FRAGMENTS = [("CONTRIBUTORS", "Contributors", 3), ("CREDITS", "Other credits", 3)]
# GitHub-flavoured markdown without raw HTML, and without automatic heading anchors (docutils
# would warn about unreferenced targets).
PANDOC_FORMAT = "gfm-raw_html-gfm_auto_identifiers"
LICENSE_BADGES = {
    "LGPL-3": (
        "https://img.shields.io/badge/license-LGPL--3-blue.png",
        "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    ),
    "AGPL-3": (
        "https://img.shields.io/badge/license-AGPL--3-blue.png",
        "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    ),
}
MATURITY_BADGES = {
    "alpha": "https://img.shields.io/badge/maturity-Alpha-red.png",
    "beta": "https://img.shields.io/badge/maturity-Beta-yellow.png",
    "production/stable": "https://img.shields.io/badge/maturity-Production%2FStable-green.png",
    "mature": "https://img.shields.io/badge/maturity-Mature-brightgreen.png",
}
# docutils settings that make any warning an error, and no file/raw inclusion.
RST_CHECK_SETTINGS = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "halt_level": 2,
    "report_level": 2,
    "warning_stream": io.StringIO(),
}


def find_addons(paths):
    dirs = [Path(p).resolve() for p in paths] or sorted(p.parent for p in REPO_DIR.glob("*/__manifest__.py"))
    for addon_dir in dirs:
        manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
        if manifest.get("installable", True) and (addon_dir / "readme" / "DESCRIPTION.md").exists():
            yield addon_dir, manifest


def source_digest(addon_dir):
    digest = hashlib.sha256()
    for path in [addon_dir / "__manifest__.py", *sorted((addon_dir / "readme").rglob("*"))]:
        if path.is_file():
            digest.update(str(path.relative_to(addon_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def fragment_rst(addon_dir, name, level):
    path = addon_dir / "readme" / f"{name}.md"
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        return None
    rst = pypandoc.convert_file(
        str(path),
        "rst",
        format=PANDOC_FORMAT,
        extra_args=[f"--shift-heading-level-by={level - 2}", "--wrap=preserve"],
        sandbox=True,
    )
    return rst.strip() + "\n"


def title(text, char, over=False):
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if over else f"{text}\n{line}\n"


def render(addon_dir, manifest):
    name = addon_dir.name
    url = f"https://github.com/{ORG}/{REPO}"
    maturity = manifest.get("development_status", "Beta").lower()
    badges = []
    if maturity in MATURITY_BADGES:
        status_url = "https://odoo-community.org/page/development-status"
        badges.append((MATURITY_BADGES[maturity], status_url, maturity.title()))
    if manifest.get("license") in LICENSE_BADGES:
        image, target = LICENSE_BADGES[manifest["license"]]
        badges.append((image, target, f"License: {manifest['license']}"))
    slug = f"{ORG.replace('-', '--')}%2F{REPO.replace('-', '--')}"
    badges.append(
        (
            f"https://img.shields.io/badge/github-{slug}-lightgray.png?logo=github",
            f"{url}/tree/{BRANCH}/{name}",
            f"{ORG}/{REPO}",
        )
    )
    out = [title(manifest["name"], "=", over=True)]
    out.append(
        "\n.. \n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        "   !! This file is generated by setup/gen_addon_readme.py !!\n"
        "   !! from readme/ and __manifest__.py: edit those.       !!\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        f"   !! source digest: {source_digest(addon_dir)}\n\n"
    )
    for index, (image, target, alt) in enumerate(badges, 1):
        out.append(f".. |badge{index}| image:: {image}\n    :target: {target}\n    :alt: {alt}\n")
    out.append("\n" + " ".join(f"|badge{i}|" for i in range(1, len(badges) + 1)) + "\n\n")
    for fragment, heading, level in FRAGMENTS:
        rst = fragment_rst(addon_dir, fragment, level)
        if rst is None:
            continue
        if heading:
            out.append(title(heading, "=") + "\n")
        out.append(rst + "\n")
        if fragment == "DESCRIPTION":
            out.append("**Table of contents**\n\n.. contents::\n   :local:\n\n")
    out.append(title("Bug Tracker", "=") + "\n")
    out.append(
        f"Bugs are tracked on `GitHub Issues <{url}/issues>`_.\n"
        "In case of trouble, please check there if your issue has already been reported.\n\n"
    )
    out.append(title("Credits", "=") + "\n")
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        out.append(title("Authors", "-") + "\n" + "".join(f"* {a}\n" for a in authors) + "\n")
    for fragment, heading, level in CREDIT_FRAGMENTS:
        rst = fragment_rst(addon_dir, fragment, level)
        if rst is not None:
            out.append(title(heading, "-") + "\n" + rst + "\n")
    out.append(title("Maintainers", "-") + "\n")
    maintainers = manifest.get("maintainers", [])
    if maintainers:
        for maintainer in maintainers:
            out.append(
                f".. |maintainer-{maintainer}| image:: https://github.com/{maintainer}.png?size=40px\n"
                f"    :target: https://github.com/{maintainer}\n    :alt: {maintainer}\n"
            )
        plural = "s" if len(maintainers) > 1 else ""
        out.append(f"\nCurrent maintainer{plural}:\n\n" + " ".join(f"|maintainer-{m}|" for m in maintainers) + "\n\n")
    out.append(
        f"This module is part of the `{ORG}/{REPO} <{url}/tree/{BRANCH}/{name}>`_ project on GitHub.\n\n"
        "You are welcome to contribute.\n"
    )
    return "".join(out)


def check_rst(text, path):
    try:
        publish_string(text, source_path=str(path), writer_name="html4css1", settings_overrides=RST_CHECK_SETTINGS)
    except Exception as error:  # docutils raises SystemMessage at the halt level
        raise SystemExit(f"{path}: invalid reStructuredText: {error}") from error


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addon_dirs", nargs="*", help="add-on folders (default: every add-on of the repository)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a README.rst is not current")
    args = parser.parse_args()
    stale = []
    for addon_dir, manifest in find_addons(args.addon_dirs):
        readme = addon_dir / "README.rst"
        text = render(addon_dir, manifest)
        check_rst(text, readme)
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            stale.append(readme)
            if not args.check:
                readme.write_text(text, encoding="utf-8")
    for readme in stale:
        print(f"{readme.relative_to(REPO_DIR)}: {'not current' if args.check else 'written'}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
