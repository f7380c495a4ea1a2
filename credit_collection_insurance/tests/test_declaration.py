from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestOverdueDeclaration(InsuranceCommon):
    def _declarations(self, partner=None):
        return self.env["credit.insurance.declaration"].search([("partner_id", "=", (partner or self.customer).id)])

    def test_proposed_before_the_deadline_once(self):
        self._decision(10000.0)
        due = self.today - timedelta(days=50)
        first = self._invoice(3000.0, due)
        second = self._invoice(1500.0, due + timedelta(days=3))
        # Deadline = due + 60 days; proposed from 15 days before it.
        self._run(due + timedelta(days=44))
        self.assertFalse(self._declarations())
        run = self._run(due + timedelta(days=45))
        declaration = self._declarations()
        self.assertEqual(len(declaration), 1)
        self.assertEqual(declaration.state, "draft")
        self.assertEqual(declaration.run_id, run)
        self.assertEqual(run.insurance_declaration_ids, declaration)
        self.assertEqual(declaration.line_ids.move_id, first)
        self.assertEqual(declaration.deadline, due + timedelta(days=60))
        self.assertAlmostEqual(declaration.amount_total, 3000.0)
        self.assertAlmostEqual(declaration.amount_covered, 2700.0)
        # The next day the second invoice joins the draft; the first is not proposed again.
        self._run(due + timedelta(days=48))
        self._run(due + timedelta(days=48))
        declaration = self._declarations()
        self.assertEqual(len(declaration), 1)
        self.assertEqual(declaration.line_ids.move_id, first + second)
        self.assertEqual(declaration.deadline, due + timedelta(days=60))
        self.assertAlmostEqual(declaration.amount_total, 4500.0)
        declaration.action_declare()
        self.assertEqual(declaration.state, "declared")
        self.assertEqual(declaration.date_declared, self.today)
        # Declared: a later run adds nothing and opens no new draft.
        self._run(due + timedelta(days=70))
        self.assertEqual(self._declarations(), declaration)
        self.assertEqual(len(declaration.line_ids), 2)

    def test_only_insured_unpaid_invoices(self):
        due = self.today - timedelta(days=50)
        uninsured = self.env["res.partner"].create({"name": "Sans garantie", "is_company": True})
        self._invoice(2000.0, due, partner=uninsured)
        refused = self.env["res.partner"].create({"name": "Refusé SA", "is_company": True})
        self._decision(0.0, state="refused", partner=refused)
        self._invoice(2000.0, due, partner=refused)
        self._decision(10000.0)
        paid = self._invoice(1000.0, due)
        self._pay(paid)
        # An invoice made after the cover ended is not insured.
        late = self.env["res.partner"].create({"name": "Couverture échue", "is_company": True})
        self._decision(5000.0, partner=late, end=due - timedelta(days=60))
        self._invoice(2000.0, due, partner=late)
        self._run(due + timedelta(days=50))
        self.assertFalse(self._declarations(uninsured))
        self.assertFalse(self._declarations(refused))
        self.assertFalse(self._declarations())
        self.assertFalse(self._declarations(late))

    def test_cancelled_proposal_not_repeated_and_unique_invoice(self):
        self._decision(10000.0)
        due = self.today - timedelta(days=50)
        invoice = self._invoice(3000.0, due)
        self._run(due + timedelta(days=46))
        declaration = self._declarations()
        declaration.action_cancel()
        self._run(due + timedelta(days=47))
        self.assertEqual(self._declarations(), declaration)
        # Declared by hand after all: allowed once the proposal is cancelled, never twice live.
        values = {
            "policy_id": self.ins_policy.id,
            "partner_id": self.customer.id,
            "line_ids": [
                Command.create(
                    {
                        "move_id": invoice.id,
                        "date_due": due,
                        "deadline": due + timedelta(days=60),
                        "amount_residual": 3000.0,
                    }
                )
            ],
        }
        manual = self.env["credit.insurance.declaration"].create(values)
        self.assertEqual(manual.state, "draft")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["credit.insurance.declaration"].create(values)
            self.env.flush_all()

    def test_claim_from_declaration_and_late_flag(self):
        self._decision(2000.0)
        due = self.today - timedelta(days=70)
        invoice = self._invoice(3000.0, due)
        self._run(self.today)
        declaration = self._declarations()
        self.assertTrue(declaration.is_late)  # the deadline (due + 60) is past: flagged, still proposed
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        self.assertEqual(declaration.case_id, case)
        declaration.action_declare()
        self.assertIn(declaration.name, case.message_ids[0].body)
        self.assertEqual(case.insurance_declaration_ids, declaration)
        action = declaration.action_create_claim()
        claim = self.env["credit.insurance.claim"].browse(action["res_id"])
        self.assertEqual(claim.case_id, case)
        self.assertEqual(case.insurance_claim_count, 1)
        self.assertEqual(claim.move_ids, invoice)
        self.assertAlmostEqual(claim.amount_claimed, 3000.0)
        self.assertAlmostEqual(claim.indemnity_amount, 1800.0)  # 90 % of the 2,000 granted

    def test_scheduled_action_proposes_without_a_run(self):
        self._decision(10000.0)
        invoice = self._invoice(3000.0, self.today - timedelta(days=50))
        with self.enter_registry_test_mode():  # the job runs in a cursor of its own: the test's one here
            self.env.ref("credit_collection_insurance.ir_cron_coverage_refresh").method_direct_trigger()
        declaration = self._declarations()
        self.assertEqual(declaration.line_ids.move_id, invoice)
        self.assertFalse(declaration.run_id)
        self.assertTrue(self.env["credit.insurance.coverage.report"].search([("partner_id", "=", self.customer.id)]))


@tagged("post_install", "-at_install")
class TestDeclarationDeadlineAlerts(InsuranceCommon):
    """The owner of a declaration is alerted when it is proposed and on its deadline, once each; a late
    one shows as late in the list a collector opens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._collection_user("collector_declarations")
        cls.customer.with_company(cls.company).collection_user_id = cls.collector
        cls.alert_type = cls.env.ref("credit_collection.mail_activity_type_collection_alert")

    def _alerts(self, declaration):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", declaration._name),
                ("res_id", "=", declaration.id),
                ("activity_type_id", "=", self.alert_type.id),
            ],
            order="date_deadline, id",
        )

    def _daily_alerts(self, date):
        self.env["credit.collection.alert"]._send_alerts(self.company, date)

    def test_alerted_when_proposed_and_on_the_deadline(self):
        self._decision(10000.0)
        due = self.today - timedelta(days=70)
        self._invoice(3000.0, due)
        deadline = due + timedelta(days=60)
        self._run(due + timedelta(days=45))  # proposed 15 days before the deadline
        declaration = self.env["credit.insurance.declaration"].search([("partner_id", "=", self.customer.id)])
        alert = self._alerts(declaration)
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.user_id, alert.date_deadline), (self.collector, due + timedelta(days=45)))
        self.assertIn("Declare to the insurer by", alert.summary)
        self.assertIn(format_date(self.env, deadline), alert.summary)
        # The daily alerts do not repeat it; on the deadline, the owner is alerted again.
        self._daily_alerts(deadline - timedelta(days=1))
        self.assertEqual(self._alerts(declaration), alert)
        self._daily_alerts(deadline)
        alerts = self._alerts(declaration)
        self.assertEqual(len(alerts), 2)
        self.assertEqual((alerts[1].date_deadline, alerts[1].user_id), (deadline, self.collector))
        self.assertIn("Declaration deadline", alerts[1].summary)
        self._daily_alerts(deadline + timedelta(days=10))
        self.assertEqual(len(self._alerts(declaration)), 2)
        # Past the deadline (today is due + 70): late, and found so by the collector.
        self.assertTrue(declaration.is_late)
        Declaration = self.env["credit.insurance.declaration"].with_user(self.collector)
        self.assertIn(declaration, Declaration.search([("is_late", "=", True)]))
        self.assertNotIn(declaration, Declaration.search([("is_late", "=", False)]))
        # Declared: the alerts are done.
        declaration.with_user(self.collector).action_declare()
        self.assertFalse(self._alerts(declaration))
        self.assertFalse(declaration.is_late)

    def test_proposed_after_its_deadline_alerts_at_once(self):
        """The case of the demo: declarations proposed seven weeks after their deadline."""
        self._decision(10000.0)
        due = self.today - timedelta(days=110)
        self._invoice(3000.0, due)
        self._run(self.today)
        declaration = self.env["credit.insurance.declaration"].search([("partner_id", "=", self.customer.id)])
        alert = self._alerts(declaration)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.date_deadline, due + timedelta(days=60))
        self.assertEqual(alert.state, "overdue")
        self.assertIn("Declaration deadline", alert.summary)
        # The default list (To declare) of the collector and of the manager shows it first, flagged late.
        manager = self._collection_user("manager_declarations", "credit_collection.group_collection_manager")
        for user in (self.collector, manager):
            action = (
                self.env["ir.actions.act_window"]
                .with_user(user)
                ._for_xml_id("credit_collection_insurance.action_insurance_declarations")
            )
            self.assertIn("search_default_to_declare", action["context"])
            rows = (
                self.env["credit.insurance.declaration"]
                .with_user(user)
                .web_search_read([("state", "=", "draft")], {"name": {}, "is_late": {}, "deadline": {}})["records"]
            )
            self.assertEqual(rows[0]["id"], declaration.id)
            self.assertTrue(rows[0]["is_late"])
        # The manager declares it: the owner's alert is done.
        declaration.with_user(manager).action_declare()
        self.assertFalse(self._alerts(declaration))
