from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_date

from odoo.addons.credit_collection.tools.i18n import selection_label

DECISION_STATES = [
    ("requested", "Requested"),
    ("granted", "Granted"),
    ("reduced", "Reduced"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
# States that carry a decision of the insurer (a request decides nothing yet).
DECIDED_STATES = ("granted", "reduced", "refused", "cancelled")
COVERING_STATES = ("granted", "reduced")


class CreditInsuranceDecision(models.Model):
    """The insurer's decision on one customer ("agrément", "limite de crédit garantie").

    A customer's decisions form its history: at a given date, the decision in force is the decided one
    (granted, reduced, refused or cancelled) that started last and has not ended. Refused and cancelled
    decisions cover nothing; a request covers nothing until the insurer answers.
    """

    _name = "credit.insurance.decision"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Credit-insurance coverage decision"
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "reference"]

    name = fields.Char(compute="_compute_name")  # not stored: state and amount in the reader's language
    policy_id = fields.Many2one(
        "credit.insurance.policy",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, tracking=True, domain="[('is_company', '=', True)]"
    )
    currency_id = fields.Many2one(related="policy_id.currency_id", store=True)
    state = fields.Selection(DECISION_STATES, required=True, default="requested", tracking=True, index=True)
    amount_requested = fields.Monetary("Amount requested", currency_field="currency_id")
    amount = fields.Monetary(
        "Amount granted",
        currency_field="currency_id",
        tracking=True,
        help="Coverage limit the insurer granted on this customer, in the policy's currency.",
    )
    date_request = fields.Date("Requested on")
    date_start = fields.Date("Valid from", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date("Valid until", tracking=True)
    reference = fields.Char("Insurer reference")
    note = fields.Text()
    source = fields.Selection(
        [("manual", "Entered by hand"), ("import", "Imported")], default="manual", required=True, readonly=True
    )
    is_current = fields.Boolean("In force", compute="_compute_is_current", search="_search_is_current")

    @api.depends("partner_id", "state", "amount", "currency_id")
    @api.depends_context("lang")
    def _compute_name(self):
        for decision in self:
            name = "%s - %s" % (decision.partner_id.name or "", selection_label(decision, "state"))
            if decision.state in COVERING_STATES and decision.currency_id:
                name += " %s" % decision.currency_id.format(decision.amount)
            decision.name = name

    @api.constrains("amount", "amount_requested", "date_start", "date_end", "state")
    def _check_values(self):
        for decision in self:
            if decision.amount < 0 or decision.amount_requested < 0:
                raise ValidationError(self.env._("A coverage amount cannot be negative."))
            if decision.date_end and decision.date_end < decision.date_start:
                raise ValidationError(self.env._("The decision on %s ends before it starts.", decision.partner_id.name))

    @api.onchange("policy_id")
    def _onchange_policy_id(self):
        if self.policy_id:
            self.company_id = self.policy_id.company_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("policy_id") and not vals.get("company_id"):
                vals["company_id"] = self.env["credit.insurance.policy"].browse(vals["policy_id"]).company_id.id
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        decisions = super().create(vals_list)
        decisions._sync_credit_limits()
        return decisions

    def write(self, vals):
        res = super().write(vals)
        if {"state", "amount", "date_start", "date_end", "partner_id", "policy_id"} & set(vals):
            self._sync_credit_limits()
        return res

    def _sync_credit_limits(self):
        today = fields.Date.context_today(self)
        for company in self.company_id:
            partners = self.filtered(lambda d, c=company: d.company_id == c).partner_id
            partners.with_company(company)._insurance_sync_credit_limit(company, today)

    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        current = set()
        for company in self.company_id:
            current |= set(self._effective(self.partner_id, company, today).values())
        for decision in self:
            decision.is_current = decision.id in current

    def _search_is_current(self, operator, value):
        today = fields.Date.context_today(self)
        ids = []
        for company in self.env.companies:
            ids += list(self._effective(None, company, today).values())
        # Odoo 19 hands over "=" as "in" and negates "in" itself for "not in".
        if operator != "in":
            return NotImplemented
        wanted = {bool(item) for item in value}
        if wanted == {True, False}:
            return Domain.TRUE
        return Domain("id", "in" if wanted == {True} else "not in", ids) if wanted else Domain.FALSE

    @api.model
    def _effective(self, partners, company, date):
        """{partner id: id of the decision in force at ``date``}, one query; ``partners`` None: all."""
        self.env["credit.insurance.decision"].flush_model()
        self.env["credit.insurance.policy"].flush_model()
        query = """
            SELECT DISTINCT ON (d.partner_id) d.partner_id, d.id
              FROM credit_insurance_decision d
              JOIN credit_insurance_policy p ON p.id = d.policy_id
             WHERE d.company_id = %(company)s
               AND d.state IN %(states)s
               AND d.date_start <= %(date)s AND (d.date_end IS NULL OR d.date_end >= %(date)s)
               AND p.active AND p.date_start <= %(date)s AND (p.date_end IS NULL OR p.date_end >= %(date)s)
        """
        params = {"company": company.id, "states": DECIDED_STATES, "date": date}
        if partners is not None:
            query += " AND d.partner_id = ANY(%(partners)s)"
            params["partners"] = partners.commercial_partner_id.ids
        query += " ORDER BY d.partner_id, d.date_start DESC, d.id DESC"
        self.env.cr.execute(query, params)
        return dict(self.env.cr.fetchall())

    def _limit_in(self, currency, company, date):
        """The amount this decision covers, converted with Odoo's rates into ``currency``."""
        self.ensure_one()
        if self.state not in COVERING_STATES:
            return 0.0
        return self.currency_id._convert(self.amount, currency, company, date)

    # ------------------------------------------------------------------ alerts
    @api.model
    def _alert_expiring(self, company, date):
        """Schedules an activity on each decision in force that ends within its policy's warning delay."""
        activity_type = self.env.ref("credit_collection_insurance.mail_activity_type_coverage_alert")
        effective = self.browse(self._effective(None, company, date).values())
        expiring = effective.filtered(
            lambda d: d.state in COVERING_STATES
            and d.date_end
            and d.date_end <= date + timedelta(days=d.policy_id.expiry_alert_days)
        )
        # A newer decision already entered (a renewal starting later) makes the alert pointless.
        later = self.search(
            [
                ("partner_id", "in", expiring.partner_id.ids),
                ("company_id", "=", company.id),
                ("state", "in", DECIDED_STATES),
                ("date_start", ">", date),
            ]
        )
        renewed = set(later.partner_id.ids)
        scheduled = self.browse()
        for decision in expiring:
            if decision.partner_id.id in renewed or decision.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ):
                continue
            decision.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=decision.date_end,
                summary=self.env._("Coverage ends on %s", format_date(self.env, decision.date_end)),
                note=self.env._(
                    "The insurer's coverage of %(partner)s (%(amount)s) ends on %(date)s: ask for a renewal.",
                    partner=decision.partner_id.name,
                    amount=decision.currency_id.format(decision.amount),
                    date=format_date(self.env, decision.date_end),
                ),
                user_id=decision._alert_user().id,
            )
            scheduled |= decision
        return scheduled

    def _alert_user(self):
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        return partner.collection_user_id or self.policy_id.user_id or self.env.user
