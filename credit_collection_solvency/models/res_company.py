from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_solvency_provider_id = fields.Many2one(
        "credit.collection.solvency.provider",
        "Solvency provider",
        help="Financial-information provider used to look up and monitor the customers' solvency.",
    )
