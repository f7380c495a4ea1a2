from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceCompanies(InsuranceCommon):
    def test_companies_kept_apart(self):
        policy_2 = self._make_insurance_policy(self.company_2)
        decision_1 = self._decision(10000.0)
        decision_2 = self._decision(500.0, policy=policy_2)
        self.assertEqual(decision_2.company_id, self.company_2)
        due = self.today - timedelta(days=50)
        self._invoice(3000.0, due)
        invoice_2 = self._invoice(2000.0, due, company=self.company_2)

        # Each company matches its own ledger with its own decisions.
        row_1 = self._match()
        row_2 = self._match(company=self.company_2)
        self.assertEqual(row_1["decision_id"], decision_1.id)
        self.assertAlmostEqual(row_1["outstanding"], 3000.0)
        self.assertEqual(row_2["decision_id"], decision_2.id)
        self.assertAlmostEqual(row_2["outstanding"], 2000.0)
        self.assertAlmostEqual(row_2["over_limit"], 1500.0)

        # The run of company 1 declares company 1's invoice only.
        self._run(due + timedelta(days=50))
        declarations = self.env["credit.insurance.declaration"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(declarations.company_id, self.company)
        self._run(due + timedelta(days=50), company=self.company_2)
        declaration_2 = self.env["credit.insurance.declaration"].search(
            [("company_id", "=", self.company_2.id), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(declaration_2.line_ids.move_id, invoice_2)
        self.assertEqual(declaration_2.policy_id, policy_2)

        # A collector of company 1 sees nothing of company 2.
        collector = self.env["res.users"].create(
            {
                "name": "Collector One",
                "login": "collector_one_insurance",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set(self.env.ref("credit_collection.group_collection_user").ids)],
            }
        )
        env = self.env(user=collector, context=dict(self.env.context, allowed_company_ids=self.company.ids))
        self.assertEqual(env["credit.insurance.decision"].search([("partner_id", "=", self.customer.id)]), decision_1)
        self.assertEqual(env["credit.insurance.policy"].search([]), self.ins_policy)
        self.assertEqual(
            env["credit.insurance.declaration"].search([("partner_id", "=", self.customer.id)]), declarations
        )
        self.env["credit.insurance.coverage.report"]._refresh(self.company)
        self.env["credit.insurance.coverage.report"]._refresh(self.company_2)
        self.assertEqual(env["credit.insurance.coverage.report"].search([]).company_id, self.company)
        # Refreshing one company leaves the other's lines alone.
        self.assertTrue(self.env["credit.insurance.coverage.report"].search([("company_id", "=", self.company_2.id)]))
