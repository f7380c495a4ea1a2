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
