from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_l10n_fr(self, env, company, customers, today):
        """The demo company is French: the French policies replace the neutral one it was created with (the
        engine's demo runs before this add-on is installed), the policies other demo parts derived from it
        are derived again, and its runs planned only are planned again with them."""
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_credit_collection"], ["fr_FR"])
        runs = env["credit.collection.run"].search([("company_id", "=", company.id), ("state", "=", "done")])
        runs = runs.filtered(lambda run: all(action.state in ("to_review", "queued") for action in run.action_ids))
        dates = runs.mapped("date")
        runs.action_ids.unlink()
        runs.unlink()
        neutral = company.collection_policy_id
        company._collection_set_french_defaults(replace=True)
        french = company.collection_policy_id
        env["res.partner"].search([("collection_policy_id", "=", neutral.id)]).collection_policy_id = french
        # Segmentation's demo gives bad payers a stricter copy of the default policy: made again from the French one.
        if "credit.collection.segment.rule" in env and hasattr(self, "_demo_segmentation"):
            rules = env["credit.collection.segment.rule"].search([("company_id", "=", company.id)])
            derived = rules.policy_id - french
            rules.unlink()
            derived.unlink()
            self._demo_segmentation(env, company, customers, today)
        for date in dates:
            env["credit.collection.run"].create({"company_id": company.id, "date": date})._plan()
        if neutral != french and not env["credit.collection.action"].search_count(
            [("level_id", "in", neutral.level_ids.ids)], limit=1
        ):
            neutral.active = False
