from odoo import api, fields, models

from .credit_collection_solvency_provider import SOLVENCY_STATUSES


class CreditCollectionSolvencyReport(models.Model):
    """One answer of a solvency provider about one customer: the history of ratings and limits."""

    _name = "credit.collection.solvency.report"
    _description = "Solvency report"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    provider_id = fields.Many2one("credit.collection.solvency.provider", required=True, ondelete="cascade")
    date = fields.Datetime("Retrieved on", required=True, default=fields.Datetime.now)
    identifier = fields.Char()
    state = fields.Selection([("ok", "Received"), ("error", "Failed")], required=True, default="ok")
    error_message = fields.Text(readonly=True)
    rating = fields.Integer(help="0 (about to fail) to 100 (safest).")
    rating_date = fields.Date(help="Date of the rating according to the provider.")
    recommended_limit = fields.Monetary(currency_field="currency_id")
    status = fields.Selection(SOLVENCY_STATUSES)
    reference = fields.Char("Provider reference")
    changed = fields.Boolean(readonly=True, help="Rating, limit or status differ from the previous report.")

    @api.model
    def _latest(self, partners, company, states=("ok",)):
        """{commercial partner id: its latest report in the company}."""
        reports = self.search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id), ("state", "in", list(states))]
        )
        latest = {}
        for report in reports:  # newest first
            latest.setdefault(report.partner_id.id, report)
        return latest

    def _differs_from(self, other):
        self.ensure_one()
        return (
            self.rating != other.rating
            or self.status != other.status
            or self.currency_id.compare_amounts(self.recommended_limit, other.recommended_limit) != 0
        )
