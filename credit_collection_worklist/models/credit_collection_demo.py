from datetime import datetime, time, timedelta

from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_worklist(self, env, company, customers, today):
        """Claire's landing page is Today's work; yesterday she called two of her customers."""
        claire = env.ref("credit_collection.demo_user_claire")
        claire.action_id = env.ref("credit_collection_worklist.action_collection_worklist")
        lines = env["credit.collection.worklist"].search([("user_id", "=", claire.id)], limit=4)
        yesterday = datetime.combine(today - timedelta(days=1), time(10, 0))
        for line, outcome in zip(lines[2:], ("no_answer", "reached"), strict=False):
            env["credit.collection.call"].create(
                {
                    "partner_id": line.partner_id.id,
                    "company_id": company.id,
                    "user_id": claire.id,
                    "outcome": outcome,
                    "date": yesterday,
                }
            )
