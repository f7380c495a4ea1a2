from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_credit_limit_mode = fields.Selection(related="company_id.collection_credit_limit_mode", readonly=False)
