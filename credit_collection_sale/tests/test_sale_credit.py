from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


@tagged("post_install", "-at_install")
class TestSaleCredit(CollectionCommon):
    """Exposure = open receivables + confirmed orders not invoiced yet (tax included)."""

    @classmethod
    def get_default_groups(cls):
        # The test user enters the orders as a sales administrator; the salesman and the manager below
        # are the roles whose rights are tested.
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.customer.credit_limit = 1000.0
        cls.product = cls.env["product.product"].create(
            {
                "name": "Pallet of bricks",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        groups = "sales_team.group_sale_salesman,account.group_account_invoice"
        cls.salesman = new_test_user(
            cls.env, "risk_salesman", groups=groups, company_id=cls.company.id, company_ids=[cls.company.id]
        )
        cls.manager = new_test_user(
            cls.env,
            "risk_sales_manager",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice,"
            "credit_collection.group_collection_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _order(self, amount, partner=None, company=None, user=None, quantity=1):
        company = company or self.company
        return (
            self.env["sale.order"]
            .with_user(user or self.env.user)
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": quantity,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def _exposure(self, partner=None):
        self.env.invalidate_all()
        return (partner or self.customer).with_company(self.company).collection_exposure

    def test_exposure_counts_orders_not_invoiced(self):
        self.company.collection_credit_limit_mode = "warning"
        self._invoice(300.0, self.today + timedelta(days=10))
        order = self._order(400.0)
        self.assertAlmostEqual(self._exposure(), 300.0)  # a quotation does not count
        order.action_confirm()
        self.assertAlmostEqual(self._exposure(), 700.0)
        # Invoicing the order moves it from "to invoice" to receivables: never counted twice.
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertFalse(invoice.message_ids.filtered(lambda message: "Credit limit" in (message.body or "")))
        self.assertAlmostEqual(self._exposure(), 700.0)
        self._pay(invoice)
        self.assertAlmostEqual(self._exposure(), 300.0)
        # Another company's orders are not counted.
        other = self.company_data_2["company"]
        self._order(5000.0, company=other).with_company(other).action_confirm()
        self.assertAlmostEqual(self._exposure(), 300.0)

    def test_warning_mode_confirms_and_notes(self):
        self.company.collection_credit_limit_mode = "warning"
        self._invoice(800.0, self.today)
        order = self._order(300.0, user=self.salesman)
        self.assertIn("would exceed its credit limit", order.collection_credit_warning)
        self.assertFalse(order.collection_credit_blocked)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.message_ids.filtered(lambda message: "Credit limit warning" in (message.body or "")))

    def test_block_mode_and_logged_override(self):
        self.company.collection_credit_limit_mode = "block"
        self._invoice(800.0, self.today)
        order = self._order(300.0, user=self.salesman)
        self.assertTrue(order.collection_credit_blocked)
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_confirm_credit_override()
        self.assertEqual(order.state, "draft")
        order.with_user(self.manager).action_confirm_credit_override()
        self.assertEqual(order.state, "sale")
        override = self.env["credit.collection.credit.override"].search([("res_model", "=", "sale.order")])
        self.assertEqual(
            (override.res_id, override.user_id, override.partner_id), (order.id, self.manager, self.customer)
        )
        self.assertAlmostEqual(override.amount, 300.0)
        self.assertAlmostEqual(override.exposure, 1100.0)
        # The confirmed order now counts: a second small order is blocked too.
        with self.assertRaises(UserError):
            self._order(1.0).action_confirm()

    def test_under_the_limit_confirms_silently(self):
        self.company.collection_credit_limit_mode = "block"
        order = self._order(1000.0)
        self.assertFalse(order.collection_credit_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_credit_group_limit_on_orders(self):
        self.company.collection_credit_limit_mode = "block"
        self.customer.credit_limit = 0.0
        branch = self.env["res.partner"].create({"name": "Durand Lyon", "is_company": True})
        group = self.env["credit.collection.credit.group"].create({"name": "Groupe Durand", "credit_limit": 1000.0})
        (self.customer | branch).with_company(self.company).collection_credit_group_id = group
        self._order(700.0).action_confirm()
        with self.assertRaisesRegex(UserError, "Credit group Groupe Durand"):
            self._order(400.0, partner=branch).action_confirm()
        self._order(300.0, partner=branch).action_confirm()  # exactly the limit

    def test_salesman_reads_the_risk(self):
        self._invoice(250.0, self.today - timedelta(days=20))
        self.env["credit.collection.payer.profile"]._recompute_company(self.company, self.today)
        order = self._order(100.0, user=self.salesman)
        self.env.invalidate_all()
        order = order.with_user(self.salesman)
        self.assertEqual(order.collection_risk_grade, self.customer.with_company(self.company).collection_risk_grade)
        self.assertTrue(order.collection_risk_grade)
        self.assertAlmostEqual(order.collection_exposure, 250.0)
        self.assertAlmostEqual(order.collection_overdue_amount, 250.0)
        self.assertAlmostEqual(order.collection_credit_limit, 1000.0)
        partner = self.customer.with_user(self.salesman).with_company(self.company)
        self.assertAlmostEqual(partner.collection_exposure, 250.0)  # the quotation is not confirmed
        # The order form and the customer form open for a salesman.
        order.get_views([(False, "form")])
        partner.get_views([(False, "form")])
        partner.read(["collection_risk_grade", "collection_exposure", "collection_late_probability", "credit_limit"])

    def test_salesman_reads_the_risk_and_writes_no_control(self):
        """SPEC §10, issue 14 finding 5: a salesman who edits contacts reads the customer's risk and
        nothing internal beyond, and writes no collection control."""
        salesman = new_test_user(
            self.env,
            "contacts_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self._invoice(250.0, self.today - timedelta(days=20))
        self.customer.write({"collection_blocked": True, "collection_block_reason": "Lawyer involved"})
        partner = self.customer.with_user(salesman).with_company(self.company)
        arch = partner.get_views([(False, "form")])["views"]["form"]["arch"]
        for name in (
            "collection_credit_limit",
            "collection_exposure",
            "collection_overdue_amount",
            "collection_risk_grade",
        ):
            self.assertIn('name="%s"' % name, arch)
        for name in (
            "collection_blocked",
            "collection_block_reason",
            "collection_policy_id",
            "collection_user_id",
            "collection_segment_rule_id",
            "insurance_status",
        ):
            self.assertNotIn('name="%s"' % name, arch)
        with Form(partner) as form:  # the customer form still opens and saves for the salesman
            form.phone = "+33 4 72 00 00 00"
        values = partner.read(
            [
                "collection_credit_limit",
                "collection_exposure",
                "collection_overdue_amount",
                "collection_risk_grade",
                "collection_late_probability",
            ]
        )[0]
        self.assertAlmostEqual(values["collection_credit_limit"], 1000.0)
        self.assertAlmostEqual(values["collection_exposure"], 250.0)
        with self.assertRaises(AccessError):
            partner.read(["collection_block_reason"])
        for values in (
            {"collection_blocked": False},
            {"collection_block_reason": False},
            {"collection_policy_id": False},
            {"collection_user_id": salesman.id},
            {"collection_escalated": True},
            {"collection_proposed_limit": 999999.0},
            {"collection_solvency_monitored": True},
            {"collection_third_party_role": "agency"},
            {"credit_limit": 999999.0},
        ):
            if not set(values) <= set(partner._fields):
                continue  # a field of an add-on not installed (the third party's role: litigation)
            with self.assertRaises(AccessError, msg=str(values)):
                partner.write(values)
        self.assertTrue(self.customer.collection_blocked)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(salesman).create({"name": "New customer", "collection_blocked": True})

    def test_partial_invoice_is_not_counted_twice_at_posting(self):
        self.company.collection_credit_limit_mode = "block"
        self.customer.credit_limit = 700.0
        self._invoice(300.0, self.today + timedelta(days=10))
        order = self._order(200.0, quantity=2)  # 400 ordered
        order.action_confirm()  # 300 + 400 = 700: at the limit
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 1  # 200 invoiced now, 200 still to invoice
        # Without the relief the check would see 300 + 400 still to invoice + 200 = 900 and block.
        self.assertAlmostEqual(invoice._collection_uninvoiced_relief(), 200.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(self._exposure(), 700.0)  # 500 receivable + 200 to invoice

    def test_plain_salesman_without_accounting_rights(self):
        salesman = new_test_user(
            self.env,
            "plain_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self._invoice(250.0, self.today - timedelta(days=20))
        order = self._order(100.0, user=salesman)
        self.env.invalidate_all()
        order = order.with_user(salesman)
        self.assertAlmostEqual(order.collection_exposure, 250.0)
        self.assertAlmostEqual(order.collection_overdue_amount, 250.0)
        self.assertAlmostEqual(order.collection_credit_limit, 1000.0)  # shown on the order, read-only
        partner = self.customer.with_user(salesman).with_company(self.company)
        arch = partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("collection_exposure", arch)
        partner.read(["collection_risk_grade", "collection_exposure", "collection_overdue_amount"])
