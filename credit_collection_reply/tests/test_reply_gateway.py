from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


def raw_email(sender, to, subject, text, in_reply_to=None, headers=None, attachment=None, sent=None):
    """An RFC 5322 email as a mail server hands it to odoo-mailgate."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-Id"] = make_msgid(domain="customer.example")
    message["Date"] = format_datetime(sent or fields.Datetime.now().replace(tzinfo=UTC))
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if attachment:
        name, content = attachment
        message.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


@tagged("post_install", "-at_install")
class TestReplyGateway(CollectionCommon):
    """Replies delivered through Odoo's gateway entry point (message_process), as the mail server does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._collection_user("reply_collector")
        cls.other_collector = cls._collection_user("reply_other_collector")
        cls.collector.email = "claire.test@ateliers.example"
        cls.customer.with_company(cls.company).collection_user_id = cls.collector
        cls.company.email = "compta@ateliers.example"
        cls.alias_address = "recouvrement@ateliers.example"
        cls.gateway = (
            cls.env["mail.thread"].with_user(cls.env.ref("base.user_admin")).with_context(tracking_disable=False)
        )

    def _reminder(self, amount=1000.0, days_late=7):
        invoice = self._invoice(amount, self.today - timedelta(days=days_late))
        self._run_and_deliver(self.today)
        action = self._actions(invoice).filtered(lambda action: action.channel == "email")
        self.assertEqual(action.state, "sent")
        return invoice, action

    def _deliver_reply(self, text, sender="Jean Durand <compta@durand.example>", **kwargs):
        return self.gateway.message_process(
            False,
            raw_email(
                sender, kwargs.pop("to", self.alias_address), kwargs.pop("subject", "Re: Relance"), text, **kwargs
            ),
        )

    def test_reminder_reply_to_is_the_alias(self):
        _invoice, action = self._reminder()
        self.assertIn(self.alias_address, action.mail_id.reply_to)
        delivered = self.smtp_inbox.messages[-1].content.decode()
        self.assertRegex(delivered, r"Reply-To: [^\n]*<recouvrement@ateliers\.example>")

    def test_reply_lands_on_case_pauses_and_proposes(self):
        invoice, action = self._reminder()
        raw_text = "Bonjour,\nnous paierons 1 000,00 € le 15/%s.\nCordialement" % (
            (self.today + timedelta(days=40)).strftime("%m/%Y")
        )
        self._deliver_reply(
            raw_text,
            in_reply_to=action.mail_id.message_id,
            attachment=("avis-de-virement.pdf", b"%PDF-1.4 remittance advice"),
        )
        case = action.case_id or self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        reply = case.reply_ids
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.proposal, "promise")
        self.assertEqual(reply.proposal_state, "pending")
        self.assertEqual(reply.proposed_date, (self.today + timedelta(days=40)).replace(day=15))
        self.assertEqual(self.company.currency_id.compare_amounts(reply.proposed_amount, 1000.0), 0)
        message = case.message_ids.filtered(lambda message: message.message_type == "email")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids.mapped("name"), ["avis-de-virement.pdf"])
        self.assertIn(self.collector.partner_id, case.message_partner_ids, "the collector follows and is notified")
        self.assertEqual(case.collection_paused_until, self.today + timedelta(days=7))
        self.assertTrue(case.activity_ids.filtered(lambda activity: activity.user_id == self.collector))
        self.assertFalse(self.env["credit.collection.promise"].search([("partner_id", "=", self.customer.id)]))

        # The next run skips the customer, with the reason in its report.
        second = self._invoice(500.0, self.today - timedelta(days=8))
        run = self._run(self.today)
        self.assertFalse(self._actions(second))
        skipped = run.message_ids_report.filtered(lambda message: message.partner_id == self.customer)
        self.assertIn("dunning paused until", skipped.reason)
        self.assertIn(second, skipped.move_ids)

        # Another collector may not accept it; the case's collector accepts it in one click.
        with self.assertRaises(AccessError):
            reply.with_user(self.other_collector).action_accept()
        reply.with_user(self.collector).action_accept()
        promise = reply.promise_id
        self.assertEqual(promise.promise_date, reply.proposed_date)
        self.assertEqual(promise.case_id, case)
        self.assertEqual(promise.create_uid, self.collector)
        self.assertEqual(reply.proposal_state, "accepted")
        self.assertFalse(case.activity_ids.filtered(lambda activity: activity.user_id == self.collector))
        self.assertIn(invoice, promise.move_ids)

    def test_pause_ends_and_the_collector_resumes(self):
        self._reminder()
        self._deliver_reply("Nous allons régler rapidement.")
        case = self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(case.reply_ids.proposal, "promise")
        self.assertFalse(case.reply_ids.proposed_date)
        run = self.env["credit.collection.run"].create(
            {"company_id": self.company.id, "date": self.today + timedelta(days=8)}
        )
        self.assertFalse(run._customers_paused({self.customer.id}), "the pause is over after 7 days")
        run.date = self.today + timedelta(days=7)
        self.assertIn(self.customer.id, run._customers_paused({self.customer.id}))
        case.with_user(self.collector).action_resume_dunning()
        self.assertFalse(run._customers_paused({self.customer.id}))

    def test_policy_sets_the_pause(self):
        self.policy.reply_pause_days = 0
        self._reminder()
        self._deliver_reply("Payé hier")
        case = self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(case.reply_ids.proposal, "payment")
        self.assertEqual(case.reply_ids.proposed_date, self.today - timedelta(days=1))
        self.assertFalse(case.collection_paused_until)

    def test_auto_reply_pauses_nothing(self):
        _invoice, action = self._reminder()
        self._deliver_reply(
            "Je suis absent jusqu'au 15/01, je paierai à mon retour.",
            subject="Réponse automatique : Relance",
            in_reply_to=action.mail_id.message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
        case = self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(case.reply_ids.auto_reply)
        self.assertFalse(case.reply_ids.proposal)
        self.assertFalse(case.collection_paused_until)
        self.assertEqual(len(case.message_ids.filtered(lambda message: message.message_type == "email")), 1)

    def test_dispute_names_the_invoice(self):
        invoice, _action = self._reminder()
        other = self._invoice(300.0, self.today - timedelta(days=6))
        self._deliver_reply("We dispute invoice %s: wrong invoice, we never ordered this." % invoice.name)
        case = self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        reply = case.reply_ids
        self.assertEqual(reply.proposal, "dispute")
        self.assertEqual(reply.proposed_move_ids, invoice)
        self.assertNotIn(other, reply.proposed_move_ids)
        reply.with_user(self.collector).action_reject()
        self.assertEqual(reply.proposal_state, "rejected")
        self.assertFalse(self.env["credit.collection.dispute"].search([("partner_id", "=", self.customer.id)]))

    def test_forwarded_reply_by_an_employee(self):
        self._reminder()
        forwarded = (
            "Pour info, voir ci-dessous.\n\n---------- Message transféré ---------\n"
            "De : Jean Durand <compta@durand.example>\nDate : jeu. 3 déc. 2026\nObjet : Re: Relance\n\n"
            "La facture est fausse, nous contestons le montant.\n"
        )
        self._deliver_reply(
            forwarded, sender="%s <%s>" % (self.collector.name, self.collector.email), subject="TR: Re: Relance"
        )
        case = self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(case.reply_ids.forwarded)
        self.assertEqual(case.reply_ids.proposal, "dispute")

    def test_unknown_sender_waits_for_a_collector(self):
        self._reminder()
        self._deliver_reply("Je paierai le 15.", sender="Inconnu <someone@elsewhere.example>")
        reply = self.env["credit.collection.reply"].search([("email_from", "ilike", "someone@elsewhere.example")])
        self.assertEqual(reply.state, "to_assign")
        self.assertFalse(reply.case_id)
        self.assertEqual(reply.company_id, self.company, "the company whose address received it")
        self.assertEqual(len(reply.message_ids.filtered(lambda message: message.message_type == "email")), 1)
        case = self.env["credit.collection.case"].search([("partner_id", "=", self.customer.id)])
        self.assertFalse(case.collection_paused_until)
        reply.with_user(self.collector).write({"partner_id": self.customer.id})
        reply.with_user(self.collector).action_assign()
        self.assertEqual(reply.case_id, case)
        self.assertEqual(reply.proposal, "promise")
        self.assertTrue(case.message_ids.filtered(lambda message: message.message_type == "email"))
        self.assertFalse(case.collection_paused_until, "assigning by hand pauses nothing")
        with self.assertRaises(AccessError):
            reply.with_user(self.collector).write({"case_id": False})
