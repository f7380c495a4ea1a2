from odoo import api, models

from .credit_collection_call import REACHED_OUTCOMES


class CreditCollectionKpi(models.AbstractModel):
    """The calls' outcomes as KPIs of the set: contact rate, promise rate and promises kept."""

    _inherit = "credit.collection.kpi"

    @api.model
    def _kpi_registrations(self):
        return super()._kpi_registrations() + [
            {
                "name": "call_contact_rate",
                "label": self.env._("Contact rate (%)"),
                "kind": "number",
                "compute": "_kpi_call_contact_rate",
                "higher_is_better": True,
                "cumulative": False,
                "action": "credit_collection_worklist.action_collection_calls",
            },
            {
                "name": "call_promise_rate",
                "label": self.env._("Promise rate (%)"),
                "kind": "number",
                "compute": "_kpi_call_promise_rate",
                "higher_is_better": True,
                "cumulative": False,
                "action": "credit_collection_worklist.action_collection_calls",
            },
            {
                "name": "call_promises_kept_rate",
                "label": self.env._("Promises from calls kept (%)"),
                "kind": "number",
                "compute": "_kpi_call_promises_kept_rate",
                "higher_is_better": True,
                "cumulative": False,
                "action": "credit_collection_worklist.action_collection_calls",
            },
        ]

    @api.model
    def _call_counts(self, params):
        """Calls of the period (days in the company's time zone): all, reached, promised."""
        self.env["credit.collection.call"].flush_model(["company_id", "date", "outcome"])
        self.env.cr.execute(
            """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE outcome IN %(reached)s),
                   COUNT(*) FILTER (WHERE outcome = 'promised')
              FROM credit_collection_call
             WHERE company_id = %(company)s
               AND (date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date BETWEEN %(from)s AND %(to)s
        """,
            {**params, "tz": params.get("tz") or "UTC", "reached": REACHED_OUTCOMES},
        )
        return self.env.cr.fetchone()

    @api.model
    def _kpi_call_contact_rate(self, company, params, values):
        """Calls that reached the customer ÷ calls, in %; None without a call."""
        calls, reached, _promised = self._call_counts(params)
        return reached / calls * 100.0 if calls else None

    @api.model
    def _kpi_call_promise_rate(self, company, params, values):
        """Calls that ended on a promise ÷ calls that reached the customer, in %."""
        _calls, reached, promised = self._call_counts(params)
        return promised / reached * 100.0 if reached else None

    @api.model
    def _kpi_call_promises_kept_rate(self, company, params, values):
        """Promises taken on a call and due in the period: kept ÷ decided (kept or broken), in %."""
        self.env["credit.collection.promise"].flush_model(["state", "promise_date"])
        self.env["credit.collection.call"].flush_model(["promise_id"])
        self.env.cr.execute(
            """
            SELECT COUNT(*) FILTER (WHERE p.state = 'kept'), COUNT(*) FILTER (WHERE p.state IN ('kept', 'broken'))
              FROM credit_collection_call call
              JOIN credit_collection_promise p ON p.id = call.promise_id
             WHERE call.company_id = %(company)s AND p.promise_date BETWEEN %(from)s AND %(to)s
        """,
            params,
        )
        kept, decided = self.env.cr.fetchone()
        return kept / decided * 100.0 if decided else None
