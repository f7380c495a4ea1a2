from odoo import fields, models


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    outcome_ids = fields.One2many("credit.collection.outcome", "case_id", "Accounting outcomes")
    outcome_count = fields.Integer(compute="_compute_outcome_count")

    def _compute_outcome_count(self):
        for case in self:
            case.outcome_count = len(case.outcome_ids)

    def _close(self, reason):
        # A doubtful receivable (416) is still owed: reclassifying does not pay the case.
        if reason == "paid":
            outcomes = self.env["credit.collection.outcome"].sudo()
            self = self.filtered(lambda case: not outcomes._partner_still_owes(case.partner_id, case.company_id))
        return super()._close(reason)

    def _outcome_action(self, outcome_type):
        self.ensure_one()
        titles = {
            "reclassification": self.env._("Reclassify as doubtful receivables"),
            "provision": self.env._("Provision for doubtful receivables"),
            "write_off": self.env._("Write off"),
        }
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.outcome.wizard",
            "view_mode": "form",
            "target": "new",
            "name": "%s - %s" % (titles[outcome_type], self.partner_id.display_name),
            "context": {
                "default_outcome_type": outcome_type,
                "default_case_id": self.id,
                "default_move_ids": [(6, 0, self.move_ids.ids)],
            },
        }

    def action_collection_reclassify(self):
        return self._outcome_action("reclassification")

    def action_collection_provision(self):
        return self._outcome_action("provision")

    def action_collection_write_off(self):
        return self._outcome_action("write_off")

    def action_open_outcomes(self):
        self.ensure_one()
        self.check_access("read")
        name = self.env._(
            "Write-offs and provisions"
        )  # apart: Odoo's term extractor reads the domain's tuple as a term
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.outcome",
            "view_mode": "list,form",
            "name": name,
            "domain": [("case_id", "=", self.id)],
        }
