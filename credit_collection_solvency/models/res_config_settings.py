from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_solvency_provider_id = fields.Many2one(
        related="company_id.collection_solvency_provider_id", readonly=False, domain="[('company_id', '=', company_id)]"
    )
