from odoo import api, models


class CreditCollectionPromise(models.Model):
    _inherit = "credit.collection.promise"

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        self.env["credit.collection.call"]._link_from_context(promises, "promise")
        return promises
