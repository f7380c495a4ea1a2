"""Adds up the lint, Odoo's test report and pytest's, prints "N passed, N failed" and sets the exit code.

The lint (setup/lint) counts as one check: passed or failed.

Odoo's runner only logs some problems (a module that fails to install, an error logged outside a
test): any ERROR or CRITICAL line of the Odoo log counts as one more failure. So does any deprecation
warning that names our add-ons, in the test log or in the log of the server the pytest suite ran.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

ODOO_REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
ODOO_LOG_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
ODOO_LOG_RECORD = re.compile(r"^\S+ \S+ \d+ [A-Z]+ ")
DEPRECATION = re.compile(r"deprecat|no longer supported", re.IGNORECASE)
OUR_ADDONS = re.compile(r"credit_collection")
# Odoo 19's own mail gateway client (odoo-mailgate) still delivers emails over /xmlrpc/2, which warns of its
# removal in Odoo 22 at each call: the transport of the gateway tests, not a deprecation of our add-ons.
MAILGATE_TRANSPORT = re.compile(r" odoo\.addons\.rpc\.controllers\.xmlrpc: ")


def deprecations(log_path, ours_only=True):
    """The log records (first line) that warn of a deprecation and name one of our add-ons (or any
    record with ``ours_only=False``: the pytest server serves nothing but our add-ons and tests)."""
    if not log_path or not os.path.exists(log_path):
        return []
    found, record = [], []

    def flush():
        text = "\n".join(record)
        if (
            record
            and " WARNING " in record[0]
            and not MAILGATE_TRANSPORT.search(record[0])
            and DEPRECATION.search(text)
            and (OUR_ADDONS.search(text) or not ours_only)
        ):
            found.append(record[0].rstrip()[:400])

    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            if ODOO_LOG_RECORD.match(line):
                flush()
                record = [line]
            elif record:
                record.append(line)
    flush()
    return found


def odoo_counts(log_path, rc):
    if not log_path or not os.path.exists(log_path):
        return 0, 0, []
    with open(log_path, encoding="utf-8", errors="replace") as log:
        lines = log.readlines()
    problems = [line.rstrip() for line in lines if ODOO_LOG_ERROR.match(line)]
    reports = [ODOO_REPORT.search(line) for line in lines]
    reports = [match for match in reports if match]
    if not reports:
        return 0, 1, problems or ["Odoo stopped before reporting its tests (exit code %s)" % rc]
    failed_n, errors_n, run_n = (int(n) for n in reports[-1].groups())
    failed = failed_n + errors_n
    passed = run_n - failed
    if not failed and (problems or rc):
        failed = 1  # errors that Odoo logged without failing a test
    return passed, failed, problems


def pytest_counts(junit_path, rc):
    if not junit_path or not os.path.exists(junit_path):
        return 0, (1 if rc not in (0, 5) else 0), 0
    root = ET.parse(junit_path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    if not failed and rc not in (0, 5):
        failed = 1
    return total - failed - skipped, failed, skipped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--odoo-log")
    parser.add_argument("--odoo-rc", type=int, default=0)
    parser.add_argument("--junit")
    parser.add_argument("--pytest-rc", type=int, default=0)
    parser.add_argument("--server-log", help="log of the server the pytest suite ran against")
    parser.add_argument("--lint-rc", type=int, default=-1, help="exit code of setup/lint (-1: not run)")
    args = parser.parse_args()

    odoo_passed, odoo_failed, problems = odoo_counts(args.odoo_log, args.odoo_rc)
    py_passed, py_failed, py_skipped = pytest_counts(args.junit, args.pytest_rc)
    if problems and odoo_failed:
        print("\nOdoo logged these errors:", *problems[:30], sep="\n  ")
    warned = deprecations(args.odoo_log) + deprecations(args.server_log, ours_only=False)
    if warned:
        print("\nDeprecation warnings about our add-ons (each counts as a failure):", *warned[:30], sep="\n  ")
        odoo_failed += len(warned)
    lint_passed, lint_failed = (0, 0) if args.lint_rc < 0 else (int(args.lint_rc == 0), int(args.lint_rc != 0))
    print(f"\nLint:       {lint_passed} passed, {lint_failed} failed" + (" (not run)" if args.lint_rc < 0 else ""))
    print(f"Odoo tests: {odoo_passed} passed, {odoo_failed} failed")
    print(f"pytest:     {py_passed} passed, {py_failed} failed, {py_skipped} skipped")
    passed, failed = lint_passed + odoo_passed + py_passed, lint_failed + odoo_failed + py_failed
    line = f"{passed} passed, {failed} failed"
    print(line + (f", {py_skipped} skipped" if py_skipped else ""))
    tests_ran = bool(args.odoo_log or args.junit)  # not the lint alone: a test step that ran nothing fails
    sys.exit(1 if failed or passed == 0 or (tests_ran and odoo_passed + py_passed == 0) else 0)


if __name__ == "__main__":
    main()
