from odoo import api, models


class CreditCollectionDispute(models.Model):
    _inherit = "credit.collection.dispute"

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        self.env["credit.collection.call"]._link_from_context(disputes, "dispute")
        return disputes
