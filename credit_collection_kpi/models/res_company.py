from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_cost_email = fields.Monetary(
        "Cost of an email reminder",
        currency_field="currency_id",
        default=0.05,
        help="What one reminder of this channel costs (time and postage): the cost of collection KPI.",
    )
    collection_cost_sms = fields.Monetary("Cost of an SMS reminder", currency_field="currency_id", default=0.08)
    collection_cost_letter = fields.Monetary("Cost of a letter", currency_field="currency_id", default=1.50)
    collection_cost_phone = fields.Monetary("Cost of a call", currency_field="currency_id", default=3.00)

    def _collection_unit_costs(self):
        self.ensure_one()
        return {
            "email": self.collection_cost_email,
            "sms": self.collection_cost_sms,
            "letter": self.collection_cost_letter,
            "phone": self.collection_cost_phone,
        }
