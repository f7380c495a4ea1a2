import logging
from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.misc import hmac

from .common import PortalCommon
from .test_portal_security import PortalAttackCommon

LINK_DAYS = "credit_collection_portal.link_validity_days"


@tagged("post_install", "-at_install")
class TestPortalLinks(PortalAttackCommon):
    """Finding 6: the balance link of a reminder expires, can be revoked, and leaks nowhere."""

    def setUp(self):
        super().setUp()
        self._visitor()

    def _balance(self):
        """The balance page, after the redirect to the customer's language if any."""
        return self.url_open("/my/balance")

    def test_link_expires_after_the_configured_days(self):
        response = self._open_link(self._token(self.customer, days_ago=91))
        self.assertEqual(response.status_code, 410)
        self.assertIn("o_balance_link_refused", response.text)
        self.assertNotIn(self.inv_old.name, response.text)
        self.assertIn("/web/login", self._balance().url)
        response = self._open_link(self._token(self.customer, days_ago=89))
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_old.name, response.text)
        # shortened by the manager: the links already sent follow, sessions opened with one too
        self.env["ir.config_parameter"].set_param(LINK_DAYS, "30")
        response = self._balance()
        self.assertEqual(response.status_code, 410)
        self.assertNotIn(self.inv_old.name, response.text)
        self.assertIn("/web/login", self._balance().url)
        self.assertEqual(self._open_link(self._token(self.customer, days_ago=31)).status_code, 410)
        self.assertEqual(self._open_link(self._token(self.customer, days_ago=29)).status_code, 200)

    def test_link_validity_is_a_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.collection_portal_link_days, 90)
        settings.collection_portal_link_days = 7
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param(LINK_DAYS), "7")
        self.assertEqual(self._open_link(self._token(self.customer, days_ago=8)).status_code, 410)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"collection_portal_link_days": 0})

    def test_collector_revokes_the_links_of_a_customer(self):
        old_token = self._token(self.customer)
        self.assertEqual(self._open_link(old_token).status_code, 200)
        collector = self._collector()
        form = self.env["res.partner"].with_user(collector).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_collection_portal_revoke_links"', form)
        self.customer.with_user(collector).action_collection_portal_revoke_links()
        self.assertIn("revoked", self.customer.message_ids[:1].body)
        # the session opened with the link is closed, the link no longer opens anything
        response = self._balance()
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.inv_old.name, response.text)
        self._visitor()
        self.assertEqual(self._open_link(old_token).status_code, 404)
        # the links of the next reminders work; the other customer's links were not touched
        self.assertEqual(self._open_link(self._token(self.customer)).status_code, 200)
        self._visitor()
        self.assertEqual(self._open_link(self._token(self.customer_b)).status_code, 200)

    def test_only_collectors_revoke_links(self):
        for user in (
            self.user_a,
            self.env["res.users"].create(
                {
                    "login": "ccp_employee",
                    "name": "Employee",
                    "group_ids": [(6, 0, self.env.ref("base.group_user").ids)],
                }
            ),
        ):
            with self.assertRaises(AccessError):
                self.customer.with_user(user).action_collection_portal_revoke_links()
        self.assertEqual(self.customer.collection_portal_link_generation, 0)

    def test_archived_customer_link_is_refused(self):
        token = self._token(self.customer)
        self.assertEqual(self._open_link(token).status_code, 200)
        self.customer.action_archive()
        self.assertEqual(self._balance().status_code, 404)
        self._visitor()
        response = self._open_link(token)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.inv_old.name, response.text)

    def test_links_of_the_first_version_are_told_they_expired(self):
        legacy = hmac(self.env(su=True), "credit_collection_portal.balance", self.customer.id)
        for path in ("/my/balance", "/my/balance/statement", "/my/balance/access"):
            response = self.url_open("%s?pid=%s&token=%s" % (path, self.customer.id, legacy))
            self.assertEqual(response.status_code, 410, path)
            self.assertNotIn(self.inv_old.name, response.text)
            response = self.url_open("%s?pid=%s&token=%s" % (path, self.customer.id, "0" * 64))
            self.assertEqual(response.status_code, 404, path)

    def test_link_holder_sees_and_pays_but_cannot_hold_the_reminders(self):
        self._open_link(self._token(self.customer))
        before = self._counts()
        date = (self.today + timedelta(days=5)).isoformat()
        for url, data in (
            ("/my/balance/dispute/%s" % self.inv_late.id, {"reason": "price", "description": "Too high"}),
            ("/my/balance/promise", [("invoice_ids", str(self.inv_late.id)), ("amount", "10"), ("promise_date", date)]),
            (
                "/my/balance/plan",
                [("invoice_ids", str(self.inv_late.id)), ("instalment_count", "3"), ("first_date", date)],
            ),
        ):
            for response in (self.url_open(url), self._post(url, data)):
                self.assertEqual(response.status_code, 403, url)
                self.assertIn("o_balance_login_needed", response.text)
        self.assertEqual(self._counts(), before)
        page = self._balance()
        self.assertIn("/web/login?redirect=%2Fmy%2Fbalance%2Fpromise", page.text)
        self.assertNotIn('href="/my/balance/dispute/', page.text)
        response, form = self._pay_page(self.inv_late)
        self.assertNotIn("error", self._transaction(form))

    def test_logged_in_customer_opening_another_customers_link(self):
        self._login(self.user_b)
        response = self._open_link(self._token(self.customer))
        self.assertEqual(response.status_code, 409)
        self.assertNotIn(self.inv_old.name, response.text)
        page = self._balance()
        self.assertIn(self.inv_b.name, page.text)
        self.assertNotIn(self.inv_old.name, page.text)

    def test_pages_forbid_referrers_and_caching(self):
        pages = [self.url_open("/my/balance/access"), self._open_link(self._token(self.customer))]
        pages += [self.url_open(url) for url in ("/my/balance", "/my/balance/statement", "/my/balance/access?token=x")]
        for response in pages:
            self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer", response.url)
            self.assertEqual(response.headers.get("Cache-Control"), "no-store", response.url)


@tagged("post_install", "-at_install")
class TestPortalLinkInBrowser(PortalCommon):
    """The link of a reminder in Chromium: the token stays out of the server's log and any Referer."""

    def test_link_token_never_reaches_the_server_log(self):
        self._run(self.today)
        action = self.env["credit.collection.action"].search([("partner_id", "=", self.customer.id)], limit=1)
        url = action._portal_url()
        token = url.split("#", 1)[1]
        with self.assertLogs("werkzeug", level=logging.INFO) as logs:
            # Ready once the page the link leads to is there: the access page submits itself and the tour
            # would otherwise start on the page being left.
            ready = (
                "window.location.pathname.endsWith('/my/balance') && !!window.odoo && "
                "odoo.isTourReady('credit_collection_portal_link')"
            )
            self.start_tour(url, "credit_collection_portal_link", login=None, timeout=180, ready=ready)
        requests = "\n".join(logs.output)
        self.assertIn("/my/balance/access", requests)
        self.assertIn("POST /my/balance/access", requests)
        self.assertNotIn(token, requests)
        self.assertNotIn(token.rsplit(".", 1)[1], requests)
