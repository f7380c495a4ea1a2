from odoo import fields, models

from ..models.credit_insurance_decision import DECISION_STATES


class CreditInsuranceImportLine(models.TransientModel):
    _name = "credit.insurance.import.line"
    _description = "Row of an insurer file being imported"
    _order = "row"

    wizard_id = fields.Many2one("credit.insurance.import", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.policy_id.currency_id")
    row = fields.Integer()
    partner_value = fields.Char("Customer in the file")
    partner_id = fields.Many2one("res.partner", "Customer")
    state_value = fields.Char("Decision in the file")
    state = fields.Selection(DECISION_STATES, "Decision")
    amount = fields.Monetary(currency_field="currency_id")
    amount_requested = fields.Monetary(currency_field="currency_id")
    date_start = fields.Date("Valid from")
    date_end = fields.Date("Valid until")
    reference = fields.Char()
    error = fields.Char()
    decision_id = fields.Many2one("credit.insurance.decision", "Decision created")
