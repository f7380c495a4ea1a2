from odoo import models


class AccountMoveLine(models.Model):
    _inherit = ["account.move.line", "credit.collection.field.access.mixin"]

    # The engine's selection: open receivable items of a company by due date.
    _collection_due_idx = models.Index(
        "(company_id, date_maturity, account_id)"
        " WHERE reconciled IS NOT TRUE AND parent_state = 'posted' AND amount_residual > 0"
    )
    # The aged balance's open lines with every column it reads: an index-only scan.
    _collection_aged_idx = models.Index(
        "(account_id, date) INCLUDE (company_id, partner_id, date_maturity, amount_residual)"
        " WHERE reconciled IS NOT TRUE AND parent_state = 'posted'"
    )
