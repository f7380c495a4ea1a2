"""Benchmark of the aged balance and the KPI set over a ledger of about 1,000,000 receivable lines.

    tests/benchmarks/run_benchmark.sh --kpi            # 600,000 invoices, 400,000 payments, 20,000 customers
    $VENV/bin/python tests/benchmarks/bench_kpi.py --conf .local/odoo-bench.conf --invoices 600000

Prepares the database (default ``cc_bench_kpi``, created like the collection-run benchmark's, with
credit_collection_kpi), generates
the invoices (generate_ledger.generate) and pays 2 in 3 of them (generate_ledger.add_payments: one
payment line each, one in ten paid by half), so the company has invoices + payments receivable lines.
Then times, three times each and prints the best and the median:

  - the aged balance as of the ledger date (open items only) and as of 90 days before (every
    reconciliation made since must be added back);
  - the aged-balance report refresh (the same query plus the insert of one row per customer);
  - each KPI of the last 30 days and the whole set (``credit.collection.kpi._compute``);
and the EXPLAIN (ANALYZE, BUFFERS) of the as-of-a-past-date aged balance. It prints figures, asserts
nothing but the totals' consistency.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date as Date
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import bench_collection_run  # noqa: E402
import generate_ledger  # noqa: E402

REPEAT = 3


def timed(label, function, figures):
    durations, result = [], None
    for _index in range(REPEAT):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    figures[label] = (min(durations), statistics.median(durations))
    print("%-48s best %7.3f s   median %7.3f s" % (label, *figures[label]), flush=True)
    return result


def receivable_lines(cr, company_id):
    cr.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE l.reconciled IS NOT TRUE)
          FROM account_move_line l JOIN account_account a ON a.id = l.account_id
         WHERE l.company_id = %s AND a.account_type = 'asset_receivable'
    """,
        [company_id],
    )
    return cr.fetchone()


def benchmark(odoo, args):
    registry = odoo.modules.registry.Registry(args.db)
    figures = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_collection_run.banner("Ledger")
        info = generate_ledger.generate(env, args.customers, args.invoices, today=args.date, force=args.regenerate)
        company = env["res.company"].browse(info["company_id"])
        date = args.date or generate_ledger.ledger_date(cr, company.id)
        payments = generate_ledger.add_payments(env, company, date)
        cr.commit()  # ANALYZE's locks would make the VACUUM below wait forever
        bench_collection_run.vacuum(odoo, args.db, ["account_move_line", "account_move", "account_partial_reconcile"])
        lines, open_lines = receivable_lines(cr, company.id)
        cr.execute("SELECT count(*) FROM account_partial_reconcile WHERE company_id = %s", [company.id])
        partials = cr.fetchone()[0]
        print(
            "company %s (id %s): %s receivable lines (%s open), %s invoices, %s payments, %s reconciliations, "
            "%s customers; date %s; %s"
            % (
                company.name,
                company.id,
                lines,
                open_lines,
                args.invoices,
                payments,
                partials,
                args.customers,
                date,
                bench_collection_run.load(),
            )
        )
        figures["receivable lines"] = lines
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        Kpi = env["credit.collection.kpi"]
        past = date - timedelta(days=90)

        bench_collection_run.banner("Aged balance")
        today_rows = timed("aged balance as of %s" % date, lambda: Kpi._aged_rows(date, company), figures)
        past_rows = timed(
            "aged balance as of %s (90 days before)" % past, lambda: Kpi._aged_rows(past, company), figures
        )
        total = sum(row["total"] for row in today_rows)
        print(
            "as of %s: %s customers, total %.2f; as of %s: %s customers, total %.2f"
            % (date, len(today_rows), total, past, len(past_rows), sum(row["total"] for row in past_rows))
        )
        cr.execute(
            """SELECT sum(l.amount_residual) FROM account_move_line l
                        JOIN account_account a ON a.id = l.account_id
                       WHERE l.company_id = %s AND a.account_type = 'asset_receivable'""",
            [company.id],
        )
        residual = cr.fetchone()[0]
        assert abs(float(residual) - total) < 0.01, "aged balance %s != open residual %s" % (total, residual)
        Aged = env["credit.collection.aged.balance"]
        timed("aged balance report refresh (rows stored)", lambda: Aged._refresh(date, company), figures)
        cr.rollback()

        bench_collection_run.banner("KPIs of the 30 days to %s" % date)
        # The parameters credit.collection.kpi._compute passes its parts (the day a reminder was sent is
        # taken in the company's time zone).
        params = {
            "company": company.id,
            "from": date - timedelta(days=29),
            "to": date,
            "tz": company.partner_id.tz or env.user.tz or "UTC",
        }
        timed("open totals at the end (receivables, not due)", lambda: Kpi._open_totals(date, company), figures)
        timed(
            "open totals at the start", lambda: Kpi._open_totals(params["from"] - timedelta(days=1), company), figures
        )
        timed("sales and contractual terms", lambda: Kpi._sales(params), figures)
        timed("average days to pay", lambda: Kpi._days_to_pay(params), figures)
        timed("recovery rate", lambda: Kpi._recovery(params, company.currency_id), figures)
        timed("litigation rate", lambda: Kpi._litigation(company, total), figures)
        timed("reminders by channel and level, cost", lambda: Kpi._reminders(params, company), figures)
        timed("promises kept", lambda: Kpi._promises(params), figures)
        timed("disputes by reason", lambda: Kpi._disputes(params), figures)
        for registration in Kpi._kpi_registrations():  # the add-ons' KPIs (provisions, transfers...)
            timed(
                registration["name"],
                lambda registration=registration: getattr(Kpi, registration["compute"])(company, params, {}),
                figures,
            )
        kpi = timed("the whole KPI set", lambda: Kpi._compute(company, params["from"], date), figures)
        print(
            "DSO %.1f, terms %.1f, best DSO %.1f, CEI %.1f %%, days to pay %.1f (%s invoices paid)"
            % (kpi["dso"], kpi["terms"], kpi["best_dso"], kpi["cei"], kpi["days_to_pay"], kpi["paid_count"])
        )

        bench_collection_run.banner("EXPLAIN of the aged balance as of %s" % past)
        accounts = Kpi._receivable_accounts(company)
        from odoo.addons.credit_collection.models.credit_collection_kpi import OPEN_AT_SQL

        cr.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + OPEN_AT_SQL + " SELECT COUNT(*), SUM(open_amount) FROM open_lines",
            {"date": past, "companies": [company.id], "receivable_accounts": accounts},
        )
        print("\n".join(row[0] for row in cr.fetchall()))
        cr.rollback()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", default=os.path.join(REPO, ".local", "odoo-bench.conf"))
    parser.add_argument("--db", default="cc_bench_kpi", help="database, named cc_bench* (default cc_bench_kpi)")
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument(
        "--invoices",
        type=int,
        default=600000,
        help="invoices; 2 in 3 get a payment: 600,000 make 1,000,000 receivable lines",
    )
    parser.add_argument("--date", type=Date.fromisoformat, help="ledger date, ISO (default: the generated one)")
    parser.add_argument("--odoo-src")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if not args.db.startswith("cc_bench"):
        parser.error("benchmark databases are named cc_bench*")
    if not os.path.isfile(args.conf):
        parser.error("no configuration file %s: use tests/benchmarks/run_benchmark.sh --kpi" % args.conf)
    odoo = generate_ledger.import_odoo(args.conf, args.odoo_src)
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    bench_collection_run.ensure_database(odoo, args, "credit_collection_kpi")
    benchmark(odoo, args)


if __name__ == "__main__":
    sys.exit(main())
