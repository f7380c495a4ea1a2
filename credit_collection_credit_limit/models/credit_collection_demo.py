from odoo import models


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_credit_limit(self, env, company, customers, today):
        """Credit limits (one customer over it) and a credit group of two customers."""
        by_profile = {}
        for partner, profile in customers:
            by_profile.setdefault(profile.code, []).append(partner)
        company.write({"account_use_credit_limit": True, "collection_credit_limit_mode": "warning"})
        for partner in by_profile["prompt"]:
            partner.credit_limit = 20000.0
        exposures = env["res.partner"]._collection_exposures(company, by_profile["chronic_late"][0])
        late = by_profile["chronic_late"][0]
        late.credit_limit = max(round(exposures.get(late.id, 0.0) * 0.8, -2), 1000.0)
        group = env["credit.collection.credit.group"].create(
            {
                "name": "Groupe %s" % by_profile["regular"][0].name,
                "credit_limit": 60000.0,
                "note": "Siège et filiale : un seul encours autorisé.",
            }
        )
        for partner in by_profile["regular"][:2]:
            partner.collection_credit_group_id = group
