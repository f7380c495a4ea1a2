import re
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestCoverageMatching(InsuranceCommon):
    def test_share_covered_and_over_limit(self):
        self._decision(10000.0)
        self._invoice(6000.0, self.today - timedelta(days=5))
        row = self._match()
        self.assertEqual(row["status"], "covered")
        self.assertAlmostEqual(row["outstanding"], 6000.0)
        self.assertAlmostEqual(row["covered"], 5400.0)  # 90 % of 6,000
        self.assertAlmostEqual(row["uncovered"], 600.0)
        self.assertAlmostEqual(row["over_limit"], 0.0)

        invoice = self._invoice(8000.0, self.today + timedelta(days=20))
        row = self._match()
        self.assertEqual(row["status"], "over_limit")
        self.assertAlmostEqual(row["outstanding"], 14000.0)
        self.assertAlmostEqual(row["covered"], 9000.0)  # 90 % of the 10,000 granted
        self.assertAlmostEqual(row["uncovered"], 5000.0)
        self.assertAlmostEqual(row["over_limit"], 4000.0)

        # A partial payment lowers the exposure.
        self._pay(invoice, amount=5000.0)
        row = self._match()
        self.assertAlmostEqual(row["outstanding"], 9000.0)
        self.assertAlmostEqual(row["covered"], 8100.0)
        self.assertEqual(row["status"], "covered")
        # The customer form shows the same figures.
        self.assertAlmostEqual(self.customer.insurance_covered, 8100.0)
        self.assertAlmostEqual(self.customer.insurance_uncovered, 900.0)

    def test_decisions_over_time(self):
        granted = self._decision(10000.0, start=self.today - timedelta(days=200))
        reduced = self._decision(4000.0, state="reduced", start=self.today - timedelta(days=30))
        self._invoice(6000.0, self.today - timedelta(days=5))
        # Before the reduction the first grant was in force; since then, the reduced amount.
        earlier = self._match(date=self.today - timedelta(days=60))
        self.assertEqual(earlier["decision_id"], granted.id)
        self.assertAlmostEqual(earlier["coverage_limit"], 10000.0)
        row = self._match()
        self.assertEqual(row["decision_id"], reduced.id)
        self.assertAlmostEqual(row["coverage_limit"], 4000.0)
        self.assertAlmostEqual(row["covered"], 3600.0)
        self.assertAlmostEqual(row["over_limit"], 2000.0)
        self.assertTrue(reduced.is_current)
        self.assertFalse(granted.is_current)
        # A request decides nothing: the reduced amount stays in force.
        self._decision(0.0, state="requested", start=self.today - timedelta(days=1))
        self.assertEqual(self._match()["decision_id"], reduced.id)
        # A refusal ends the cover.
        self._decision(0.0, state="refused", start=self.today)
        row = self._match()
        self.assertEqual(row["status"], "not_covered")
        self.assertAlmostEqual(row["covered"], 0.0)
        self.assertAlmostEqual(row["uncovered"], 6000.0)

    def test_expired_decision_covers_nothing(self):
        self._decision(10000.0, start=self.today - timedelta(days=200), end=self.today - timedelta(days=1))
        self._invoice(3000.0, self.today - timedelta(days=5))
        self.assertAlmostEqual(self._match(date=self.today - timedelta(days=1))["covered"], 2700.0)
        row = self._match()
        self.assertEqual(row["status"], "not_covered")
        self.assertFalse(row["decision_id"])
        self.assertAlmostEqual(row["covered"], 0.0)
        self.assertAlmostEqual(row["uncovered"], 3000.0)
        self.assertAlmostEqual(row["over_limit"], 0.0)  # no limit to exceed

    def test_several_currencies(self):
        # Policy in Gold (2 Gold = 1 USD): 10,000 Gold granted covers 5,000 USD of outstanding.
        gold_policy = self._make_insurance_policy(self.company, number="GOLD-1", currency_id=self.gold.id)
        self._decision(10000.0, policy=gold_policy)
        self._invoice(4000.0, self.today - timedelta(days=5), currency=self.gold)  # 2,000 USD
        self._invoice(4000.0, self.today - timedelta(days=5))  # 4,000 USD
        row = self._match()
        self.assertAlmostEqual(row["coverage_limit"], 5000.0)
        self.assertAlmostEqual(row["outstanding"], 6000.0)
        self.assertAlmostEqual(row["covered"], 4500.0)
        self.assertAlmostEqual(row["over_limit"], 1000.0)

    def test_ledger_rate_and_report(self):
        other = self.env["res.partner"].create({"name": "Client non garanti", "is_company": True})
        self._decision(10000.0)
        self._invoice(5000.0, self.today - timedelta(days=5))
        self._invoice(5000.0, self.today - timedelta(days=5), partner=other)
        Report = self.env["credit.insurance.coverage.report"]
        lines = Report._refresh(self.company)
        rows = Report._match(self.company, self.today)
        mine = lines.filtered(lambda line: line.partner_id in self.customer + other)
        self.assertEqual(len(mine), 2)
        self.assertEqual(mine.filtered(lambda line: line.partner_id == other).status, "not_covered")
        # Other customers of the test company may hold open invoices: the rate is computed on all rows.
        expected = 100.0 * sum(r["covered"] for r in rows) / sum(r["outstanding"] for r in rows)
        self.assertAlmostEqual(Report._ledger_rate(rows), expected)
        covered, outstanding = Report._read_group(
            [("partner_id", "in", (self.customer + other).ids)], [], ["covered:sum", "outstanding:sum"]
        )[0]
        self.assertAlmostEqual(covered / outstanding, 0.45)  # 4,500 covered of 10,000

    def test_alerts_and_credit_limit(self):
        activity_type = self.env.ref("credit_collection_insurance.mail_activity_type_coverage_alert")
        decision = self._decision(2000.0, end=self.today + timedelta(days=10))
        self._invoice(5000.0, self.today - timedelta(days=5))
        self.customer.with_company(self.company).insurance_credit_limit_follows = True
        Report = self.env["credit.insurance.coverage.report"]
        Report._refresh(self.company)
        Report._refresh(self.company)  # alerts are not repeated while open
        partner_alerts = self.customer.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(partner_alerts), 1)
        digits = re.sub(r"\D", "", html2plaintext(partner_alerts.note))
        self.assertIn("300000", digits)  # 3,000.00 over the limit, whatever the language's separators
        decision_alerts = decision.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(decision_alerts), 1)
        self.assertEqual(decision_alerts.date_deadline, decision.date_end)
        self.assertAlmostEqual(self.customer.with_company(self.company).credit_limit, 2000.0)
        # The limit follows a new decision at once.
        self._decision(7000.0, start=self.today)
        self.assertAlmostEqual(self.customer.with_company(self.company).credit_limit, 7000.0)
        # A renewal already entered makes the expiry alert pointless.
        other = self.env["res.partner"].create({"name": "Renouvelé SA", "is_company": True})
        ending = self._decision(1000.0, partner=other, end=self.today + timedelta(days=5))
        self._decision(1000.0, partner=other, start=self.today + timedelta(days=6))
        Report._refresh(self.company)
        self.assertFalse(ending.activity_ids)
