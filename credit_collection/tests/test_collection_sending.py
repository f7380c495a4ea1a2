"""A reminder's life after planning, as the people who act on it: approval, retry, delivery, the run."""

import contextlib
import xmlrpc.client
from datetime import timedelta

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import CollectionCommon


def days(n):
    return timedelta(days=n)


class SendingCommon(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.env["res.users"].create(
            {
                "name": "Claire Collectrice",
                "login": "claire_test",
                "email": "claire@example.com",
                "lang": "en_US",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "group_ids": [(6, 0, [cls.env.ref("credit_collection.group_collection_user").id])],
            }
        )
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Marc Manager",
                "login": "marc_test",
                "email": "marc@example.com",
                "lang": "en_US",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "group_ids": [(6, 0, [cls.env.ref("credit_collection.group_collection_manager").id])],
            }
        )
        cls.other = cls.env["res.partner"].create(
            {
                "name": "Martin Frères",
                "email": "compta@martin.example",
                "is_company": True,
                "lang": "en_US",
                "street": "3 place Bellecour",
                "zip": "69002",
                "city": "Lyon",
            }
        )

    def _to_review(self, *partners, level=None, overdue=6):
        level = level or self.level_1
        level.auto_send = False
        for partner in partners or (self.customer,):
            self._invoice(500.0, self.today - days(overdue), partner=partner)
        actions = self._run(self.today).action_ids
        self.assertEqual(set(actions.mapped("state")), {"to_review"})
        return actions

    def _deliver_as_cron(self):
        """The sending lanes and the mail queue as the scheduler runs them: as the system user."""
        self._deliver(self.env(user=SUPERUSER_ID, context=dict(self.env.context, lang=None)))


@tagged("post_install", "-at_install")
class TestCollectorApproves(SendingCommon):
    """The collector's right is to approve; rendering, delivery and the traces are the system's."""

    def test_collector_approves_one_from_the_form(self):
        action = self._to_review()
        answer = action.with_user(self.collector).action_approve()
        self.assertEqual(answer["tag"], "display_notification", "the click answers at once")
        self.assertEqual(action.state, "queued")
        self.assertFalse(action.mail_id, "nothing is rendered in the collector's click")
        self.assertEqual(action.approved_by_id, self.collector)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "in", action._send_lanes().ids)]),
            "the sending queue is woken, not waited for",
        )
        self._deliver_as_cron()
        self.assertEqual(action.state, "sent")
        self.assertEqual(action.mail_id.state, "sent")
        self.assertEqual(action.mail_id.recipient_ids, self.customer)
        self.assertEqual(action.sent_by_id, self.collector)
        note = self.customer.message_ids.filtered(lambda m: "Reminder 1" in (m.body or ""))
        self.assertEqual(note.author_id, self.collector.partner_id)

    def test_collector_approves_many_from_the_list(self):
        third = self.env["res.partner"].create({"name": "Roux SA", "email": "roux@example.com", "is_company": True})
        actions = self._to_review(self.customer, self.other, third)
        self.assertEqual(len(actions), 3)
        answer = self.env["credit.collection.action"].with_user(self.collector).browse(actions.ids).action_approve()
        self.assertIn("3", answer["params"]["message"])
        self._deliver_as_cron()
        self.assertEqual(actions.mapped("state"), ["sent"] * 3)
        self.assertEqual(actions.mail_id.recipient_ids, self.customer | self.other | third)

    def test_collector_cannot_approve_another_companys_reminders(self):
        company_2 = self.company_data_2["company"]
        company_2.collection_policy_id = self._make_policy(company_2)
        company_2.collection_policy_id.level_ids.write({"auto_send": False})
        self._invoice(300.0, self.today - days(6), company=company_2)
        theirs = self._run(self.today, company=company_2).action_ids
        with self.assertRaises(AccessError):
            theirs.with_user(self.collector).action_approve()
        self.assertEqual(set(theirs.mapped("state")), {"to_review"})


@tagged("post_install", "-at_install")
class TestRetry(SendingCommon):
    def test_retry_redoes_delivery_and_shows_the_outcome(self):
        self.level_formal.write({"channel_email": False, "auto_send": False})
        self.customer.street = False
        action = self._to_review(level=self.level_formal, overdue=41)
        action.with_user(self.collector).action_approve()
        self._deliver_as_cron()
        self.assertEqual(action.state, "failed")
        self.assertIn("no postal address", action.error_message)
        self.assertFalse(action.line_ids.filtered(lambda line: line.state == "done"), "nothing charged nor advanced")
        self.customer.street = "12 rue des Forges"
        answer = action.with_user(self.collector).action_retry()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual(action.state, "queued")
        self._deliver_as_cron()
        self.assertEqual(action.state, "sent")
        self.assertFalse(action.error_message)
        self.assertTrue(action.letter_attachment_id)
        self.assertIn(action, self.env["credit.collection.action"]._letters_of_day(self.company, self.today))

    def test_retry_after_a_refused_email_sends_a_new_one(self):
        action = self._to_review()
        action.with_user(self.collector).action_approve()
        self.env["credit.collection.action"].search([("company_id", "=", self.company.id)])._process_queue()
        first = action.mail_id
        first._postprocess_sent_message(
            success_pids=[], success_emails=[], failure_reason="550 5.1.1 mailbox unavailable", failure_type="unknown"
        )
        self.assertEqual(action.state, "failed")
        self.assertIn("550 5.1.1", action.error_message)
        action.with_user(self.collector).action_retry()
        self._deliver()
        self.assertEqual(action.state, "sent")
        self.assertNotEqual(action.mail_id, first)
        self.assertEqual(
            self.env["account.move"].search_count([("invoice_origin", "=", action.name)]),
            0,
            "a retry charges nothing twice",
        )


@tagged("post_install", "-at_install")
class TestDeliveryState(SendingCommon):
    """An action is sent when its mail is: accepted by the mail server; otherwise failed, with the reason."""

    def test_email_in_the_queue_is_not_sent_yet(self):
        self._invoice(300.0, self.today - days(6))
        action = self._run(self.today).action_ids
        action._process_queue()
        self.assertEqual(action.state, "sending")
        self.assertEqual(action.mail_id.state, "outgoing")
        self.assertFalse(action.sent_date)
        action.mail_id.send()
        self.assertEqual(action.state, "sent")
        self.assertTrue(action.sent_date)

    def test_invalid_addresses_fail_with_the_reason_and_the_run_says_so(self):
        bad = self.env["res.partner"].create({"name": "Bad Address SARL", "email": "not-an-email"})
        double = self.env["res.partner"].create({"name": "Double At SARL", "email": "two@@at.example"})
        for partner in (bad, double, self.customer):
            self._invoice(300.0, self.today - days(6), partner=partner)
        run = self._run_and_deliver(self.today)
        for partner, address in ((bad, "not-an-email"), (double, "two@@at.example")):
            action = run.action_ids.filtered(lambda a, partner=partner: a.partner_id == partner)
            self.assertEqual(action.state, "failed")
            self.assertIn(address, action.error_message)
            self.assertFalse(action.case_id, "the case does not move on for a reminder that never left")
        self.assertEqual(run.action_ids.filtered(lambda a: a.partner_id == self.customer).state, "sent")
        self.assertEqual(run.message_ids_report.filtered(lambda m: m.kind == "error").partner_id, bad | double)
        self.assertEqual(run.failed_count, 2)

    def test_address_that_the_mail_layer_refuses(self):
        self._invoice(300.0, self.today - days(6))
        action = self._run(self.today).action_ids
        action._process_queue()
        self.customer.email = "compta@@durand"
        action.mail_id.send()
        self.assertEqual(action.state, "failed")
        self.assertIn("compta@@durand", action.error_message)
        self.assertIn(action, self.env["credit.collection.action"].search(self._attention_domain()))

    def test_mail_server_unreachable(self):
        self._invoice(300.0, self.today - days(6))
        action = self._run(self.today).action_ids
        action._process_queue()
        action.mail_id.write({"state": "exception", "failure_reason": "[Errno 111] Connection refused"})
        action.mail_id._postprocess_sent_message(success_pids=[], success_emails=[], failure_type="mail_smtp")
        self.assertEqual(action.state, "failed")
        self.assertIn("could not be reached", action.error_message)
        self.assertIn("Connection refused", action.error_message)

    def test_bounce_fails_the_reminder(self):
        self._invoice(300.0, self.today - days(6))
        action = self._run_and_deliver(self.today).action_ids
        self.assertEqual(action.state, "sent")
        self.env["mail.thread"].sudo().message_process(False, DSN % {"message_id": action.mail_id.message_id})
        self.assertEqual(action.state, "failed")
        self.assertIn("bounced", action.error_message)
        self.assertIn("compta@durand.example", action.error_message)

    def test_failed_reminders_show_in_the_default_views(self):
        nobody = self.env["res.partner"].create({"name": "Sans Adresse SARL"})
        self._invoice(300.0, self.today - days(6), partner=nobody)
        failed = self._run_and_deliver(self.today).action_ids
        self.assertEqual(failed.state, "failed")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_todays_work")
        self.assertIn("search_default_filter_attention", action["context"])
        domain = action["domain"] and safe_eval(action["domain"]) or []
        found = self.env["credit.collection.action"].with_user(self.collector).search(domain + self._attention_domain())
        self.assertIn(failed, found)

    def _attention_domain(self):
        arch = self.env.ref("credit_collection.view_collection_action_search").arch
        self.assertIn('name="filter_attention"', arch)
        return [("state", "in", ("to_review", "failed"))]


# A delivery status notification (RFC 3464) as a receiving server sends it back.
DSN = """From: MAILER-DAEMON@mx.durand.example
To: bounce@example.com
Subject: Undelivered Mail Returned to Sender
Message-Id: <bounce-1@mx.durand.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

The mailbox compta@durand.example does not exist.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.durand.example

Final-Recipient: rfc822; compta@durand.example
Action: failed
Status: 5.1.1

--BOUNDARY
Content-Type: message/rfc822

Message-Id: %(message_id)s
To: compta@durand.example
Subject: Payment reminder

Reminder.

--BOUNDARY--
"""


@tagged("post_install", "-at_install")
class TestNotesInTheCollectorsLanguage(SendingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["credit_collection"], ["fr_FR"])

    def test_notes_are_links_and_french_for_a_french_collector(self):
        self.collector.lang = "fr_FR"
        invoice = self._invoice(500.0, self.today - days(6))
        action = self._to_review()
        action.with_user(self.collector).action_approve()
        self._deliver_as_cron()
        self.assertEqual(action.state, "sent")
        for record in (self.customer, action.case_id, invoice):
            notes = record.message_ids.filtered(lambda m: "data-oe-model" in (m.body or ""))
            self.assertTrue(notes, record)
            body = str(notes[0].body)
            self.assertIn('<a href="#" data-oe-model="credit.collection.action" data-oe-id="%s">' % action.id, body)
            self.assertNotIn("&lt;a", body, "the link is a link, not text")
            self.assertIn("envoyée par e-mail", body)
            self.assertNotIn(" sent by ", body)

    def test_call_task_in_the_collectors_language(self):
        self.collector.lang = "fr_FR"
        self.customer.with_company(self.company).collection_user_id = self.collector
        self._invoice(800.0, self.today - days(26))
        action = self._run(self.today).action_ids
        self._deliver_as_cron()
        self.assertEqual(action.channel, "phone")
        call = self.customer.activity_ids.filtered(lambda a: a.user_id == self.collector)
        self.assertIn("Appeler", str(call.note))


@tagged("post_install", "-at_install")
class TestRunInTheBackground(SendingCommon):
    def test_run_now_answers_at_once_and_shows_progress(self):
        self._invoice(300.0, self.today - days(6))
        self._invoice(300.0, self.today - days(6), partner=self.other)
        run = (
            self.env["credit.collection.run"]
            .with_user(self.manager)
            .create({"company_id": self.company.id, "date": self.today})
        )
        answer = run.action_run()
        xmlrpc.client.dumps((answer,), allow_none=False)  # what an XML-RPC client receives
        self.assertEqual(run.state, "queued")
        self.assertFalse(run.action_ids)
        self.env["credit.collection.run"]._cron_plan_runs()
        self.assertEqual(run.state, "done")
        self.assertEqual((run.queued_count, run.sent_count, run.progress), (2, 0, 0.0))
        self._deliver()
        run.invalidate_recordset()
        self.assertEqual((run.queued_count, run.sent_count, run.progress), (0, 2, 100.0))

    def test_a_started_run_is_not_planned_again(self):
        self._invoice(300.0, self.today - days(6))
        run = self._run(self.today)
        self.assertEqual(run.planned_items, 1)
        with self.assertRaises(UserError):
            run.with_user(self.manager).action_run()
        self.assertEqual(run.planned_items, 1)
        answer = run.with_user(self.manager).action_send_queued()
        xmlrpc.client.dumps((answer,), allow_none=False)

    def test_killed_planning_is_planned_by_the_next_job(self):
        self._invoice(300.0, self.today - days(6))
        run = self.env["credit.collection.run"].create({"company_id": self.company.id, "date": self.today})
        run.with_user(self.manager).action_run()
        with contextlib.suppress(KeyboardInterrupt):
            with self.env.cr.savepoint():
                self.env["credit.collection.run"]._cron_plan_runs()
                self.assertEqual(run.state, "done")
                raise KeyboardInterrupt  # the worker dies before committing
        self.env.invalidate_all()
        self.assertEqual(run.state, "queued", "not stuck in draft: the next planning job takes it")
        self.env["credit.collection.run"]._cron_plan_runs()
        self.assertEqual((run.state, run.planned_items), ("done", 1))

    def test_daily_job_retried_leaves_one_run(self):
        self._invoice(300.0, self.today - days(6))
        Run = self.env(user=SUPERUSER_ID)["credit.collection.run"]  # the scheduler's user
        # The scheduler's day is in its user's time zone: after 23:00 UTC it is already tomorrow in Paris.
        today = fields.Date.context_today(Run)
        Run._cron_daily_run()
        Run._cron_daily_run()  # the scheduler retries the job (killed, time limit)
        runs = Run.search([("company_id", "=", self.company.id), ("date", "=", today)])
        self.assertEqual(len(runs), 1)
        Run._cron_plan_runs()
        Run._cron_daily_run()
        self.assertEqual(Run.search_count([("company_id", "=", self.company.id), ("date", "=", today)]), 1)
        self.assertEqual((runs.state, runs.planned_items), ("done", 1))

    def test_run_report_escapes_what_users_typed(self):
        hostile = self.env["res.partner"].create({"name": "<img src=x onerror=alert(1)>"})
        self._invoice(300.0, self.today - days(6), partner=hostile)
        run = self._run_and_deliver(self.today)
        self.assertEqual(run.failed_count, 1)
        report = str(run.report_html)
        self.assertNotIn("<img", report)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", report)
        self.assertTrue(run._fields["report_html"].sanitize)

    def test_template_error_shows_the_cause(self):
        broken = self.level_1.email_template_id.copy(
            {
                "body_html": '<div>%s<p>Total: <t t-out="object.x_missing_field"/></p></div>' % ("<p>filler</p>" * 60),
            }
        )
        self.level_1.email_template_id = broken
        self._invoice(300.0, self.today - days(6))
        run = self._run_and_deliver(self.today)
        action = run.action_ids
        self.assertEqual(action.state, "failed")
        self.assertIn("x_missing_field", action.error_message)
        self.assertIn(broken.name, action.error_message)
        self.assertNotIn("filler", action.error_message)
        self.assertLess(len(action.error_message), 500)
        self.assertIn("x_missing_field", run.message_ids_report.reason)


@tagged("post_install", "-at_install")
class TestLettersOfTheDay(SendingCommon):
    def test_letters_approved_after_the_run_are_in_the_days_batch(self):
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        self.enterContext(self.allow_pdf_render())  # wkhtmltopdf fetches the report assets from the server
        self.level_formal.write({"channel_email": False, "auto_send": False})
        self._invoice(1000.0, self.today - days(48))
        self._invoice(2000.0, self.today - days(48), partner=self.other)
        old_run = self._run(self.today - days(7))
        letters = old_run.action_ids
        self.assertEqual(len(letters), 2)
        letters[0].with_user(self.collector).action_approve()
        self._deliver()
        letters[1].with_user(self.collector).action_approve()  # later the same day, after the batch was printed
        self._deliver()
        day = self.env["credit.collection.action"]._letters_of_day(self.company, self.today)
        self.assertEqual(day, letters)
        download = old_run.with_user(self.manager).action_print_letters()
        batch = self.env["ir.attachment"].browse(int(download["url"].split("/")[3].split("?")[0]))
        self.assertTrue(batch.raw)
        self.assertEqual(batch.res_model, "res.company")


@tagged("post_install", "-at_install")
class TestEmailTheCustomerSees(SendingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["credit_collection"], ["fr_FR"])

    def test_header_is_the_company_and_the_kind_of_letter(self):
        french = self.env["res.partner"].create(
            {"name": "Pressing Mathieu", "email": "pressing@example.fr", "lang": "fr_FR", "is_company": True}
        )
        self._invoice(300.0, self.today - days(6), partner=french)
        self._invoice(300.0, self.today - days(6))
        run = self._run_and_deliver(self.today)
        for action in run.action_ids:
            body = str(action.mail_id.body_html)
            self.assertNotIn(action.name, body)
            self.assertNotIn("Collection action", body)
            self.assertNotIn("Action de relance", body)
            self.assertIn(self.company.name, body)
        french_body = str(run.action_ids.filtered(lambda a: a.partner_id == french).mail_id.body_html)
        self.assertIn("Relance", french_body)
        self.assertNotIn("Payment reminder", french_body)
        english_body = str(run.action_ids.filtered(lambda a: a.partner_id == self.customer).mail_id.body_html)
        self.assertIn("Payment reminder", english_body)

    def test_formal_notice_header(self):
        french = self.env["res.partner"].create(
            {
                "name": "Pressing Mathieu",
                "email": "pressing@example.fr",
                "lang": "fr_FR",
                "is_company": True,
                "street": "1 rue Neuve",
                "zip": "69001",
                "city": "Lyon",
            }
        )
        self._invoice(300.0, self.today - days(41), partner=french)
        action = self._run_and_deliver(self.today).action_ids.filtered(lambda a: a.channel == "email")
        self.assertIn("Mise en demeure", str(action.mail_id.body_html))
        self.assertIn("Mise en demeure", action.mail_id.subject)
