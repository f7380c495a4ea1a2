"""French companies get the French policies, limitation periods and formal notice, at install and when a
company gets the French chart later; a company of another country keeps the engine's neutral rules."""

from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


@tagged("post_install", "-at_install")
class TestFrenchDefaults(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b2b = cls.env.ref("l10n_fr_credit_collection.policy_france_b2b").sudo()
        cls.b2c = cls.env.ref("l10n_fr_credit_collection.policy_france_b2c").sudo()
        cls.french_formal = cls.env.ref("l10n_fr_credit_collection.mail_template_reminder_formal_fr")

    def _assert_french_defaults(self, company):
        self.assertEqual(company.collection_policy_id.company_id, company)
        self.assertEqual(company.collection_policy_id.name, "France B2B")
        self.assertEqual(company.collection_policy_consumer_id.name, "France B2C")
        self.assertEqual(
            company.collection_policy_id.level_ids.mapped("delay_days"), self.b2b.level_ids.mapped("delay_days")
        )
        notice = company.collection_policy_id.level_ids.filtered("is_formal_notice")
        self.assertEqual(notice.recovery_fee, 40.0, "the L441-10 indemnity")
        self.assertEqual(notice.interest_mode, "legal_b2b")
        self.assertEqual(notice._late_interest_margin(), 10.0, "ECB + 10 points")
        self.assertEqual(notice.email_template_id, self.french_formal)
        self.assertEqual((company.collection_limitation_years_b2b, company.collection_limitation_years_b2c), (5, 2))

    def test_company_getting_the_french_chart(self):
        company = (
            self.env["res.company"].sudo().create({"name": "Nouvelle SARL", "country_id": self.env.ref("base.fr").id})
        )
        self.assertFalse(company.collection_policy_id)
        self.env["account.chart.template"].sudo().try_loading("fr", company, install_demo=False)
        self._assert_french_defaults(company)

    def test_existing_companies_at_install(self):
        """What the add-on's install does (its data calls it): French companies only, their own choice kept."""
        french = (
            self.env["res.company"].sudo().create({"name": "Existante SAS", "country_id": self.env.ref("base.fr").id})
        )
        belgian = (
            self.env["res.company"].sudo().create({"name": "Bestaande NV", "country_id": self.env.ref("base.be").id})
        )
        chosen = self._make_policy(french)
        french.collection_policy_consumer_id = False
        french.collection_policy_id = self.env.ref("credit_collection.policy_default").sudo()._copy_for_company(french)
        self.env["res.company"].sudo()._collection_init_french_companies()
        self.assertEqual(french.collection_policy_id.name, "Standard policy", "a copy is the company's own choice")
        self.assertEqual(french.collection_policy_consumer_id.name, "France B2C")
        self.assertEqual((french.collection_limitation_years_b2b, french.collection_limitation_years_b2c), (5, 2))
        self.assertFalse(belgian.collection_policy_id)
        self.assertEqual((belgian.collection_limitation_years_b2b, belgian.collection_limitation_years_b2c), (0, 0))
        french.collection_policy_id = chosen
        french._collection_set_french_defaults()
        self.assertEqual(french.collection_policy_id, chosen)
        french._collection_set_french_defaults(replace=True)
        self._assert_french_defaults(french)

    def test_main_company_policy_is_french_once_installed(self):
        main = self.env.ref("base.main_company")
        if not main._collection_is_french():
            self.skipTest("the main company of this database is not French")
        self.assertEqual(main.collection_policy_id, self.b2b)
        self.assertEqual(main.collection_policy_consumer_id, self.b2c)

    def test_french_law_applies_to_french_companies_only(self):
        """Same level, same rates: ECB + 10 points and the floor of three times the legal rate for a French
        company, the engine's neutral rules (ECB + 8, no floor) for the others."""
        level = self.level_formal
        level.interest_mode = "legal_b2b"
        self.assertEqual(level._late_interest_margin(), 8.0)
        self.assertFalse(level._contract_rate_floor_kind())
        self.change_company_country(self.company, self.env.ref("base.fr"))
        self.assertEqual(level._late_interest_margin(), 10.0)
        self.assertEqual(level._contract_rate_floor_kind(), "legal_other")
        self.assertAlmostEqual(level._contract_rate_floor(2.62), 7.86)
