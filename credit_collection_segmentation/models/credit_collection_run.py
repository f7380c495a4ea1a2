from odoo import models


class CreditCollectionRun(models.Model):
    _inherit = "credit.collection.run"

    def _assign_customer_policies(self):
        # The rules choose the customers' policies the selection then reads.
        result = super()._assign_customer_policies()
        self.env["credit.collection.segment.rule"].sudo()._apply_company(self.company_id, self.date)
        return result
