from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        if self.env.context.get("collection_outcome"):
            return partials
        lines = partials.debit_move_id | partials.credit_move_id
        invoices = lines.move_id.filtered(lambda move: move.is_sale_document(include_receipts=True))
        invoices |= lines.collection_invoice_id
        if invoices:
            self.env["credit.collection.outcome"].sudo()._adjust_provisions(invoices)
        return partials
