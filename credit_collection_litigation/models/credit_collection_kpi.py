from odoo import api, models


class CreditCollectionKpi(models.AbstractModel):
    """The cases transferred to third parties: a KPI of the set, and their fees in the cost of collection."""

    _inherit = "credit.collection.kpi"

    @api.model
    def _kpi_registrations(self):
        return super()._kpi_registrations() + [
            {
                "name": "cases_transferred",
                "label": self.env._("Cases transferred"),
                "kind": "integer",
                "compute": "_kpi_cases_transferred",
                "higher_is_better": None,
                "cumulative": True,
                "action": "credit_collection_litigation.action_collection_case_transfers",
            }
        ]

    @api.model
    def _kpi_cases_transferred(self, company, params, values):
        """Transfers to a collection agency, a lawyer or a bailiff dated in the period (drafts aside)."""
        self.env["credit.collection.case.transfer"].flush_model(["company_id", "date", "state"])
        self.env.cr.execute(
            """
            SELECT COUNT(*) FROM credit_collection_case_transfer
             WHERE company_id = %(company)s AND date BETWEEN %(from)s AND %(to)s AND state != 'draft'
        """,
            params,
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _third_party_fees(self, params):
        self.env["credit.collection.case.transfer"].flush_model()
        self.env.cr.execute(
            """
            SELECT COALESCE(SUM(t.fee_fixed + t.amount_recovered * t.fee_percent / 100.0), 0)
              FROM credit_collection_case_transfer t
             WHERE t.company_id = %(company)s AND t.date BETWEEN %(from)s AND %(to)s
        """,
            params,
        )
        return super()._third_party_fees(params) + float(self.env.cr.fetchone()[0])
