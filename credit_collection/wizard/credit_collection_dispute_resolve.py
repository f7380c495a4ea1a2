from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.credit_collection_dispute import RESOLUTIONS


class CreditCollectionDisputeResolve(models.TransientModel):
    _name = "credit.collection.dispute.resolve"
    _description = "Close a dispute"

    dispute_id = fields.Many2one("credit.collection.dispute", required=True, ondelete="cascade")
    resolution = fields.Selection(RESOLUTIONS, required=True)
    currency_id = fields.Many2one(related="dispute_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices to credit",
        help="Credit note: each invoice is credited in full. Commercial gesture: the amount is "
        "credited on the first one.",
    )
    available_move_ids = fields.Many2many(related="dispute_id.move_ids")
    amount = fields.Monetary("Gesture (tax included)", currency_field="currency_id")
    note = fields.Text("Explanation")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        dispute = self.env["credit.collection.dispute"].browse(values.get("dispute_id"))
        if dispute and "move_ids" in fields_list:
            values["move_ids"] = [(6, 0, dispute.move_ids.ids)]
        return values

    def action_confirm(self):
        self.ensure_one()
        dispute = self.dispute_id
        credit_notes = self.env["account.move"]
        if self.resolution == "credit_note":
            if not self.move_ids:
                raise UserError(self.env._("Choose the invoices to credit."))
            credit_notes = dispute._create_full_credit_notes(self.move_ids, self.note)
        elif self.resolution == "gesture":
            invoice = self.move_ids[:1]
            if not invoice:
                raise UserError(self.env._("Choose the invoice the gesture applies to."))
            if self.currency_id.compare_amounts(self.amount, 0) <= 0:
                raise UserError(self.env._("A commercial gesture needs a positive amount."))
            if self.currency_id.compare_amounts(self.amount, invoice.amount_residual) > 0:
                raise UserError(self.env._("The gesture cannot exceed what is left to pay on %s.", invoice.name))
            credit_notes = dispute._create_gesture_credit_note(invoice, self.amount, self.note)
        dispute._close(self.resolution, self.note, credit_notes)
        return {"type": "ir.actions.act_window_close"}
