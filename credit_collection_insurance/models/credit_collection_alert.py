from odoo import models


class CreditCollectionAlert(models.AbstractModel):
    _inherit = "credit.collection.alert"

    def _send_alerts(self, company, today):
        res = super()._send_alerts(company, today)
        self.env["credit.insurance.declaration"]._alert_company_deadlines(company, today)
        return res
