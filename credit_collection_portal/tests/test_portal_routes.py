"""Every route of the balance, attacked the way the security review did.

The routes are read from the routing map Odoo builds from the controllers' ``http.route``
declarations: a route added under ``/my/balance`` (or anywhere by this add-on's controller) and not
described in ``ROUTE_INPUTS`` fails the test, so that no new route escapes the attacks.
"""

import json
import re
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools.misc import hmac

from odoo.addons.credit_collection_portal.controllers.portal import CollectionPortal

from .test_portal_security import NON_FINITE, PortalAttackCommon

PREFIX = "/my/balance"
LINK_DAYS = "credit_collection_portal.link_validity_days"
# What each route takes from its caller. ``ids``: inputs naming a record (path or form); ``amount``:
# whether it takes an amount. Describing a new route here is what puts it under the attacks.
ROUTE_INPUTS = {
    "/my/balance": {"ids": (), "amount": False},
    "/my/balance/access": {"ids": (), "amount": False},
    "/my/balance/statement": {"ids": ("company_id",), "amount": False},
    "/my/balance/pay": {"ids": ("invoice_ids",), "amount": True},
    "/my/balance/transaction/<string:invoice_ids>": {"ids": ("invoice_ids",), "amount": True},
    "/my/balance/dispute/<int:invoice_id>": {"ids": ("invoice_id",), "amount": False},
    "/my/balance/promise": {"ids": ("invoice_ids",), "amount": True},
    "/my/balance/plan": {"ids": ("invoice_ids",), "amount": False},
}


def _controller_routes():
    """The routes the balance's controller declares itself (not those it inherits from Odoo)."""
    return {
        route
        for method in vars(CollectionPortal).values()
        for route in getattr(method, "original_routing", {}).get("routes", [])
    }


@tagged("post_install", "-at_install")
class TestPortalRoutesUnderAttack(PortalAttackCommon):
    """Every portal route x {foreign id, forged token, expired token, non-finite amount, missing CSRF}
    answers 4xx and creates nothing. JSON-RPC routes answer with the same HTTP statuses, their body
    being the JSON-RPC error Odoo's client shows."""

    # ------------------------------------------------------------------ the routes
    def _routes(self):
        """The routes Odoo serves under the balance's prefix, with their merged routing."""
        return {
            rule.rule: rule.endpoint.routing
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule == PREFIX or rule.rule.startswith(PREFIX + "/")
        }

    def test_every_route_is_described(self):
        declared = _controller_routes()
        served = self._routes()
        self.assertTrue(declared)
        self.assertEqual(declared - set(served), set(), "routes of the controller not served")
        self.assertEqual(
            {route for route in declared if not route.startswith(PREFIX)},
            set(),
            "a route of the balance outside %s escapes these attacks" % PREFIX,
        )
        self.assertEqual(
            set(served) - set(ROUTE_INPUTS),
            set(),
            "routes of the portal not described in ROUTE_INPUTS: describe their inputs",
        )

    # ------------------------------------------------------------------ requests
    def _methods(self, routing):
        if routing["type"] in ("json", "jsonrpc"):
            return ["JSON"]
        return [method for method in ("GET", "POST") if not routing.get("methods") or method in routing["methods"]]

    def _request(self, route, method, invoices=None, company=None, amount=None, csrf=True, query=None):
        """The request a customer of B sends to ``route``, its own records unless given others."""
        invoices = invoices or self.inv_b
        company = company or self.company
        date = (self.today + timedelta(days=5)).isoformat()
        path = route.replace("<int:invoice_id>", str(invoices[:1].id)).replace(
            "<string:invoice_ids>", "-".join(str(i) for i in invoices.ids)
        )
        fields = [("invoice_ids", str(invoice.id)) for invoice in invoices]
        data = {
            "/my/balance/statement": [("company_id", str(company.id))],
            "/my/balance/pay": fields + ([("amount", amount)] if amount is not None else []),
            "/my/balance/promise": fields + [("amount", amount or "10"), ("promise_date", date)],
            "/my/balance/plan": fields + [("instalment_count", "3"), ("first_date", date)],
            "/my/balance/access": [("token", self._token(self.customer_b))],
        }.get(route.split("/<")[0] if "<" in route else route, [])
        if route.startswith("/my/balance/dispute/"):
            data = [("reason", "price"), ("description", "Too high")]
        if method == "JSON":
            return self._json_request(path, invoices, amount, csrf, query or {})
        query_string = "&".join("%s=%s" % item for item in (query or {}).items())
        if method == "GET":
            params = [item for item in data if item[0] != "token"]
            url = "%s?%s" % (path, "&".join("%s=%s" % item for item in params + list((query or {}).items())))
            # followed: the site may first send the visitor to the URL of its language
            return self.url_open(url)
        if csrf:
            data = data + [("csrf_token", self._page_csrf())]
        url = "%s?%s" % (path, query_string) if query_string else path
        # not url_open: it sends a GET when there is no data
        return self.opener.post(self.base_url() + url, data=data, allow_redirects=False, timeout=12)

    def _page_csrf(self):
        """The CSRF token of the current session (fetched once a session: it depends on it only)."""
        session = tuple(
            sorted((cookie.domain, cookie.value) for cookie in self.opener.cookies if cookie.name == "session_id")
        )
        cache = self.__dict__.setdefault("_csrf_by_session", {})
        if session not in cache:
            page = self.url_open("/my/balance/access")
            cache[session] = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return cache[session]

    def _json_request(self, path, invoices, amount, csrf, extra):
        """What the payment form posts, signed for B's own invoice as its pay page signs it."""
        own = self.inv_b
        # payment.utils.generate_access_token, which needs a request: what the pay page signs
        values = (self.payer.id, own.amount_residual, own.currency_id.id, own.id)
        access_token = hmac(self.env(su=True), "generate_access_token", "|".join(str(value) for value in values))
        params = {
            "provider_id": self.provider.id,
            "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
            "token_id": None,
            "amount": own.amount_residual if amount is None else amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my/balance",
            "is_validation": False,
            "access_token": access_token,
            **extra,
        }
        if csrf:
            params["csrf_token"] = self._page_csrf()
        return self.url_open(
            path,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
            allow_redirects=False,
        )

    # ------------------------------------------------------------------ verdicts
    def _assert_refused(self, response, what, before):
        self.assertTrue(
            400 <= response.status_code < 500, "%s answered %s: %s" % (what, response.status_code, response.text[:300])
        )
        for invoice in self.inv_old | self.inv_late | self.inv_next:
            self.assertNotIn(invoice.name, response.text, what)
        if response.headers.get("Content-Type", "").startswith("application/json"):
            self.assertIn("error", response.json(), what)
        self.assertEqual(self._counts(), before, "%s created something" % what)

    def _attack_each_route(self, attack, caller):
        """``attack(route, method)`` -> response, or None where it does not apply; ``caller()``
        sets who is asking before each request."""
        applied = 0
        for route, routing in sorted(self._routes().items()):
            for method in self._methods(routing):
                caller()
                before = self._counts()
                response = attack(route, method)
                if response is None:
                    continue
                applied += 1
                self._assert_refused(response, "%s %s" % (method, route), before)
        return applied

    def _as_b(self):
        self._login(self.user_b)
        self.payer = self.user_b.partner_id

    def _as_visitor(self):
        self._visitor()
        self.payer = self.customer_b

    def _as_link_holder_of_b(self, days_ago=0):
        self._as_visitor()
        self._open_link(self._token(self.customer_b, days_ago=days_ago))

    # ------------------------------------------------------------------ the attacks
    def test_foreign_id(self):
        foreign_company = self.company_data_2["company"]

        def attack(route, method):
            if route == "/my/balance/access" and method == "POST":
                return self._request(route, method, query={"pid": self.customer.id})
            if not ROUTE_INPUTS[route]["ids"]:
                return self._request(route, method, query={"pid": self.customer.id})
            return self._request(route, method, invoices=self.inv_old, company=foreign_company)

        for caller in (self._as_b, self._as_link_holder_of_b):
            self.assertGreaterEqual(self._attack_each_route(attack, caller), len(ROUTE_INPUTS))

    def test_forged_token(self):
        token_a = self._token(self.customer)
        forged = "%s.%s" % (token_a.rsplit(".", 1)[0], "f" * 32)

        def attack(route, method):
            if route == "/my/balance/access" and method == "POST":
                return self.url_open(
                    route, data={"token": forged, "csrf_token": self._page_csrf()}, allow_redirects=False
                )
            return self._request(route, method, query={"token": forged, "pid": self.customer.id})

        for caller in (self._as_visitor, self._as_link_holder_of_b):
            self.assertGreaterEqual(self._attack_each_route(attack, caller), len(ROUTE_INPUTS))

    def test_expired_token(self):
        def holder_of_an_expired_link():
            self.env["ir.config_parameter"].set_param(LINK_DAYS, "90")
            self._as_link_holder_of_b(days_ago=60)
            self.env["ir.config_parameter"].set_param(LINK_DAYS, "30")

        def attack(route, method):
            if route == "/my/balance/access":
                expired = self._token(self.customer_b, days_ago=31)
                if method == "GET":
                    return self._request(route, method, query={"token": expired})
                return self.url_open(
                    route, data={"token": expired, "csrf_token": self._page_csrf()}, allow_redirects=False
                )
            return self._request(route, method)

        self.assertGreaterEqual(self._attack_each_route(attack, holder_of_an_expired_link), len(ROUTE_INPUTS))

    def test_non_finite_amount(self):
        def attack(route, method):
            if not ROUTE_INPUTS[route]["amount"] or method == "GET":
                return None
            response = None
            for amount in NON_FINITE:
                before = self._counts()
                response = self._request(route, method, amount=amount)
                self._assert_refused(response, "%s %s amount=%s" % (method, route, amount), before)
            if method == "JSON":
                for amount in (float("inf"), float("-inf"), float("nan")):
                    before = self._counts()
                    response = self._request(route, method, amount=amount)
                    self._assert_refused(response, "%s %s amount=%s" % (method, route, amount), before)
            return response

        applied = self._attack_each_route(attack, self._as_b)
        self.assertEqual(applied, len([route for route in ROUTE_INPUTS.values() if route["amount"]]))

    def test_missing_csrf(self):
        def attack(route, method):
            if method == "GET":
                method = "POST"  # a GET route posted to from another site
            return self._request(route, method, csrf=False)

        for caller in (self._as_b, self._as_link_holder_of_b):
            self.assertGreaterEqual(self._attack_each_route(attack, caller), len(ROUTE_INPUTS))

    def test_genuine_requests_go_through(self):
        """The control: B's own requests, with everything right, are answered 2xx/3xx and create."""
        self._as_b()
        for route, routing in sorted(self._routes().items()):
            for method in self._methods(routing):
                response = self._request(route, method)
                self.assertLess(response.status_code, 400, "%s %s: %s" % (method, route, response.text[:300]))
                if method == "JSON":
                    self.assertNotIn("error", response.json(), route)
        for model in (
            "payment.transaction",
            "credit.collection.dispute",
            "credit.collection.promise",
            "credit.collection.payment.plan",
        ):
            self.assertTrue(self.env[model].sudo().search([("partner_id", "child_of", self.customer_b.id)]), model)
