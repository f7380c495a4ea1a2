from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditInsurancePolicy(models.Model):
    """A credit-insurance contract ("police d'assurance-crédit") between the company and an insurer."""

    _name = "credit.insurance.policy"
    _inherit = ["mail.thread"]
    _description = "Credit-insurance policy"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    insurer_id = fields.Many2one("res.partner", "Insurer", required=True, tracking=True)
    number = fields.Char("Policy number", required=True, tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="Currency of the coverage amounts the insurer grants.",
    )
    coverage_share = fields.Float(
        "Share covered (%)",
        default=90.0,
        required=True,
        tracking=True,
        help="Quotité garantie: the part of a covered loss the insurer indemnifies.",
    )
    declaration_delay_days = fields.Integer(
        "Declaration deadline (days after due date)",
        default=60,
        required=True,
        tracking=True,
        help="Délai de déclaration de menace de sinistre: an unpaid invoice must be declared to the "
        "insurer at the latest this many days after its due date, or its cover is lost.",
    )
    declaration_lead_days = fields.Integer(
        "Propose declarations (days before deadline)",
        default=15,
        required=True,
        help="The daily collection run proposes a draft declaration this many days before the deadline.",
    )
    premium_rate = fields.Float(
        "Premium rate (%)", digits=(16, 4), help="Premium as a percentage of the insured turnover."
    )
    date_start = fields.Date("Valid from", required=True, default=fields.Date.context_today)
    date_end = fields.Date("Valid until")
    expiry_alert_days = fields.Integer(
        "Warn before a decision expires (days)",
        default=30,
        help="An activity is scheduled this many days before a coverage decision ends.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self.env.user,
        help="Receives the coverage alerts of customers without a collector.",
    )
    decision_ids = fields.One2many("credit.insurance.decision", "policy_id", "Coverage decisions")
    decision_count = fields.Integer(compute="_compute_counts")
    declaration_count = fields.Integer(compute="_compute_counts")
    claim_count = fields.Integer(compute="_compute_counts")
    # Accounting of claims and indemnities.
    claim_journal_id = fields.Many2one(
        "account.journal",
        "Claims journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the entries that record an indemnity agreed by the insurer.",
    )
    claim_account_id = fields.Many2one(
        "account.account",
        "Insurer receivable account",
        check_company=True,
        help="Debited with the indemnity agreed, credited when it is received (e.g. 467 Autres comptes "
        "débiteurs). Reconcilable accounts get the two lines matched.",
    )
    indemnity_account_id = fields.Many2one(
        "account.account",
        "Indemnity income account",
        check_company=True,
        help="Credited with the indemnity agreed (e.g. 791 Transferts de charges or 7718).",
    )
    indemnity_journal_id = fields.Many2one(
        "account.journal",
        "Indemnity bank journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Default journal of the indemnities received from the insurer.",
    )
    import_mapping = fields.Json(
        "Last import mapping", copy=False, help="The column mapping of the last insurer file imported."
    )

    _number_company_uniq = models.Constraint(
        "UNIQUE(number, insurer_id, company_id)",
        "This insurer already has a policy with this number in this company.",
    )

    @api.depends("insurer_id", "number")
    def _compute_name(self):
        for policy in self:
            policy.name = "%s - %s" % (policy.insurer_id.name or "", policy.number or "")

    @api.constrains("coverage_share", "declaration_delay_days", "declaration_lead_days", "date_start", "date_end")
    def _check_values(self):
        for policy in self:
            if not 0 < policy.coverage_share <= 100:
                raise ValidationError(self.env._("The share covered must be between 0 and 100 %."))
            if policy.declaration_delay_days < 0 or policy.declaration_lead_days < 0:
                raise ValidationError(self.env._("The declaration delays cannot be negative."))
            if policy.date_end and policy.date_end < policy.date_start:
                raise ValidationError(self.env._("The policy ends before it starts."))

    def _compute_counts(self):
        for policy in self:
            policy.decision_count = len(policy.decision_ids)
            policy.declaration_count = self.env["credit.insurance.declaration"].search_count(
                [("policy_id", "=", policy.id)]
            )
            policy.claim_count = self.env["credit.insurance.claim"].search_count([("policy_id", "=", policy.id)])

    def _is_valid_at(self, date):
        self.ensure_one()
        return self.active and self.date_start <= date and (not self.date_end or self.date_end >= date)

    def _open_related(self, xmlid):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("policy_id", "in", self.ids)]
        action["context"] = {"default_policy_id": self.id}
        return action

    def action_open_decisions(self):
        return self._open_related("credit_collection_insurance.action_insurance_decisions")

    def action_open_declarations(self):
        return self._open_related("credit_collection_insurance.action_insurance_declarations")

    def action_open_claims(self):
        return self._open_related("credit_collection_insurance.action_insurance_claims")

    # ------------------------------------------------------------------ demo data
    @api.model
    def _load_demo(self):
        """A policy on the demo company and decisions on ten of its customers (if the core demo is there)."""
        company = self.env.ref("credit_collection.demo_company_fr", raise_if_not_found=False)
        customers = [
            self.env.ref("credit_collection.demo_customer_%02d" % number, raise_if_not_found=False)
            for number in range(1, 11)
        ]
        if not company or not all(customers) or self.search_count([("company_id", "=", company.id)]):
            return
        self = self.with_company(company)
        today = fields.Date.context_today(self)

        def account(prefix):
            Account = self.env["account.account"]
            return Account.search(
                [*Account._check_company_domain(company), ("code", "=like", prefix + "%")], order="code", limit=1
            )

        insurer = self.env["res.partner"].create(
            {
                "name": "Assurcrédit France",
                "is_company": True,
                "country_id": self.env.ref("base.fr").id,
                "city": "Paris",
                "email": "indemnisation@assurcredit.example",
            }
        )
        policy = self.create(
            {
                "company_id": company.id,
                "insurer_id": insurer.id,
                "number": "AC-2024-0457",
                "coverage_share": 90.0,
                "declaration_delay_days": 60,
                "declaration_lead_days": 15,
                "premium_rate": 0.18,
                "user_id": self.env.ref("base.user_admin").id,
                "date_start": today.replace(month=1, day=1) - relativedelta(years=1),
                "claim_journal_id": self.env["account.journal"]
                .search([("company_id", "=", company.id), ("type", "=", "general")], limit=1)
                .id,
                "claim_account_id": account("467").id,
                "indemnity_account_id": account("791").id,
                "indemnity_journal_id": self.env["account.journal"]
                .search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
                .id,
            }
        )
        start = today - relativedelta(months=10)
        decisions = []
        for index, customer in enumerate(customers):
            amount = 5000.0 * (index % 4 + 1)
            history = [
                {
                    "state": "granted",
                    "amount": amount,
                    "amount_requested": amount,
                    "date_start": start,
                    "date_request": start - relativedelta(days=10),
                }
            ]
            if index == 2:
                history.append(
                    {"state": "reduced", "amount": amount / 2, "date_start": today - relativedelta(months=2)}
                )
            elif index == 5:
                history.append({"state": "refused", "date_start": today - relativedelta(months=1)})
            elif index == 7:
                history[0]["date_end"] = today + relativedelta(days=20)
            elif index == 9:
                history.append(
                    {"state": "requested", "amount_requested": 40000.0, "date_request": today, "date_start": today}
                )
            for values in history:
                values.update(
                    {
                        "policy_id": policy.id,
                        "company_id": company.id,
                        "partner_id": customer.id,
                        "reference": "AC-%05d" % (1001 + len(decisions)),
                    }
                )
                decisions.append(values)
        # Two of the customers that owe the most get less coverage than their exposure: over the limit.
        Report = self.env["credit.insurance.coverage.report"]
        others = [
            self.env.ref("credit_collection.demo_customer_%02d" % number, raise_if_not_found=False)
            for number in range(11, 51)
        ]
        rows = [
            row
            for row in Report._match(company, today, self.env["res.partner"].union(*filter(None, others)))
            if row["outstanding"] > 2000.0
        ]
        for row in sorted(rows, key=lambda r: -r["outstanding"])[:2]:
            decisions.append(
                {
                    "policy_id": policy.id,
                    "company_id": company.id,
                    "partner_id": row["partner_id"],
                    "state": "granted",
                    "amount": round(row["outstanding"] * 0.6, -3) or 1000.0,
                    "date_start": start,
                    "reference": "AC-%05d" % (1001 + len(decisions)),
                }
            )
        self.env["credit.insurance.decision"].create(decisions)
        self.env["credit.insurance.declaration"]._propose(company, today)
        Report._refresh(company, today)
