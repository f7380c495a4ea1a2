"""The insurance screens as the roles that use them (readme of credit_collection, "Roles and rights")."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.credit_collection.tests.common import VIEW_OPENED

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceRoles(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "ins_manager",
            groups="credit_collection.group_collection_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.collector = new_test_user(
            cls.env,
            "ins_collector",
            groups="credit_collection.group_collection_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def test_manager_sets_up_and_works_the_insurance(self):
        with Form(self.env["credit.insurance.policy"].with_user(self.manager)) as policy:
            policy.insurer_id = self.insurer
            policy.number = "POL-MANAGER"
            policy.coverage_share = 85.0
        self.assertEqual(policy.record.company_id, self.company)
        with Form(self.env["credit.insurance.decision"].with_user(self.manager)) as decision:
            decision.policy_id = self.ins_policy
            decision.partner_id = self.customer
            decision.state = "granted"
            decision.amount = 2000.0
            decision.date_start = self.long_ago
        self.customer.with_user(self.manager).with_company(self.company).write({"insurance_credit_limit_follows": True})
        invoice = self._invoice(3000.0, self.today - timedelta(days=70))
        Report = self.env["credit.insurance.coverage.report"].with_user(self.manager)
        Report.action_refresh()
        line = Report.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(line.status, "over_limit")
        self.assertAlmostEqual(self.customer.with_company(self.company).credit_limit, 2000.0)
        self.env["credit.insurance.declaration"].with_user(self.manager)._propose(self.company, self.today)
        declaration = (
            self.env["credit.insurance.declaration"]
            .with_user(self.manager)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(declaration.line_ids.move_id, invoice)
        declaration.action_declare()
        self.assertEqual(declaration.state, "declared")
        claim = (
            self.env["credit.insurance.claim"]
            .with_user(self.manager)
            .browse(declaration.action_create_claim()["res_id"])
        )
        self.assertEqual(claim.move_ids, invoice)

    def test_collector_records_decisions_not_policies(self):
        with self.assertRaises(AccessError):
            self.env["credit.insurance.policy"].with_user(self.collector).create(
                {"insurer_id": self.insurer.id, "number": "POL-COLLECTOR"}
            )
        with self.assertRaises(AccessError):
            self.ins_policy.with_user(self.collector).write({"coverage_share": 100.0})
        with Form(self.env["credit.insurance.decision"].with_user(self.collector)) as decision:
            decision.policy_id = self.ins_policy
            decision.partner_id = self.customer
            decision.state = "granted"
            decision.amount = 5000.0
        self.env["credit.insurance.coverage.report"].with_user(self.collector).action_refresh()
        with self.assertRaises(AccessError, msg="a credit limit that follows the insurer is the manager's call"):
            self.customer.with_user(self.collector).with_company(self.company).write(
                {"insurance_credit_limit_follows": True}
            )


@tagged("post_install", "-at_install")
class TestInsuranceScreensAsManager(HttpCase):
    def test_screens_open_for_a_manager(self):
        company = self.env.ref("base.user_admin").company_id
        new_test_user(
            self.env,
            "ins_screen_manager",
            groups="credit_collection.group_collection_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        for url in (
            "/odoo/action-credit_collection_insurance.action_insurance_coverage_report",
            "/odoo/action-credit_collection_insurance.action_insurance_declarations",
            "/odoo/action-credit_collection_insurance.action_insurance_decisions",
        ):
            self.browser_js(url, VIEW_OPENED, login="ins_screen_manager", timeout=60)
