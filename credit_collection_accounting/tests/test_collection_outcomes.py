from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon
from odoo.addons.credit_collection.tests.test_roles import RolesCommon


class OutcomeCommon(CollectionCommon):
    """The French outcome accounts on company 1 and a 20 % tax."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounts = cls._outcome_accounts(cls.company)
        cls.tax = cls.env["account.tax"].create(
            {"name": "VAT 20 % (test)", "amount": 20.0, "type_tax_use": "sale", "company_id": cls.company.id}
        )
        cls.outcomes = cls.env["credit.collection.outcome"]
        cls.due = cls.today - timedelta(days=120)

    @classmethod
    def _outcome_accounts(cls, company):
        specs = {
            "collection_doubtful_account_id": ("416000", "Doubtful customers", "asset_current", True),
            "collection_provision_account_id": ("491000", "Receivable impairment", "asset_current", False),
            "collection_provision_expense_account_id": ("681700", "Impairment expense", "expense", False),
            "collection_provision_income_account_id": ("781700", "Impairment reversal", "income", False),
            "collection_writeoff_account_id": ("654000", "Bad debts", "expense", False),
        }
        values = {}
        Account = cls.env["account.account"].with_company(company)
        for field, (code, name, account_type, reconcile) in specs.items():
            account = Account.search(
                [*Account._check_company_domain(company), ("code", "=", code)], limit=1
            ) or Account.create(
                {
                    "code": code,
                    "name": name,
                    "account_type": account_type,
                    "reconcile": reconcile,
                    "company_ids": [Command.set(company.ids)],
                }
            )
            values[field] = account
        company.write({field: account.id for field, account in values.items()})
        company.collection_outcome_journal_id = cls.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        return values

    def _taxed_invoice(self, untaxed=1000.0, company=None, tax=None):
        company = company or self.company
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": self.due - timedelta(days=30),
                    "invoice_date_due": self.due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Works",
                                "quantity": 1,
                                "price_unit": untaxed,
                                "tax_ids": [Command.set((tax or self.tax).ids)],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _balance(self, entry, account):
        return sum(entry.line_ids.filtered(lambda line: line.account_id == account).mapped("balance"))

    def _check_balanced(self, entry):
        self.assertEqual(entry.state, "posted")
        self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")), places=2)

    def _receivable(self, invoice):
        return invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")


@tagged("post_install", "-at_install")
class TestCollectionOutcomes(OutcomeCommon):
    def test_provision_base_untaxed_and_entry(self):
        invoice = self._taxed_invoice()
        self.assertAlmostEqual(invoice.amount_total, 1200.0)
        self.assertAlmostEqual(self.outcomes._provision_base(invoice), 1000.0)
        provision = self.outcomes._provision(invoice)
        entry = provision.account_move_id
        self._check_balanced(entry)
        self.assertAlmostEqual(provision.amount, 1000.0)
        self.assertAlmostEqual(self._balance(entry, self.accounts["collection_provision_expense_account_id"]), 1000.0)
        self.assertAlmostEqual(self._balance(entry, self.accounts["collection_provision_account_id"]), -1000.0)
        self.assertEqual(provision.move_ids, invoice)
        self.assertEqual(provision.case_id.partner_id, self.customer) if provision.case_id else None

    def test_provision_rate_through_wizard_and_partial_then_full_payment(self):
        invoice = self._taxed_invoice()
        wizard = self.env["credit.collection.outcome.wizard"].create(
            {"outcome_type": "provision", "move_ids": [Command.set(invoice.ids)], "rate": 50.0}
        )
        self.assertAlmostEqual(wizard.amount, 500.0)
        provision = self.outcomes.browse(wizard.action_post()["res_id"])
        self.assertAlmostEqual(provision.amount, 500.0)
        # A quarter paid: a quarter of the provision is reversed (491 / 7817).
        self._pay(invoice, amount=300.0)
        self.assertEqual(len(provision.reversal_ids), 1)
        reversal = provision.reversal_ids
        self.assertAlmostEqual(reversal.amount, 125.0)
        self._check_balanced(reversal.account_move_id)
        self.assertAlmostEqual(
            self._balance(reversal.account_move_id, self.accounts["collection_provision_account_id"]), 125.0
        )
        self.assertAlmostEqual(
            self._balance(reversal.account_move_id, self.accounts["collection_provision_income_account_id"]), -125.0
        )
        self.assertEqual(provision.state, "posted")
        # The rest paid: the rest reversed, the provision is closed.
        self._pay(invoice)
        self.assertEqual(invoice.payment_state in ("paid", "in_payment"), True)
        self.assertAlmostEqual(provision.amount_reversed, 500.0)
        self.assertEqual(provision.state, "reversed")

    def test_reclassification_then_payment_on_416(self):
        invoice = self._taxed_invoice()
        reclass = self.outcomes._reclassify(invoice)
        entry = reclass.account_move_id
        self._check_balanced(entry)
        doubtful = self.accounts["collection_doubtful_account_id"]
        receivable_account = self._receivable(invoice).account_id
        self.assertAlmostEqual(self._balance(entry, doubtful), 1200.0)
        self.assertAlmostEqual(self._balance(entry, receivable_account), -1200.0)
        self.assertTrue(self._receivable(invoice).reconciled)
        credit = entry.line_ids.filtered(lambda line: line.account_id == receivable_account)
        self.assertTrue(credit.reconciled)
        self.assertIn(credit, self._receivable(invoice).matched_credit_ids.credit_move_id)
        line_416 = entry.line_ids.filtered(lambda line: line.account_id == doubtful)
        self.assertEqual(line_416.collection_invoice_id, invoice)
        self.assertEqual(line_416.partner_id, self.customer)
        self.assertAlmostEqual(self.outcomes._open_amount(invoice), 1200.0)
        # The case stays open: the customer still owes the doubtful receivable.
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        case._close_paid_cases(self.customer)
        self.assertNotEqual(case.stage, "closed")
        provision = self.outcomes._provision(invoice)
        self.assertAlmostEqual(provision.amount, 1000.0)
        # The customer pays 600 into the bank: the payment's credit lands on 416, reconciled with its line.
        bank = self.company_data["default_journal_bank"]
        payment = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": self.today,
                "line_ids": [
                    Command.create({"account_id": bank.default_account_id.id, "debit": 600.0, "credit": 0.0}),
                    Command.create(
                        {"account_id": doubtful.id, "partner_id": self.customer.id, "debit": 0.0, "credit": 600.0}
                    ),
                ],
            }
        )
        payment.action_post()
        (payment.line_ids.filtered(lambda line: line.account_id == doubtful) | line_416).reconcile()
        self.assertAlmostEqual(line_416.amount_residual, 600.0)
        self.assertAlmostEqual(provision.amount_reversed, 500.0)

    def test_write_off_closes_invoice_case_and_reverses_provision(self):
        invoice = self._taxed_invoice()
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        provision = self.outcomes._provision(invoice)
        write_off = self.outcomes._write_off(invoice)
        entry = write_off.account_move_id
        self._check_balanced(entry)
        self.assertAlmostEqual(self._balance(entry, self.accounts["collection_writeoff_account_id"]), 1200.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(provision.state, "reversed")
        self.assertAlmostEqual(provision.amount_reversed, 1000.0)
        self.assertEqual(case.stage, "closed")
        self.assertEqual(case.close_reason, "written_off")

    def test_write_off_with_vat_recovery_after_reclassification(self):
        self.company.collection_writeoff_recover_vat = True
        invoice = self._taxed_invoice()
        self.outcomes._reclassify(invoice)
        write_off = self.outcomes._write_off(invoice)
        entry = write_off.account_move_id
        self._check_balanced(entry)
        tax_account = invoice.line_ids.filtered(lambda line: line.display_type == "tax").account_id
        self.assertAlmostEqual(self._balance(entry, self.accounts["collection_writeoff_account_id"]), 1000.0)
        self.assertAlmostEqual(self._balance(entry, tax_account), 200.0)
        doubtful = self.accounts["collection_doubtful_account_id"]
        self.assertAlmostEqual(self._balance(entry, doubtful), -1200.0)
        self.assertTrue(all(entry.line_ids.filtered(lambda line: line.account_id == doubtful).mapped("reconciled")))
        self.assertAlmostEqual(self.outcomes._open_amount(invoice), 0.0)

    def test_foreign_currency_invoice_in_company_currency(self):
        currency = self.currency_data["currency"]
        invoice = self._invoice(600.0, self.due, currency=currency)
        open_amount = invoice.amount_residual_signed
        self.assertNotAlmostEqual(open_amount, 600.0)
        reclass = self.outcomes._reclassify(invoice)
        entry = reclass.account_move_id
        self._check_balanced(entry)
        self.assertEqual(entry.currency_id, self.company.currency_id)
        self.assertAlmostEqual(reclass.amount, open_amount)
        self.assertTrue(self._receivable(invoice).reconciled)
        write_off = self.outcomes._write_off(invoice)
        self.assertAlmostEqual(write_off.amount, open_amount)
        self.assertAlmostEqual(self.outcomes._open_amount(invoice), 0.0)

    def test_companies_kept_apart(self):
        company_2 = self.company_data_2["company"]
        # Company 2 pointed at company 1's accounts: refused.
        invoice = self._invoice(500.0, self.due, company=company_2)
        self.env["res.company"].browse(company_2.id).sudo()._write(
            {
                "collection_provision_account_id": self.accounts["collection_provision_account_id"].id,
                "collection_provision_expense_account_id": self.accounts["collection_provision_expense_account_id"].id,
            }
        )
        company_2.invalidate_recordset()
        with self.assertRaises(UserError):
            self.outcomes._provision(invoice)
        # Invoices of two companies together: refused.
        with self.assertRaises(UserError):
            self.outcomes._provision(invoice | self._taxed_invoice())

    def test_non_reconcilable_doubtful_account(self):
        self.accounts["collection_doubtful_account_id"].reconcile = False
        with self.assertRaisesRegex(UserError, "must allow reconciliation"):
            self.outcomes._reclassify(self._taxed_invoice())

    def test_only_managers_post(self):
        user = self.env["res.users"].create(
            {
                "name": "Collector",
                "login": "collector_outcomes",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [
                    Command.set(
                        [
                            self.env.ref("account.group_account_invoice").id,
                            self.env.ref("credit_collection.group_collection_user").id,
                        ]
                    )
                ],
            }
        )
        invoice = self._taxed_invoice()
        with self.assertRaises(UserError):
            self.outcomes.with_user(user)._provision(invoice)

    def test_french_defaults(self):
        if not self.env["ir.module.module"].search_count(
            [("name", "=", "l10n_fr_account"), ("state", "=", "installed")]
        ):
            self.skipTest("l10n_fr_account is not installed")
        company = self.env["res.company"].create(
            {
                "name": "Société test FR",
                "country_id": self.env.ref("base.fr").id,
                "currency_id": self.env.ref("base.EUR").id,
            }
        )
        self.env.user.company_ids |= company
        self.env["account.chart.template"].try_loading("fr", company, install_demo=False)
        company = company.with_company(company)  # account codes are per company since 18.0
        self.assertEqual(company.collection_doubtful_account_id.code, "416000")
        self.assertEqual(company.collection_provision_account_id.code, "491000")
        self.assertEqual(company.collection_provision_expense_account_id.code, "681740")
        self.assertEqual(company.collection_provision_income_account_id.code, "781740")
        self.assertEqual(company.collection_writeoff_account_id.code, "654100")
        self.assertEqual(company.collection_outcome_journal_id.type, "general")
        self.assertTrue(company.collection_doubtful_account_id.reconcile)

    def test_demo_company_has_the_french_accounts(self):
        company = self.env.ref("credit_collection.demo_company_fr", raise_if_not_found=False)
        if not company:
            self.skipTest("no demo data")
        company = company.with_company(company).sudo()  # the test user works in the test companies
        if company.chart_template != "fr":
            self.skipTest("the demo company runs the generic chart (l10n_fr_account not installed)")
        self.assertTrue(company.collection_doubtful_account_id.code.startswith("416"))
        self.assertTrue(company.collection_provision_account_id.code.startswith("491"))
        self.assertTrue(company.collection_provision_expense_account_id.code.startswith("6817"))
        self.assertTrue(company.collection_provision_income_account_id.code.startswith("7817"))
        self.assertTrue(company.collection_writeoff_account_id.code.startswith("654"))
        self.assertEqual(company.collection_outcome_journal_id.company_id, company)


@tagged("post_install", "-at_install")
class TestOutcomeWizardAsManager(OutcomeCommon):
    """The manager opens the dialog from the case (or the invoice list) and posts what it proposes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._collection_user("manager_outcomes", "credit_collection.group_collection_manager")

    def _dialog(self, action):
        """The dialog as the web client fills it: defaults, then onchanges on new records."""
        self.assertEqual(action["target"], "new")
        return Form(self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"]))

    def _case_with_invoices(self):
        invoices = self._taxed_invoice(1000.0) | self._taxed_invoice(500.0)
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        self.assertEqual(case.move_ids, invoices)
        return case.with_user(self.manager), invoices

    def test_provision_from_the_case_with_its_defaults(self):
        case, invoices = self._case_with_invoices()
        action = case.action_collection_provision()
        self.assertEqual(action["name"], "Provision for doubtful receivables - %s" % self.customer.display_name)
        dialog = self._dialog(action)
        self.assertAlmostEqual(dialog.open_amount, 1800.0)  # tax included
        self.assertAlmostEqual(dialog.base_amount, 1500.0)  # France: the provision is on the untaxed amount
        self.assertAlmostEqual(dialog.amount, 1500.0)
        dialog.rate = 40.0
        self.assertAlmostEqual(dialog.amount, 600.0)
        result = dialog.save().action_post()
        provision = self.outcomes.browse(result["res_id"])
        self.assertEqual((provision.outcome_type, provision.move_ids), ("provision", invoices))
        self.assertAlmostEqual(provision.amount, 600.0)
        self.assertEqual(provision.case_id, case)

    def test_write_off_from_the_case_with_its_defaults(self):
        case, invoices = self._case_with_invoices()
        action = case.action_collection_write_off()
        self.assertEqual(action["name"], "Write off - %s" % self.customer.display_name)
        dialog = self._dialog(action)
        self.assertEqual(dialog.outcome_type, "write_off")
        self.assertAlmostEqual(dialog.open_amount, 1800.0)
        write_off = self.outcomes.browse(dialog.save().action_post()["res_id"])
        self.assertAlmostEqual(write_off.amount, 1800.0)
        self.assertTrue(all(invoice.payment_state in ("paid", "in_payment") for invoice in invoices))
        self.assertEqual(case.stage, "closed")

    def test_provision_from_the_invoice_list(self):
        invoices = self._taxed_invoice(1000.0)
        action = (
            self.env["ir.actions.act_window"]
            .with_user(self.manager)
            ._for_xml_id("credit_collection_accounting.action_collection_outcome_wizard_invoices")
        )
        action["context"] = {"active_model": "account.move", "active_ids": invoices.ids}
        dialog = self._dialog(action)
        dialog.outcome_type = "provision"
        self.assertAlmostEqual(dialog.base_amount, 1000.0)
        self.assertAlmostEqual(dialog.amount, 1000.0)
        provision = self.outcomes.browse(dialog.save().action_post()["res_id"])
        self.assertAlmostEqual(provision.amount, 1000.0)


@tagged("post_install", "-at_install")
class TestOutcomesByRole(RolesCommon):
    """Write-offs and provisions are the Collection Manager's, through the wizard on the invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        OutcomeCommon._outcome_accounts.__func__(cls, cls.company)

    def test_collector_cannot_post_outcomes(self):
        invoice = self._invoice(800.0, self.today - timedelta(days=45))
        with self.assertRaises(AccessError):
            self.env["credit.collection.outcome.wizard"].with_user(self.collector).create(
                {"outcome_type": "write_off", "move_ids": [Command.set(invoice.ids)]}
            )

    def test_provision_then_write_off(self):
        invoice = self._invoice(1000.0, self.today - timedelta(days=200))
        context = {"active_model": "account.move", "active_ids": invoice.ids}
        Wizard = self.env["credit.collection.outcome.wizard"].with_user(self.manager).with_context(**context)
        with Form(Wizard) as wizard:
            wizard.outcome_type = "provision"
            wizard.amount = 1000.0
        provision = self.env["credit.collection.outcome"].browse(wizard.record.action_post()["res_id"])
        self.assertEqual(provision.outcome_type, "provision")
        self.assertAlmostEqual(provision.amount, 1000.0)
        self.assertEqual(provision.account_move_id.state, "posted")
        with Form(Wizard) as wizard:
            wizard.outcome_type = "write_off"
        write_off = self.env["credit.collection.outcome"].browse(wizard.record.action_post()["res_id"])
        self.assertEqual(write_off.outcome_type, "write_off")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(provision.state, "reversed")


@tagged("post_install", "-at_install")
class TestProvisionedKpi(OutcomeCommon):
    """The provisions are a registered KPI: computed with the set, kept in the snapshot, a dashboard card
    (those with credit_collection_kpi installed)."""

    def test_provisioned_in_the_kpi_set(self):
        invoice = self._taxed_invoice(1000.0)
        Wizard = self.env["credit.collection.outcome.wizard"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        with Form(Wizard) as wizard:
            wizard.outcome_type = "provision"
            wizard.amount = 250.0
        wizard.record.action_post()
        Kpi = self.env["credit.collection.kpi"]
        self.assertIn("provisioned", [registration["name"] for registration in Kpi._kpi_registrations()])
        month = {"company": self.company.id, "from": self.today.replace(day=1), "to": self.today}
        before = {
            "company": self.company.id,
            "from": self.due - timedelta(days=60),
            "to": self.due - timedelta(days=31),
        }
        currency = self.company.currency_id
        self.assertEqual(currency.compare_amounts(Kpi._kpi_provisioned(self.company, month, {}), 250.0), 0)
        self.assertTrue(
            currency.is_zero(Kpi._kpi_provisioned(self.company, before, {})), "nothing provisioned before the provision"
        )
        if "credit.collection.kpi.snapshot" not in self.env:
            return  # the KPI set, its snapshots and dashboard are credit_collection_kpi's
        kpi = Kpi._compute(self.company, self.today.replace(day=1), self.today)
        self.assertEqual(currency.compare_amounts(kpi["provisioned"], 250.0), 0)
        snapshot = self.env["credit.collection.kpi.snapshot"]._take(self.company, self.today.replace(day=1), self.today)
        self.assertEqual(currency.compare_amounts(snapshot._kpi_values()["provisioned"], 250.0), 0)
        cards = self.env["credit.collection.kpi.snapshot"]._dashboard_data(self.today)["cards"]
        card = next(card for card in cards if card["key"] == "provisioned")
        self.assertEqual(currency.compare_amounts(card["raw"], 250.0), 0)
        self.assertEqual(card["action"], "credit_collection_accounting.action_collection_outcomes")
