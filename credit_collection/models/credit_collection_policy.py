from odoo import api, fields, models

CUSTOMER_TYPES = [("professional", "Professional"), ("consumer", "Consumer")]


class CreditCollectionPolicy(models.Model):
    _name = "credit.collection.policy"
    _description = "Dunning policy"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    customer_type = fields.Selection(
        CUSTOMER_TYPES,
        "For",
        required=True,
        default="professional",
        help="Consumers get only consumer policies: French law gives them their own wording, no fixed "
        "recovery indemnity and the legal interest rate from the formal notice. A consumer whose policy "
        "(own, invoice or segment) is for professionals gets the company's consumer policy instead.",
    )
    level_ids = fields.One2many("credit.collection.level", "policy_id", string="Levels", copy=True)
    description = fields.Text(translate=True)

    @api.constrains("customer_type")
    def _check_customer_type(self):
        self.level_ids._check_consumer_charges()

    def _levels_by_delay(self):
        self.ensure_one()
        return self.level_ids.filtered("active").sorted("delay_days")

    def _copy_for_company(self, company):
        """A copy of this policy and its levels for ``company``, in every installed language."""
        self.ensure_one()
        copy = self.copy({"company_id": company.id, "name": self.name})
        for lang, _name in self.env["res.lang"].get_installed():  # copy() keeps one language only
            copy.with_context(lang=lang).write(
                {"name": self.with_context(lang=lang).name, "description": self.with_context(lang=lang).description}
            )
            for source, target in zip(
                self.level_ids.sorted("delay_days"), copy.level_ids.sorted("delay_days"), strict=False
            ):
                source = source.with_context(lang=lang)
                target.with_context(lang=lang).write({"name": source.name, "call_script": source.call_script})
        return copy
