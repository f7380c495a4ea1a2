from datetime import timedelta

from odoo import fields, models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_solvency(self, env, company, customers, today):
        """A solvency provider and the worsening history of the customer in receivership."""
        provider = env["credit.collection.solvency.provider"].create(
            {"name": "Solvabilité (exemple)", "base_url": "https://solvency.example.com", "timeout": 10.0}
        )
        company.collection_solvency_provider_id = provider
        Report = env["credit.collection.solvency.report"]
        for partner in [partner for partner, profile in customers if profile.code == "receivership"]:
            for days, rating, status, limit in (
                (120, 48, "active", 15000.0),
                (30, 22, "watch", 5000.0),
                (2, 5, "insolvency", 0.0),
            ):
                Report.create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "provider_id": provider.id,
                        "date": fields.Datetime.now() - timedelta(days=days),
                        "identifier": partner.company_registry,
                        "rating": rating,
                        "status": status,
                        "recommended_limit": limit,
                        "changed": days != 120,
                        "rating_date": today - timedelta(days=days),
                    }
                )
