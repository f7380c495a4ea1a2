from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditCollectionPaymentPlanLine(models.Model):
    _name = "credit.collection.payment.plan.line"
    _description = "Payment plan instalment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one("credit.collection.payment.plan", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_state = fields.Selection(related="plan_id.state", string="Plan status")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    interest_amount = fields.Monetary("Of which interest", currency_field="currency_id")
    amount_paid = fields.Monetary(currency_field="currency_id", readonly=True)
    state = fields.Selection(
        [("to_pay", "To pay"), ("paid", "Paid"), ("missed", "Missed")], default="to_pay", required=True, readonly=True
    )
    reminder_sent = fields.Boolean(readonly=True, copy=False)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_proposed_instalments(self):
        # Collectors replace the instalments of a proposal; an agreed schedule is the customer's word.
        agreed = self.filtered(lambda line: line.plan_id.state != "draft")
        if agreed:
            raise UserError(
                self.env._(
                    "The instalments of an agreed payment plan (%s) cannot be deleted: cancel the plan.",
                    ", ".join(agreed.plan_id.mapped("name")),
                )
            )
