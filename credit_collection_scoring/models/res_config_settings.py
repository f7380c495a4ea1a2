from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_risk_history_months = fields.Integer(related="company_id.collection_risk_history_months", readonly=False)
