from odoo import models
from odoo.tools.misc import format_date


class CreditCollectionRun(models.Model):
    _inherit = "credit.collection.run"

    def _customers_paused(self, partner_ids):
        """Customers who replied to a reminder, until the end of their pause."""
        paused = super()._customers_paused(partner_ids)
        if not partner_ids:
            return paused
        cases = (
            self.env["credit.collection.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", list(partner_ids)),
                    ("company_id", "=", self.company_id.id),
                    ("stage", "!=", "closed"),
                    ("collection_paused_until", ">=", self.date),
                ]
            )
        )
        for case in cases:
            paused.setdefault(
                case.partner_id.id,
                self.env._(
                    "customer's reply: dunning paused until %(date)s (%(reason)s)",
                    date=format_date(self.env, case.collection_paused_until),
                    reason=case.collection_pause_reason or "",
                ),
            )
        return paused
