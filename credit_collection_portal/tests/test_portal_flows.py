import re
from datetime import timedelta

from odoo.tests import tagged

from .common import PortalCommon, PortalFrenchCommon


@tagged("post_install", "-at_install")
class TestPortalFlows(PortalCommon):
    def _pending_reminders(self, invoice):
        return self.env["credit.collection.action.line"].search(
            [("move_id", "=", invoice.id), ("state", "=", "planned")]
        )

    def test_balance_page(self):
        self._login(self.user_a)
        page = self.url_open("/my/balance")
        self.assertEqual(page.status_code, 200)
        for invoice in self.inv_old | self.inv_late | self.inv_next:
            self.assertIn(invoice.name, page.text)
        self.assertNotIn(self.inv_b.name, page.text)
        self.assertIn('data-ref="CCP-OLD"', page.text)
        # days late of the oldest invoice, and the statement link of its company
        self.assertIn(">40<", page.text.replace(" ", ""))
        self.assertIn("/my/balance/statement?company_id=%s" % self.company.id, page.text)

    def test_statement_pdf(self):
        self._login(self.user_a)
        response = self.url_open("/my/balance/statement?company_id=%s" % self.company.id)
        self.assertEqual(response.status_code, 200)
        # The test server renders reports as HTML (a PDF would make wkhtmltopdf call back into the
        # server that holds the test cursor); the content is the same statement.
        self.assertIn("Statement of account", response.text)
        for invoice in self.inv_old | self.inv_late | self.inv_next:
            self.assertIn(invoice.name, response.text)
        self.assertNotIn(self.inv_b.name, response.text)

    def test_reminder_link_opens_balance_without_login(self):
        self._run(self.today)
        action = self.env["credit.collection.action"].search([("partner_id", "=", self.customer.id)], limit=1)
        self.assertTrue(action, "the run planned no reminder for customer A")
        url = action._portal_url()
        self.assertTrue(url.startswith("/my/balance/access#"), url)
        mail_body = self.env.ref("credit_collection.mail_template_reminder_courteous")._render_field(
            "body_html", action.ids
        )[action.id]
        self.assertIn(url, mail_body)
        self._visitor()
        page = self._open_link(url.split("#", 1)[1])
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.url.endswith("/my/balance"), page.url)
        self.assertIn(self.inv_old.name, page.text)
        self.assertNotIn(self.inv_b.name, page.text)
        self.assertIn("o_balance_link_notice", page.text)

    def test_payment_from_the_reminder_link_without_login(self):
        self._visitor()
        self._open_link(self._token(self.customer))
        response, form = self._pay_page(self.inv_late)
        result = self._transaction(form)
        self.assertNotIn("error", result, result)
        self.env.invalidate_all()
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", result["result"]["reference"])])
        self.assertEqual((tx.partner_id, tx.invoice_ids, tx.amount), (self.customer, self.inv_late, 500.0))
        self.assertEqual(tx.landing_route, "/my/balance?done=paid")
        # without the link, the same form is sent to the login page
        self._visitor()
        response = self._post(
            "/my/balance/pay", [("invoice_ids", str(self.inv_late.id))], csrf_url="/my/balance/access"
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_partial_payment_of_two_invoices_pays_the_oldest_first(self):
        self._run(self.today)
        self.assertTrue(self._pending_reminders(self.inv_old))
        self._login(self.user_a)
        _page, form = self._pay_page(self.inv_old | self.inv_late, amount="1200")
        self.assertEqual(float(form["amount"]), 1200.0)
        result = self._transaction(form)
        self.assertNotIn("error", result, result)
        self.env.invalidate_all()
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", result["result"]["reference"])])
        self.assertEqual(tx.invoice_ids, self.inv_old | self.inv_late)
        self.assertEqual(tx.partner_id, self.user_a.partner_id)
        self.assertEqual(tx.amount, 1200.0)
        demo = self._json(
            "/payment/demo/simulate_payment",
            {"reference": tx.reference, "payment_details": "4242", "simulated_state": "done"},
        )
        self.assertNotIn("error", demo, demo)
        poll = self._json("/payment/status/poll", {})
        self.assertNotIn("error", poll, poll)
        self.env.invalidate_all()
        self.assertTrue(tx.payment_id, "no payment posted for the transaction")
        self.assertEqual(self.inv_old.amount_residual, 0.0)
        self.assertIn(self.inv_old.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(self.inv_late.amount_residual, 300.0)
        self.assertEqual(self.inv_late.payment_state, "partial")
        # the invoice paid in full leaves dunning at once; the one still partly due keeps its reminders
        self.assertFalse(self._pending_reminders(self.inv_old))

    def test_payment_plan_request(self):
        self._login(self.user_a)
        first = self.today + timedelta(days=15)
        response = self._post(
            "/my/balance/plan",
            [
                ("invoice_ids", str(self.inv_old.id)),
                ("invoice_ids", str(self.inv_late.id)),
                ("instalment_count", "3"),
                ("first_date", first.isoformat()),
                ("note", "Our main client pays us late this quarter."),
            ],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        plan = self.env["credit.collection.payment.plan"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(plan), 1)
        self.assertEqual(
            (plan.state, plan.source, plan.instalment_count, plan.first_date), ("draft", "portal", 3, first)
        )
        self.assertEqual(plan.move_ids, self.inv_old | self.inv_late)
        self.assertIn("pays us late this quarter", " ".join(plan.case_id.message_ids.mapped("body")))

    def test_dispute_with_attachment(self):
        self._login(self.user_a)
        response = self._post(
            "/my/balance/dispute/%s" % self.inv_late.id,
            {"reason": "delivery", "description": "Delivered a month late, see the carrier's note."},
            files={"attachment": ("carrier-note.txt", b"Delivered on the 3rd", "text/plain")},
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        dispute = self.env["credit.collection.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((dispute.source, dispute.reason, dispute.move_ids), ("portal", "delivery", self.inv_late))
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "credit.collection.case"), ("res_id", "=", dispute.case_id.id)]
        )
        self.assertEqual(attachments.mapped("name"), ["carrier-note.txt"])
        self.assertEqual(attachments.raw, b"Delivered on the 3rd")
        self.assertIn("carrier's note", " ".join(dispute.case_id.message_ids.mapped("body")))
        # the invoice now shows as disputed and cannot be disputed twice from the page
        page = self.url_open("/my/balance")
        self.assertIn("o_balance_disputed", page.text)
        self.assertNotIn("/my/balance/dispute/%s" % self.inv_late.id, page.text)

    def test_wire_transfer_without_online_provider(self):
        self.provider.state = "disabled"
        self.env["res.partner.bank"].create(
            {"partner_id": self.company.partner_id.id, "acc_number": "FR7630004000031234567890143"}
        )
        self._login(self.user_a)
        page = self.url_open("/my/balance")
        self.assertIn("o_balance_wire", page.text)
        self.assertIn("FR7630004000031234567890143", page.text.replace(" ", ""))
        response, form = self._pay_page(self.inv_old)
        self.assertIn("FR7630004000031234567890143", response.text.replace(" ", ""))
        self.assertIn(self.inv_old.payment_reference or self.inv_old.name, response.text)
        self.assertNotIn("o_payment_form", response.text)


@tagged("post_install", "-at_install")
class TestPortalFrench(PortalFrenchCommon):
    """A French customer reads its portal in French, in the words a customer knows."""

    def test_balance_shows_customer_words_not_level_names(self):
        self._send_reminder(self.inv_old, self.level_formal)
        self._send_reminder(self.inv_late, self.level_1)
        escalation = self._send_reminder(self.inv_next, self.level_escalation)
        # a reminder planned but not sent is not something the customer received
        planned = self._send_reminder(self.inv_late, self.level_2)
        planned.state = "to_review"
        self.level_formal.name = "MED dure - niveau interne"
        self._login(self.user_fr)
        page = self.url_open("/my/balance")
        self.assertEqual(page.status_code, 200)
        rows = {
            ref: re.search(r'data-ref="%s".*?</div>\s*</div>' % ref, page.text, re.S).group(0)
            for ref in ("CCP-OLD", "CCP-LATE", "CCP-NEXT")
        }
        self.assertIn("Mise en demeure", rows["CCP-OLD"])
        self.assertIn("Relance", rows["CCP-LATE"])
        self.assertNotIn("Deuxième relance", rows["CCP-LATE"])
        self.assertIn("Suivi par notre service recouvrement", rows["CCP-NEXT"])
        for internal in (
            "MED dure",
            "Escalation",
            "Formal notice",
            "Reminder 1",
            "Reminder 2",
            escalation.level_id.name,
            "to_review",
            "Sent",
        ):
            self.assertNotIn(internal, page.text)
        self.assertIn("Mon solde", page.text)
        self.assertIn("Factures à payer", page.text)

    def test_reminder_link_opens_in_the_customers_language(self):
        """An English browser opening the link of a French reminder reads the portal in French."""
        self._visitor()
        english = {"Accept-Language": "en-US,en;q=0.9"}
        page = self._open_link(self._token(self.customer), headers=english)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/en/", page.url)
        self.assertIn("Mon solde", page.text)
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "fr_FR")
        # an expired link says so in the customer's language too
        self._visitor()
        page = self._open_link(self._token(self.customer, days_ago=91), headers=english)
        self.assertEqual(page.status_code, 410)
        self.assertIn("Ce lien a expiré", page.text)
        # a customer writing in English gets English, whatever the site's default
        self._visitor()
        page = self._open_link(self._token(self.customer_b), headers={"Accept-Language": "fr-FR"})
        self.assertIn("/en/my/balance", page.url)
        self.assertIn("My balance", page.text)

    def test_login_uses_the_users_language_not_an_old_cookie(self):
        self._visitor()
        # a page seen before in an English browser left its language in a cookie
        self.url_open("/my/balance/access", headers={"Accept-Language": "en-US"})
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "en_US")
        login = self.url_open("/web/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        page = self.url_open(
            "/web/login", data={"login": self.user_fr.login, "password": self.user_fr.login, "csrf_token": csrf}
        )
        self.assertNotIn("/en/", page.url)
        self.assertIn("/my", page.url)
        page = self.url_open("/my/balance")
        self.assertNotIn("/en/", page.url)
        self.assertIn("Mon solde", page.text)
        self.assertNotIn("My balance", page.text)
