import contextlib
from datetime import timedelta

from odoo.tests import tagged

from .common import CollectionCommon


def days(n):
    return timedelta(days=n)


@tagged("post_install", "-at_install")
class TestLevelsAndRuns(CollectionCommon):
    def test_level_boundary_days(self):
        due = self.today
        invoice = self._invoice(1000.0, due)
        expectations = [  # (run date, level expected to be reached or None)
            (due - days(6), None),
            (due - days(5), self.level_pre),
            (due + days(4), None),
            (due + days(5), self.level_1),
            (due + days(14), None),
            (due + days(15), self.level_2),
            (due + days(24), None),
            (due + days(25), self.level_call),
        ]
        for run_date, level in expectations:
            run = self._run(run_date)
            with self.subTest(run_date=run_date):
                if level is None:
                    self.assertFalse(run.action_ids, "nothing is due at %s" % run_date)
                else:
                    self.assertEqual(run.action_ids.level_id, level)
                    self.assertEqual(invoice.collection_level_id, level)
        channels = self._actions(invoice).filtered(lambda a: a.level_id == self.level_2).mapped("channel")
        self.assertEqual(sorted(channels), ["email", "sms"])

    def test_pre_reminder_only_before_due_date(self):
        not_yet = self._invoice(500.0, self.today + days(10))
        soon = self._invoice(700.0, self.today + days(3))
        run = self._run(self.today)
        self.assertEqual(run.action_ids.line_ids.move_id, soon)
        self.assertEqual(run.action_ids.level_id, self.level_pre)
        self.assertFalse(self._actions(not_yet))

    def test_late_invoice_jumps_to_its_level_once(self):
        invoice = self._invoice(800.0, self.today - days(20))
        run = self._run(self.today)
        self.assertEqual(run.action_ids.level_id, self.level_2, "only the latest level that is due is sent")
        self.assertEqual(len(run.action_ids), 2)  # email and SMS
        again = self._run(self.today)
        self.assertFalse(again.action_ids)
        self.assertEqual(len(self._actions(invoice)), 2)

    def test_one_action_per_customer_level_and_channel(self):
        first = self._invoice(300.0, self.today - days(7))
        second = self._invoice(200.0, self.today - days(9))
        other = self.env["res.partner"].create({"name": "Other", "email": "o@example.com"})
        third = self._invoice(100.0, self.today - days(6), partner=other)
        run = self._run(self.today)
        mine = run.action_ids.filtered(lambda a: a.partner_id == self.customer)
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.line_ids.move_id, first | second)
        self.assertAlmostEqual(mine.amount_due, 500.0)
        self.assertEqual(run.action_ids.filtered(lambda a: a.partner_id == other).line_ids.move_id, third)

    def test_partial_payment_reminds_the_residual(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        self._pay(invoice, 400.0)
        self.assertEqual(invoice.payment_state, "partial")
        run = self._run(self.today)
        self.assertAlmostEqual(run.action_ids.amount_due, 600.0)

    def test_foreign_currency_invoice_in_company_currency(self):
        gold = self.currency_data["currency"]  # 2 gold = 1 company currency unit since 2017
        invoice = self._invoice(1000.0, self.today - days(6), currency=gold)
        self.policy.level_ids.write({"min_overdue_amount": 400.0})
        run = self._run(self.today)
        self.assertEqual(run.action_ids.line_ids.move_id, invoice)
        self.assertAlmostEqual(run.action_ids.amount_due, 500.0)

    def test_minimum_amount_skips_with_reason(self):
        self._invoice(50.0, self.today - days(6))
        self.level_1.min_overdue_amount = 100.0
        run = self._run(self.today)
        self.assertFalse(run.action_ids)
        self.assertEqual(run.message_ids_report.kind, "skipped")
        self.assertIn("minimum", run.message_ids_report.reason)

    def test_two_companies_kept_apart(self):
        company_2 = self.company_data_2["company"]
        policy_2 = self._make_policy(company_2)
        company_2.collection_policy_id = policy_2
        mine = self._invoice(300.0, self.today - days(6))
        theirs = self._invoice(300.0, self.today - days(6), company=company_2)
        run = self._run(self.today)
        self.assertEqual(run.action_ids.line_ids.move_id, mine)
        run_2 = self._run(self.today, company=company_2)
        self.assertEqual(run_2.action_ids.line_ids.move_id, theirs)
        self.assertEqual(run_2.action_ids.level_id.policy_id, policy_2)
        collector = self.env["res.users"].create(
            {
                "name": "Collector 1",
                "login": "collector_one",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [(6, 0, [self.env.ref("credit_collection.group_collection_user").id])],
            }
        )
        visible = self.env["credit.collection.action"].with_user(collector).search([])
        self.assertIn(run.action_ids[0], visible)
        self.assertNotIn(run_2.action_ids[0], visible)

    def test_policy_override_per_customer_and_invoice(self):
        special = self.policy.copy({"name": "Special"})
        special.level_ids.filtered(lambda level: level.delay_days == 5).delay_days = 2
        self.customer.with_company(self.company).collection_policy_id = special
        invoice = self._invoice(300.0, self.today - days(3))
        run = self._run(self.today)
        self.assertEqual(run.action_ids.level_id.policy_id, special)
        overridden = self._invoice(300.0, self.today - days(3))
        overridden.collection_policy_id = self.policy
        self.assertEqual(
            self._run(self.today).action_ids.level_id,
            self.level_pre,
            "under the invoice's own policy, 3 days late is still at the pre-reminder",
        )
        self.assertEqual(self._actions(invoice).level_id.policy_id, special)


@tagged("post_install", "-at_install")
class TestSendingSafety(CollectionCommon):
    def test_payment_between_planning_and_sending_sends_nothing(self):
        self.level_1.auto_send = False
        invoice = self._invoice(1000.0, self.today - days(6))
        run = self._run(self.today)
        action = run.action_ids
        self.assertEqual(action.state, "to_review")
        self._pay(invoice)
        self.assertEqual(action.state, "cancelled", "reconciling a payment cancels pending reminders at once")
        action.action_approve()
        self._deliver()
        self.assertFalse(action.mail_id)

    def test_recheck_at_send_time(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        self.level_1.auto_send = False
        action = self._run(self.today).action_ids
        invoice.write({"collection_blocked": True, "collection_block_reason": "Dispute"})
        action.action_approve()
        self._deliver()
        self.assertEqual(action.state, "cancelled")
        self.assertIn("blocked", action.cancel_reason)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", action._name), ("res_id", "=", action.id)]))

    def test_partially_paid_group_sends_what_is_left(self):
        paid = self._invoice(300.0, self.today - days(6))
        open_ = self._invoice(200.0, self.today - days(6))
        self.level_1.auto_send = False
        action = self._run(self.today).action_ids
        self._pay(paid)
        self.assertEqual(action.state, "to_review")
        action.action_approve()
        self._deliver()
        self.assertEqual(action.state, "sent")
        self.assertEqual(action.line_ids.filtered(lambda line: line.state == "done").move_id, open_)
        self.assertEqual(action.line_ids.filtered(lambda line: line.state == "cancelled").move_id, paid)

    def test_killed_run_then_rerun_sends_nothing_twice(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        run = self.env["credit.collection.run"].create({"company_id": self.company.id, "date": self.today})
        with contextlib.suppress(KeyboardInterrupt):
            with self.env.cr.savepoint():
                run._plan()
                self.assertTrue(self._actions(invoice))
                raise KeyboardInterrupt  # the worker dies before committing
        self.env.invalidate_all()
        self.assertFalse(self._actions(invoice), "a killed run leaves nothing half-planned")
        self._run_and_deliver(self.today)
        self._run_and_deliver(self.today)
        actions = self._actions(invoice)
        self.assertEqual(len(actions), 1)
        self.assertEqual(actions.state, "sent")
        self.assertEqual(
            len(self.env["mail.mail"].search([("model", "=", actions._name), ("res_id", "=", actions.id)])), 1
        )

    def test_unique_key_refuses_a_second_item_at_the_same_level(self):
        invoice = self._invoice(1000.0, self.today - days(6))
        action = self._run(self.today).action_ids
        # A concurrent run that planned the same item would be refused by the database itself.
        run = self.env["credit.collection.run"].create({"company_id": self.company.id, "date": self.today})
        duplicate = run._insert_items(
            [
                (
                    0,
                    {
                        "line_id": action.line_ids.move_line_id.id,
                        "move_id": invoice.id,
                        "level_id": self.level_1.id,
                        "date_maturity": self.today,
                        "days_late": 6,
                        "amount_residual": 1000.0,
                    },
                    0.0,
                    0.0,
                    [],
                )
            ],
            run._insert_actions([(self.customer.id, self.level_1.id, "email")], {self.level_1.id: self.level_1}, {}),
            [(self.customer.id, self.level_1.id, "email")],
        )
        self.assertEqual(duplicate, [])

    def test_review_mode_and_bulk_approve(self):
        self.level_1.auto_send = False
        other = self.env["res.partner"].create({"name": "Other", "email": "o@example.com"})
        self._invoice(300.0, self.today - days(6))
        self._invoice(300.0, self.today - days(6), partner=other)
        run = self._run_and_deliver(self.today)
        self.assertEqual(set(run.action_ids.mapped("state")), {"to_review"})
        run.action_ids.action_approve()
        self._deliver()
        self.assertEqual(set(run.action_ids.mapped("state")), {"sent"})
        self.assertEqual(len(run.action_ids.mail_id), 2)

    def test_email_without_address_fails_clearly_and_others_go_on(self):
        nobody = self.env["res.partner"].create({"name": "No Mail SARL"})
        self._invoice(300.0, self.today - days(6), partner=nobody)
        self._invoice(300.0, self.today - days(6))
        run = self._run_and_deliver(self.today)
        failed = run.action_ids.filtered(lambda a: a.partner_id == nobody)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no email address", failed.error_message)
        self.assertEqual(run.action_ids.filtered(lambda a: a.partner_id == self.customer).state, "sent")
        self.assertEqual(run.message_ids_report.filtered(lambda m: m.kind == "error").partner_id, nobody)

    def test_escalation(self):
        self._invoice(5000.0, self.today - days(95))
        run = self._run_and_deliver(self.today)
        self.assertEqual(run.action_ids.level_id, self.level_escalation)
        self.assertTrue(self.customer.collection_escalated)
        case = run.action_ids.case_id
        self.assertEqual(case.stage, "provision")
        self.assertTrue(case.escalated)
        self.assertTrue(case.activity_ids.filtered(lambda a: "Escalated" in (a.summary or "")))

    def test_phone_channel_creates_call_activity(self):
        self._invoice(800.0, self.today - days(26))
        run = self._run_and_deliver(self.today)
        self.assertEqual(run.action_ids.channel, "phone")
        call = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(call), 1)
        self.assertIn("800", call.note)

    def test_trace_on_invoice_customer_and_action(self):
        invoice = self._invoice(300.0, self.today - days(6))
        run = self._run_and_deliver(self.today)
        for record in (invoice, self.customer, run.action_ids):
            self.assertTrue(record.message_ids.filtered(lambda m: "Reminder 1" in (m.body or "")), record)
        self.assertEqual(invoice.collection_last_date, self.today)
        self.assertEqual(invoice.collection_next_date, invoice.invoice_date_due + days(15))


@tagged("post_install", "-at_install")
class TestFeesAndTemplates(CollectionCommon):
    def test_fee_and_interest_amounts(self):
        first = self._invoice(1000.0, self.today - days(40))
        second = self._invoice(2500.0, self.today - days(50))
        action = self._run(self.today).action_ids.filtered(lambda a: a.channel == "letter")
        lines = {line.move_id: line for line in action.line_ids}
        self.assertAlmostEqual(lines[first].fee_amount, 40.0)
        self.assertAlmostEqual(lines[second].fee_amount, 40.0)
        self.assertAlmostEqual(lines[first].interest_amount, 13.15)  # 1000 x 12% x 40/365
        self.assertAlmostEqual(lines[second].interest_amount, 41.10)  # 2500 x 12% x 50/365
        self.assertAlmostEqual(action.amount_total, 3500.0 + 80.0 + 54.25)

    def test_fee_charged_once_per_invoice(self):
        invoice = self._invoice(1000.0, self.today - days(40))
        self.level_escalation.recovery_fee = 40.0
        self._run(self.today)
        later = self._run(self.today + days(60))
        self.assertEqual(later.action_ids.level_id, self.level_escalation)
        self.assertFalse(later.action_ids.line_ids.fee_amount)
        self.assertEqual(len(self._actions(invoice).line_ids.filtered("fee_amount").move_id), 1)

    def test_fees_invoiced_when_the_level_says_so(self):
        self.level_formal.write({"invoice_fees": True, "channel_email": False})
        invoice = self._invoice(1000.0, self.today - days(40))
        run = self._run_and_deliver(self.today)
        action = run.action_ids
        self.assertEqual(action.state, "sent")
        fee_invoice = action.fee_invoice_id
        self.assertEqual(fee_invoice.state, "posted")
        self.assertEqual(fee_invoice.partner_id, self.customer)
        self.assertAlmostEqual(fee_invoice.amount_total, 53.15)
        self.assertIn(invoice.name, " ".join(fee_invoice.invoice_line_ids.mapped("name")))
        self.assertTrue(action.letter_attachment_id)
        self.assertIn(
            action,
            self.env["credit.collection.action"]._letters_of_day(self.company, self.today),
            "the letter is in the day's print batch",
        )

    def test_template_language_follows_customer(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["credit_collection"], ["fr_FR"])
        french = self.env["res.partner"].create({"name": "Lefèvre SARL", "email": "l@example.fr", "lang": "fr_FR"})
        self._invoice(300.0, self.today - days(6), partner=french)
        self._invoice(300.0, self.today - days(6))
        run = self._run_and_deliver(self.today)
        subjects = {action.partner_id: action.mail_id.subject for action in run.action_ids}
        template = self.level_1.email_template_id
        self.assertEqual(
            subjects[self.customer],
            template._render_field("subject", run.action_ids.filtered(lambda a: a.partner_id == self.customer).ids)[
                run.action_ids.filtered(lambda a: a.partner_id == self.customer).id
            ],
        )
        french_subject = template.with_context(lang="fr_FR").subject
        english_subject = template.with_context(lang="en_US").subject
        self.assertNotEqual(french_subject, english_subject, "the template has a French translation")
        self.assertTrue(subjects[french].startswith(french_subject.split("{{")[0].strip()))
        self.assertNotEqual(subjects[french], subjects[self.customer])

    def test_email_attachments_follow_the_level(self):
        self._invoice(300.0, self.today - days(6))
        run = self._run_and_deliver(self.today)
        mail = run.action_ids.mail_id
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertFalse(mail.attachment_ids, "a reminder carries the amounts and the balance link, no PDF")
        self.assertIn("300.00", mail.body_html)
        self.level_2.write({"email_attach_letter": True, "email_attach_statement": True})
        run = self._run_and_deliver(self.today + days(10))
        mail = run.action_ids.filtered(lambda a: a.channel == "email").mail_id
        self.assertEqual(len(mail.attachment_ids), 2)
        self.assertTrue(any(name.startswith("Statement") for name in mail.attachment_ids.mapped("name")))

    def test_letter_and_statement_rendered_once_per_customer(self):
        self.level_formal.write({"email_attach_letter": True, "email_attach_statement": True})
        self._invoice(1000.0, self.today - days(41))
        run = self._run_and_deliver(self.today)
        email = run.action_ids.filtered(lambda a: a.channel == "email")
        letter = run.action_ids.filtered(lambda a: a.channel == "letter")
        self.assertEqual((email | letter).mapped("state"), ["sent", "sent"])
        self.assertEqual(email.letter_attachment_id, letter.letter_attachment_id, "the email attaches the letter")
        self.assertIn(letter.letter_attachment_id, email.mail_id.attachment_ids)
        statements = self.env["ir.attachment"].search(
            [("res_model", "=", email._name), ("res_id", "in", run.action_ids.ids), ("name", "like", "Statement")]
        )
        self.assertEqual(len(statements), 1)

    def test_letters_batch_is_one_pdf_of_every_letter(self):
        from io import BytesIO

        from PyPDF2 import PdfReader

        self.level_formal.write({"channel_email": False, "auto_send": True})
        other = self.env["res.partner"].create({"name": "Bernard Frères", "street": "1 rue Haute", "city": "Lyon"})
        self._invoice(1000.0, self.today - days(41))
        self._invoice(2000.0, self.today - days(45), partner=other)
        self.enterContext(self.allow_pdf_render())  # wkhtmltopdf fetches the report assets from the server
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        run = self._run_and_deliver(self.today)
        letters = run.action_ids
        self.assertEqual(len(letters), 2)
        pages = [len(PdfReader(BytesIO(letter.letter_attachment_id.raw)).pages) for letter in letters]
        download = run.action_print_letters()
        batch = self.env["ir.attachment"].search(
            [("res_model", "=", "res.company"), ("res_id", "=", self.company.id), ("name", "like", "Letters to print")]
        )
        self.assertIn(str(batch.id), download["url"])
        self.assertTrue(batch.raw.startswith(b"%PDF"))
        self.assertEqual(len(PdfReader(BytesIO(batch.raw)).pages), sum(pages))
