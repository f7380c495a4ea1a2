from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _collection_uninvoiced_relief(self):
        """The part of this invoice its orders' amount to invoice still counts: posting it turns that
        part into a receivable, so the exposure must not count it twice."""
        relief = super()._collection_uninvoiced_relief()
        orders = self.line_ids.sale_line_ids.order_id.filtered(lambda order: order.state == "sale")
        if not orders:
            return relief
        to_invoice = sum(order.amount_to_invoice / (order.currency_rate or 1.0) for order in orders)
        return relief + min(abs(self.amount_total_signed), to_invoice)
