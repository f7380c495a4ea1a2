from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionCommon


def days(n):
    return timedelta(days=n)


@tagged("post_install", "-at_install")
class TestCaseStages(CollectionCommon):
    def _case(self, partner=None, company=None):
        return self.env["credit.collection.case"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", (company or self.company).id),
                ("stage", "!=", "closed"),
            ]
        )

    def _run_on(self, date):
        return self._run_and_deliver(date)

    def test_levels_move_the_stage_forward(self):
        due = self.today + days(3)
        self._invoice(1000.0, due)
        expected = [
            (-5, "pre_reminder"),
            (5, "reminder_1"),
            (15, "reminder_2"),
            (25, "reminder_2"),
            (40, "formal_notice"),
            (90, "provision"),
        ]
        for offset, stage in expected:
            self._run_on(due + days(offset))
            self.assertEqual(self._case().stage, stage, "after the level of day %s" % offset)
        case = self._case()
        self.assertEqual(len(case), 1, "one case follows the customer through every level")
        self.assertTrue(case.escalated)
        # Seven delivered; the SMS waits in Odoo's SMS queue (no SMS service in tests).
        self.assertEqual(len(case.action_ids.filtered(lambda a: a.state == "sent")), 7)
        self.assertEqual(case.action_ids.filtered(lambda a: a.state == "sending").sms_id.state, "outgoing")
        self.assertTrue(case.message_ids.filtered(lambda m: "Formal notice sent" in (m.body or "")))

    def test_engine_never_moves_a_case_back(self):
        self._invoice(1000.0, self.today - days(41))
        self._run_on(self.today)
        case = self._case()
        self.assertEqual(case.stage, "formal_notice")
        case.write({"stage": "litigation", "procedure": "order_for_payment"})
        self._invoice(300.0, self.today - days(6))
        self._run_on(self.today)
        self.assertEqual(case.stage, "litigation", "a reminder 1 on a new invoice leaves the litigation stage")
        self.assertEqual(case.procedure, "order_for_payment")

    def test_payment_closes_the_case(self):
        first = self._invoice(1000.0, self.today - days(6))
        second = self._invoice(500.0, self.today - days(20))
        self._run_on(self.today)
        case = self._case()
        self.assertEqual(case.amount_overdue, 1500.0)
        self.assertEqual(case.oldest_due_date, self.today - days(20))
        self._pay(first)
        self.assertEqual(case.stage, "reminder_2", "still owes the second invoice")
        self._pay(second)
        self.assertEqual(case.stage, "closed")
        self.assertEqual(case.close_reason, "paid")
        # A new debt opens a new case.
        self._invoice(200.0, self.today - days(6))
        self._run_on(self.today)
        self.assertNotEqual(self._case(), case)

    def test_collector_closes_and_reopens(self):
        self._invoice(1000.0, self.today - days(6))
        self._run_on(self.today)
        case = self._case()
        case.action_close_settled()
        self.assertEqual((case.stage, case.close_reason), ("closed", "settled"))
        case.action_reopen()
        self.assertEqual(case.stage, "reminder_1")
        self.assertFalse(case.close_reason)

    def test_case_opened_by_a_promise_starts_where_the_customer_is(self):
        not_due = self._invoice(300.0, self.today + days(10))
        promise = self.env["credit.collection.promise"].create(
            {"partner_id": self.customer.id, "amount": 300.0, "promise_date": self.today + days(10)}
        )
        self.assertEqual(promise.case_id.stage, "pre_reminder")
        promise.case_id.action_close_settled()
        self._pay(not_due)
        self._invoice(1000.0, self.today - days(8))
        promise = self.env["credit.collection.promise"].create(
            {"partner_id": self.customer.id, "amount": 1000.0, "promise_date": self.today + days(3)}
        )
        self.assertEqual(promise.case_id.stage, "reminder_1", "overdue without any reminder sent yet")

    def test_one_open_case_per_customer_and_company(self):
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        self.assertEqual(self.env["credit.collection.case"]._get_or_open(self.customer, self.company), case)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["credit.collection.case"].create({"partner_id": self.customer.id, "company_id": self.company.id})
        other = self.env["credit.collection.case"]._get_or_open(self.customer, self.company_data_2["company"])
        self.assertNotEqual(other, case)

    def test_companies_kept_apart(self):
        company_2 = self.company_data_2["company"]
        case_1 = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        case_2 = self.env["credit.collection.case"]._get_or_open(self.customer, company_2)
        collector = self.env["res.users"].create(
            {
                "name": "Collector one",
                "login": "collector_one",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [(6, 0, [self.env.ref("credit_collection.group_collection_user").id])],
            }
        )
        cases = self.env["credit.collection.case"].with_user(collector).search([("partner_id", "=", self.customer.id)])
        self.assertEqual(cases, case_1)
        with self.assertRaises(AccessError):
            case_2.with_user(collector).read(["name"])


@tagged("post_install", "-at_install")
class TestDisputes(CollectionCommon):
    def _report_reasons(self, run):
        return run.message_ids_report.mapped("reason")

    def test_dispute_blocks_only_its_invoices(self):
        disputed = self._invoice(1000.0, self.today - days(6))
        other = self._invoice(400.0, self.today - days(6))
        dispute = self.env["credit.collection.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, disputed.ids)],
                "reason": "quality",
                "description": "Two pallets damaged",
            }
        )
        self.assertEqual(disputed.collection_hold, "dispute")
        self.assertFalse(other.collection_hold)
        run = self._run(self.today)
        self.assertEqual(run.action_ids.line_ids.move_id, other)
        self.assertTrue(any("Disputed" in message for message in self._report_reasons(run)))
        self.assertEqual(dispute.case_id.partner_id, self.customer)
        self.assertTrue(dispute.case_id.message_ids.filtered(lambda m: "Two pallets damaged" in (m.body or "")))

        # Rejected: dunning resumes where it was, at the invoice's level.
        self.env["credit.collection.dispute.resolve"].create(
            {"dispute_id": dispute.id, "resolution": "rejected", "note": "Photos show no damage"}
        ).action_confirm()
        self.assertEqual((dispute.state, dispute.resolution), ("closed", "rejected"))
        self.assertFalse(disputed.collection_hold)
        later = self._run(self.today + days(10))
        self.assertEqual(later.action_ids.line_ids.move_id, disputed | other)
        self.assertEqual(
            later.action_ids.line_ids.filtered(lambda line: line.move_id == disputed).level_id, self.level_2
        )

    def test_dispute_opened_after_planning_is_rechecked_at_send(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        self.level_1.auto_send = False
        run = self._run(self.today)
        self.assertEqual(run.action_ids.state, "to_review")
        self.env["credit.collection.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)], "reason": "price"}
        )
        run.action_ids.action_approve()
        self._deliver()
        self.assertEqual(run.action_ids.state, "cancelled")

    def test_credit_note_resolution(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        self._pay(invoice, amount=300.0)
        dispute = self.env["credit.collection.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)], "reason": "duplicate"}
        )
        self.env["credit.collection.dispute.resolve"].create(
            {
                "dispute_id": dispute.id,
                "resolution": "credit_note",
                "move_ids": [(6, 0, invoice.ids)],
                "note": "Invoiced twice",
            }
        ).action_confirm()
        credit_note = dispute.credit_note_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_total, 1000.0)
        self.assertEqual(invoice.payment_state, "paid", "the credit note is reconciled with the invoice")
        self.assertEqual(credit_note.amount_residual, 300.0, "what was paid stays a credit of the customer")
        self.assertEqual(dispute.state, "closed")

    def test_commercial_gesture(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        dispute = self.env["credit.collection.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)], "reason": "delivery"}
        )
        wizard = self.env["credit.collection.dispute.resolve"].create(
            {"dispute_id": dispute.id, "resolution": "gesture", "move_ids": [(6, 0, invoice.ids)], "amount": 150.0}
        )
        wizard.action_confirm()
        self.assertEqual(dispute.credit_note_ids.amount_total, 150.0)
        self.assertEqual(invoice.amount_residual, 850.0)
        self.assertEqual(dispute.resolution, "gesture")

    def test_gesture_larger_than_the_invoice_is_refused(self):
        invoice = self._invoice(100.0, self.today - days(6))
        dispute = self.env["credit.collection.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)]}
        )
        wizard = self.env["credit.collection.dispute.resolve"].create(
            {"dispute_id": dispute.id, "resolution": "gesture", "move_ids": [(6, 0, invoice.ids)], "amount": 150.0}
        )
        with self.assertRaisesRegex(Exception, "cannot exceed"):
            wizard.action_confirm()
        self.assertEqual(dispute.state, "open")

    def test_dispute_on_another_customers_invoice_is_refused(self):
        stranger = self.env["res.partner"].create({"name": "Stranger SARL", "is_company": True})
        invoice = self._invoice(100.0, self.today, partner=stranger)
        with self.assertRaisesRegex(Exception, "is not an invoice of"):
            self.env["credit.collection.dispute"].create(
                {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)]}
            )


@tagged("post_install", "-at_install")
class TestPromises(CollectionCommon):
    def test_customer_promise_holds_every_open_invoice_and_is_kept(self):
        first = self._invoice(600.0, self.today - days(6))
        second = self._invoice(400.0, self.today - days(20))
        promise = self.env["credit.collection.promise"].create(
            {"partner_id": self.customer.id, "amount": 1000.0, "promise_date": self.today + days(7)}
        )
        self.assertEqual(promise.move_ids, first | second)
        run = self._run(self.today)
        self.assertFalse(run.action_ids, "dunning waits for the promised date")
        self._pay(first)
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.amount_paid, 600.0)
        self._pay(second)
        self.assertEqual(promise.state, "kept", "settled at once by the reconciliation")

    def test_broken_promise_escalates_and_dunning_resumes(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        promise = self.env["credit.collection.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "amount": 1000.0,
                "promise_date": self.today + days(5),
            }
        )
        self._pay(invoice, amount=200.0)
        promise._evaluate(today=self.today + days(5))
        self.assertEqual(promise.state, "open", "still its date")
        promise._evaluate(today=self.today + days(6))
        self.assertEqual(promise.state, "broken")
        self.assertTrue(promise.case_id.escalated)
        self.assertTrue(promise.case_id.activity_ids.filtered(lambda a: "broken" in (a.summary or "")))
        self.assertFalse(invoice.collection_hold)
        run = self._run(self.today + days(6))
        self.assertEqual(run.action_ids.line_ids.move_id, invoice)

    def test_credit_note_does_not_keep_a_promise(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        promise = self.env["credit.collection.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "amount": 500.0,
                "promise_date": self.today + days(5),
            }
        )
        dispute = self.env["credit.collection.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, invoice.ids)], "reason": "price"}
        )
        self.env["credit.collection.dispute.resolve"].create(
            {"dispute_id": dispute.id, "resolution": "gesture", "move_ids": [(6, 0, invoice.ids)], "amount": 600.0}
        ).action_confirm()
        self.assertEqual(promise.amount_paid, 0.0)
        self.assertEqual(promise.state, "open")

    def test_payment_after_the_promised_date_does_not_count(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        promise = self.env["credit.collection.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "amount": 1000.0,
                "promise_date": self.today - days(1),
            }
        )
        self._pay(invoice, date=self.today)
        self.assertEqual(promise.state, "broken")


@tagged("post_install", "-at_install")
class TestPaymentPlans(CollectionCommon):
    def _plan(self, moves, **values):
        plan = self.env["credit.collection.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, moves.ids)],
                "instalment_count": 3,
                "first_date": self.today + days(10),
                **values,
            }
        )
        plan.action_confirm()
        return plan

    def test_schedule_and_interest(self):
        invoice = self._invoice(1000.0, self.today - days(30))
        plan = self._plan(invoice, interest_rate=12.0)
        lines = plan.line_ids.sorted("date")
        self.assertEqual(lines.mapped("date"), [self.today + days(10) + relativedelta(months=n) for n in range(3)])
        # 333.33 + 333.33 + 333.34 of principal; interest = principal x 12 % x days / 365.
        expected_interest = [
            round(p * 0.12 * (d - self.today).days / 365, 2)
            for p, d in zip([333.33, 333.33, 333.34], lines.mapped("date"), strict=False)
        ]
        self.assertEqual([round(amount, 2) for amount in lines.mapped("interest_amount")], expected_interest)
        self.assertAlmostEqual(sum(lines.mapped("amount")), 1000.0 + sum(expected_interest), places=2)
        self.assertEqual(plan.interest_invoice_id.amount_total, round(sum(expected_interest), 2))
        self.assertIn(plan.interest_invoice_id, plan.move_ids)
        self.assertEqual(invoice.collection_hold, "plan")
        self.assertFalse(self._run(self.today).action_ids)

    def test_instalments_paid_then_plan_done(self):
        invoice = self._invoice(900.0, self.today - days(30))
        plan = self._plan(invoice)
        self._pay(invoice, amount=300.0)
        self.assertEqual(plan.line_ids.sorted("date").mapped("state"), ["paid", "to_pay", "to_pay"])
        self.assertEqual(plan.next_date, self.today + days(10) + relativedelta(months=1))
        self._pay(invoice, amount=600.0)
        self.assertEqual(plan.state, "done")
        self.assertFalse(invoice.collection_hold)

    def test_missed_instalment_breaks_and_escalates(self):
        invoice = self._invoice(900.0, self.today - days(30))
        plan = self._plan(invoice, grace_days=5)
        self._pay(invoice, amount=300.0)
        second = plan.line_ids.sorted("date")[1]
        plan._evaluate(today=second.date + days(5))
        self.assertEqual(plan.state, "running", "within the grace days")
        plan._evaluate(today=second.date + days(6))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(second.state, "missed")
        self.assertTrue(plan.case_id.escalated)
        self.assertFalse(invoice.collection_hold, "dunning resumes on the invoices")


@tagged("post_install", "-at_install")
class TestAlerts(CollectionCommon):
    def _alerts(self, record):
        kind = self.env.ref("credit_collection.mail_activity_type_collection_alert")
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("activity_type_id", "=", kind.id)]
        )

    def test_alert_dates_and_no_duplicates(self):
        alerts = self.env["credit.collection.alert"]
        invoice = self._invoice(1000.0, self.today - days(6))
        promise = self.env["credit.collection.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "amount": 1000.0,
                "promise_date": self.today,
            }
        )
        dispute_invoice = self._invoice(200.0, self.today - days(6))
        dispute = self.env["credit.collection.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, dispute_invoice.ids)],
                "deadline": self.today - days(2),
            }
        )
        plan_invoice = self._invoice(600.0, self.today - days(6))
        plan = self.env["credit.collection.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, plan_invoice.ids)],
                "instalment_count": 2,
                "first_date": self.today + days(2),
            }
        )
        plan.action_confirm()

        alerts._send_alerts(self.company, self.today)
        alerts._send_alerts(self.company, self.today)
        self.assertEqual(self._alerts(promise).mapped("date_deadline"), [self.today])
        self.assertEqual(self._alerts(dispute).mapped("date_deadline"), [self.today - days(2)])
        self.assertEqual(
            self._alerts(plan).mapped("date_deadline"),
            [self.today + days(2)],
            "the second instalment is beyond the alert window",
        )
        self.assertEqual(self._alerts(dispute).user_id, dispute.user_id)

    def test_action_to_review_alerts_the_collector(self):
        self.level_1.auto_send = False
        self._invoice(1000.0, self.today - days(6))
        self._run(self.today)
        self.env["credit.collection.alert"]._send_alerts(self.company, self.today)
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        self.assertEqual(self._alerts(case).mapped("summary"), ["Reminders to review today"])

    def test_limitation_period(self):
        # The periods as a manager sets them (the engine ships none: a country's law gives them).
        self.company.write(
            {
                "collection_limitation_years_b2b": 5,
                "collection_limitation_years_b2c": 2,
                "collection_limitation_warning_days": 90,
            }
        )
        consumer = self.env["res.partner"].create({"name": "Jean Martin", "is_company": False})
        # Merchant: 5 years from the due date; warned 90 days before.
        b2b_due = self.today - relativedelta(years=5) + days(60)
        b2b = self._invoice(1000.0, b2b_due)
        not_yet = self._invoice(1000.0, self.today - relativedelta(years=5) + days(120))
        # Consumer: 2 years.
        b2c_due = self.today - relativedelta(years=2) + days(30)
        self._invoice(100.0, b2c_due, partner=consumer)
        self.env["credit.collection.alert"]._send_alerts(self.company, self.today)
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        b2b_alerts = self._alerts(case)
        self.assertEqual(b2b_alerts.mapped("date_deadline"), [b2b_due + relativedelta(years=5)])
        self.assertIn(b2b.name, b2b_alerts.summary)
        self.assertNotIn(not_yet.name, " ".join(b2b_alerts.mapped("summary")))
        consumer_case = self.env["credit.collection.case"]._get_or_open(consumer, self.company)
        self.assertEqual(self._alerts(consumer_case).mapped("date_deadline"), [b2c_due + relativedelta(years=2)])

    def test_no_limitation_period_without_a_law(self):
        """The engine alone knows no country's limitation period: no alert until one is set."""
        self.assertEqual(self.company.collection_limitation_years_b2b, 0)
        self.assertEqual(self.company.collection_limitation_years_b2c, 0)
        self._invoice(1000.0, self.today - relativedelta(years=10))
        self.env["credit.collection.alert"]._send_alerts(self.company, self.today)
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        self.assertFalse(self._alerts(case).filtered(lambda alert: "Limitation" in (alert.summary or "")))
