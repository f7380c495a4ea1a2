#!/usr/bin/env python3
"""Draws the add-ons and their dependencies from the manifests into README.md.

`setup/architecture.py` rewrites the part of README.md between the architecture markers: a Mermaid
graph (GitHub draws it) of which add-on depends on which, Odoo's own modules as the bottom layer.
`--check` fails when the README is not current (lint).
"""

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
START, END = "<!-- architecture:start -->", "<!-- architecture:end -->"


def manifests():
    found = {}
    for path in sorted(ROOT.glob("*/__manifest__.py")):
        found[path.parent.name] = ast.literal_eval(path.read_text())
    return found


def drawing():
    addons = manifests()
    lines = ["```mermaid", "graph BT"]
    odoo_modules = sorted({dep for manifest in addons.values() for dep in manifest.get("depends", [])} - set(addons))
    for name in addons:
        lines.append(f"    {name}[{name}]")
    for name in odoo_modules:
        lines.append(f"    {name}([{name}])")
    for name, manifest in addons.items():
        for dep in manifest.get("depends", []):
            lines.append(f"    {name} --> {dep}")
    lines.append("    classDef odoo fill:#eee,stroke:#999,color:#555")
    lines.append(f"    class {','.join(odoo_modules)} odoo")
    lines.append("```")
    return "\n".join(lines)


def main():
    readme = ROOT / "README.md"
    text = readme.read_text()
    if START not in text or END not in text:
        sys.exit(f"README.md has no {START} … {END} markers")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    new = f"{head}{START}\n{drawing()}\n{END}{tail}"
    if "--check" in sys.argv[1:]:
        if new != text:
            sys.exit("README.md: the architecture picture is not current: run setup/architecture.py")
        return
    readme.write_text(new)


if __name__ == "__main__":
    main()
