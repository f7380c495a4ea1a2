"""The formal notice, the pace of reminders and insolvency proceedings on hand cases, country-neutral (French
law's consumer, L441-10 and limitation cases are l10n_fr_credit_collection's)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CollectionCommon


def days(n):
    return timedelta(days=n)


class LawCommon(CollectionCommon):
    """The test policy with a lawful formal notice and escalation, a consumer policy, a collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_formal.write({"is_formal_notice": True, "notice_days": 8})
        cls.level_escalation.write({"requires_formal_notice": True, "min_gap_days": 15})
        cls.consumer_policy = cls._consumer_policy()
        cls.consumer_levels = {level.delay_days: level for level in cls.consumer_policy.level_ids}
        # Sent without review in these tests: the collector's approval is not what they are about.
        cls.consumer_policy.level_ids.write({"auto_send": True})
        cls.company.collection_policy_consumer_id = cls.consumer_policy
        cls.consumer = cls.env["res.partner"].create(
            {
                "name": "Camille Leroy",
                "email": "camille.leroy@example.com",
                "phone": "+33 6 12 34 56 78",
                "street": "8 rue Victor Hugo",
                "zip": "69002",
                "city": "Lyon",
                "lang": "en_US",
            }
        )
        cls.collector = new_test_user(
            cls.env,
            "law_collector",
            groups="credit_collection.group_collection_user",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    @classmethod
    def _consumer_policy(cls):
        """The company's policy for consumers: the test policy without fee nor interest (a localisation's
        tests take its own)."""
        policy = cls.policy.copy({"name": "Test consumer policy"})
        policy.level_ids.write({"recovery_fee": 0.0, "interest_mode": "none"})
        policy.customer_type = "consumer"
        return policy

    def _run_and_send(self, date):
        """The daily run at ``date``, as the scheduler runs it: planning, then sending what is queued."""
        run = self.env["credit.collection.run"].create({"company_id": self.company.id, "date": date})
        run.action_run()
        self.env["credit.collection.run"]._cron_plan_runs()
        self._deliver()
        return run

    def _letter_html(self, action):
        report = self.env.ref("credit_collection.action_report_collection_letter")
        return report._render_qweb_html(report.report_name, action.ids)[0].decode()


@tagged("post_install", "-at_install")
class TestLevelTiming(LawCommon):
    def test_minimum_gap_before_escalation(self):
        self.level_formal.auto_send = True
        invoice = self._invoice(1000.0, self.today - days(80))
        notice = self._run_and_send(self.today).action_ids
        self.assertEqual(notice.level_id, self.level_formal)
        for offset in (0, 1, 10, 14):  # days late 80 to 94: the escalation's delay (90) passes at +10
            self.assertFalse(
                self._run_and_send(self.today + days(offset)).action_ids,
                "no escalation %s days after the formal notice" % offset,
            )
        escalation = self._run_and_send(self.today + days(15)).action_ids
        self.assertEqual(escalation.level_id, self.level_escalation)
        self.assertEqual(escalation.line_ids.move_id, invoice)

    def test_old_invoice_gets_a_formal_notice_before_escalation(self):
        self.level_formal.auto_send = False
        invoice = self._invoice(1000.0, self.today - days(200))
        run = self._run_and_send(self.today)
        self.assertEqual(run.action_ids.level_id, self.level_formal, "not straight to escalation")
        self.assertEqual(set(run.action_ids.mapped("state")), {"to_review"})
        # While the notice waits for review, nothing more is planned on the invoice.
        self.assertFalse(self._run_and_send(self.today + days(30)).action_ids)
        run.action_ids.write({"state": "queued"})  # approved (the approval itself is the collector's flow)
        self._send_now(run.action_ids)
        self.assertEqual(set(run.action_ids.mapped("state")), {"sent"})
        self.assertFalse(self._run_and_send(self.today + days(7)).action_ids, "the notice's deadline runs")
        escalation = self._run_and_send(self.today + days(15)).action_ids
        self.assertEqual(escalation.level_id, self.level_escalation)
        self.assertEqual(escalation.line_ids.move_id, invoice)

    def test_notice_deadline_longer_than_the_gap_is_honoured(self):
        self.level_formal.write({"auto_send": True, "notice_days": 30})
        self._invoice(1000.0, self.today - days(100))
        self._run_and_send(self.today)
        self.assertFalse(self._run_and_send(self.today + days(20)).action_ids, "30 days were given to pay")
        self.assertEqual(self._run_and_send(self.today + days(30)).action_ids.level_id, self.level_escalation)

    def test_gap_between_reminders(self):
        self.level_2.min_gap_days = 7
        invoice = self._invoice(500.0, self.today - days(12))
        self.assertEqual(self._run_and_send(self.today).action_ids.level_id, self.level_1)
        invoice.invalidate_recordset(["collection_level_id", "collection_last_date", "collection_next_date"])
        self.assertEqual(invoice.collection_next_date, self.today + days(7), "announced after the gap")
        self.assertFalse(self._run_and_send(self.today + days(3)).action_ids, "reminder 2 is due but 3 days after 1")
        second = self._run_and_send(self.today + days(7)).action_ids
        self.assertEqual(second.level_id, self.level_2)
        self.assertEqual(second.line_ids.move_id, invoice)

    def test_litigation_needs_a_formal_notice(self):
        self._invoice(1000.0, self.today - days(60))
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        stage = case.stage
        as_collector = case.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "formal notice"):
            as_collector.write({"stage": "litigation", "procedure": "order_for_payment"})
        self.assertEqual(case.stage, stage)
        self.assertNotEqual(stage, "litigation")


@tagged("post_install", "-at_install")
class TestInsolvency(LawCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.opening = cls.today - days(30)
        cls.mandatary = cls.env["res.partner"].create(
            {
                "name": "SELARL Mandataires Associés",
                "is_company": True,
                "lang": "fr_FR",
                "street": "1 place Bellecour",
                "zip": "69002",
                "city": "Lyon",
            }
        )
        cls.customer.with_company(cls.company).collection_user_id = cls.collector

    def _open(self, **values):
        return (
            self.env["credit.collection.insolvency"]
            .with_user(self.collector)
            .create(
                dict(
                    {
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "procedure": "receivership",
                        "opening_date": self.opening,
                        "publication_date": self.opening + days(10),
                        "court": "Tribunal de commerce de Lyon",
                        "mandatary_id": self.mandatary.id,
                    },
                    **values,
                )
            )
        )

    def _invoice_dated(self, amount, invoice_date, due):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [(0, 0, {"name": "Repair", "quantity": 1, "price_unit": amount, "tax_ids": []})],
            }
        )
        move.action_post()
        return move

    def _prior_and_later_invoices(self):
        prior = self._invoice(3000.0, self.today - days(20))  # invoiced 50 days ago, before the opening
        later = self._invoice_dated(700.0, self.today - days(25), self.today - days(10))
        return prior, later

    def _claim_tasks(self, proceeding):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", proceeding._name),
                ("res_id", "=", proceeding.id),
                ("activity_type_id", "=", self.env.ref("credit_collection.mail_activity_type_claim_declaration").id),
            ]
        )

    def test_opening_stops_reminders_for_prior_debts_only(self):
        prior, later = self._prior_and_later_invoices()
        self.level_1.auto_send = False
        self.level_2.auto_send = False
        pending = self._run(self.today - days(5)).action_ids
        self.assertEqual(pending.line_ids.move_id, prior | later)
        self._open()
        prior_lines = pending.line_ids.filtered(lambda line: line.move_id == prior)
        self.assertEqual(set(prior_lines.mapped("state")), {"cancelled"})
        self.assertIn("insolvency", prior_lines[0].cancel_reason)
        self.assertEqual(
            pending.line_ids.filtered(lambda line: line.move_id == later).state,
            "planned",
            "a debt born after the opening is still reminded",
        )
        still_pending = pending.filtered(lambda action: action.state == "to_review")
        self.assertEqual(still_pending.line_ids.move_id, later)
        still_pending.write({"state": "queued"})
        self._send_now(still_pending)
        run = self._run(self.today + days(10))
        self.assertNotIn(prior, run.action_ids.line_ids.move_id, "no reminder for a debt born before")
        self.assertIn(later, run.action_ids.line_ids.move_id)
        skipped = run.message_ids_report.filtered(lambda m: prior in m.move_ids)
        self.assertIn("L622-21", skipped.reason)
        (prior | later).invalidate_recordset(["collection_next_date"])
        self.assertFalse(prior.collection_next_date, "no next reminder is announced for a suspended debt")
        self.assertTrue(later.collection_next_date)

    def test_opening_suspends_litigation_of_prior_debts(self):
        prior = self._invoice(3000.0, self.today - days(60))
        # The formal notice went out (by letter, twenty days ago): the case may go to court.
        self.env["credit.collection.action"].create(
            {
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "level_id": self.level_formal.id,
                "channel": "letter",
                "date": self.today - days(20),
                "state": "sent",
            }
        )
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        case.write({"stage": "litigation", "procedure": "order_for_payment"})
        self._open()
        self.assertEqual((case.stage, case.procedure), ("insolvency", False))
        as_collector = case.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "L622-21"):
            as_collector.write({"stage": "litigation"})
        with self.assertRaisesRegex(UserError, "L622-21"):
            as_collector.write({"procedure": "merits"})
        self.assertEqual(case.move_ids, prior)
        # A debt born after the opening may go to court.
        self._invoice_dated(500.0, self.today - days(10), self.today - days(5))
        as_collector.write({"stage": "litigation", "procedure": "order_for_payment"})
        self.assertEqual(case.stage, "litigation")

    def test_claim_declaration_task_deadline_and_record(self):
        prior, later = self._prior_and_later_invoices()
        proceeding = self._open(publication_date=False)
        self.assertFalse(self._claim_tasks(proceeding), "no deadline before the publication")
        publication = self.opening + days(12)
        proceeding.with_user(self.collector).publication_date = publication
        self.assertEqual(proceeding.claim_deadline, publication + relativedelta(months=2))
        task = self._claim_tasks(proceeding)
        self.assertEqual((task.date_deadline, task.user_id), (publication + relativedelta(months=2), self.collector))
        proceeding.with_user(self.collector).publication_date = publication + days(3)
        self.assertEqual(self._claim_tasks(proceeding), task, "one task, moved")
        self.assertEqual(task.date_deadline, publication + days(3) + relativedelta(months=2))
        self.assertEqual(proceeding.claim_line_ids.move_id, prior, "only what was born before the opening")
        self.assertEqual(self.company.currency_id.compare_amounts(proceeding.claim_amount, 3000.0), 0)
        self.assertEqual(
            self.company.currency_id.compare_amounts(proceeding.claim_amount_to_fall_due, 3000.0),
            0,
            "due after the opening: to fall due",
        )
        self.assertTrue(self.company.currency_id.is_zero(proceeding.claim_amount_due))
        report = self.env.ref("credit_collection.action_report_claim_declaration")
        html = report.with_user(self.collector)._render_qweb_html(report.report_name, proceeding.ids)[0].decode()
        self.assertIn(prior.name, html)
        self.assertNotIn(later.name, html)
        self.assertIn("Déclaration de créance", html, "in French for a French creditors' representative")
        self.assertIn("L622-24", html)
        self.assertIn("sincère et véritable", html)
        proceeding.with_user(self.collector).action_record_declaration()
        self.assertEqual(proceeding.declaration_state, "declared")
        self.assertEqual(proceeding.declaration_date, self.today)
        self.assertEqual(self.company.currency_id.compare_amounts(proceeding.declared_amount, 3000.0), 0)
        self.assertFalse(self._claim_tasks(proceeding), "the task is done")
        self.assertTrue(proceeding.declaration_attachment_id)

    def test_claim_needs_the_creditors_representative(self):
        proceeding = self._open(mandatary_id=False)
        with self.assertRaisesRegex(UserError, "creditors' representative"):
            proceeding.with_user(self.collector).action_record_declaration()

    def test_closed_proceedings_no_longer_suspend(self):
        prior = self._invoice(3000.0, self.today - days(6))
        proceeding = self._open()
        self.assertFalse(self._run(self.today).action_ids)
        proceeding.with_user(self.collector).action_close()
        self.assertEqual(self._run(self.today).action_ids.line_ids.move_id, prior)

    def test_rights_on_insolvency_proceedings(self):
        proceeding = self._open()
        self.assertEqual(self.customer.with_user(self.collector).collection_insolvency_id, proceeding)
        salesman = new_test_user(
            self.env, "law_salesman", groups="base.group_user", company_id=self.company.id, company_ids=self.company.ids
        )
        with self.assertRaises(AccessError):
            proceeding.with_user(salesman).read(["name"])
        with self.assertRaises(AccessError):
            proceeding.with_user(self.collector).unlink()
        other_company = self.company_data_2["company"]
        foreign = self.env["credit.collection.insolvency"].create(
            {
                "partner_id": self.customer.id,
                "company_id": other_company.id,
                "procedure": "liquidation",
                "opening_date": self.opening,
            }
        )
        self.assertNotIn(foreign, self.env["credit.collection.insolvency"].with_user(self.collector).search([]))
