#!/usr/bin/env python3
"""Checks the shape of the add-ons: no dependency cycle, and no add-on importing another one's code
(`odoo.addons.<name>`) unless it depends on it, directly or through its dependencies."""

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    addons = {path.parent.name: ast.literal_eval(path.read_text()) for path in ROOT.glob("*/__manifest__.py")}
    depends = {name: set(manifest.get("depends", [])) for name, manifest in addons.items()}
    problems = []

    def closure(name, seen=()):
        if name in seen:
            problems.append("dependency cycle: " + " -> ".join([*seen, name]))
            return set()
        found = set()
        for dep in depends.get(name, ()):
            found |= {dep} | closure(dep, (*seen, name))
        return found

    reachable = {name: closure(name) for name in addons}
    for name in addons:
        for path in sorted((ROOT / name).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                modules = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                for module in modules:
                    parts = module.split(".")
                    if parts[:2] == ["odoo", "addons"] and len(parts) > 2:
                        other = parts[2]
                        if other in addons and other != name and other not in reachable[name]:
                            problems.append(
                                f"{path.relative_to(ROOT)}:{node.lineno}: imports {other}, "
                                f"which {name} does not depend on"
                            )
    for problem in sorted(set(problems)):
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
