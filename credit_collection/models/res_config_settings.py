from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_policy_id = fields.Many2one(
        related="company_id.collection_policy_id", readonly=False, domain="[('company_id', '=', company_id)]"
    )
    collection_policy_consumer_id = fields.Many2one(
        related="company_id.collection_policy_consumer_id",
        readonly=False,
        domain="[('company_id', '=', company_id), ('customer_type', '=', 'consumer')]",
    )
    collection_fee_product_id = fields.Many2one(related="company_id.collection_fee_product_id", readonly=False)
    collection_alert_days = fields.Integer(related="company_id.collection_alert_days", readonly=False)
    collection_limitation_years_b2b = fields.Integer(
        related="company_id.collection_limitation_years_b2b", readonly=False
    )
    collection_limitation_years_b2c = fields.Integer(
        related="company_id.collection_limitation_years_b2c", readonly=False
    )
    collection_limitation_warning_days = fields.Integer(
        related="company_id.collection_limitation_warning_days", readonly=False
    )
