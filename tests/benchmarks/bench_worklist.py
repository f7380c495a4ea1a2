"""Benchmark of Today's work: the ranking of every customer with an overdue balance, in one query.

    tests/benchmarks/run_benchmark.sh --worklist         # 20,000 customers, 200,000 invoices
    $VENV/bin/python tests/benchmarks/bench_worklist.py --conf .local/odoo-bench.conf --customers 20000

Prepares the database (default ``cc_bench_worklist``, created like the collection-run benchmark's, with
credit_collection_worklist), generates or reuses the ledger (generate_ledger.generate), then lays the facts
the ranking reads over it with set-based SQL: 10 collectors sharing the customers, a payer profile for 9
customers in 10, a promise for 1 in 10 (open, due or broken), an open dispute for 1 in 20 (half past their
deadline), a call in the last 5 days for 1 in 5. Then times, three times each, best and median:

  - the manager's first page (80 lines, every customer ranked) and its count, as the list reads them;
  - a collector's first page (their 2,000 customers);
  - the whole ranking, every line;
and prints the EXPLAIN (ANALYZE, BUFFERS) of the manager's first page. It prints figures and asserts only
that the ranking is in order.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date as Date

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import bench_collection_run  # noqa: E402
import generate_ledger  # noqa: E402

REPEAT = 3
COLLECTORS = 10
PAGE = 80
FIELDS = ["partner_id", "amount_overdue", "days_late", "late_probability", "priority", "reasons", "user_id"]


def timed(label, function, figures):
    durations, result = [], None
    for _index in range(REPEAT):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    figures[label] = (min(durations), statistics.median(durations))
    print("%-52s best %7.3f s   median %7.3f s" % (label, *figures[label]), flush=True)
    return result


def ensure_users(env, company):
    """The bench's manager and collectors (created once)."""
    Users = env["res.users"].with_context(no_reset_password=True)
    users = {}
    for login, group in [("bench_manager", "group_collection_manager")] + [
        ("bench_collector_%02d" % index, "group_collection_user") for index in range(COLLECTORS)
    ]:
        user = Users.search([("login", "=", login)])
        if not user:
            user = Users.create(
                {
                    "name": login,
                    "login": login,
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "group_ids": [(6, 0, [env.ref("base.group_user").id, env.ref("credit_collection.%s" % group).id])],
                }
            )
        users[login] = user
    return users


def lay_facts(cr, company_id, collector_ids, today):
    """Collectors, payer profiles, promises, disputes and calls over the bench customers, in SQL."""
    start = time.time()
    params = {
        "company": company_id,
        "collectors": collector_ids,
        "today": today,
        "ref": generate_ledger.PARTNER_REF_PREFIX,
    }
    for table in (
        "credit_collection_call",
        "credit_collection_promise",
        "credit_collection_dispute",
        "credit_collection_payer_profile",
    ):
        cr.execute("DELETE FROM %s WHERE company_id = %%(company)s" % table, params)
    customers = "SELECT id FROM res_partner WHERE ref LIKE %(ref)s || '%%' AND company_id = %(company)s"
    cr.execute(
        """UPDATE res_partner
              SET collection_user_id = jsonb_build_object(%%(company)s::text, (%%(collectors)s::int[])[mod(id, %s) + 1])
            WHERE id IN (%s)"""
        % (len(collector_ids), customers),
        params,
    )
    cr.execute(
        """INSERT INTO credit_collection_payer_profile (partner_id, company_id, late_probability, score, date)
           SELECT id, %%(company)s, mod(id * 7919, 1000) / 1000.0, 50, %%(today)s FROM (%s) c WHERE mod(id, 10) != 0"""
        % customers,
        params,
    )
    cr.execute(
        """INSERT INTO credit_collection_promise (partner_id, company_id, amount, promise_date, state, source,
                                                reconcile_watermark)
           SELECT id, %%(company)s, 500, %%(today)s::date + (mod(id, 7) - 3),
                  CASE WHEN mod(id, 7) < 3 AND mod(id, 2) = 0 THEN 'broken' ELSE 'open' END, 'backend', 0
             FROM (%s) c WHERE mod(id, 10) = 1"""
        % customers,
        params,
    )
    cr.execute(
        """INSERT INTO credit_collection_dispute (name, partner_id, company_id, reason, state, source, deadline)
           SELECT 'BENCH-D' || id, id, %%(company)s, 'other', 'open', 'backend', %%(today)s::date + (mod(id, 30) - 15)
             FROM (%s) c WHERE mod(id, 20) = 2"""
        % customers,
        params,
    )
    cr.execute(
        """INSERT INTO credit_collection_call (partner_id, company_id, user_id, outcome, date)
           SELECT id, %%(company)s, (%%(collectors)s::int[])[mod(id, %s) + 1], 'reached',
                  %%(today)s::timestamp + interval '10 hours' - mod(id, 5) * interval '1 day'
             FROM (%s) c WHERE mod(id, 5) = 3"""
        % (len(collector_ids), customers),
        params,
    )
    cr.commit()
    counts = {}
    for table in (
        "credit_collection_payer_profile",
        "credit_collection_promise",
        "credit_collection_dispute",
        "credit_collection_call",
    ):
        cr.execute("ANALYZE %s" % table)
        cr.execute("SELECT count(*) FROM %s WHERE company_id = %%(company)s" % table, params)
        counts[table] = cr.fetchone()[0]
    cr.execute("ANALYZE res_partner")
    print(
        "facts laid in %.1f s: %s" % (time.time() - start, ", ".join("%s %s" % item for item in counts.items())),
        flush=True,
    )


def benchmark(odoo, args):
    registry = odoo.modules.registry.Registry(args.db)
    figures = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_collection_run.banner("Ledger")
        info = generate_ledger.generate(env, args.customers, args.invoices, today=args.date, force=args.regenerate)
        company = env["res.company"].browse(info["company_id"])
        date = Date.today()  # the ranking's "today" is the reader's: the facts are laid around it
        users = ensure_users(env, company)
        cr.commit()
        collectors = [user.id for login, user in sorted(users.items()) if login != "bench_manager"]
        lay_facts(cr, company.id, collectors, date)
        print("company %s (id %s), date %s; %s" % (company.name, company.id, date, bench_collection_run.load()))

        bench_collection_run.banner("Today's work as of %s" % date)
        context = {"allowed_company_ids": [company.id], "tz": "UTC"}
        manager = env["credit.collection.worklist"].with_user(users["bench_manager"]).with_context(**context)
        collector = env["credit.collection.worklist"].with_user(users["bench_collector_00"]).with_context(**context)

        def page(model):
            model.env.invalidate_all()
            return model.search_fetch([], FIELDS, limit=PAGE), model.search_count([])

        lines, total = timed("manager: first page of %s lines + count" % PAGE, lambda: page(manager), figures)
        print(
            "  %s lines ranked; first: %s"
            % (
                total,
                ", ".join(
                    "%s %.2f (%s)" % (line.partner_id.name, line.priority, line.reasons or "-") for line in lines[:3]
                ),
            )
        )
        priorities = lines.mapped("priority")
        assert priorities == sorted(priorities, reverse=True), "the first page is not in order"
        own, own_total = timed("collector: first page of %s lines + count" % PAGE, lambda: page(collector), figures)
        assert set(own.mapped("user_id")) == {users["bench_collector_00"]}, "a collector saw another's customer"
        print("  %s lines for bench_collector_00" % own_total)
        every = timed("the whole ranking, every line (ids in order)", lambda: manager.search([]), figures)
        print("  %s lines" % len(every))

        bench_collection_run.banner("EXPLAIN of the manager's first page")
        query = manager._search([], limit=PAGE, order=manager._order)
        sql = query.select()
        cr.execute(odoo.tools.SQL("EXPLAIN (ANALYZE, BUFFERS) %s", sql))
        print("\n".join(row[0] for row in cr.fetchall()))
        cr.rollback()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", default=os.path.join(REPO, ".local", "odoo-bench.conf"))
    parser.add_argument(
        "--db", default="cc_bench_worklist", help="database, named cc_bench* (default cc_bench_worklist)"
    )
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument("--date", type=Date.fromisoformat, help="ledger date, ISO (default: the generated one)")
    parser.add_argument("--odoo-src")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if not args.db.startswith("cc_bench"):
        parser.error("benchmark databases are named cc_bench*")
    if not os.path.isfile(args.conf):
        parser.error("no configuration file %s: use tests/benchmarks/run_benchmark.sh --worklist" % args.conf)
    odoo = generate_ledger.import_odoo(args.conf, args.odoo_src)
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    bench_collection_run.ensure_database(odoo, args, "credit_collection_worklist")
    benchmark(odoo, args)


if __name__ == "__main__":
    sys.exit(main())
