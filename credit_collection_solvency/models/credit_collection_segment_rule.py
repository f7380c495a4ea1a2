from odoo import api, fields, models


class CreditCollectionSegmentRule(models.Model):
    _inherit = "credit.collection.segment.rule"

    max_solvency_rating = fields.Integer(
        "Solvency rating up to", help="Customers whose last solvency rating (0-100) is at most this; 0: any.")

    @api.model
    def _match_fact_columns(self):
        return super()._match_fact_columns() + ["sol.rating AS solvency_rating"]

    @api.model
    def _match_fact_joins(self):
        return super()._match_fact_joins() + ["""LEFT JOIN LATERAL (
                    SELECT r.rating FROM credit_collection_solvency_report r
                     WHERE r.partner_id = c.partner_id AND r.company_id = %(company)s AND r.state = 'ok'
                  ORDER BY r.date DESC, r.id DESC LIMIT 1) sol ON TRUE"""]

    @api.model
    def _match_fact_group_by(self):
        return super()._match_fact_group_by() + ["sol.rating"]

    @api.model
    def _match_conditions(self):
        return super()._match_conditions() + [
            "(COALESCE(r.max_solvency_rating, 0) = 0"
            " OR (f.solvency_rating IS NOT NULL AND f.solvency_rating <= r.max_solvency_rating))"]
