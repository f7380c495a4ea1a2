from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # "What was reconciled after the date" is the aged balance's only scan of the history.
    _collection_max_date_idx = models.Index("(max_date, company_id)")

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        lines = partials.debit_move_id | partials.credit_move_id
        lines.flush_recordset(["reconciled", "amount_residual"])
        self.env["credit.collection.action"]._cancel_for_paid_items(lines)
        # Reconciling a payment settles promises, instalments and cases by itself.
        moves = lines.move_id.filtered(lambda move: move.is_sale_document(include_receipts=True))
        if moves:
            self.env["credit.collection.promise"]._evaluate_for_moves(moves)
            self.env["credit.collection.payment.plan"]._evaluate_for_moves(moves)
            self.env["credit.collection.case"]._close_paid_cases(moves.commercial_partner_id)
        return partials
