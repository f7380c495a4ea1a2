from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_segmentation(self, env, company, customers, today):
        """A stricter policy for the customers graded D or E."""
        policy = company.collection_policy_id
        strict = policy.copy({"company_id": company.id})
        strict.update_field_translations("name", {"en_US": "Strict dunning", "fr_FR": "Relance renforcée"})
        # Earliest first, each written at once: a shortened delay never meets one not shortened yet.
        for level in strict.level_ids.filtered(lambda level: level.delay_days > 0).sorted("delay_days"):
            level.delay_days = max(1, int(level.delay_days * 0.6))
            level.flush_recordset(["delay_days"])
        rule = env["credit.collection.segment.rule"].create(
            {
                "name": "Mauvais payeurs",
                "sequence": 10,
                "policy_id": strict.id,
                "grade_best": "D",
                "grade_worst": "E",
                "no_grade": False,
            }
        )
        rule.update_field_translations("name", {"en_US": "Bad payers", "fr_FR": "Mauvais payeurs"})
