from datetime import timedelta

from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_litigation(self, env, company, customers, today):
        """A late payer in court: a registered formal notice archived two months ago, then an order for payment."""
        if env["credit.collection.case.document"].search_count([("company_id", "=", company.id)], limit=1):
            return
        promised = env["credit.collection.promise"].search([("company_id", "=", company.id)]).partner_id
        for partner, profile in customers:
            if profile.code != "chronic_late" or partner in promised:
                continue
            if not env["account.move"].search_count(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", today),
                ],
                limit=1,
            ):
                continue
            case = env["credit.collection.case"]._get_or_open(partner, company, "formal_notice")
            env["credit.collection.case.document"].create(
                {
                    "case_id": case.id,
                    "name": "Mise en demeure (LRAR)",
                    "category": "formal_notice",
                    "date": today - timedelta(days=60),
                    "notes": "Mise en demeure envoyée en recommandé avec accusé de réception, restée sans effet.",
                }
            )
            case.write(
                {
                    "stage": "litigation",
                    "procedure": "order_for_payment",
                    "note": "<p>Requête en injonction de payer déposée au tribunal judiciaire de Lyon.</p>",
                }
            )
            return
