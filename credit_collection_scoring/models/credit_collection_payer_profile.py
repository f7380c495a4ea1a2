import math

from dateutil.relativedelta import relativedelta
from psycopg2.extras import execute_values

from odoo import api, fields, models, modules

GRADES = [("A", "A - excellent"), ("B", "B - good"), ("C", "C - average"), ("D", "D - poor"), ("E", "E - bad")]
# Lowest score of each grade, best first.
GRADE_FLOORS = (("A", 80.0), ("B", 65.0), ("C", 50.0), ("D", 35.0), ("E", 0.0))
TREND_MONTHS = 3  # the trend compares the last 3 months with the 3 before
# The best grade a payment behaviour allows, whatever the score: small delays cost few points, yet a
# customer who pays most invoices late, or whose next invoice is predicted late, is not a good payer.
# (above this share of invoices paid late / this late-payment probability, at best this grade)
LATE_SHARE_CEILINGS = ((0.60, "D"), (0.40, "C"), (0.20, "B"))
LATE_PROBABILITY_CEILINGS = ((0.75, "D"), (0.50, "C"))


def grade_of(score):
    return next(grade for grade, floor in GRADE_FLOORS if score >= floor)


def grade_ceiling(late_share, late_probability=None):
    """The best grade the share of invoices paid late and the predicted probability allow."""
    ceiling = "A"
    for value, ceilings in ((late_share, LATE_SHARE_CEILINGS), (late_probability, LATE_PROBABILITY_CEILINGS)):
        if value is None:
            continue
        grade = next((grade for threshold, grade in ceilings if value > threshold), "A")
        ceiling = max(ceiling, grade)  # letters sort from best to worst
    return ceiling


def capped_score(score, ceiling):
    """The score brought down into the range of ``ceiling`` when it is above: score and grade agree."""
    better_floors = [floor for grade, floor in GRADE_FLOORS if grade < ceiling]
    return min(score, round(min(better_floors) - 0.1, 1)) if better_floors else score


def payer_score(avg_days_late, late_share, overdue_ratio, trend, disputes, broken_promises):
    """0 (worst) to 100 (best): 100 minus a penalty per input, each capped.

    Weights: average lateness 30 (full at 60 days), share paid late 25, share of the open balance
    overdue 20, worsening trend 10 (full at +30 days), disputes 7.5 and broken promises 7.5 (full
    at 3 each over the history window).
    """
    penalty = (
        30.0 * min(max(avg_days_late, 0.0), 60.0) / 60.0
        + 25.0 * min(max(late_share, 0.0), 1.0)
        + 20.0 * min(max(overdue_ratio, 0.0), 1.0)
        + 10.0 * min(max(trend, 0.0), 30.0) / 30.0
        + 7.5 * min(disputes, 3) / 3.0
        + 7.5 * min(broken_promises, 3) / 3.0
    )
    return round(100.0 - penalty, 1)


class CreditCollectionPayerProfile(models.Model):
    """The payment behaviour of one customer in one company ("profil payeur").

    A model per (customer, company) rather than company-dependent fields on the partner: the daily
    recomputation writes thousands of rows in one statement, and the list, filters and groupings by
    grade are plain SQL on plain columns, where company-dependent values would be JSONB keyed by company.
    """

    _name = "credit.collection.payer.profile"
    _description = "Payer profile"
    _order = "score, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Collector", compute="_compute_user_id")
    score = fields.Float(digits=(5, 1), aggregator="avg", help="0 (worst) to 100 (best payer).")
    grade = fields.Selection(GRADES, index=True)
    invoice_count = fields.Integer(
        "Invoices assessed", help="Paid invoices, and open ones already past their due date, over the history."
    )
    avg_days_late = fields.Float(
        "Average days late",
        digits=(8, 1),
        aggregator="avg",
        help="Paid invoices: days between due date and payment (0 if early); open overdue invoices: days so far.",
    )
    late_share = fields.Float("Share paid late", digits=(5, 3), aggregator="avg")
    overdue_amount = fields.Monetary(currency_field="currency_id")
    open_amount = fields.Monetary("Open receivables", currency_field="currency_id")
    overdue_ratio = fields.Float("Overdue ratio", digits=(5, 3), help="Overdue part of the open receivables.")
    trend = fields.Float(
        "Trend (days)",
        digits=(8, 1),
        help="Average days late of the invoices due in the last 3 months minus that of the 3 months before: "
        "positive means the customer pays later than before.",
    )
    dispute_count = fields.Integer("Disputes")
    broken_promise_count = fields.Integer("Broken promises")
    late_probability = fields.Float(
        "Late payment probability",
        digits=(5, 3),
        help="Predicted probability that the customer's next invoice is paid after its due date.",
    )
    date = fields.Date("Computed on")

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)", "One payer profile per customer and company."
    )

    @api.depends("partner_id", "company_id")
    def _compute_user_id(self):
        for profile in self:
            profile.user_id = profile.partner_id.with_company(profile.company_id).collection_user_id

    # ------------------------------------------------------------------ computation
    @api.model
    def _cron_recompute(self):
        """Scheduled action: fit the prediction, then score every customer, company by company."""
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all  # every company: a handful of rows
        for company in companies:
            self.env["credit.collection.risk.model"]._fit_company(company)
            self._recompute_company(company)
            if not modules.module.current_test:  # one company per transaction
                self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _history_start(self, company, today):
        return today - relativedelta(months=company.collection_risk_history_months or 24)

    @api.model
    def _items_query(self):
        """SQL of one row per customer invoice of the company with its payment facts.

        ``paid_date`` is the date of the last reconciliation of a fully reconciled invoice (the day
        it was paid off); fully reversed invoices are left out, they were not paid.
        """
        return """
            SELECT m.id AS move_id, m.commercial_partner_id AS partner_id, m.invoice_date,
                   m.invoice_date_due AS due, m.amount_total_signed AS amount,
                   (m.invoice_date_due - m.invoice_date) AS term,
                   bool_and(l.reconciled) AS settled,
                   CASE WHEN bool_and(l.reconciled) THEN MAX(pr.max_date) END AS paid_date,
                   SUM(l.amount_residual) AS residual
              FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
         LEFT JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
             WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type = 'out_invoice'
               AND m.payment_state != 'reversed' AND m.invoice_date >= %(since)s
               AND m.invoice_date <= %(today)s AND m.invoice_date_due IS NOT NULL
          GROUP BY m.id
        """

    @api.model
    def _behaviour_rows(self, company, today):
        """Per customer: lateness figures over the history, and the features of its next invoice."""
        self.env.flush_all()
        recent = today - relativedelta(months=TREND_MONTHS)
        before = recent - relativedelta(months=TREND_MONTHS)
        self.env.cr.execute(
            """
            WITH items AS (%s), assessed AS (
                SELECT i.*,
                       CASE WHEN i.settled THEN GREATEST(i.paid_date - i.due, 0)
                            ELSE %%(today)s::date - i.due END AS days_late,
                       CASE WHEN i.settled THEN i.paid_date > i.due ELSE TRUE END AS late
                  FROM items i
                 WHERE i.settled OR i.due < %%(today)s
            )
            SELECT partner_id,
                   COUNT(*) AS invoice_count,
                   AVG(days_late) AS avg_days_late,
                   AVG(late::int) AS late_share,
                   AVG(days_late) FILTER (WHERE due >= %%(recent)s) AS recent_days,
                   AVG(days_late) FILTER (WHERE due >= %%(before)s AND due < %%(recent)s) AS previous_days,
                   COUNT(*) FILTER (WHERE settled) AS settled_count,
                   COUNT(*) FILTER (WHERE settled AND late) AS settled_late,
                   COALESCE(AVG(days_late) FILTER (WHERE settled), 0) AS settled_days,
                   COUNT(*) FILTER (WHERE NOT settled) AS overdue_count,
                   AVG(amount) AS avg_amount,
                   AVG(term) AS avg_term
              FROM assessed
          GROUP BY partner_id
        """
            % self._items_query(),
            {
                "company": company.id,
                "since": self._history_start(company, today),
                "today": today,
                "recent": recent,
                "before": before,
            },
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _open_balances(self, company, today):
        """{commercial partner: (open receivables, overdue part)} as of today, whatever their age."""
        self.env.cr.execute(
            """
            SELECT p.commercial_partner_id, SUM(l.amount_residual),
                   SUM(l.amount_residual) FILTER (WHERE l.date_maturity < %(today)s)
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.company_id = %(company)s AND l.parent_state = 'posted' AND l.reconciled IS NOT TRUE
          GROUP BY p.commercial_partner_id
        """,
            {"company": company.id, "today": today},
        )
        return {partner_id: (total or 0.0, overdue or 0.0) for partner_id, total, overdue in self.env.cr.fetchall()}

    @api.model
    def _incident_counts(self, company, since):
        """{commercial partner: (disputes, broken promises)} opened since the start of the history."""
        counts = {}
        disputes = (
            self.env["credit.collection.dispute"]
            .sudo()
            ._read_group([("company_id", "=", company.id), ("create_date", ">=", since)], ["partner_id"], ["__count"])
        )
        for partner, count in disputes:
            counts[partner.commercial_partner_id.id] = [count, 0]
        promises = (
            self.env["credit.collection.promise"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("state", "=", "broken"), ("promise_date", ">=", since)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner, count in promises:
            counts.setdefault(partner.commercial_partner_id.id, [0, 0])[1] += count
        return counts

    @api.model
    def _recompute_company(self, company, today=None):
        """Scores every customer with history in the company and stores the profiles in bulk."""
        today = today or fields.Date.context_today(self)
        rows = self._behaviour_rows(company, today)
        balances = self._open_balances(company, today)
        incidents = self._incident_counts(company, self._history_start(company, today))
        risk_model = self.env["credit.collection.risk.model"]._current(company)
        values = []
        for row in rows:
            partner_id = row["partner_id"]
            open_amount, overdue = balances.get(partner_id, (0.0, 0.0))
            ratio = overdue / open_amount if open_amount > 0 else 0.0
            trend = 0.0
            if row["recent_days"] is not None and row["previous_days"] is not None:
                trend = float(row["recent_days"]) - float(row["previous_days"])
            disputes, broken = incidents.get(partner_id, (0, 0))
            avg_days, late_share = float(row["avg_days_late"] or 0.0), float(row["late_share"] or 0.0)
            probability = None
            if risk_model:
                probability = risk_model._predict(
                    row["settled_count"],
                    row["settled_late"],
                    float(row["settled_days"]),
                    row["overdue_count"],
                    float(row["avg_amount"] or 0.0),
                    float(row["avg_term"] or 0.0),
                )
            score = capped_score(
                payer_score(avg_days, late_share, ratio, trend, disputes, broken),
                grade_ceiling(late_share, probability),
            )
            values.append(
                (
                    partner_id,
                    company.id,
                    score,
                    grade_of(score),
                    row["invoice_count"],
                    avg_days,
                    late_share,
                    overdue,
                    open_amount,
                    min(max(ratio, 0.0), 1.0),
                    trend,
                    disputes,
                    broken,
                    probability,
                    today,
                )
            )
        self._store(company, values)
        return len(values)

    @api.model
    def _store(self, company, values):
        """Upserts the profiles of the company in one statement and drops those without history."""
        cr = self.env.cr
        now, uid = fields.Datetime.now(), self.env.uid
        if values:
            execute_values(
                cr._obj,
                """
                INSERT INTO credit_collection_payer_profile
                    (partner_id, company_id, score, grade, invoice_count, avg_days_late, late_share,
                     overdue_amount, open_amount, overdue_ratio, trend, dispute_count, broken_promise_count,
                     late_probability, date, create_uid, create_date, write_uid, write_date)
                VALUES %s
                ON CONFLICT (partner_id, company_id) DO UPDATE SET
                    score = EXCLUDED.score, grade = EXCLUDED.grade, invoice_count = EXCLUDED.invoice_count,
                    avg_days_late = EXCLUDED.avg_days_late, late_share = EXCLUDED.late_share,
                    overdue_amount = EXCLUDED.overdue_amount, open_amount = EXCLUDED.open_amount,
                    overdue_ratio = EXCLUDED.overdue_ratio, trend = EXCLUDED.trend,
                    dispute_count = EXCLUDED.dispute_count, broken_promise_count = EXCLUDED.broken_promise_count,
                    late_probability = EXCLUDED.late_probability, date = EXCLUDED.date,
                    write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            """,
                [value + (uid, now, uid, now) for value in values],
                page_size=2000,
            )
        cr.execute(
            "DELETE FROM credit_collection_payer_profile WHERE company_id = %s AND NOT partner_id = ANY(%s)",
            [company.id, [value[0] for value in values]],
        )
        self.invalidate_model()

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "name": self.env._("Customer"),
        }


def late_features(prior_count, prior_late, prior_days, prior_overdue, amount, term_days):
    """Features of an invoice known on its invoice date (the same for training and prediction)."""
    return [
        math.log1p(prior_count),
        prior_late / prior_count if prior_count else 0.0,
        min(prior_days, 120.0) / 30.0,
        0.0 if prior_count else 1.0,
        math.log1p(prior_overdue),
        math.log1p(max(amount, 0.0)),
        term_days / 30.0,
    ]


FEATURE_NAMES = [
    "log(1 + invoices paid before)",
    "share of them paid late",
    "their average days late / 30",
    "no payment history",
    "log(1 + invoices overdue at invoice date)",
    "log(1 + amount)",
    "payment term / 30 days",
]
