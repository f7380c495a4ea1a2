from datetime import timedelta

from odoo import fields, models
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInstallAndAccess(TransactionCase):
    def test_addons_installed(self):
        """The engine is installed, and each add-on is installed completely or not at all: each installs alone
        with its dependencies (setup/lib.sh installs them all)."""
        modules = self.env["ir.module.module"].search([("name", "=like", "credit_collection%")])
        self.assertEqual(modules.filtered(lambda module: module.name == "credit_collection").state, "installed")
        self.assertLessEqual(set(modules.mapped("state")), {"installed", "uninstalled", "uninstallable"})

    def test_groups_and_menu(self):
        user_group = self.env.ref("credit_collection.group_collection_user")
        manager_group = self.env.ref("credit_collection.group_collection_manager")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertIn(self.env.ref("account.group_account_invoice"), user_group.implied_ids)

        collector = new_test_user(self.env, "collector_t", groups="credit_collection.group_collection_user")
        manager = new_test_user(self.env, "manager_t", groups="credit_collection.group_collection_manager")
        clerk = new_test_user(self.env, "clerk_t", groups="account.group_account_invoice")
        root = self.env.ref("credit_collection.menu_collection_root")
        config = self.env.ref("credit_collection.menu_collection_config")
        self.assertEqual(root.parent_id, self.env.ref("account.menu_finance"))

        def visible(user):
            return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        self.assertIn(root.id, visible(collector))
        self.assertIn(root.id, visible(manager))
        self.assertNotIn(root.id, visible(clerk))
        self.assertNotIn(config.id, visible(collector))
        self.assertEqual(config.group_ids, self.env.ref("credit_collection.group_collection_manager"))

    def test_declared_indexes_exist_once_each(self):
        """Issue 14, finding 12: an index declared twice under one name is built once, with whichever
        columns came first. Every index the add-ons declare has its own name and exists as declared."""
        declared = {}
        for model in self.env.registry.values():
            for cls in model._model_classes__:
                for index in vars(cls).get("_table_object_definitions", ()):
                    if isinstance(index, models.Index) and index._module.startswith("credit_collection"):
                        declared.setdefault(index.full_name(model), set()).add(id(index))
        self.assertIn("account_move_line_collection_due_idx", declared)
        duplicates = sorted(name for name, indexes in declared.items() if len(indexes) > 1)
        self.assertFalse(duplicates, "index names declared more than once")
        self.env.cr.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(declared)])
        built = dict(self.env.cr.fetchall())
        self.assertEqual(sorted(built), sorted(declared))
        self.assertIn("(company_id, date_maturity, account_id)", built["account_move_line_collection_due_idx"])
        self.assertIn(
            "(account_id, date) INCLUDE (company_id, partner_id, date_maturity, amount_residual)",
            built["account_move_line_collection_aged_idx"],
        )

    def test_access_rights_load_for_each_group(self):
        for xmlid in ("credit_collection.group_collection_user", "credit_collection.group_collection_manager"):
            group = self.env.ref(xmlid)
            user = new_test_user(self.env, xmlid.split(".")[1], groups=xmlid)
            for access in self.env["ir.model.access"].search([("group_id", "in", group.all_implied_ids.ids)]):
                model = self.env[access.model_id.model].with_user(user)
                if access.perm_read:
                    model.check_access("read")


@tagged("post_install", "-at_install")
class TestDemoLedger(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("credit_collection.demo_company_fr")
        cls.customers = cls.env["res.partner"].browse(
            [cls.env.ref("credit_collection.demo_customer_%02d" % n).id for n in range(1, 51)]
        )
        cls.invoices = cls.env["account.move"].search(
            [
                ("company_id", "=", cls.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        cls.today = fields.Date.context_today(cls.env.user)

    def test_french_company(self):
        self.assertEqual(self.company.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(self.company.country_id, self.env.ref("base.fr"))
        self.assertEqual(self.company.chart_template, "fr")
        Account = self.env["account.account"].with_company(self.company)
        self.assertTrue(Account.search([*Account._check_company_domain(self.company), ("code", "=like", "411%")]))

    def test_customers_and_profiles(self):
        self.assertEqual(len(self.customers), 50)
        consumers = self.customers.filtered(lambda p: not p.is_company)
        self.assertEqual(len(consumers), 4)
        self.assertIn("en_US", self.customers.mapped("lang"))
        self.assertIn("fr_FR", self.customers.mapped("lang"))
        receivership = self.env.ref("credit_collection.demo_customer_43")
        self.assertIn("redressement judiciaire", receivership.name)

    def test_invoices_payments_and_credit_notes(self):
        self.assertEqual(len(self.invoices), 504)
        self.assertTrue(self.invoices.filtered(lambda m: m.invoice_date < self.today - timedelta(days=500)))
        states = set(self.invoices.mapped("payment_state"))
        self.assertTrue({"paid", "partial", "not_paid"} <= states | {"in_payment"}, states)
        self.assertTrue(self.invoices.filtered(lambda m: m.payment_state == "partial"))
        refunds = self.env["account.move"].search_count(
            [("company_id", "=", self.company.id), ("move_type", "=", "out_refund"), ("state", "=", "posted")]
        )
        self.assertGreater(refunds, 5)

    def test_overdue_amounts_follow_profiles(self):
        open_items = self.invoices.filtered(lambda m: m.payment_state in ("not_paid", "partial"))
        overdue = open_items.filtered(lambda m: m.invoice_date_due < self.today)
        self.assertGreater(len(overdue), 30)
        by_customer = {}
        for move in overdue:
            late = (self.today - move.invoice_date_due).days
            by_customer[move.partner_id] = max(by_customer.get(move.partner_id, 0), late)
        prompt_payers = self.customers[:18]
        for partner in prompt_payers:
            self.assertLessEqual(by_customer.get(partner, 0), 3, partner.name)
        receivership = self.env.ref("credit_collection.demo_customer_43")
        self.assertGreater(by_customer.get(receivership, 0), 60)
        chronic = self.customers[28:36]
        self.assertGreaterEqual(sum(1 for partner in chronic if by_customer.get(partner, 0) > 30), 4)
        total_overdue = sum(overdue.mapped("amount_residual"))
        self.assertGreater(total_overdue, 50000)

    def test_follow_up_records(self):
        company_domain = [("company_id", "=", self.company.id)]
        disputes = self.env["credit.collection.dispute"].search(company_domain)
        self.assertEqual(len(disputes), 2)
        self.assertTrue(all(move.collection_hold == "dispute" for move in disputes.move_ids))
        self.assertEqual(self.env["credit.collection.promise"].search(company_domain).state, "open")
        plan = self.env["credit.collection.payment.plan"].search(company_domain)
        self.assertEqual((plan.state, len(plan.line_ids)), ("running", 4))
        receivership = self.env.ref("credit_collection.demo_customer_43")
        proceeding = self.env["credit.collection.insolvency"].search(company_domain)
        self.assertEqual(
            (proceeding.partner_id, proceeding.procedure, proceeding.state), (receivership, "receivership", "open")
        )
        case = self.env["credit.collection.case"].search(company_domain + [("partner_id", "=", receivership.id)])
        self.assertEqual((case.stage, case.procedure), ("insolvency", False), "the order for payment is suspended")
        task = proceeding.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("credit_collection.mail_activity_type_claim_declaration")
        )
        self.assertEqual(task.date_deadline, proceeding.claim_deadline)
        self.assertGreater(task.date_deadline, self.today, "the claim can still be declared")
        self.assertTrue(proceeding.claim_line_ids)

    def test_lawful_demo_company_and_consumers(self):
        self.assertTrue(self.company.logo and not self.company.uses_default_logo)
        self.assertEqual(
            (self.company.collection_legal_form, self.company.collection_trade_register), ("SAS", "RCS Lyon")
        )
        self.assertTrue(self.company.company_registry and self.company.vat and self.company.collection_share_capital)
        self.assertTrue(self.company.external_report_layout_id)
        self.assertEqual(self.company.collection_policy_consumer_id.customer_type, "consumer")
        camille = self.customers.filtered(lambda p: p.name == "Camille Leroy")
        self.assertEqual(camille.collection_customer_type, "consumer")
        actions = self.env["credit.collection.action"].search([("partner_id", "=", camille.id)])
        self.assertTrue(all(a.policy_id == self.company.collection_policy_consumer_id for a in actions))
        self.assertFalse(actions.filtered("fee_amount"), "no recovery indemnity for a consumer")
        self.assertFalse(
            self.env["credit.collection.action"].search(
                [
                    ("partner_id", "=", self.env.ref("credit_collection.demo_customer_43").id),
                    ("state", "in", ("to_review", "queued")),
                    (
                        "line_ids.move_id.invoice_date",
                        "<",
                        self.env["credit.collection.insolvency"]
                        .search([("company_id", "=", self.company.id)])
                        .opening_date,
                    ),
                ]
            ),
            "no reminder for the debts born before the receivership",
        )

    def test_admin_works_in_the_demo_company(self):
        self.assertEqual(self.env.ref("base.user_admin").company_id, self.company)
