"""Each role's day, played as that role through the door it uses (SPEC §10, readme/CONFIGURE.md).

Collectors have the Collection User group only (no right to edit contacts), managers the Collection
Manager group only: everything they do here must work with their own rights, never as admin.
"""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import VIEW_OPENED, CollectionCommon


class RolesCommon(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._role_user("role_collector", "credit_collection.group_collection_user")
        cls.manager = cls._role_user("role_manager", "credit_collection.group_collection_manager")
        cls.customer.with_company(cls.company).collection_user_id = cls.collector

    @classmethod
    def _role_user(cls, login, groups):
        return new_test_user(
            cls.env, login, groups=groups, company_id=cls.company.id, company_ids=[cls.company.id], lang="en_US"
        )

    def _case(self):
        return self.env["credit.collection.case"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id), ("stage", "!=", "closed")]
        )


@tagged("post_install", "-at_install")
class TestCollectorDay(RolesCommon):
    def test_block_dunning_with_a_reason_then_resume(self):
        invoice = self._invoice(800.0, self.today - timedelta(days=10))
        # tracking on, as in production (the test class turns it off)
        customer = self.customer.with_user(self.collector).with_context(tracking_disable=False, mail_notrack=False)
        with self.assertRaises(AccessError, msg="a collector edits no contact: the door is the button"):
            customer.write({"collection_blocked": True})
        action = customer.action_collection_block()
        with Form(customer.env[action["res_model"]].with_context(**action["context"])) as wizard:
            wizard.reason = "Customer in talks with the sales director"
        wizard.record.action_confirm()
        self.assertTrue(self.customer.collection_blocked)
        self.assertEqual(self.customer.collection_block_reason, "Customer in talks with the sales director")
        self.env.cr.precommit.run()  # the tracking is written when the transaction commits
        tracked = self.customer.message_ids.filtered(lambda message: message.author_id == self.collector.partner_id)
        self.assertIn(
            "Customer in talks with the sales director",
            tracked.tracking_value_ids.mapped("new_value_char"),
            "the block is tracked, in her name",
        )
        run = self._run(self.today)
        self.assertFalse(self._actions(invoice), "a blocked customer gets no reminder")
        self.assertTrue(run.message_ids_report.filtered(lambda message: "sales director" in message.reason))
        customer.action_collection_unblock()
        self.assertFalse(self.customer.collection_blocked)
        self.assertFalse(self.customer.collection_block_reason)
        self._run(self.today)
        self.assertTrue(self._actions(invoice), "dunning resumes")

    def test_block_needs_a_reason(self):
        action = self.customer.with_user(self.collector).action_collection_block()
        wizard = Form(self.env[action["res_model"]].with_user(self.collector).with_context(**action["context"]))
        with self.assertRaises(AssertionError):
            wizard.save()  # the reason is required
        self.assertFalse(self.customer.collection_blocked)

    def test_log_a_call_with_its_outcome(self):
        self.level_call.auto_send = True
        self._invoice(700.0, self.today - timedelta(days=26))
        run = self._run(self.today)
        self._send_now(run.action_ids.filtered(lambda action: action.channel == "phone"))
        case = self._case()
        call = (self.customer.activity_ids | case.activity_ids).filtered(
            lambda activity: activity.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(call), 1)
        self.assertEqual(call.user_id, self.collector, "the call goes to the customer's collector")
        call.with_user(self.collector).action_feedback(feedback="Accounting pays on Friday")
        self.assertFalse(call.active, "done: kept archived, out of the collector's activities")
        self.assertTrue(
            (self.customer.message_ids | case.message_ids).filtered(
                lambda message: "Accounting pays on Friday" in (message.body or "")
            )
        )
        # A call the collector logs by herself on the case, done at once.
        activity = case.with_user(self.collector).activity_schedule(
            "mail.mail_activity_data_call", summary="Called the accountant", user_id=self.collector.id
        )
        activity.action_feedback(feedback="No answer, call back Monday")
        self.assertTrue(case.message_ids.filtered(lambda message: "call back Monday" in (message.body or "")))
        # On the customer too, although a collector may not edit contacts.
        customer = self.customer.with_user(self.collector)
        activity = customer.activity_schedule(
            "mail.mail_activity_data_call", summary="Called the CFO", user_id=self.collector.id
        )
        activity.action_feedback(feedback="Cheque sent yesterday")
        customer.message_post(body="Asked for the remittance advice", subtype_xmlid="mail.mt_note")
        bodies = " ".join(self.customer.message_ids.mapped("body"))
        self.assertIn("Cheque sent yesterday", bodies)
        self.assertIn("remittance advice", bodies)

    def test_record_a_promise(self):
        invoice = self._invoice(900.0, self.today - timedelta(days=12))
        with Form(self.env["credit.collection.promise"].with_user(self.collector)) as promise:
            promise.partner_id = self.customer
            promise.amount = 900.0
            promise.promise_date = self.today + timedelta(days=7)
        promise = promise.record
        self.assertEqual(promise.move_ids, invoice)
        self.assertEqual(invoice.collection_hold, "promise")
        self.assertEqual(promise.case_id, self._case())
        self._run(self.today)
        self.assertFalse(self._actions(invoice), "dunning waits for the promised date")

    def test_open_and_resolve_a_dispute(self):
        invoice = self._invoice(1200.0, self.today - timedelta(days=8))
        action = invoice.with_user(self.collector).action_open_collection_dispute()
        with Form(self.env[action["res_model"]].with_user(self.collector).with_context(**action["context"])) as dispute:
            dispute.reason = "quantity"
            dispute.description = "Two pallets missing"
        dispute = dispute.record
        self.assertEqual(invoice.collection_hold, "dispute")
        action = dispute.with_user(self.collector).action_credit_note()
        with Form(self.env[action["res_model"]].with_user(self.collector).with_context(**action["context"])) as resolve:
            resolve.note = "Pallets credited"
        resolve.record.action_confirm()
        self.assertEqual(dispute.state, "closed")
        self.assertEqual(dispute.resolution, "credit_note")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFalse(invoice.collection_hold)

    def test_propose_and_accept_a_payment_plan(self):
        first = self._invoice(1000.0, self.today - timedelta(days=40))
        second = self._invoice(500.0, self.today - timedelta(days=20))
        with Form(self.env["credit.collection.payment.plan"].with_user(self.collector)) as plan:
            plan.partner_id = self.customer
            plan.instalment_count = 3
            plan.interest_rate = 4.0
        plan = plan.record.with_user(self.collector)
        self.assertEqual(plan.move_ids, first | second)
        plan.action_compute()
        plan.instalment_count = 2
        plan.action_compute()  # the collector recomputes the proposal: the lines are replaced
        self.assertEqual(len(plan.line_ids), 2)
        plan.action_confirm()  # accepted
        self.assertEqual(plan.state, "running")
        self.assertEqual(len(plan.line_ids), 2)
        self.assertEqual(plan.interest_invoice_id.state, "posted")
        self.assertEqual((first | second).mapped("collection_hold"), ["plan", "plan"])
        with self.assertRaises(UserError, msg="the instalments of an agreed plan are kept"):
            plan.line_ids[0].unlink()

    def test_move_a_case_stage(self):
        self._invoice(800.0, self.today - timedelta(days=45))
        self._send_now(self._run(self.today).action_ids)
        case = self._case().with_user(self.collector)
        self.assertEqual(case.stage, "formal_notice")
        with Form(case) as form:
            form.stage = "litigation"
            form.procedure = "order_for_payment"
        self.assertEqual(case.stage, "litigation")
        case.action_escalate()
        self.assertTrue(case.escalated)
        self.assertTrue(self.customer.collection_escalated)

    def test_collector_does_not_do_the_managers_work(self):
        self._invoice(800.0, self.today - timedelta(days=45))
        Run = self.env["credit.collection.run"].with_user(self.collector)
        with self.assertRaises(AccessError):
            Run.create({"company_id": self.company.id})
        run = self._run(self.today)
        with self.assertRaises(AccessError):
            run.with_user(self.collector).action_run()
        with self.assertRaises(AccessError):
            self.policy.with_user(self.collector).write({"name": "Softer"})
        with self.assertRaises(AccessError, msg="the customer's policy is the manager's"):
            self.customer.with_user(self.collector).with_company(self.company).write({"collection_policy_id": False})


@tagged("post_install", "-at_install")
class TestManagerDay(RolesCommon):
    def test_start_a_run(self):
        invoice = self._invoice(800.0, self.today - timedelta(days=6))
        run = self.env["credit.collection.run"].with_user(self.manager).create({"company_id": self.company.id})
        run.action_run()
        self.assertEqual(run.state, "queued", "planned in the background")
        self.env["credit.collection.run"]._cron_plan_runs()
        self.assertEqual(run.state, "done")
        self._deliver()
        self.assertEqual(self._actions(invoice).state, "sent")

    def test_settings_are_the_administrators(self):
        settings = self.env.ref("credit_collection.menu_collection_settings")
        self.assertNotIn(
            settings.id,
            self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids(),
            "Odoo's settings page is the administrator's",
        )


@tagged("post_install", "-at_install")
class TestCollectorInTheBrowser(RolesCommon, HttpCase):
    def test_collector_screens_open(self):
        """The collector's screens load in the web client without a JavaScript error (the kanban
        views of actions and cases were refused by the 19.0 web client: no 'card' template)."""
        for action in (
            "action_collection_overview",
            "action_collection_cases",
            "action_collection_review",
            "action_collection_customers",
            "action_collection_disputes",
            "action_collection_payment_plans",
        ):
            with self.subTest(action=action):
                self.browser_js(
                    "/odoo/action-credit_collection.%s" % action, VIEW_OPENED, login=self.collector.login, timeout=60
                )

    def test_block_dunning_in_the_customer_form(self):
        self.start_tour(
            "/odoo/res.partner/%s" % self.customer.id, "credit_collection_block_dunning", login=self.collector.login
        )
        self.assertFalse(self.customer.collection_blocked)
        tracked = self.customer.message_ids.filtered(
            lambda message: message.author_id == self.collector.partner_id
        ).tracking_value_ids
        self.assertIn("Waiting for the credit note of the sales director", tracked.mapped("new_value_char"))
        self.assertIn(
            "Waiting for the credit note of the sales director",
            tracked.mapped("old_value_char"),
            "the block and its lifting are tracked on the customer, in the collector's name",
        )
