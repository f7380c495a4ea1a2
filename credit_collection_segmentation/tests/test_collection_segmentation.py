from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


@tagged("post_install", "-at_install")
class TestSegmentation(CollectionCommon):
    """Rules in sequence, first match wins; the daily run applies them; a hand-set policy stays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Policy = cls.env["credit.collection.policy"]
        cls.strict = Policy.create({"name": "Strict", "company_id": cls.company.id})
        cls.firm = Policy.create({"name": "Firm", "company_id": cls.company.id})
        cls.gentle = Policy.create({"name": "Gentle", "company_id": cls.company.id})
        cls.public_sector = cls.env["res.partner.industry"].create({"name": "Public administration"})
        Rule = cls.env["credit.collection.segment.rule"]
        cls.rule_public = Rule.create(
            {
                "name": "Public sector",
                "sequence": 1,
                "policy_id": cls.gentle.id,
                "industry_ids": [(6, 0, cls.public_sector.ids)],
            }
        )
        cls.rule_bad = Rule.create(
            {
                "name": "Bad payers",
                "sequence": 2,
                "policy_id": cls.strict.id,
                "grade_best": "D",
                "grade_worst": "E",
                "no_grade": False,
            }
        )
        cls.rule_big = Rule.create(
            {
                "name": "Large and late",
                "sequence": 3,
                "policy_id": cls.firm.id,
                "min_overdue_amount": 1000.0,
                "min_days_late": 30,
            }
        )
        cls.rule_risky = Rule.create(
            {"name": "Weak solvency", "sequence": 4, "policy_id": cls.strict.id, "max_solvency_rating": 30}
        )

        def customer(name, **values):
            return cls.env["res.partner"].create(dict({"name": name, "is_company": True}, **values))

        cls.town_hall = customer("Mairie de Lyon", industry_id=cls.public_sector.id)
        cls.big_late = customer("Grosse Dette SA")
        cls.small_late = customer("Petite Dette SARL")
        cls.bad_payer = customer("Mauvais Payeur SA")
        cls.weak = customer("Fragile SAS")

    def _setup_ledger(self):
        today = self.today
        self._invoice(5000.0, today - timedelta(days=60), partner=self.town_hall)
        self._invoice(1200.0, today - timedelta(days=35), partner=self.big_late)
        self._invoice(200.0, today - timedelta(days=35), partner=self.small_late)
        self._invoice(1200.0, today - timedelta(days=10), partner=self.big_late.copy({"name": "Récente SA"}))
        self._invoice(100.0, today - timedelta(days=2), partner=self.bad_payer)
        self._invoice(100.0, today - timedelta(days=2), partner=self.weak)
        self.env["credit.collection.payer.profile"].sudo().create(
            {"partner_id": self.bad_payer.id, "company_id": self.company.id, "score": 20.0, "grade": "E"}
        )
        provider = self.env["credit.collection.solvency.provider"].create({"name": "Local", "base_url": "http://x"})
        self.env["credit.collection.solvency.report"].sudo().create(
            {
                "partner_id": self.weak.id,
                "company_id": self.company.id,
                "provider_id": provider.id,
                "rating": 25,
                "status": "watch",
                "recommended_limit": 0.0,
            }
        )

    def _policy(self, partner):
        return partner.with_company(self.company).collection_policy_id

    def _segment(self, partner):
        return partner.with_company(self.company).collection_segment_rule_id

    def test_rules_choose_the_policy(self):
        self._setup_ledger()
        changed = self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today)
        self.assertEqual(changed, 4)
        self.assertEqual(self._policy(self.town_hall), self.gentle)  # sector, whatever it owes
        self.assertEqual(self._segment(self.town_hall), self.rule_public)
        self.assertEqual(self._policy(self.big_late), self.firm)  # 1200 overdue, 35 days late
        self.assertEqual(self._policy(self.bad_payer), self.strict)  # grade E
        self.assertEqual(self._segment(self.weak), self.rule_risky)  # rating 25 <= 30
        self.assertFalse(self._policy(self.small_late))  # too small: company default policy
        recent = self.env["res.partner"].search([("name", "=", "Récente SA")])
        self.assertFalse(self._policy(recent))  # large but only 10 days late
        self.assertEqual(self.rule_big.partner_count, 1)
        # Nothing changed: a second pass writes nothing.
        self.assertEqual(self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today), 0)

    def test_segment_follows_the_customer(self):
        self._setup_ledger()
        Rule = self.env["credit.collection.segment.rule"]
        Rule._apply_company(self.company, self.today)
        self.assertEqual(self._policy(self.big_late), self.firm)
        invoice = self.env["account.move"].search([("partner_id", "=", self.big_late.id)])
        self._pay(invoice, amount=500.0)  # 700 overdue now: below the rule
        Rule._apply_company(self.company, self.today)
        self.assertFalse(self._policy(self.big_late))
        self.assertFalse(self._segment(self.big_late))

    def test_policy_set_by_hand_is_kept(self):
        self._setup_ledger()
        self.big_late.with_company(self.company).collection_policy_id = self.gentle
        self.assertTrue(self.big_late.with_company(self.company).collection_policy_manual)
        self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today)
        self.assertEqual(self._policy(self.big_late), self.gentle)
        self.assertFalse(self._segment(self.big_late))

    def test_daily_run_applies_the_rules(self):
        self._setup_ledger()
        run = self._run(self.today)
        self.assertEqual(self._policy(self.big_late), self.firm)
        # The run plans with the policy the rules chose: Firm has no level, so nothing for that customer.
        self.assertFalse(run.action_ids.filtered(lambda action: action.partner_id == self.big_late))
        self.assertTrue(run.action_ids.filtered(lambda action: action.partner_id == self.small_late))

    def test_rules_of_another_company_are_ignored(self):
        self._setup_ledger()
        other = self.company_data_2["company"]
        self.env["credit.collection.segment.rule"]._apply_company(other, self.today)
        self.assertFalse(self._policy(self.big_late))

    def test_rule_checks(self):
        with self.assertRaises(ValidationError):
            self.rule_bad.write({"grade_best": "E", "grade_worst": "B"})
        other_policy = self._make_policy(self.company_data_2["company"])
        with self.assertRaises(ValidationError):
            self.rule_big.policy_id = other_policy


@tagged("post_install", "-at_install")
class TestSolvencySegment(CollectionCommon):
    """A segmentation rule on the last solvency rating: the fact and the condition this add-on adds to the
    segmentation query through its parts."""

    def test_rule_on_the_last_rating(self):
        strict = self.env["credit.collection.policy"].create({"name": "Strict", "company_id": self.company.id})
        rule = self.env["credit.collection.segment.rule"].create(
            {"name": "Weak solvency", "policy_id": strict.id, "max_solvency_rating": 30}
        )
        provider = self.env["credit.collection.solvency.provider"].create({"name": "Local", "base_url": "http://x"})
        customers = {}
        for name, ratings in (("Fragile SAS", [60, 25]), ("Solide SA", [25, 60]), ("Inconnue SARL", [])):
            partner = self.env["res.partner"].create({"name": name, "is_company": True})
            self._invoice(100.0, self.today - timedelta(days=2), partner=partner)
            for days, rating in zip((10, 1), ratings, strict=False):
                self.env["credit.collection.solvency.report"].sudo().create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "provider_id": provider.id,
                        "date": fields.Datetime.now() - timedelta(days=days),
                        "rating": rating,
                        "status": "watch",
                    }
                )
            customers[name] = partner.with_company(self.company)
        self.assertEqual(self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today), 1)
        self.assertEqual(customers["Fragile SAS"].collection_segment_rule_id, rule)  # latest rating 25 <= 30
        self.assertEqual(customers["Fragile SAS"].collection_policy_id, strict)
        self.assertFalse(customers["Solide SA"].collection_segment_rule_id)  # was 25, now 60
        self.assertFalse(customers["Inconnue SARL"].collection_segment_rule_id)  # never rated


@tagged("post_install", "-at_install")
class TestScoringSegment(CollectionCommon):
    """Segmentation rules on the risk grade and the share paid late: the facts and conditions this add-on
    adds to the segmentation query through its parts."""

    def test_rule_on_the_grade(self):
        strict = self.env["credit.collection.policy"].create({"name": "Strict", "company_id": self.company.id})
        rule = self.env["credit.collection.segment.rule"].create(
            {"name": "Bad payers", "policy_id": strict.id, "grade_best": "D", "grade_worst": "E", "no_grade": False}
        )
        customers = {}
        for name, grade in (("Mauvais Payeur SA", "E"), ("Bon Payeur SA", "B"), ("Nouveau SA", None)):
            partner = self.env["res.partner"].create({"name": name, "is_company": True})
            self._invoice(100.0, self.today - timedelta(days=2), partner=partner)
            if grade:
                self.env["credit.collection.payer.profile"].sudo().create(
                    {"partner_id": partner.id, "company_id": self.company.id, "score": 20.0, "grade": grade}
                )
            customers[name] = partner.with_company(self.company)
        self.assertEqual(self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today), 1)
        self.assertEqual(customers["Mauvais Payeur SA"].collection_segment_rule_id, rule)
        self.assertEqual(customers["Mauvais Payeur SA"].collection_policy_id, strict)
        self.assertFalse(customers["Bon Payeur SA"].collection_segment_rule_id)
        self.assertFalse(customers["Nouveau SA"].collection_segment_rule_id)  # no grade: excluded by the rule
        with self.assertRaises(ValidationError):
            rule.write({"grade_best": "E", "grade_worst": "B"})


@tagged("post_install", "-at_install")
class TestSegmentationLaw(CollectionCommon):
    """A rule whose policy is for professionals never applies to a consumer (readme/LAW.md of the engine)."""

    def test_segmentation_keeps_consumers_on_consumer_policies(self):
        consumer = self.env["res.partner"].create({"name": "Jeanne Martin"})
        self.assertEqual(consumer.collection_customer_type, "consumer")
        strict = self.env["credit.collection.policy"].create({"name": "Strict", "company_id": self.company.id})
        rule = self.env["credit.collection.segment.rule"].create(
            {"name": "Everybody", "policy_id": strict.id, "company_id": self.company.id}
        )
        self._invoice(300.0, self.today - timedelta(days=10))
        self._invoice(300.0, self.today - timedelta(days=10), partner=consumer)
        self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today)
        self.assertEqual(self.customer.with_company(self.company).collection_segment_rule_id, rule)
        self.assertFalse(consumer.with_company(self.company).collection_segment_rule_id)
