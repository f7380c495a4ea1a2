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
    collection_alert_days = fields.Integer(
        "Alert days before an instalment", default=3,
        help="Instalments of payment plans due within this many days raise an alert.")
    collection_limitation_years_b2b = fields.Integer(
        "Limitation period between merchants (years)", default=5,
        help="France: 5 years (Code de commerce, article L110-4).")
    collection_limitation_years_b2c = fields.Integer(
        "Limitation period against consumers (years)", default=2,
        help="France: 2 years (Code de la consommation, article L218-2).")
    collection_limitation_warning_days = fields.Integer(
        "Warn before limitation (days)", default=90,
        help="Alert on the case this many days before an open invoice can no longer be claimed.")
