from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CollectionCommon


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
        cls.rule_public = Rule.create({
            "name": "Public sector", "sequence": 1, "policy_id": cls.gentle.id,
            "industry_ids": [(6, 0, cls.public_sector.ids)]})
        cls.rule_big = Rule.create({
            "name": "Large and late", "sequence": 3, "policy_id": cls.firm.id,
            "min_overdue_amount": 1000.0, "min_days_late": 30})

        def customer(name, **values):
            return cls.env["res.partner"].create(dict({"name": name, "is_company": True}, **values))
        cls.town_hall = customer("Mairie de Lyon", industry_id=cls.public_sector.id)
        cls.big_late = customer("Grosse Dette SA")
        cls.small_late = customer("Petite Dette SARL")

    def _setup_ledger(self):
        today = self.today
        self._invoice(5000.0, today - timedelta(days=60), partner=self.town_hall)
        self._invoice(1200.0, today - timedelta(days=35), partner=self.big_late)
        self._invoice(200.0, today - timedelta(days=35), partner=self.small_late)
        self._invoice(1200.0, today - timedelta(days=10), partner=self.big_late.copy({"name": "Récente SA"}))

    def _policy(self, partner):
        return partner.with_company(self.company).collection_policy_id

    def _segment(self, partner):
        return partner.with_company(self.company).collection_segment_rule_id

    def test_rules_choose_the_policy(self):
        self._setup_ledger()
        changed = self.env["credit.collection.segment.rule"]._apply_company(self.company, self.today)
        self.assertEqual(changed, 2)
        self.assertEqual(self._policy(self.town_hall), self.gentle)  # sector, whatever it owes
        self.assertEqual(self._segment(self.town_hall), self.rule_public)
        self.assertEqual(self._policy(self.big_late), self.firm)  # 1200 overdue, 35 days late
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
        other_policy = self._make_policy(self.company_data_2["company"])
        with self.assertRaises(ValidationError):
            self.rule_big.policy_id = other_policy
