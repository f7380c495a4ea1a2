from odoo import models


class CreditCollectionAction(models.Model):
    _inherit = "credit.collection.action"

    def _portal_url(self):
        """Every reminder (email, SMS, letter) leads to the customer's balance page, signed for it."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id._collection_portal_url()
