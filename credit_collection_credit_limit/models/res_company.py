from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_credit_limit_mode = fields.Selection(
        [("warning", "Warning"), ("block", "Block")],
        "Credit limit control",
        default="warning",
        required=True,
        help="When posting an invoice (or confirming a sales order) takes the customer or its credit group "
        "past its credit limit: warn and log it, or refuse it unless a Collection Manager overrides.",
    )
