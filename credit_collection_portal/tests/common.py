import json
import re
import time
from datetime import timedelta

from odoo import Command, fields
from odoo.tests.common import Opener

from odoo.addons.base.tests.common import HttpCase
from odoo.addons.credit_collection.tests.common import CollectionCommon

DAY = 86400


class PortalCommon(CollectionCommon, HttpCase):
    """Two customers of company 1, each with a portal login, and the demo payment provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        demo = cls.env["ir.module.module"]._get("payment_demo")
        assert demo.state == "installed", (
            "credit_collection_portal's tests pay with the demo provider: install payment_demo "
            "next to the add-ons in the test database"
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Bernard Négoce", "email": "compta@bernard.example", "lang": "en_US", "is_company": True}
        )
        cls.user_a = cls._portal_user("ccp_customer_a", cls.customer)
        cls.user_b = cls._portal_user("ccp_customer_b", cls.customer_b)
        today = cls.today
        cls.inv_old = cls._ref_invoice("CCP-OLD", 1000.0, today - timedelta(days=40))
        cls.inv_late = cls._ref_invoice("CCP-LATE", 500.0, today - timedelta(days=10))
        cls.inv_next = cls._ref_invoice("CCP-NEXT", 300.0, today + timedelta(days=20))
        cls.inv_b = cls._ref_invoice("CCP-B", 700.0, today - timedelta(days=15), partner=cls.customer_b)
        cls.provider = cls._demo_provider(cls.company)

    @classmethod
    def _demo_provider(cls, company):
        provider = (
            cls.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy(
                {
                    "name": "Demo (%s)" % company.name,
                    "company_id": company.id,
                    "state": "test",
                    "is_published": True,
                    "payment_method_ids": [Command.set(cls.env.ref("payment_demo.payment_method_demo").ids)],
                }
            )
        )
        provider.journal_id = cls.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        return provider

    @classmethod
    def _portal_user(cls, login, company_partner, lang="en_US"):
        contact = cls.env["res.partner"].create(
            {
                "name": "Accountant of %s" % company_partner.name,
                "parent_id": company_partner.id,
                "email": "%s@example.com" % login,
                "lang": lang,
            }
        )
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "password": login,
                    "partner_id": contact.id,
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "group_ids": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        )

    @classmethod
    def _collector(cls, login="ccp_collector"):
        """A collector as the product makes them: an employee with the Collection User group only."""
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "password": login,
                    "name": "Collector %s" % login,
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "group_ids": [
                        Command.set(
                            [
                                cls.env.ref("base.group_user").id,
                                cls.env.ref("credit_collection.group_collection_user").id,
                            ]
                        )
                    ],
                }
            )
        )

    @classmethod
    def _ref_invoice(cls, ref, amount, due, partner=None, company=None):
        invoice = cls._invoice(amount, due, partner=partner, company=company, post=False)
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

    def _post(self, url, data, csrf=True, files=None, csrf_url="/my/balance"):
        data = list(data.items()) if isinstance(data, dict) else list(data)
        if csrf:
            data.append(("csrf_token", self._csrf(csrf_url)))
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def _visitor(self):
        """A browser that nobody logged in: no cookie at all, as when a reminder's link is clicked."""
        self.authenticate(None, None)
        self.opener = Opener(self)

    def _token(self, partner, days_ago=0):
        return partner._collection_portal_token(issued=time.time() - days_ago * DAY)

    def _open_link(self, token, headers=None):
        """What the page of the link does: post the token of the fragment, follow to the balance."""
        page = self.url_open("/my/balance/access", headers=headers)
        self.assertEqual(page.status_code, 200, page.text[:300])
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open("/my/balance/access", data={"token": token, "csrf_token": csrf}, headers=headers)

    def _pay_page(self, invoices, amount=None):
        data = [("invoice_ids", str(invoice.id)) for invoice in invoices]
        if amount is not None:
            data.append(("amount", str(amount)))
        response = self._post("/my/balance/pay", data)
        self.assertEqual(response.status_code, 200, response.text[:500])
        found = {
            key: re.search(r'data-%s="([^"]*)"' % key, response.text)
            for key in ("access-token", "transaction-route", "amount", "partner-id")
        }
        form = {key: match and match.group(1) for key, match in found.items()}
        form["csrf"] = re.search(r'csrf_token: "([^"]+)"', response.text).group(1)
        return response, form

    def _transaction(self, form, amount=None, **overrides):
        params = {
            "provider_id": self.provider.id,
            "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
            "token_id": None,
            "amount": float(form["amount"]) if amount is None else amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my/balance",
            "is_validation": False,
            "access_token": form["access-token"],
            "csrf_token": form.get("csrf"),
            **overrides,
        }
        return self._json(form["transaction-route"], params)


class PortalFrenchCommon(PortalCommon):
    """Customer A is French, on a site whose default language is French (a database created in French)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.default"].set("res.partner", "lang", "fr_FR")
        cls.customer.lang = "fr_FR"
        cls.user_fr = cls._portal_user("ccp_customer_fr", cls.customer, lang="fr_FR")

    @classmethod
    def _send_reminder(cls, invoice, level):
        """A reminder at ``level`` sent on ``invoice`` (how it is sent is the engine's business)."""
        return cls.env["credit.collection.action"].create(
            {
                "partner_id": invoice.commercial_partner_id.id,
                "company_id": invoice.company_id.id,
                "level_id": level.id,
                "channel": "email",
                "state": "sent",
                "sent_date": fields.Datetime.now(),
                "line_ids": [
                    Command.create(
                        {
                            "move_line_id": invoice.line_ids.filtered(
                                lambda line: line.account_type == "asset_receivable"
                            ).id,
                            "move_id": invoice.id,
                            "level_id": level.id,
                            "date_maturity": invoice.invoice_date_due,
                            "state": "done",
                        }
                    )
                ],
            }
        )
