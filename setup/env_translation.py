#!/usr/bin/env python3
"""Rewrite the add-ons' `_("...")` calls as `self.env._("...")` (pylint-odoo's prefer-env-translation).

Since Odoo 18 a translation takes its language from the environment it is asked of
(`self.env._`), not from the caller's frame. This rewrites only the calls it can prove right:
- in a method (first argument `self`) of an Odoo model class (one with `_name` or `_inherit`) or of
  a test class of an add-on's tests/ (Odoo test cases have `self.env`): `self.env._(`;
- in a method of a controller class (in controllers/, or a base named *Controller), in a module that
  imports `request`: `request.env._(`.
Module-level lazy terms (`_lt`) and anything else are left for pylint to report.
Idempotent; prints the files it rewrote. `./setup/lint --fix` runs it before the fixers.

    python setup/env_translation.py [ADDON_DIR ...]
"""

import ast
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def _class_kind(cls, folder, module_tree):
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in ("_name", "_inherit") for target in statement.targets
        ):
            return "model"
    bases = [ast.unparse(base) for base in cls.bases]
    if folder == "controllers" or any(base.endswith("Controller") for base in bases):
        imports_request = any(
            isinstance(node, ast.ImportFrom) and any(alias.name == "request" for alias in node.names)
            for node in module_tree.body
        )
        return "controller" if imports_request else None
    if folder == "tests" and not any("Handler" in base or "Server" in base for base in bases):
        return "test"
    return None


def _walk_outside_classes(node):
    """ast.walk, but not into a class defined inside the method (its `self` is another object)."""
    todo = [node]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.ClassDef))


def _calls_to_rewrite(tree, folder):
    """(line, column) of each `_` to rewrite, with its replacement."""
    found = []
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        kind = _class_kind(cls, folder, tree)
        if kind is None:
            continue
        replacement = "request.env._" if kind == "controller" else "self.env._"
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef) or not method.args.args:
                continue
            if method.args.args[0].arg != "self" or any(
                ast.unparse(d) in ("staticmethod", "classmethod") for d in method.decorator_list
            ):
                continue
            for node in _walk_outside_classes(method):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                    found.append((node.func.lineno, node.func.col_offset, replacement))
    return found


def rewrite(path, folder):
    source = path.read_bytes()
    calls = _calls_to_rewrite(ast.parse(source), folder)
    if not calls:
        return False
    lines = source.splitlines(keepends=True)
    for lineno, col, replacement in sorted(calls, reverse=True):
        line = lines[lineno - 1]  # ast columns are UTF-8 byte offsets
        assert line[col : col + 1] == b"_", (path, lineno, col)
        lines[lineno - 1] = line[:col] + replacement.encode() + line[col + 1 :]
    path.write_bytes(b"".join(lines))
    return True


def main(argv):
    addon_dirs = [Path(a).resolve() for a in argv] or sorted(p.parent for p in REPO_DIR.glob("*/__manifest__.py"))
    for addon_dir in addon_dirs:
        for path in sorted(addon_dir.rglob("*.py")):
            relative = path.relative_to(addon_dir)
            if relative.parts[0] in ("migrations", "upgrades"):
                continue
            if rewrite(path, folder=relative.parts[0]):
                print(path.relative_to(REPO_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
