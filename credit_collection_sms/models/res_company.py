from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_sms_gateway_id = fields.Many2one(
        "credit.collection.sms.gateway", "SMS gateway", help="Empty: Odoo's own SMS service."
    )
