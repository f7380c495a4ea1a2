from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


@tagged("post_install", "-at_install")
class TestCreditLimit(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.customer.credit_limit = 1000.0
        cls.manager = new_test_user(
            cls.env,
            "risk_manager",
            groups="account.group_account_invoice,credit_collection.group_collection_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.accountant = new_test_user(
            cls.env,
            "risk_accountant",
            groups="account.group_account_invoice,credit_collection.group_collection_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _notes(self, record):
        return record.message_ids.filtered(lambda message: "Credit limit" in (message.body or "")).mapped("body")

    def test_exposure_is_open_receivables_of_the_company(self):
        first = self._invoice(600.0, self.today + timedelta(days=10))
        self._invoice(150.0, self.today - timedelta(days=5))
        self._pay(first, amount=200.0)
        other_company = self.company_data_2["company"]
        self._invoice(5000.0, self.today, company=other_company)
        self.assertAlmostEqual(self.customer.with_company(self.company).collection_exposure, 550.0)
        self.assertAlmostEqual(self.customer.with_company(other_company).collection_exposure, 5000.0)

    def test_warning_posts_and_notes(self):
        self.company.collection_credit_limit_mode = "warning"
        self._invoice(600.0, self.today)
        under = self._invoice(400.0, self.today)  # 1000: at the limit, not over it
        self.assertFalse(self._notes(under))
        over = self._invoice(0.01, self.today)
        self.assertEqual(over.state, "posted")
        notes = self._notes(over)
        self.assertEqual(len(notes), 1)
        self.assertIn("1,000.01", notes[0])
        self.assertFalse(self.env["credit.collection.credit.override"].search([("partner_id", "=", self.customer.id)]))

    def test_block_refuses_and_manager_override_is_logged(self):
        self.company.collection_credit_limit_mode = "block"
        self._invoice(600.0, self.today)
        draft = self._invoice(500.0, self.today, post=False)
        with self.assertRaisesRegex(UserError, "exceed its credit limit"):
            draft.with_user(self.accountant).action_post()
        self.assertEqual(draft.state, "draft")
        with self.assertRaises(AccessError):
            draft.with_user(self.accountant).action_post_credit_override()
        self.assertEqual(draft.state, "draft")
        draft.with_user(self.manager).action_post_credit_override()
        self.assertEqual(draft.state, "posted")
        override = self.env["credit.collection.credit.override"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(override), 1)
        self.assertEqual(override.user_id, self.manager)
        self.assertEqual((override.res_model, override.res_id), ("account.move", draft.id))
        self.assertEqual(override.scope, "partner")
        self.assertAlmostEqual(override.amount, 500.0)
        self.assertAlmostEqual(override.exposure, 1100.0)
        self.assertAlmostEqual(override.credit_limit, 1000.0)
        self.assertTrue(self._notes(draft))
        self.assertTrue(self._notes(self.customer))

    def test_payment_frees_the_limit(self):
        self.company.collection_credit_limit_mode = "block"
        first = self._invoice(900.0, self.today)
        with self.assertRaises(UserError):
            self._invoice(200.0, self.today)
        self._pay(first, amount=300.0)
        second = self._invoice(200.0, self.today)  # 600 + 200 = 800
        self.assertEqual(second.state, "posted")

    def test_no_check_without_credit_limits(self):
        self.company.account_use_credit_limit = False
        self.company.collection_credit_limit_mode = "block"
        invoice = self._invoice(5000.0, self.today)
        self.assertEqual(invoice.state, "posted")

    def test_fee_invoice_of_a_reminder_is_never_blocked(self):
        invoice = self._invoice(1000.0, self.today - timedelta(days=40))  # already over the limit
        self.company.collection_credit_limit_mode = "block"
        self.level_formal.write({"invoice_fees": True, "channel_email": False})
        run = self._run_and_deliver(self.today)
        self.assertEqual(run.action_ids.state, "sent")
        self.assertEqual(run.action_ids.fee_invoice_id.state, "posted")
        self.assertIn(invoice, run.action_ids.line_ids.move_id)
        # Any other invoice of this customer is still refused.
        with self.assertRaises(UserError):
            self._invoice(10.0, self.today)

    def test_no_client_key_lifts_a_blocked_limit(self):
        """Issue 14, finding 1: the exemption is what the invoice is, set by the engine, not a context key."""
        self.company.collection_credit_limit_mode = "block"
        clerk = new_test_user(
            self.env,
            "risk_clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self._invoice(900.0, self.today)
        draft = self._invoice(500.0, self.today, post=False).with_user(clerk)
        for key in ("collection_credit_exempt", "collection_credit_override"):
            with self.assertRaises(UserError):
                draft.with_context(**{key: True}).action_post()
        self.assertEqual(draft.state, "draft")
        with self.assertRaises(AccessError):
            draft.write({"collection_charge": "fee"})
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(clerk).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "collection_charge": "plan_interest",
                    "invoice_line_ids": [Command.create({"name": "Anything", "quantity": 1, "price_unit": 5000.0})],
                }
            )
        self.assertFalse(draft.sudo().collection_charge)
        self.assertEqual(draft.state, "draft")

    def test_plan_interest_invoice_is_never_blocked(self):
        self._invoice(1200.0, self.today - timedelta(days=30))  # already over the limit
        self.company.collection_credit_limit_mode = "block"
        plan = (
            self.env["credit.collection.payment.plan"]
            .with_user(self.accountant)
            .create({"partner_id": self.customer.id, "instalment_count": 3, "interest_rate": 6.0})
        )
        plan.action_confirm()
        self.assertEqual(plan.interest_invoice_id.state, "posted")
        self.assertEqual(plan.interest_invoice_id.sudo().collection_charge, "plan_interest")

    def test_credit_group_shares_one_limit(self):
        self.company.collection_credit_limit_mode = "block"
        branch = self.env["res.partner"].create({"name": "Durand Lyon", "is_company": True})
        group = self.env["credit.collection.credit.group"].create({"name": "Groupe Durand", "credit_limit": 1500.0})
        self.customer.credit_limit = 0.0
        (self.customer | branch).with_company(self.company).collection_credit_group_id = group
        self._invoice(1000.0, self.today)
        self.assertAlmostEqual(group.exposure, 1000.0)
        self.assertEqual(group.partner_count, 2)
        self._invoice(500.0, self.today, partner=branch)  # 1500: at the limit
        with self.assertRaisesRegex(UserError, "Credit group Groupe Durand"):
            self._invoice(1.0, self.today, partner=branch)
        self.env.invalidate_all()  # computed per request, not stored
        self.assertAlmostEqual(branch.with_company(self.company).collection_group_exposure, 1500.0)
