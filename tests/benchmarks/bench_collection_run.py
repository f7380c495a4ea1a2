"""Benchmark of a collection run's planning over a large open receivable ledger.

    tests/benchmarks/run_benchmark.sh --customers 20000 --invoices 200000
    # or, with a configuration file of your own:
    python tests/benchmarks/bench_collection_run.py --conf .local/odoo-bench.conf --customers 20000 --invoices 200000

Prepares the database (default ``cc_bench``: created with ``-i credit_collection --without-demo=all``
when missing), generates the ledger (reused when already there, see generate_ledger.py), forgets every
previous collection run of the benchmark company, then times on the same date:

  (a) the selection query alone, ``run._select_due_items()``, and prints its EXPLAIN (ANALYZE, BUFFERS);
  (b) the full planning ``run._plan()`` of a new run (planning only: nothing is sent), committed;
  (c) a second run on the same date right after, which must plan nothing (idempotency).

The planning is broken down by method of the engine and by SQL statement. It prints figures; it is not a
test and asserts nothing but the idempotency of (c). ``--py-spy FILE`` also samples (b) with py-spy.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date as Date

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import generate_ledger  # noqa: E402

RUN_MODULE = "odoo.addons.credit_collection.models.credit_collection_run"
# Methods timed during the planning, nested as they call one another: (model, method).
PHASES = [
    ("credit.collection.run", "_select_due_items"),
    ("credit.collection.run", "_min_delay"),
    ("credit.collection.run", "_create_actions"),
    ("credit.collection.run", "_items_with_fee"),
    ("credit.collection.run", "_insert_actions"),
    ("credit.collection.run", "_insert_items"),
    ("credit.collection.run", "_insert_skipped"),
    ("credit.collection.action", "_compute_name"),
    ("credit.collection.action", "_compute_amounts"),
    ("credit.collection.action", "unlink"),
    ("credit.collection.level", "_channels"),
    ("credit.collection.level", "_interest"),
]


def banner(title):
    print("\n" + "=" * 100 + "\n" + title + "\n" + "=" * 100, flush=True)


def load():
    try:
        one, five, _fifteen = os.getloadavg()
        return "load average %.2f (1 min) %.2f (5 min) on %s cores" % (one, five, os.cpu_count())
    except OSError:
        return "load average unknown"


# ---------------------------------------------------------------------------------------- database
def ensure_database(odoo, args, addon="credit_collection"):
    """Creates the benchmark database with ``addon`` (the engine, or an add-on and its dependencies), unless it
    is there already."""
    import psycopg2

    _name, info = odoo.sql_db.connection_info_for("postgres")
    cnx = psycopg2.connect(**info)
    cnx.autocommit = True
    with cnx.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db])
        exists = bool(cur.fetchone())
    cnx.close()
    installed = False
    if exists:
        _name, info = odoo.sql_db.connection_info_for(args.db)
        cnx = psycopg2.connect(**info)
        with cnx.cursor() as cur:
            cur.execute("""SELECT to_regclass('ir_module_module') IS NOT NULL""")
            if cur.fetchone()[0]:
                cur.execute("SELECT state FROM ir_module_module WHERE name = %s", [addon])
                row = cur.fetchone()
                installed = bool(row and row[0] == "installed")
        cnx.close()
    if installed:
        return
    odoo_bin = generate_ledger.odoo_bin(odoo)
    command = [
        sys.executable,
        odoo_bin,
        "-c",
        args.conf,
        "-d",
        args.db,
        "-i",
        addon,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
    ]
    print("creating database %s: %s" % (args.db, " ".join(command)), flush=True)
    start = time.time()
    subprocess.run(command, check=True)
    print("database %s ready in %.1fs" % (args.db, time.time() - start), flush=True)


def vacuum(odoo, db, tables):
    """VACUUM ANALYZE outside the transaction: the reset updates every line, leaving dead rows."""
    import psycopg2

    _name, info = odoo.sql_db.connection_info_for(db)
    cnx = psycopg2.connect(**info)
    cnx.autocommit = True
    with cnx.cursor() as cur:
        for table in tables:
            cur.execute("VACUUM ANALYZE %s" % table)
    cnx.close()


# ---------------------------------------------------------------------------------------- probes
@contextmanager
def sql_recorder(odoo):
    """Records every statement of this thread: Odoo's query hooks, plus the engine's execute_values."""
    records = []
    thread = threading.current_thread()
    previous_hooks = getattr(thread, "query_hooks", ())

    def hook(cr, query, params, start, delay):
        records.append((query.decode() if isinstance(query, bytes) else str(query), params, delay, 1))

    module = sys.modules[RUN_MODULE]
    original_execute_values = module.execute_values

    def execute_values(cur, sql, argslist, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original_execute_values(cur, sql, argslist, *args, **kwargs)
        finally:
            records.append((sql, None, time.perf_counter() - start, len(argslist)))

    thread.query_hooks = tuple(previous_hooks) + (hook,)
    module.execute_values = execute_values
    try:
        yield records
    finally:
        thread.query_hooks = previous_hooks
        module.execute_values = original_execute_values


@contextmanager
def phase_timer(env):
    """Wraps the engine's methods (on the registry classes, for this process only) to time them."""
    stats = defaultdict(lambda: [0, 0.0])
    restore = []
    for model, method in PHASES:
        cls = type(env[model])
        original = cls.__dict__.get(method)
        inherited = getattr(cls, method)

        def wrapper(self, *args, _inherited=inherited, _key="%s.%s" % (model, method), **kwargs):
            start = time.perf_counter()
            try:
                return _inherited(self, *args, **kwargs)
            finally:
                stats[_key][0] += 1
                stats[_key][1] += time.perf_counter() - start

        setattr(cls, method, wrapper)
        restore.append((cls, method, original))
    try:
        yield stats
    finally:
        for cls, method, original in restore:
            if original is None:
                delattr(cls, method)
            else:
                setattr(cls, method, original)


@contextmanager
def py_spy(output):
    if not output:
        yield
        return
    binary = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
    process = subprocess.Popen(
        [
            binary,
            "record",
            "--pid",
            str(os.getpid()),
            "--rate",
            "100",
            "--format",
            "raw",
            "--output",
            output,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)  # let it attach
    try:
        yield
    finally:
        process.send_signal(2)  # SIGINT: py-spy writes its file and exits
        process.wait(timeout=60)
        print("py-spy samples written to %s" % output)
        summarize_py_spy(output)


def summarize_py_spy(path, top=15):
    """Self and total time by function of the collapsed stacks py-spy wrote."""
    total_samples, by_self, by_total, engine_lines = 0, defaultdict(int), defaultdict(int), defaultdict(int)
    with open(path) as handle:
        for line in handle:
            stack, _sep, count = line.rstrip().rpartition(" ")
            if not stack:
                continue
            count = int(count)
            total_samples += count
            frames = stack.split(";")
            by_self[frames[-1]] += count
            for frame in set(frames):
                by_total[frame] += count
            for frame in frames:
                if "credit_collection_run.py" in frame or "credit_collection_action.py" in frame:
                    engine_lines[frame] += count
    if not total_samples:
        return
    print("py-spy: %s samples; total share by function (top %s):" % (total_samples, top))
    for frame, count in sorted(by_total.items(), key=lambda item: -item[1])[:top]:
        print("  %5.1f%%  %s" % (100.0 * count / total_samples, frame))
    print("py-spy: self share (top %s):" % top)
    for frame, count in sorted(by_self.items(), key=lambda item: -item[1])[:top]:
        print("  %5.1f%%  %s" % (100.0 * count / total_samples, frame))
    print("py-spy: engine lines (credit_collection_run.py / credit_collection_action.py):")
    for frame, count in sorted(engine_lines.items(), key=lambda item: -item[1])[:top]:
        print("  %5.1f%%  %s" % (100.0 * count / total_samples, frame))


def shape(query):
    """A statement's first words, its literals and long IN lists folded, to group repeated statements."""
    text = re.sub(r"\s+", " ", query).strip()
    text = re.sub(r"\bIN \(.*?\)", "IN (...)", text)
    return text[:150]


def print_sql(records, top=12):
    groups = defaultdict(lambda: [0, 0.0, 0])
    for query, _params, delay, rows in records:
        group = groups[shape(query)]
        group[0] += 1
        group[1] += delay
        group[2] += rows
    total = sum(delay for _q, _p, delay, _r in records)
    print("SQL: %s statements, %.2fs in PostgreSQL; slowest groups:" % (len(records), total))
    for text, (count, delay, _rows) in sorted(groups.items(), key=lambda item: -item[1][1])[:top]:
        print("  %7.2fs  x%-6s %s" % (delay, count, text))
    return total


def print_phases(stats, total):
    print("Time by engine method (inclusive; nested calls are counted in their callers too):")
    for key, (count, seconds) in sorted(stats.items(), key=lambda item: -item[1][1]):
        print("  %7.2fs  %5.1f%%  x%-7s %s" % (seconds, 100.0 * seconds / total if total else 0, count, key))


def explain(cr, records, marker="WITH consumer_policy AS"):
    selection = [(query, params) for query, params, _delay, _rows in records if marker in query]
    if not selection:
        print("(selection query not captured)")
        return
    query, params = selection[0]
    cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
    print("\n".join(row[0] for row in cr.fetchall()))


# ---------------------------------------------------------------------------------------- benchmark
def count_rows(cr, company_id, run_id=None):
    where, params = ("run_id = %s", [run_id]) if run_id else ("company_id = %s", [company_id])
    cr.execute("SELECT count(*) FROM credit_collection_action WHERE " + where, params)
    actions = cr.fetchone()[0]
    cr.execute(
        """SELECT count(*) FROM credit_collection_action_line
                   WHERE action_id IN (SELECT id FROM credit_collection_action WHERE %s)"""
        % where,
        params,
    )
    return actions, cr.fetchone()[0]


def open_invoices(cr, company_id):
    cr.execute(
        """
        SELECT count(DISTINCT aml.move_id), count(*)
          FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
          JOIN account_move m ON m.id = aml.move_id
         WHERE aml.company_id = %s AND a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
           AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
           AND m.move_type IN ('out_invoice', 'out_receipt')
    """,
        [company_id],
    )
    return cr.fetchone()


def benchmark(odoo, args):
    registry = odoo.modules.registry.Registry(args.db)
    figures = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        banner("Ledger")
        info = generate_ledger.generate(env, args.customers, args.invoices, today=args.date, force=args.regenerate)
        company = env["res.company"].browse(info["company_id"])
        args.date = args.date or generate_ledger.ledger_date(cr, company.id)
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        runs = generate_ledger.reset_collection(cr, company.id)
        cr.commit()
        vacuum(
            odoo,
            args.db,
            [
                "account_move_line",
                "account_move",
                "credit_collection_action",
                "credit_collection_action_line",
                "credit_collection_run",
            ],
        )
        print("reset: %s previous runs deleted; vacuumed" % runs)
        invoices, items = open_invoices(cr, company.id)
        figures["open invoices"] = invoices
        policy = company.collection_policy_id
        print(
            "company %s (id %s), policy %s (id %s): %s open invoices, %s open receivable items, "
            "%s customers, run date %s"
            % (company.name, company.id, policy.name, policy.id, invoices, items, args.customers, args.date)
        )
        print(
            " | ".join(
                "%s %sd%s%s"
                % (
                    level.name,
                    level.delay_days,
                    " " + "+".join(level._channels()),
                    "" if level.auto_send else " (review)",
                )
                for level in policy._levels_by_delay()
            )
        )
        run_model = env["credit.collection.run"].with_company(company)

        # (a) the selection alone
        banner("(a) selection query alone: run._select_due_items()   [%s]" % load())
        probe = run_model.create({"company_id": company.id, "date": args.date})
        env.flush_all()
        with sql_recorder(odoo) as records:
            start = time.perf_counter()
            rows = probe._select_due_items()
            seconds = time.perf_counter() - start
        figures["selection s"] = seconds
        by_level = defaultdict(int)
        for row in rows:
            by_level[row["level_id"]] += 1
        levels = env["credit.collection.level"].browse(list(by_level))
        print(
            "selected %s items in %.2fs (%.0f open invoices/s): %s"
            % (
                len(rows),
                seconds,
                invoices / seconds,
                ", ".join("%s %s" % (level.name, by_level[level.id]) for level in levels.sorted("delay_days")),
            )
        )
        figures["selected"] = len(rows)
        banner("EXPLAIN (ANALYZE, BUFFERS) of the selection query")
        explain(cr, records)
        del rows
        probe.unlink()
        cr.commit()

        # (b) the full planning
        banner("(b) full planning: run._plan()   [%s]" % load())
        run = run_model.create({"company_id": company.id, "date": args.date})
        cr.commit()
        with sql_recorder(odoo) as records, phase_timer(env) as stats, py_spy(args.py_spy):
            start = time.perf_counter()
            run._plan()
            env.flush_all()
            plan_seconds = time.perf_counter() - start
            cr.commit()
            commit_seconds = time.perf_counter() - start - plan_seconds
        actions, action_lines = count_rows(cr, company.id, run.id)
        figures.update(
            {"planned": run.planned_items, "actions": actions, "action lines": action_lines, "plan s": plan_seconds}
        )
        print(
            "planned %s items into %s actions (%s action lines) in %.2fs (+ commit %.2fs); "
            "the run records %.2fs"
            % (run.planned_items, actions, action_lines, plan_seconds, commit_seconds, run.duration)
        )
        print(
            "rows per second: %.0f open invoices/s, %.0f planned items/s"
            % (invoices / plan_seconds, run.planned_items / plan_seconds)
        )
        print_phases(stats, plan_seconds)
        sql_seconds = print_sql(records)
        print("Python (outside PostgreSQL): %.2fs of %.2fs" % (plan_seconds - sql_seconds, plan_seconds))

        # (c) idempotency: the same date again
        banner("(c) second run on the same date: run._plan()   [%s]" % load())
        again = run_model.create({"company_id": company.id, "date": args.date})
        cr.commit()
        with sql_recorder(odoo) as records:
            start = time.perf_counter()
            again._plan()
            env.flush_all()
            again_seconds = time.perf_counter() - start
            cr.commit()
        again_actions, _again_lines = count_rows(cr, company.id, again.id)
        figures.update(
            {"second planned": again.planned_items, "second actions": again_actions, "second s": again_seconds}
        )
        print("planned %s items, %s actions in %.2fs" % (again.planned_items, again_actions, again_seconds))
        print_sql(records, top=5)
        banner("EXPLAIN (ANALYZE, BUFFERS) of the selection query of the second run")
        explain(cr, records)
        cr.rollback()

    banner("Summary   [%s]" % load())
    print("open invoices            %10d   (%s customers)" % (figures["open invoices"], args.customers))
    print(
        "selection alone          %10.2f s  %10.0f open invoices/s  (%d items selected)"
        % (figures["selection s"], figures["open invoices"] / figures["selection s"], figures["selected"])
    )
    print(
        "full planning            %10.2f s  %10.0f open invoices/s  (%d items planned, %d actions, "
        "%d action lines)"
        % (
            figures["plan s"],
            figures["open invoices"] / figures["plan s"],
            figures["planned"],
            figures["actions"],
            figures["action lines"],
        )
    )
    print(
        "second run, same date    %10.2f s  (%d items planned, %d actions)"
        % (figures["second s"], figures["second planned"], figures["second actions"])
    )
    print("goal: full planning under 60 s: %s" % ("met" if figures["plan s"] < 60 else "NOT met"))
    if figures["second planned"] or figures["second actions"]:
        print("IDEMPOTENCY BROKEN: the second run planned again")
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--conf",
        default=os.path.join(REPO, ".local", "odoo-bench.conf"),
        help="odoo configuration file (run_benchmark.sh writes .local/odoo-bench.conf)",
    )
    parser.add_argument("--db", default="cc_bench", help="database, named cc_bench* (default cc_bench)")
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument(
        "--date",
        type=Date.fromisoformat,
        help="run date, ISO (default: the date the ledger was generated for, so that its "
        "due dates stay 10 days ahead to 200 days late)",
    )
    parser.add_argument("--odoo-src", help="Odoo 19.0 source tree (default: from the configuration)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the ledger even if it is there")
    parser.add_argument("--py-spy", metavar="FILE", help="sample the full planning with py-spy into FILE (raw)")
    args = parser.parse_args()
    if not args.db.startswith("cc_bench"):
        parser.error("benchmark databases are named cc_bench*")
    if not os.path.isfile(args.conf):
        parser.error("no configuration file %s: use tests/benchmarks/run_benchmark.sh" % args.conf)
    odoo = generate_ledger.import_odoo(args.conf, args.odoo_src)
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    ensure_database(odoo, args)
    print("benchmark on %s, %s customers, %s invoices, %s" % (args.db, args.customers, args.invoices, load()))
    return benchmark(odoo, args)


if __name__ == "__main__":
    sys.exit(main())
