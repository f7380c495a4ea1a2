from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_scoring(self, env, company, customers, today):
        """The late-payment model fitted on the demo ledger, then every customer's payer profile."""
        env["credit.collection.risk.model"]._fit_company(company, today)
        env["credit.collection.payer.profile"]._recompute_company(company, today)
