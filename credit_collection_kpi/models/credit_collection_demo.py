from datetime import timedelta

from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_kpi(self, env, company, customers, today):
        """A year of monthly KPI snapshots, so the dashboard and the KPI history show trends at once (taken
        again, they replace those of the same months)."""
        month_end = today.replace(day=1) - timedelta(days=1)
        for _month in range(12):
            env["credit.collection.kpi.snapshot"]._take(company, month_end.replace(day=1), month_end)
            month_end = month_end.replace(day=1) - timedelta(days=1)
