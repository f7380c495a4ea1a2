import json
import re
from datetime import timedelta

from odoo import Command

from odoo.addons.base.tests.common import HttpCase
from odoo.addons.credit_collection.tests.common import CollectionCommon


class PortalCommon(CollectionCommon, HttpCase):
    """Two customers of company 1, each with a portal login, and the demo payment provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        demo = cls.env["ir.module.module"]._get("payment_demo")
        assert demo.state == "installed", (
            "credit_collection_portal's tests pay with the demo provider: install payment_demo "
            "next to the add-ons in the test database")
        cls.customer_b = cls.env["res.partner"].create({
            "name": "Bernard Négoce", "email": "compta@bernard.example", "lang": "en_US", "is_company": True})
        cls.user_a = cls._portal_user("ccp_customer_a", cls.customer)
        cls.user_b = cls._portal_user("ccp_customer_b", cls.customer_b)
        today = cls.today
        cls.inv_old = cls._ref_invoice("CCP-OLD", 1000.0, today - timedelta(days=40))
        cls.inv_late = cls._ref_invoice("CCP-LATE", 500.0, today - timedelta(days=10))
        cls.inv_next = cls._ref_invoice("CCP-NEXT", 300.0, today + timedelta(days=20))
        cls.inv_b = cls._ref_invoice("CCP-B", 700.0, today - timedelta(days=15), partner=cls.customer_b)
        provider = cls.env.ref("payment.payment_provider_demo").sudo()
        cls.provider = provider.copy({
            "name": "Demo (collection tests)", "company_id": cls.company.id, "state": "test",
            "is_published": True,
            "payment_method_ids": [Command.set(cls.env.ref("payment_demo.payment_method_demo").ids)],
        })
        cls.provider.journal_id = cls.company_data["default_journal_bank"]

    @classmethod
    def _portal_user(cls, login, company_partner):
        contact = cls.env["res.partner"].create({
            "name": "Accountant of %s" % company_partner.name, "parent_id": company_partner.id,
            "email": "%s@example.com" % login, "lang": "en_US"})
        return cls.env["res.users"].with_context(no_reset_password=True).create({
            "login": login, "password": login, "partner_id": contact.id,
            "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
            "group_ids": [Command.set([cls.env.ref("base.group_portal").id])],
        })

    @classmethod
    def _ref_invoice(cls, ref, amount, due, partner=None):
        invoice = cls._invoice(amount, due, partner=partner, post=False)
        invoice.ref = ref
        invoice.action_post()
        return invoice

    # ------------------------------------------------------------------ HTTP helpers
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _csrf(self, url="/my/balance"):
        page = self.url_open(url)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(match, "no CSRF token on %s (status %s)" % (url, page.status_code))
        return match.group(1)

    def _post(self, url, data, csrf=True, files=None):
        data = list(data.items()) if isinstance(data, dict) else list(data)
        if csrf:
            data.append(("csrf_token", self._csrf()))
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _json(self, url, params):
        response = self.url_open(url, data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
                                 headers={"Content-Type": "application/json"})
        return response.json()

    def _pay_page(self, invoices, amount=None):
        data = [("invoice_ids", str(invoice.id)) for invoice in invoices]
        if amount is not None:
            data.append(("amount", str(amount)))
        response = self._post("/my/balance/pay", data)
        self.assertEqual(response.status_code, 200, response.text[:500])
        found = {key: re.search(r'data-%s="([^"]*)"' % key, response.text) for key in (
            "access-token", "transaction-route", "amount", "partner-id")}
        return response, {key: match and match.group(1) for key, match in found.items()}

    def _transaction(self, form, amount=None):
        return self._json(form["transaction-route"], {
            "provider_id": self.provider.id,
            "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
            "token_id": None,
            "amount": float(form["amount"]) if amount is None else amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my/balance",
            "is_validation": False,
            "access_token": form["access-token"],
        })
