"""Set-based generator of a large open receivable ledger for the credit_collection benchmarks.

Creates (or reuses) a benchmark company with a chart of accounts and a copy of the shipped
``l10n_fr_credit_collection.policy_france_b2b`` policy, then N customers and M posted customer invoices with
plain SQL (``generate_series``): one ``INSERT ... SELECT`` per table, no ORM call per record.

Every invoice has one receivable line (``payment_term``) and one income line (``product``), balanced,
fully open (``amount_residual`` = total), in the company currency (USD with generic_coa). Due dates are spread
from 10 days before to 200 days after the run date, so that every level of the policy gets items.

Usage, from Python with an Odoo environment::

    from generate_ledger import generate
    info = generate(env, customers=20000, invoices=200000)

or standalone::

    python tests/benchmarks/generate_ledger.py --conf .local/odoo-bench.conf --db cc_bench \
        --customers 20000 --invoices 200000
"""

import argparse
import configparser
import logging
import os
import sys
import time
from datetime import date as Date
from datetime import timedelta

_logger = logging.getLogger(__name__)

COMPANY_NAME = "CC Bench Company"
PARTNER_REF_PREFIX = "BENCH-"
MOVE_PREFIX = "BENCH/"
PAYMENT_PREFIX = "BENCHPAY/"
INCOME_LABEL = "Benchmark service"
MIN_DAYS_LATE, MAX_DAYS_LATE = -10, 200


def _log(message, *args):
    print("[generate] " + (message % args if args else message), flush=True)


# ---------------------------------------------------------------------------------------- setup
def ensure_company(env):
    """The benchmark company, its chart of accounts and its dunning policy (created once)."""
    company = env["res.company"].search([("name", "=", COMPANY_NAME)], limit=1)
    if not company:
        company = env["res.company"].create({"name": COMPANY_NAME})  # the chart template sets the currency
        _log("created company %s (id %s)", company.name, company.id)
    if not env["account.journal"].search_count([("company_id", "=", company.id), ("type", "=", "sale")]):
        templates = env["account.chart.template"]._get_chart_template_mapping()
        template = "generic_coa" if "generic_coa" in templates else ("fr" if "fr" in templates else None)
        start = time.time()
        env["account.chart.template"].try_loading(template, company, install_demo=False)
        _log("loaded chart template %s in %.1fs", template, time.time() - start)
    if not company.collection_policy_id or company.collection_policy_id.company_id != company:
        shipped = env.ref("l10n_fr_credit_collection.policy_france_b2b")
        policy = shipped.copy({"company_id": company.id, "name": "%s (benchmark)" % shipped.name})
        company.collection_policy_id = policy
        _log(
            "policy %s: levels %s",
            policy.name,
            ", ".join("%s@%sd" % (level.name, level.delay_days) for level in policy._levels_by_delay()),
        )
    env.flush_all()
    return company


def _accounts(env, company):
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], order="sequence, id", limit=1
    )
    Account = env["account.account"].with_company(company)
    receivable = Account.search(
        [*Account._check_company_domain(company), ("account_type", "=", "asset_receivable")], order="code", limit=1
    )
    income = journal.default_account_id or Account.search(
        [*Account._check_company_domain(company), ("account_type", "=", "income")], order="code", limit=1
    )
    assert journal and receivable and income, "the chart of accounts of %s is incomplete" % company.name
    return journal, receivable, income


# ---------------------------------------------------------------------------------------- state
def counts(cr, company_id):
    cr.execute(
        "SELECT count(*) FROM res_partner WHERE company_id = %s AND ref LIKE %s", [company_id, PARTNER_REF_PREFIX + "%"]
    )
    partners = cr.fetchone()[0]
    cr.execute(
        """SELECT count(*) FROM account_move
                   WHERE company_id = %s AND move_type = 'out_invoice' AND name LIKE %s""",
        [company_id, MOVE_PREFIX + "%"],
    )
    moves = cr.fetchone()[0]
    return partners, moves


def ledger_date(cr, company_id):
    """The date the ledger was generated for: its oldest due date is MAX_DAYS_LATE days before it."""
    cr.execute(
        """SELECT min(invoice_date_due) FROM account_move
                   WHERE company_id = %s AND move_type = 'out_invoice' AND name LIKE %s""",
        [company_id, MOVE_PREFIX + "%"],
    )
    oldest = cr.fetchone()[0]
    return oldest + timedelta(days=MAX_DAYS_LATE) if oldest else Date.today()


def reset_collection(cr, company_id):
    """Forgets every collection run of the company: the benchmark restarts from a clean ledger."""
    cr.execute("SELECT id FROM credit_collection_run WHERE company_id = %s", [company_id])
    run_ids = tuple(row[0] for row in cr.fetchall())
    cr.execute("DELETE FROM credit_collection_action_line WHERE company_id = %s", [company_id])
    cr.execute("DELETE FROM credit_collection_action WHERE company_id = %s", [company_id])
    if run_ids:
        cr.execute("DELETE FROM mail_followers WHERE res_model = 'credit.collection.run' AND res_id IN %s", [run_ids])
        cr.execute("DELETE FROM mail_message WHERE model = 'credit.collection.run' AND res_id IN %s", [run_ids])
        cr.execute("DELETE FROM credit_collection_run WHERE id IN %s", [run_ids])  # messages cascade
    return len(run_ids)


def _skip_foreign_keys(cr):
    """Skips the foreign-key triggers for the rest of the transaction, when allowed (superuser).

    The generated rows reference existing records by construction, and nothing but them and the
    collection records (deleted first) references them: checking ~100 referencing tables per row is what
    makes inserting and deleting slow (inserting 30,000 invoices: 13.0s with the checks, 3.7s without).
    """
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        cr.execute("SET LOCAL session_replication_role = replica")
        return True
    return False


def delete_ledger(cr, company_id):
    reset_collection(cr, company_id)  # with the foreign keys: their cascades clean the collection records
    _skip_foreign_keys(cr)
    cr.execute("""DELETE FROM account_partial_reconcile WHERE company_id = %s""", [company_id])
    for prefix in (MOVE_PREFIX, PAYMENT_PREFIX):
        cr.execute(
            """DELETE FROM account_move_line WHERE move_id IN (
                          SELECT id FROM account_move WHERE company_id = %s AND name LIKE %s)""",
            [company_id, prefix + "%"],
        )
        cr.execute("DELETE FROM account_move WHERE company_id = %s AND name LIKE %s", [company_id, prefix + "%"])
    cr.execute("DELETE FROM res_partner WHERE company_id = %s AND ref LIKE %s", [company_id, PARTNER_REF_PREFIX + "%"])


# ---------------------------------------------------------------------------------------- inserts
def _insert_partners(cr, company, count):
    cr.execute(
        """
        WITH new AS (SELECT nextval('res_partner_id_seq') AS id, g FROM generate_series(1, %(n)s) g)
        INSERT INTO res_partner (
            id, name, complete_name, commercial_partner_id, commercial_company_name, ref, company_id,
            type, active, is_company, collection_customer_type, partner_share, customer_rank, supplier_rank, lang,
            email,
            email_normalized, autopost_bills, color, message_bounce, create_uid, write_uid, create_date, write_date)
        SELECT id, 'Bench customer ' || lpad(g::text, 6, '0'), 'Bench customer ' || lpad(g::text, 6, '0'),
               id, 'Bench customer ' || lpad(g::text, 6, '0'), %(ref)s || lpad(g::text, 6, '0'), %(company)s,
               'contact', TRUE, TRUE, 'professional', TRUE, 1, 0, 'en_US', 'ap' || g || '@bench.example',
               'ap' || g || '@bench.example', 'ask', 0, 0, 1, 1, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM new
    """,
        {"n": count, "ref": PARTNER_REF_PREFIX, "company": company.id},
    )


def _insert_moves(cr, company, journal, receivable, income, count, today):
    """Invoices and their two lines, from a temporary table of generated values."""
    params = {
        "n": count,
        "company": company.id,
        "journal": journal.id,
        "currency": company.currency_id.id,
        "receivable": receivable.id,
        "income": income.id,
        "prefix": MOVE_PREFIX,
        "today": today,
        "ref": PARTNER_REF_PREFIX,
        "label": INCOME_LABEL,
        "min_late": MIN_DAYS_LATE,
        "span": MAX_DAYS_LATE - MIN_DAYS_LATE + 1,
    }
    cr.execute(
        """
        CREATE TEMP TABLE bench_partner ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY id)) - 1 AS rn, id
          FROM res_partner WHERE company_id = %(company)s AND ref LIKE %(ref)s || '%%'
    """,
        params,
    )
    cr.execute("SELECT count(*) FROM bench_partner")
    partners = cr.fetchone()[0]
    assert partners, "no benchmark customer"
    params["partners"] = partners
    # Deterministic pseudo-random spread: due date from -10 to +200 days late, amounts 50.00 to 5049.99.
    cr.execute(
        """
        CREATE TEMP TABLE bench_move ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS id, g,
               %(prefix)s || extract(year FROM %(today)s::date)::int || '/' || lpad(g::text, 6, '0') AS name,
               p.id AS partner_id,
               %(today)s::date - (%(min_late)s + (g * 7919) %% %(span)s)::int AS date_due,
               round(50 + ((g * 104729) %% 500000) / 100.0, 2)::numeric AS amount
          FROM generate_series(1::bigint, %(n)s::bigint) g
          JOIN bench_partner p ON p.rn = (g * 7) %% %(partners)s  -- 7 is prime to N: M/N invoices each
    """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move (
            id, name, sequence_prefix, sequence_number, journal_id, company_id, currency_id,
            partner_id, commercial_partner_id, partner_shipping_id, state, move_type, auto_post,
            payment_reference, payment_state, invoice_partner_display_name, date, invoice_date,
            invoice_date_due, amount_untaxed, amount_tax, amount_total, amount_residual, amount_untaxed_signed,
            amount_tax_signed, amount_total_signed, amount_total_in_currency_signed, amount_residual_signed,
            always_tax_exigible, posted_before, is_move_sent, checked,
            create_uid, write_uid, create_date, write_date)
        SELECT b.id, b.name, %(prefix)s || extract(year FROM %(today)s::date)::int || '/', b.g,
               %(journal)s, %(company)s, %(currency)s, b.partner_id, b.partner_id, b.partner_id,
               'posted', 'out_invoice', 'no', b.name, 'not_paid', 'Bench customer', b.date_due - 30,
               b.date_due - 30, b.date_due, b.amount, 0, b.amount, b.amount, b.amount, 0, b.amount,
               b.amount, b.amount, FALSE, TRUE, FALSE, TRUE, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_move b
    """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move_line (
            move_id, move_name, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, display_type, sequence, name, date, invoice_date, date_maturity,
            parent_state, debit, credit, balance, amount_currency, amount_residual, amount_residual_currency,
            reconciled, no_followup, quantity, price_unit, price_subtotal, price_total, discount, is_storno,
            create_uid, write_uid, create_date, write_date)
        SELECT b.id, b.name, %(journal)s, %(company)s, %(currency)s, %(currency)s, %(receivable)s,
               b.partner_id, 'payment_term', 10, b.name, b.date_due - 30, b.date_due - 30,
               b.date_due, 'posted', b.amount, 0, b.amount, b.amount, b.amount, b.amount,
               FALSE, FALSE, 1, 0, 0, 0, 0, FALSE, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_move b
         UNION ALL
        SELECT b.id, b.name, %(journal)s, %(company)s, %(currency)s, %(currency)s, %(income)s,
               b.partner_id, 'product', 100, %(label)s, b.date_due - 30, b.date_due - 30,
               NULL, 'posted', 0, b.amount, -b.amount, -b.amount, 0, 0,
               FALSE, FALSE, 1, b.amount, b.amount, b.amount, 0, FALSE, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_move b
    """,
        params,
    )
    cr.execute("DROP TABLE bench_move; DROP TABLE bench_partner")


def _insert_payments(cr, company, today, share_mod=3):
    """Pays the invoices whose id is not a multiple of ``share_mod`` (2 in 3 by default): one payment
    entry each (bank debit, receivable credit) dated from 15 days before to 55 days after the due date
    (never after ``today``), in full, or half for one invoice in ten; partial reconciliations, residuals
    and payment states updated like Odoo's reconciliation leaves them (no full-reconcile records)."""
    cr.execute(
        """
        SELECT j.id, j.default_account_id FROM account_journal j
         WHERE j.company_id = %s AND j.type = 'bank' ORDER BY j.sequence, j.id LIMIT 1
    """,
        [company.id],
    )
    journal_id, bank_account_id = cr.fetchone()
    params = {
        "company": company.id,
        "journal": journal_id,
        "bank": bank_account_id,
        "today": today,
        "currency": company.currency_id.id,
        "prefix": MOVE_PREFIX,
        "pay_prefix": PAYMENT_PREFIX,
        "mod": share_mod,
    }
    cr.execute(
        """
        CREATE TEMP TABLE bench_payment ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS id, nextval('account_move_line_id_seq') AS line_id,
               m.id AS invoice_id, l.id AS invoice_line_id, l.account_id, m.partner_id,
               %(pay_prefix)s || m.id AS name, m.amount_total AS invoice_amount,
               CASE WHEN m.id %% 10 = 0 THEN round(m.amount_total / 2, 2) ELSE m.amount_total END AS amount,
               LEAST(%(today)s::date, GREATEST(m.invoice_date,
                     m.invoice_date_due + ((m.id * 13) %% 71)::int - 15)) AS date
          FROM account_move m
          JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'payment_term'
         WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice' AND m.name LIKE %(prefix)s || '%%'
           AND m.id %% %(mod)s != 0
    """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move (
            id, name, sequence_prefix, sequence_number, journal_id, company_id, currency_id, partner_id,
            commercial_partner_id, state, move_type, auto_post, payment_state, date, amount_untaxed, amount_tax,
            amount_total, amount_residual, amount_untaxed_signed, amount_tax_signed, amount_total_signed,
            amount_total_in_currency_signed, amount_residual_signed, always_tax_exigible,
            posted_before, is_move_sent, checked, create_uid, write_uid, create_date, write_date)
        SELECT p.id, p.name, %(pay_prefix)s, p.invoice_id, %(journal)s, %(company)s, %(currency)s, p.partner_id,
               p.partner_id, 'posted', 'entry', 'no', 'not_paid', p.date, 0, 0, p.amount, 0, 0, 0, p.amount,
               p.amount, 0, FALSE, TRUE, FALSE, TRUE, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_payment p
    """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move_line (
            id, move_id, move_name, journal_id, company_id, company_currency_id, currency_id, account_id,
            partner_id, display_type, sequence, name, date, date_maturity, parent_state, debit, credit, balance,
            amount_currency, amount_residual, amount_residual_currency, reconciled, no_followup, quantity,
            is_storno, create_uid, write_uid, create_date, write_date)
        SELECT p.line_id, p.id, p.name, %(journal)s, %(company)s, %(currency)s, %(currency)s, p.account_id,
               p.partner_id, 'product', 10, 'Payment', p.date, p.date, 'posted', 0, p.amount, -p.amount,
               -p.amount, 0, 0, TRUE, FALSE, 1, FALSE, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_payment p
         UNION ALL
        SELECT nextval('account_move_line_id_seq'), p.id, p.name, %(journal)s, %(company)s, %(currency)s,
               %(currency)s, %(bank)s, p.partner_id, 'product', 20, 'Payment', p.date, p.date, 'posted', p.amount, 0,
               p.amount, p.amount, 0, 0, FALSE, FALSE, 1, FALSE, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_payment p
    """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_partial_reconcile (
            debit_move_id, credit_move_id, amount, debit_amount_currency, credit_amount_currency, company_id,
            debit_currency_id, credit_currency_id, max_date, create_uid, write_uid, create_date, write_date)
        SELECT p.invoice_line_id, p.line_id, p.amount, p.amount, p.amount, %(company)s, %(currency)s,
               %(currency)s, p.date, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_payment p
    """,
        params,
    )
    cr.execute("""
        UPDATE account_move_line l
           SET amount_residual = p.invoice_amount - p.amount, amount_residual_currency = p.invoice_amount - p.amount,
               reconciled = p.amount = p.invoice_amount
          FROM bench_payment p WHERE l.id = p.invoice_line_id
    """)
    cr.execute("""
        UPDATE account_move m
           SET amount_residual = p.invoice_amount - p.amount, amount_residual_signed = p.invoice_amount - p.amount,
               payment_state = CASE WHEN p.amount = p.invoice_amount THEN 'paid' ELSE 'partial' END
          FROM bench_payment p WHERE m.id = p.invoice_id
    """)
    cr.execute("SELECT count(*) FROM bench_payment")
    count = cr.fetchone()[0]
    cr.execute("DROP TABLE bench_payment")
    return count


def payment_count(cr, company_id):
    cr.execute(
        "SELECT count(*) FROM account_move WHERE company_id = %s AND move_type = 'entry' AND name LIKE %s",
        [company_id, PAYMENT_PREFIX + "%"],
    )
    return cr.fetchone()[0]


def add_payments(env, company, today):
    """Pays 2 invoices in 3 of the generated ledger, once (see _insert_payments); commits."""
    cr = env.cr
    existing = payment_count(cr, company.id)
    if existing:
        _log("reusing %s payments", existing)
        return existing
    start = time.time()
    _skip_foreign_keys(cr)
    count = _insert_payments(cr, company, today)
    cr.commit()
    for table in ("account_move", "account_move_line", "account_partial_reconcile"):
        cr.execute("ANALYZE %s" % table)
    cr.commit()
    env.invalidate_all()
    _log("inserted %s payments, their lines and reconciliations in %.1fs", count, time.time() - start)
    return count


# ---------------------------------------------------------------------------------------- entry point
def import_odoo(conf, src=None):
    """Imports odoo: from ``src``, $ODOO_SRC_DIR, or the Odoo tree the configuration's addons_path names."""
    try:
        import odoo.api  # noqa: F401, E401
        import odoo.init  # noqa: F401 - already importable (Odoo 19: odoo is a namespace, odoo.init sets it up)
        import odoo.modules.registry
        import odoo.sql_db
        import odoo.tools

        return sys.modules["odoo"]
    except ImportError:
        pass
    candidates = [src, os.environ.get("ODOO_SRC_DIR"), os.environ.get("ODOO_SRC")]
    parser = configparser.ConfigParser()
    parser.read(conf)
    for path in parser.get("options", "addons_path", fallback="").split(","):
        path = os.path.normpath(path.strip())
        if path.endswith(os.path.join("odoo", "addons")):
            candidates.append(os.path.dirname(os.path.dirname(path)))
        elif os.path.basename(path) == "addons":
            candidates.append(os.path.dirname(path))
    for candidate in filter(None, candidates):
        if os.path.isfile(os.path.join(candidate, "odoo-bin")):
            sys.path.insert(0, candidate)
            import odoo.api  # noqa: F401, E401
            import odoo.init  # noqa: F401

            return sys.modules["odoo"]
    raise SystemExit("cannot import odoo: pass --odoo-src or set ODOO_SRC_DIR")


def odoo_bin(odoo):
    """The odoo-bin of the imported Odoo: found from odoo.release, since odoo has no __file__ in 19.0."""
    import odoo.release  # noqa: F401

    return os.path.join(os.path.dirname(os.path.dirname(odoo.release.__file__)), "odoo-bin")


def generate(env, customers, invoices, today=None, force=False):
    """Makes sure the benchmark company has ``customers`` customers and ``invoices`` open invoices.

    Reuses them when they are already there (unless ``force``); commits. Returns a dict of figures.
    """
    today = today or Date.today()
    cr = env.cr
    company = ensure_company(env)
    cr.commit()
    partners, moves = counts(cr, company.id)
    info = {
        "company_id": company.id,
        "company": company.name,
        "policy_id": company.collection_policy_id.id,
        "customers": customers,
        "invoices": invoices,
        "reused": False,
        "seconds": 0.0,
    }
    if not force and partners == customers and moves == invoices:
        _log("reusing %s customers and %s invoices of %s (id %s)", partners, moves, company.name, company.id)
        info["reused"] = True
        return info
    start = time.time()
    if partners or moves:
        _log("deleting the previous ledger (%s customers, %s invoices)", partners, moves)
        delete_ledger(cr, company.id)
        _log("deleted in %.1fs", time.time() - start)
    journal, receivable, income = _accounts(env, company)
    _skip_foreign_keys(cr)
    step = time.time()
    _insert_partners(cr, company, customers)
    _log("inserted %s customers in %.1fs", customers, time.time() - step)
    step = time.time()
    _insert_moves(cr, company, journal, receivable, income, invoices, today)
    _log("inserted %s invoices and %s lines in %.1fs", invoices, 2 * invoices, time.time() - step)
    cr.commit()
    step = time.time()
    for table in ("res_partner", "account_move", "account_move_line"):
        cr.execute("ANALYZE %s" % table)
    _log("analyzed in %.1fs", time.time() - step)
    env.invalidate_all()
    env.registry.clear_cache()
    info["seconds"] = time.time() - start
    _log("ledger ready in %.1fs", info["seconds"])
    check(cr, company.id)
    return info


def check(cr, company_id):
    """Every generated invoice is balanced and has exactly one open receivable line."""
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE s.balance <> 0 OR s.receivables <> 1 OR s.residual <> m.amount_residual)
          FROM account_move m
          JOIN (SELECT l.move_id, sum(l.balance) AS balance,
                       count(*) FILTER (WHERE a.account_type = 'asset_receivable') AS receivables,
                       sum(l.amount_residual) FILTER (WHERE a.account_type = 'asset_receivable') AS residual
                  FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                 WHERE l.company_id = %s GROUP BY l.move_id) s ON s.move_id = m.id
         WHERE m.company_id = %s AND m.name LIKE %s
    """,
        [company_id, company_id, MOVE_PREFIX + "%"],
    )
    bad = cr.fetchone()[0]
    assert not bad, "%s generated invoices are unbalanced or lack their receivable line" % bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True, help="odoo configuration file")
    parser.add_argument("--db", default="cc_bench")
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument("--force", action="store_true", help="regenerate even if the ledger is there")
    parser.add_argument("--odoo-src", help="Odoo 19.0 source tree (default: from the configuration)")
    args = parser.parse_args()
    assert args.db.startswith("cc_bench"), "benchmark databases are named cc_bench*"
    odoo = import_odoo(args.conf, args.odoo_src)
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        print(generate(env, args.customers, args.invoices, force=args.force))


if __name__ == "__main__":
    main()
