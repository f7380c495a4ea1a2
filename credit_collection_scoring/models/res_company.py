from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_risk_history_months = fields.Integer(
        "Payer profile history (months)",
        default=24,
        help="How far back the payer profile and the late-payment prediction read the company's invoices.",
    )
