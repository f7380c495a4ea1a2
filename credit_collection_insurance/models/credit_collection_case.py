from odoo import fields, models


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    insurance_declaration_ids = fields.One2many("credit.insurance.declaration", "case_id", "Overdue declarations")
    insurance_claim_ids = fields.One2many("credit.insurance.claim", "case_id", "Insurance claims")
    insurance_declaration_count = fields.Integer(compute="_compute_insurance_counts")
    insurance_claim_count = fields.Integer(compute="_compute_insurance_counts")

    def _compute_insurance_counts(self):
        for case in self:
            case.insurance_declaration_count = len(case.insurance_declaration_ids)
            case.insurance_claim_count = len(case.insurance_claim_ids)

    def action_open_insurance_declarations(self):
        return self._open_related(
            "credit_collection_insurance.action_insurance_declarations", [("case_id", "=", self.id)]
        )

    def action_open_insurance_claims(self):
        return self._open_related("credit_collection_insurance.action_insurance_claims", [("case_id", "=", self.id)])
