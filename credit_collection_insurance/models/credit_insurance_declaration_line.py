from datetime import timedelta

from odoo import api, fields, models


class CreditInsuranceDeclarationLine(models.Model):
    _name = "credit.insurance.declaration.line"
    _description = "Invoice of an overdue declaration"
    _order = "date_due, id"

    declaration_id = fields.Many2one("credit.insurance.declaration", required=True, ondelete="cascade", index=True)
    state = fields.Selection(related="declaration_id.state", store=True)
    company_id = fields.Many2one(related="declaration_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="declaration_id.currency_id")
    partner_id = fields.Many2one(related="declaration_id.partner_id")
    move_id = fields.Many2one("account.move", "Invoice", required=True, index=True, ondelete="restrict")
    date_due = fields.Date("Due date", required=True)
    deadline = fields.Date("Declare by", required=True)
    amount_residual = fields.Monetary("Amount declared", currency_field="currency_id")
    amount_residual_now = fields.Monetary(
        "Still due", related="move_id.amount_residual_signed", currency_field="currency_id"
    )

    @api.onchange("move_id")
    def _onchange_move_id(self):
        """A line added by hand: the invoice's due date, its deadline under the policy, what it owes."""
        move = self.move_id
        if move:
            self.date_due = move.invoice_date_due
            delay = self.declaration_id.policy_id.declaration_delay_days
            self.deadline = move.invoice_date_due and move.invoice_date_due + timedelta(days=delay)
            self.amount_residual = move.amount_residual_signed

    # One live declaration per invoice; a cancelled one does not block a new one made by hand.
    _move_uniq = models.UniqueIndex("(move_id) WHERE state != 'cancelled'")
