from odoo import fields, models


class CreditCollectionCreditOverride(models.Model):
    """The log of the documents a manager let through although they broke a credit limit."""

    _name = "credit.collection.credit.override"
    _description = "Credit limit override"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True, index=True)
    credit_group_id = fields.Many2one("credit.collection.credit.group", readonly=True)
    user_id = fields.Many2one("res.users", "Overridden by", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    res_model = fields.Char("Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Document", model_field="res_model", required=True, readonly=True)
    document = fields.Char("Document name", readonly=True)
    amount = fields.Monetary("Document amount", currency_field="currency_id", readonly=True)
    exposure = fields.Monetary(
        "Exposure after",
        currency_field="currency_id",
        readonly=True,
        help="The exposure the document brought the customer (or its group) to.",
    )
    credit_limit = fields.Monetary(currency_field="currency_id", readonly=True)
    scope = fields.Selection([("partner", "Customer"), ("group", "Credit group")], readonly=True)

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
