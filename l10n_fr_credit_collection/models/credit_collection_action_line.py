from odoo import models


class CreditCollectionActionLine(models.Model):
    _inherit = "credit.collection.action.line"

    def _interest_ground(self):
        """The interest invoices of a French company quote the article the interest is owed under."""
        if not self.level_id._collection_french_law():
            return super()._interest_ground()
        if self.level_id.interest_mode == "legal_consumer":
            return self.env._("Late-payment interest at the legal interest rate (art. 1231-6 C. civ.)")
        return self.env._("Late-payment interest (art. L441-10 C. com.)")

    def _recovery_fee_label(self):
        if not self.level_id._collection_french_law():
            return super()._recovery_fee_label()
        return self.env._("Fixed compensation for recovery costs (art. L441-10 C. com.) - %s", self.move_id.name)
