from datetime import timedelta

from odoo import api, models

BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
DSO_MIN_DAYS = 28  # the shortest sales window of the DSO: four weeks, so a month always uses its own
# The day a reminder went out, in the company's time zone: a reminder planned in a month and approved in
# the next counts in the next, so a month's figures do not change once it is over.
SENT_DAY = "COALESCE((a.sent_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date, a.date)"

# Open receivables of the companies as of %(date)s, in company currency, as rows (company, partner, due
# date, amount) to aggregate: what is open today on lines dated on or before the date, plus each
# reconciliation made after it (a partial's max_date is the later date of its two lines, so exactly
# one of them is dated on or before the date) added back to that line. Only open lines and later
# reconciliations are read: the cost follows the open ledger and the period, not the history.
OPEN_AT_SQL = """
    WITH open_lines AS (
        SELECT l.company_id, l.partner_id, COALESCE(l.date_maturity, l.date) AS due, l.amount_residual AS open_amount
          FROM account_move_line l
         WHERE l.account_id = ANY(%(receivable_accounts)s) AND l.reconciled IS NOT TRUE
           AND l.parent_state = 'posted' AND l.date <= %(date)s AND l.amount_residual != 0
        UNION ALL
        SELECT l.company_id, l.partner_id, COALESCE(l.date_maturity, l.date), pr.amount
          FROM account_partial_reconcile pr
          JOIN account_move_line l ON l.id = pr.debit_move_id
         WHERE pr.max_date > %(date)s AND pr.company_id = ANY(%(companies)s)
           AND l.date <= %(date)s AND l.account_id = ANY(%(receivable_accounts)s) AND l.parent_state = 'posted'
        UNION ALL
        SELECT l.company_id, l.partner_id, COALESCE(l.date_maturity, l.date), -pr.amount
          FROM account_partial_reconcile pr
          JOIN account_move_line l ON l.id = pr.credit_move_id
         WHERE pr.max_date > %(date)s AND pr.company_id = ANY(%(companies)s)
           AND l.date <= %(date)s AND l.account_id = ANY(%(receivable_accounts)s) AND l.parent_state = 'posted'
    )
"""


class CreditCollectionKpi(models.AbstractModel):
    """The collection KPIs computed from the ledger, set-based. Formulas: readme/USAGE.md."""

    _inherit = "credit.collection.kpi"

    @api.model
    def _aged_query(self, date, companies):
        """(SQL, params) of the aged balance as of ``date``: one row per company and commercial customer
        with the open amount in the five buckets, total, oldest days late, collector and segment (the
        customer's company-dependent values in that company)."""
        self.env.flush_all()
        query = (
            OPEN_AT_SQL
            + """
            , by_customer AS (
                SELECT o.company_id, p.commercial_partner_id AS partner_id,
                       COALESCE(SUM(o.open_amount) FILTER (WHERE o.due >= %(date)s), 0) AS not_due,
                       COALESCE(SUM(o.open_amount) FILTER (WHERE %(date)s - o.due BETWEEN 1 AND 30), 0) AS days_1_30,
                       COALESCE(SUM(o.open_amount) FILTER (WHERE %(date)s - o.due BETWEEN 31 AND 60), 0) AS days_31_60,
                       COALESCE(SUM(o.open_amount) FILTER (WHERE %(date)s - o.due BETWEEN 61 AND 90), 0) AS days_61_90,
                       COALESCE(SUM(o.open_amount) FILTER (WHERE %(date)s - o.due > 90), 0) AS days_over_90,
                       SUM(o.open_amount) AS total,
                       MAX(%(date)s - o.due) FILTER (WHERE o.open_amount > 0) AS max_days_late
                  FROM open_lines o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.open_amount != 0
              GROUP BY o.company_id, p.commercial_partner_id
            )
            SELECT b.*,
                   (cp.collection_user_id ->> b.company_id::text)::int AS collector_id,
                   {segment} AS segment
              FROM by_customer b
              JOIN res_partner cp ON cp.id = b.partner_id
        """.replace("{segment}", self.env["res.partner"]._collection_segment_sql("cp", "b.company_id"))
        )
        params = {
            "date": date,
            "companies": companies.ids,
            "receivable_accounts": self._receivable_accounts(companies),
            "lang": self.env.lang or "en_US",
        }
        return query, params

    @api.model
    def _aged_rows(self, date, companies):
        """The aged balance rows as dicts (see _aged_query)."""
        query, params = self._aged_query(date, companies)
        self._no_jit()
        self.env.cr.execute(query, params)
        return self.env.cr.dictfetchall()

    @api.model
    def _no_jit(self):
        # Compiling these one-shot aggregates costs more than it saves (~0.25 s on 1M lines).
        self.env.cr.execute("SET LOCAL jit = off")

    @api.model
    def _receivable_accounts(self, companies):
        # The account ids, not a join: the planner then uses Odoo's partial index on unreconciled lines.
        return (
            self.env["account.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_ids", "in", companies.ids), ("account_type", "=", "asset_receivable")])
            .ids
        )

    @api.model
    def _open_totals(self, date, company):
        """(total open receivables, not yet due part) of the company as of ``date``."""
        self.env.flush_all()
        self._no_jit()
        self.env.cr.execute(
            OPEN_AT_SQL
            + """
            SELECT COALESCE(SUM(open_amount), 0), COALESCE(SUM(open_amount) FILTER (WHERE due >= %(date)s), 0)
              FROM open_lines
        """,
            {"date": date, "companies": [company.id], "receivable_accounts": self._receivable_accounts(company)},
        )
        return self.env.cr.fetchone()

    # ------------------------------------------------------------------ the KPI set
    @api.model
    def _compute(self, company, date_from, date_to):
        """Every KPI of the company over [date_from, date_to] (amounts in company currency).

        A ratio whose inputs make no sense for the period (nothing sold, nothing paid or reminded, only
        credit notes...) is None, "not available": never a 0 that reads as a result, nor a negative DSO.
        """
        self.env.flush_all()
        self._no_jit()
        currency = company.currency_id
        days = (date_to - date_from).days + 1
        params = {
            "company": company.id,
            "from": date_from,
            "to": date_to,
            "tz": company.partner_id.tz or self.env.user.tz or "UTC",
        }
        values = {"company_id": company.id, "date_from": date_from, "date_to": date_to, "days": days}
        values.update(self._sales(params))
        values["receivables_open"] = self._open_totals(date_from - timedelta(days=1), company)[0]
        values["receivables"], values["receivables_not_due"] = self._open_totals(date_to, company)
        values["receivables_overdue"] = values["receivables"] - values["receivables_not_due"]
        values.update(self._dso(company, values, date_to))
        values["cei"] = self._cei(currency, values)
        values.update(self._days_to_pay(params))
        values.update(self._recovery(params, currency))
        values.update(self._litigation(company, values["receivables"]))
        values.update(self._reminders(params, company))
        values.update(self._promises(params))
        values.update(self._disputes(params))
        for registration in self._kpi_registrations():
            values[registration["name"]] = getattr(self, registration["compute"])(company, params, values)
        values["collection_cost_ratio"] = (
            values["collection_cost"] / values["recovered"] * 100.0
            if currency.compare_amounts(values["recovered"], 0) > 0
            else None
        )
        return values

    @api.model
    def _dso(self, company, values, date_to):
        """DSO, best possible DSO, contractual terms and average lateness at ``date_to``.

        They divide by the credit sales of at least DSO_MIN_DAYS days ending at ``date_to`` (the period
        when it is longer): a month to date of 3 days would divide by 3 days of sales, or by a credit note
        alone. Not available when those sales are not positive or what is owed is negative.
        """
        currency = company.currency_id
        window_from = min(values["date_from"], date_to - timedelta(days=DSO_MIN_DAYS - 1))
        window = (
            values
            if window_from == values["date_from"]
            else self._sales({"company": company.id, "from": window_from, "to": date_to})
        )
        days = (date_to - window_from).days + 1
        sales, terms = window["sales"], window["terms"]
        if currency.compare_amounts(sales, 0) <= 0:
            return {"terms": terms, "dso": None, "best_dso": None, "average_lateness": None}
        dso = values["receivables"] / sales * days
        best = values["receivables_not_due"] / sales * days
        return {
            "terms": terms,
            "dso": dso if dso >= 0 else None,
            "best_dso": best if best >= 0 else None,
            # Paying before the terms is not lateness: 0 days late, not a negative figure.
            "average_lateness": max(dso - terms, 0.0) if dso >= 0 and terms is not None else None,
        }

    @api.model
    def _cei(self, currency, values):
        """Collected ÷ collectible in %; not available when nothing was collectible or the ledger moved
        outside what the formula measures (a result out of 0-100 %)."""
        collected = values["receivables_open"] + values["sales"] - values["receivables"]
        collectible = values["receivables_open"] + values["sales"] - values["receivables_not_due"]
        if currency.compare_amounts(collectible, 0) <= 0:
            return None
        cei = collected / collectible * 100.0
        return cei if 0.0 <= round(cei, 6) <= 100.0 else None

    def _fetch(self, query, params):
        self.env.cr.execute(query, params)
        return self.env.cr.dictfetchone()

    @api.model
    def _sales(self, params):
        """Credit sales of the period (invoices minus credit notes, tax included) and the contractual
        terms: the sales-weighted average of due date minus invoice date of the period's invoices (None
        without invoices)."""
        row = self._fetch(
            """
            SELECT COALESCE(SUM(m.amount_total_signed), 0) AS sales,
                   SUM(m.amount_total_signed * (m.invoice_date_due - m.invoice_date))
                       FILTER (WHERE m.move_type = 'out_invoice')
                   / NULLIF(SUM(m.amount_total_signed) FILTER (WHERE m.move_type = 'out_invoice'), 0) AS terms
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date BETWEEN %(from)s AND %(to)s
        """,
            params,
        )
        return {"sales": float(row["sales"]), "terms": float(row["terms"]) if row["terms"] is not None else None}

    @api.model
    def _days_to_pay(self, params):
        """Invoices paid off in the period (their last reconciliation falls in it): amount-weighted
        average of days from invoice to payment, and of days late (0 when paid on time)."""
        row = self._fetch(
            """
            WITH touched AS (
                SELECT DISTINCT pr.debit_move_id AS line_id FROM account_partial_reconcile pr
                 WHERE pr.company_id = %(company)s AND pr.max_date BETWEEN %(from)s AND %(to)s
            ), paid_lines AS (
                SELECT l.move_id, MAX(pr.max_date) AS paid_date
                  FROM touched t
                  JOIN account_move_line l ON l.id = t.line_id AND l.reconciled
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
              GROUP BY l.move_id
            ), paid AS (
                SELECT m.id, m.amount_total_signed AS amount, m.invoice_date, m.invoice_date_due AS due,
                       pl.paid_date
                  FROM paid_lines pl
                  JOIN account_move m ON m.id = pl.move_id
                 WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                   AND m.payment_state IN ('paid', 'in_payment')
            )
            SELECT COUNT(*) AS paid_count, COALESCE(SUM(amount), 0) AS paid_amount,
                   COALESCE(SUM(amount * (paid_date - invoice_date)) / NULLIF(SUM(amount), 0), 0) AS days_to_pay,
                   COALESCE(SUM(amount * GREATEST(paid_date - due, 0)) / NULLIF(SUM(amount), 0), 0) AS days_late
              FROM paid WHERE paid_date BETWEEN %(from)s AND %(to)s
        """,
            params,
        )
        paid = row["paid_count"] > 0
        return {
            "paid_count": row["paid_count"],
            "paid_amount": float(row["paid_amount"]),
            "days_to_pay": float(row["days_to_pay"]) if paid else None,
            "days_late_paid": float(row["days_late"]) if paid else None,
        }

    @api.model
    def _recovery(self, params, currency):
        """Items whose first overdue reminder was sent in the period: what they owed then, and what
        was reconciled on them from that day to the end of the period."""
        row = self._fetch(
            """
            WITH first_reminder AS (
                SELECT DISTINCT ON (al.move_line_id) al.move_line_id, """
            + SENT_DAY
            + """ AS date,
                       al.amount_residual
                  FROM credit_collection_action_line al
                  JOIN credit_collection_action a ON a.id = al.action_id
                 WHERE a.company_id = %(company)s AND a.state = 'sent' AND al.days_late > 0
                   AND al.state != 'cancelled'
              ORDER BY al.move_line_id, 2, a.id
            ), cohort AS (
                SELECT * FROM first_reminder WHERE date BETWEEN %(from)s AND %(to)s
            ), recovered AS (
                SELECT c.move_line_id, SUM(pr.amount) AS amount
                  FROM cohort c
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = c.move_line_id
                 WHERE pr.max_date BETWEEN c.date AND %(to)s
              GROUP BY c.move_line_id
            )
            SELECT COUNT(*) AS reminded_count, COALESCE(SUM(c.amount_residual), 0) AS reminded_amount,
                   COALESCE(SUM(LEAST(r.amount, c.amount_residual)), 0) AS recovered
              FROM cohort c LEFT JOIN recovered r ON r.move_line_id = c.move_line_id
        """,
            params,
        )
        reminded = float(row["reminded_amount"])
        recovered = float(row["recovered"])
        return {
            "reminded_count": row["reminded_count"],
            "reminded_amount": reminded,
            "recovered": recovered,
            "recovery_rate": recovered / reminded * 100.0 if currency.compare_amounts(reminded, 0) > 0 else None,
        }

    @api.model
    def _litigation(self, company, receivables):
        """Open receivables of the customers whose open case is in litigation (today's stage)."""
        cases = (
            self.env["credit.collection.case"]
            .sudo()
            .search([("company_id", "=", company.id), ("stage", "=", "litigation")])
        )
        amount = sum(cases.mapped("amount_due"))
        open_cases = (
            self.env["credit.collection.case"]
            .sudo()
            .search_count([("company_id", "=", company.id), ("stage", "!=", "closed")])
        )
        positive = company.currency_id.compare_amounts(receivables, 0) > 0
        return {
            "litigation_count": len(cases),
            "litigation_amount": amount,
            "open_case_count": open_cases,
            "litigation_rate": amount / receivables * 100.0 if positive else None,
        }

    @api.model
    def _reminders(self, params, company):
        """Reminders sent in the period by channel and by level, and what they cost."""
        self.env.cr.execute(
            """
            SELECT a.channel, a.level_id, COUNT(*) FROM credit_collection_action a
             WHERE a.company_id = %(company)s AND a.state = 'sent'
               AND """
            + SENT_DAY
            + """ BETWEEN %(from)s AND %(to)s
          GROUP BY a.channel, a.level_id
        """,
            params,
        )
        by_channel, by_level = {}, {}
        for channel, level_id, count in self.env.cr.fetchall():
            by_channel[channel] = by_channel.get(channel, 0) + count
            by_level[level_id] = by_level.get(level_id, 0) + count
        unit_costs = company._collection_unit_costs()
        reminder_cost = sum(count * unit_costs.get(channel, 0.0) for channel, count in by_channel.items())
        third_party_fees = self._third_party_fees(params)
        return {
            "reminders_by_channel": by_channel,
            "reminders_by_level": by_level,
            "reminders_sent": sum(by_channel.values()),
            "reminder_cost": reminder_cost,
            "third_party_fees": third_party_fees,
            "collection_cost": reminder_cost + third_party_fees,
        }

    @api.model
    def _promises(self, params):
        row = self._fetch(
            """
            SELECT COUNT(*) FILTER (WHERE state = 'kept') AS kept, COUNT(*) FILTER (WHERE state = 'broken') AS broken
              FROM credit_collection_promise
             WHERE company_id = %(company)s AND promise_date BETWEEN %(from)s AND %(to)s
        """,
            params,
        )
        decided = row["kept"] + row["broken"]
        return {
            "promises_kept": row["kept"],
            "promises_broken": row["broken"],
            "promises_kept_rate": row["kept"] / decided * 100.0 if decided else None,
        }

    @api.model
    def _disputes(self, params):
        self.env.cr.execute(
            """
            SELECT reason, COUNT(*), COALESCE(SUM(amount_disputed), 0) FROM credit_collection_dispute
             WHERE company_id = %(company)s AND create_date::date BETWEEN %(from)s AND %(to)s
          GROUP BY reason
        """,
            params,
        )
        by_reason = {reason: (count, float(amount)) for reason, count, amount in self.env.cr.fetchall()}
        return {
            "disputes_by_reason": by_reason,
            "disputes_opened": sum(count for count, _a in by_reason.values()),
            "disputes_amount": sum(amount for _c, amount in by_reason.values()),
        }
