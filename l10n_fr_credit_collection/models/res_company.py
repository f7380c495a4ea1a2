from odoo import api, models

# The French policies shipped for the main company; other French companies get a copy of them.
FRENCH_POLICIES = {
    "collection_policy_id": "l10n_fr_credit_collection.policy_france_b2b",
    "collection_policy_consumer_id": "l10n_fr_credit_collection.policy_france_b2c",
}
# Limitation periods: 5 years between merchants (article L110-4 of the Code de commerce), 2 years
# against a consumer (article L218-2 of the Code de la consommation).
FRENCH_LIMITATION_YEARS = {"collection_limitation_years_b2b": 5, "collection_limitation_years_b2c": 2}


class ResCompany(models.Model):
    _inherit = "res.company"

    def _collection_is_french(self):
        """French law applies to the company's claims: a company of France or with the French chart."""
        self.ensure_one()
        return "FR" in (self.country_id.code, self.account_fiscal_country_id.code) or (
            self.chart_template or ""
        ).startswith("fr")

    def _collection_set_french_defaults(self, replace=False):
        """The French policies as the company's defaults (unless it chose others: only an empty default or
        the engine's neutral one is replaced, any when ``replace``), the French limitation periods where
        none is set, the French formal notice on its levels that still send the engine's."""
        neutral = self.env.ref("credit_collection.policy_default", raise_if_not_found=False)
        engine_formal = self.env.ref("credit_collection.mail_template_reminder_formal")
        french_formal = self.env.ref("l10n_fr_credit_collection.mail_template_reminder_formal_fr")
        for company in self:
            values = {field: years for field, years in FRENCH_LIMITATION_YEARS.items() if not company[field]}
            for field, xmlid in FRENCH_POLICIES.items():
                current = company[field]
                policy = self.env.ref(xmlid, raise_if_not_found=False)
                if not policy or (current and current != neutral and not replace):
                    continue
                if current and current.with_context(lang="en_US").name == policy.with_context(lang="en_US").name:
                    continue  # already the French policy or the company's copy of it
                if policy.company_id != company:
                    policy = policy.sudo()._copy_for_company(company)
                values[field] = policy.id
            if values:
                company.sudo().write(values)
            self.env["credit.collection.level"].sudo().search(
                [("company_id", "=", company.id), ("email_template_id", "=", engine_formal.id)]
            ).email_template_id = french_formal

    @api.model
    def _collection_init_french_companies(self):
        # Called from the add-on's data, before Odoo loads its translations: the copies of the policies
        # take every language of the shipped ones, so these must have them already.
        languages = [code for code, _name in self.env["res.lang"].get_installed()]
        self.env["ir.module.module"]._load_module_terms(["l10n_fr_credit_collection"], languages)
        self.sudo().search(
            [
                "|",
                "|",
                ("partner_id.country_id.code", "=", "FR"),
                ("account_fiscal_country_id.code", "=", "FR"),
                ("chart_template", "=like", "fr%"),
            ]
        )._collection_set_french_defaults()
