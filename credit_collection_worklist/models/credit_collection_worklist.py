from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

# One row per customer and company with an overdue balance, ranked by ``priority``: the open overdue
# amount x the late-payment probability of the payer profile, raised and lowered by the company's weights.
# "Today" is the reader's day, in their time zone (a collector in Paris at 00:30 works the new day).
WORKLIST_QUERY = """
WITH overdue AS (
    SELECT MIN(l.id) AS id, l.company_id, p.commercial_partner_id AS partner_id,
           SUM(l.amount_residual) AS amount_overdue, MIN(l.date_maturity) AS oldest_due_date
      FROM account_move_line l
      JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
      JOIN res_partner p ON p.id = l.partner_id
     WHERE l.parent_state = 'posted' AND l.reconciled IS NOT TRUE AND l.date_maturity < %(today)s::date
  GROUP BY l.company_id, p.commercial_partner_id
    HAVING SUM(l.amount_residual) > 0
), promises AS (
    SELECT pr.partner_id, pr.company_id,
           bool_or(pr.state = 'open' AND pr.promise_date <= %(today)s::date) AS promise_due,
           bool_or(pr.state = 'open' AND pr.promise_date > %(today)s::date) AS promise_pending,
           bool_or(pr.state = 'broken'
                   AND pr.promise_date >= %(today)s::date - c.collection_worklist_recent_days) AS broken_promise
      FROM credit_collection_promise pr
      JOIN res_company c ON c.id = pr.company_id
     WHERE pr.state IN ('open', 'broken')
  GROUP BY pr.partner_id, pr.company_id
), instalments AS (
    SELECT plan.partner_id, plan.company_id
      FROM credit_collection_payment_plan_line line
      JOIN credit_collection_payment_plan plan ON plan.id = line.plan_id
      JOIN res_company c ON c.id = plan.company_id
     WHERE plan.state IN ('running', 'broken')
       AND (line.state = 'missed' OR (line.state = 'to_pay' AND line.date + plan.grace_days < %(today)s::date))
       AND line.date >= %(today)s::date - c.collection_worklist_recent_days
  GROUP BY plan.partner_id, plan.company_id
), disputes AS (
    SELECT partner_id, company_id,
           bool_or(deadline < %(today)s::date) AS dispute_overdue,
           bool_or(deadline IS NULL OR deadline >= %(today)s::date) AS dispute_open
      FROM credit_collection_dispute
     WHERE state = 'open'
  GROUP BY partner_id, company_id
), insolvencies AS (
    SELECT partner_id, company_id FROM credit_collection_insolvency WHERE state = 'open' GROUP BY partner_id, company_id
), contacts AS (
    SELECT partner_id, company_id, MAX(day) AS last_contact_date
      FROM (SELECT partner_id, company_id, (date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day
              FROM credit_collection_call
            UNION ALL
            SELECT partner_id, company_id, COALESCE((sent_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date, date)
              FROM credit_collection_action WHERE state = 'sent') AS contact
  GROUP BY partner_id, company_id
), facts AS (
    SELECT o.id, o.partner_id, o.company_id, o.amount_overdue, o.oldest_due_date,
           NULLIF(p.collection_user_id ->> o.company_id::text, '')::int AS user_id,
           (SELECT cs.id FROM credit_collection_case cs
             WHERE cs.partner_id = o.partner_id AND cs.company_id = o.company_id
               AND cs.stage != 'closed' AND cs.active
          ORDER BY cs.id LIMIT 1) AS case_id,
           profile.late_probability IS NOT NULL AS scored,
           COALESCE(profile.late_probability, c.collection_worklist_default_probability) AS late_probability,
           COALESCE(pr.promise_due, FALSE) AS promise_due,
           COALESCE(pr.promise_pending, FALSE) AS promise_pending,
           COALESCE(pr.broken_promise, FALSE) AS broken_promise,
           i.partner_id IS NOT NULL AS missed_instalment,
           COALESCE(d.dispute_overdue, FALSE) AS dispute_overdue,
           COALESCE(d.dispute_open, FALSE) AS dispute_open,
           COALESCE(p.collection_blocked, FALSE) AS blocked,
           ins.partner_id IS NOT NULL AS insolvency,
           ct.last_contact_date,
           COALESCE(ct.last_contact_date > %(today)s::date - c.collection_worklist_contact_days, FALSE)
               AS recently_contacted,
           c.collection_worklist_promise_due_weight AS w_promise_due,
           c.collection_worklist_broken_promise_weight AS w_broken_promise,
           c.collection_worklist_missed_instalment_weight AS w_missed_instalment,
           c.collection_worklist_dispute_overdue_weight AS w_dispute_overdue,
           c.collection_worklist_hold_factor AS hold_factor,
           c.collection_worklist_contacted_factor AS contacted_factor
      FROM overdue o
      JOIN res_partner p ON p.id = o.partner_id
      JOIN res_company c ON c.id = o.company_id
 LEFT JOIN credit_collection_payer_profile profile
        ON profile.partner_id = o.partner_id AND profile.company_id = o.company_id
 LEFT JOIN promises pr ON pr.partner_id = o.partner_id AND pr.company_id = o.company_id
 LEFT JOIN instalments i ON i.partner_id = o.partner_id AND i.company_id = o.company_id
 LEFT JOIN disputes d ON d.partner_id = o.partner_id AND d.company_id = o.company_id
 LEFT JOIN insolvencies ins ON ins.partner_id = o.partner_id AND ins.company_id = o.company_id
 LEFT JOIN contacts ct ON ct.partner_id = o.partner_id AND ct.company_id = o.company_id
), ranked AS (
    SELECT f.*,
           f.amount_overdue * f.late_probability AS expected_recovery,
           (f.blocked OR f.dispute_open OR f.insolvency OR f.promise_pending) AS on_hold,
           1.0 + CASE WHEN f.promise_due THEN f.w_promise_due ELSE 0 END
               + CASE WHEN f.broken_promise THEN f.w_broken_promise ELSE 0 END
               + CASE WHEN f.missed_instalment THEN f.w_missed_instalment ELSE 0 END
               + CASE WHEN f.dispute_overdue THEN f.w_dispute_overdue ELSE 0 END AS raise_factor
      FROM facts f
)
SELECT id, partner_id, company_id, user_id, case_id, amount_overdue, oldest_due_date,
       (%(today)s::date - oldest_due_date) AS days_late, scored, late_probability, expected_recovery,
       promise_due, promise_pending, broken_promise, missed_instalment, dispute_overdue, dispute_open,
       blocked, insolvency, on_hold, last_contact_date, recently_contacted,
       ROUND((expected_recovery * raise_factor
              * CASE WHEN on_hold THEN hold_factor ELSE 1 END
              * CASE WHEN recently_contacted THEN contacted_factor ELSE 1 END)::numeric, 2) AS priority
  FROM ranked
"""


# The facts shown as the line's reasons, those that raise it first.
REASON_FLAGS = (
    "promise_due",
    "broken_promise",
    "missed_instalment",
    "dispute_overdue",
    "blocked",
    "dispute_open",
    "insolvency",
    "promise_pending",
)


class CreditCollectionWorklist(models.Model):
    """Today's work: each customer with an overdue balance, ranked by what acting today should recover.

    A query model (``_table_query``): the ranking is one query over the ledger, the payer profiles and the
    engine's promises, plans, disputes, proceedings, reminders and calls; nothing is stored that could go stale.
    """

    _name = "credit.collection.worklist"
    _description = "Today's work"
    _auto = False
    _order = "priority desc, amount_overdue desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    case_id = fields.Many2one("credit.collection.case", "Case", readonly=True)
    phone = fields.Char(related="partner_id.phone")
    amount_overdue = fields.Monetary("Overdue", currency_field="currency_id", readonly=True)
    oldest_due_date = fields.Date("Oldest due date", readonly=True)
    days_late = fields.Integer(readonly=True)
    scored = fields.Boolean("Payer profile", readonly=True)
    late_probability = fields.Float("Late payment probability", digits=(5, 3), readonly=True)
    expected_recovery = fields.Monetary(
        "Overdue x probability", currency_field="currency_id", readonly=True, aggregator="sum"
    )
    priority = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        aggregator="sum",
        help="Overdue amount x late-payment probability, raised for a promise due, a broken promise, a missed "
        "instalment, a dispute past its deadline; lowered for a customer on hold or just contacted.",
    )
    promise_due = fields.Boolean("Promise due", readonly=True)
    promise_pending = fields.Boolean("Promise pending", readonly=True)
    broken_promise = fields.Boolean("Broken promise", readonly=True)
    missed_instalment = fields.Boolean("Missed instalment", readonly=True)
    dispute_overdue = fields.Boolean("Dispute past deadline", readonly=True)
    dispute_open = fields.Boolean("Dispute open", readonly=True)
    blocked = fields.Boolean("Dunning blocked", readonly=True)
    insolvency = fields.Boolean("Insolvency proceedings", readonly=True)
    on_hold = fields.Boolean("On hold", readonly=True)
    last_contact_date = fields.Date("Last contact", readonly=True)
    recently_contacted = fields.Boolean("Just contacted", readonly=True)
    reasons = fields.Char("Why", compute="_compute_reasons")

    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date_maturity",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "res.partner": ["collection_blocked", "collection_user_id", "commercial_partner_id"],
        "res.company": [
            name
            for name in (
                "collection_worklist_default_probability",
                "collection_worklist_promise_due_weight",
                "collection_worklist_broken_promise_weight",
                "collection_worklist_missed_instalment_weight",
                "collection_worklist_dispute_overdue_weight",
                "collection_worklist_hold_factor",
                "collection_worklist_contacted_factor",
                "collection_worklist_contact_days",
                "collection_worklist_recent_days",
            )
        ],
        "credit.collection.payer.profile": ["company_id", "late_probability", "partner_id"],
        "credit.collection.promise": ["company_id", "partner_id", "promise_date", "state"],
        "credit.collection.payment.plan": ["company_id", "grace_days", "partner_id", "state"],
        "credit.collection.payment.plan.line": ["date", "plan_id", "state"],
        "credit.collection.dispute": ["company_id", "deadline", "partner_id", "state"],
        "credit.collection.insolvency": ["company_id", "partner_id", "state"],
        "credit.collection.call": ["company_id", "date", "partner_id"],
        "credit.collection.action": ["company_id", "date", "partner_id", "sent_date", "state"],
        "credit.collection.case": ["active", "company_id", "partner_id", "stage"],
    }

    @property
    def _table_query(self):
        """The ranking as of the reader's today: a query per read rather than a view, so that "today" and
        the time zone of the calls' and reminders' days are the reader's."""
        return SQL(
            WORKLIST_QUERY,
            today=fields.Date.context_today(self),
            tz=self.env.context.get("tz") or self.env.user.tz or "UTC",
        )

    @api.depends_context("lang")
    def _compute_reasons(self):
        """The labels of the facts that raised or lowered the line, in the reader's language."""
        labels = {flag: self._fields[flag]._description_string(self.env) for flag in REASON_FLAGS}
        for line in self:
            reasons = [labels[flag] for flag in REASON_FLAGS if line[flag]]
            if line.recently_contacted:
                reasons.append(self.env._("contacted on %s", format_date(self.env, line.last_contact_date)))
            line.reasons = ", ".join(reasons)

    # ------------------------------------------------------------------ one-click call outcomes
    def _log_call(self, outcome):
        """The call of the current user on this line's customer. The line is read with the user's rights
        (a collector's own customers only), the call is created with them."""
        self.ensure_one()
        self.check_access("read")
        return self.env["credit.collection.call"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "case_id": self.case_id.id,
                "outcome": outcome,
            }
        )

    def action_call_reached(self):
        self._log_call("reached")

    def action_call_no_answer(self):
        self._log_call("no_answer")

    def action_call_wrong_number(self):
        self._log_call("wrong_number")

    def action_call_promised(self):
        """Logs the call and opens the engine's promise form for the customer; once saved, the promise is
        linked to the call and its check is planned on its date."""
        call = self._log_call("promised")
        return self._open_creation_form(
            "credit.collection.promise",
            call,
            {"default_amount": self.amount_overdue},
        )

    def action_call_disputed(self):
        """Logs the call and opens the engine's dispute form on the overdue invoices not disputed yet."""
        call = self._log_call("disputed")
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ]
        )
        disputed = self.env["credit.collection.dispute"].search(
            [("state", "=", "open"), ("move_ids", "in", invoices.ids)]
        )
        return self._open_creation_form(
            "credit.collection.dispute",
            call,
            {"default_move_ids": [(6, 0, (invoices - disputed.move_ids).ids)]},
        )

    def _open_creation_form(self, model, call, defaults):
        return {
            "type": "ir.actions.act_window",
            "name": self.env[model]._description,
            "res_model": model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_company_id": self.company_id.id,
                "collection_call_id": call.id,
                **defaults,
            },
        }

    def action_open_case(self):
        self.ensure_one()
        case = self.case_id or self.env["credit.collection.case"]._get_or_open(self.partner_id, self.company_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.case",
            "res_id": case.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
