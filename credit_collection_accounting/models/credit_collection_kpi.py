from odoo import api, models


class CreditCollectionKpi(models.AbstractModel):
    """The provisions for doubtful receivables, a KPI of the set."""

    _inherit = "credit.collection.kpi"

    @api.model
    def _kpi_registrations(self):
        return super()._kpi_registrations() + [
            {
                "name": "provisioned",
                "label": self.env._("Provisioned"),
                "kind": "money",
                "compute": "_kpi_provisioned",
                "higher_is_better": None,
                "cumulative": False,
                "action": "credit_collection_accounting.action_collection_outcomes",
            }
        ]

    @api.model
    def _kpi_provisioned(self, company, params, values):
        """Credit balance of the company's provision account (491) at the end of the period."""
        account = company.collection_provision_account_id
        if not account:
            return 0.0
        self.env["account.move.line"].flush_model(["account_id", "company_id", "parent_state", "date", "balance"])
        self.env.cr.execute(
            """
            SELECT COALESCE(-SUM(balance), 0) FROM account_move_line
             WHERE account_id = %s AND company_id = %s AND parent_state = 'posted' AND date <= %s
        """,
            [account.id, company.id, params["to"]],
        )
        return float(self.env.cr.fetchone()[0])
