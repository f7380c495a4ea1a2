from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "credit.collection.policy", "Default dunning policy",
        help="The daily run reminds the customers of companies that have a default policy.")
    collection_fee_product_id = fields.Many2one(
        "product.product", "Collection fee product", help="Used to invoice recovery fees and late interest.")
    collection_sms_gateway_id = fields.Many2one(
        "credit.collection.sms.gateway", "SMS gateway", help="Empty: Odoo's own SMS service.")
