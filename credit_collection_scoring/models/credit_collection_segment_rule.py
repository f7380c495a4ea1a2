from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .credit_collection_payer_profile import GRADES

GRADE_RANK = {grade: rank for rank, (grade, _label) in enumerate(GRADES)}


class CreditCollectionSegmentRule(models.Model):
    _inherit = "credit.collection.segment.rule"

    grade_best = fields.Selection(GRADES, "Risk grade from", help="Best grade of the segment (empty: A).")
    grade_worst = fields.Selection(GRADES, "Risk grade to", help="Worst grade of the segment (empty: E).")
    no_grade = fields.Boolean(
        "Also customers without grade", default=True,
        help="Customers without payer profile yet match the grade condition.")
    min_late_share = fields.Float(
        "Paid late at least (%)", help="Payment behaviour: share of the invoices paid late, in percent.")
    max_late_share = fields.Float("Paid late at most (%)", default=100.0)

    @api.constrains("grade_best", "grade_worst")
    def _check_grades(self):
        for rule in self:
            if rule.grade_best and rule.grade_worst and GRADE_RANK[rule.grade_best] > GRADE_RANK[rule.grade_worst]:
                raise ValidationError(_("Rule %s: the best grade comes after the worst one.", rule.name))

    @api.model
    def _match_fact_columns(self):
        return super()._match_fact_columns() + ["pr.grade", "pr.late_share"]

    @api.model
    def _match_fact_joins(self):
        return super()._match_fact_joins() + ["""LEFT JOIN credit_collection_payer_profile pr
                    ON pr.partner_id = c.partner_id AND pr.company_id = %(company)s"""]

    @api.model
    def _match_fact_group_by(self):
        return super()._match_fact_group_by() + ["pr.grade", "pr.late_share"]

    @api.model
    def _match_conditions(self):
        return super()._match_conditions() + [
            """(CASE WHEN f.grade IS NULL THEN r.no_grade
                     ELSE f.grade >= COALESCE(r.grade_best, 'A') AND f.grade <= COALESCE(r.grade_worst, 'E') END)""",
            "(COALESCE(r.min_late_share, 0) = 0 OR COALESCE(f.late_share, 0) * 100 >= r.min_late_share)",
            "(f.late_share IS NULL OR f.late_share * 100 <= COALESCE(r.max_late_share, 100) + 1e-9)",
        ]
