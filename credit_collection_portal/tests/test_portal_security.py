import json
import re
from datetime import timedelta

from odoo.tests import tagged

from .common import PortalCommon

NON_FINITE = ("inf", "-inf", "nan", "1e309", "-1e309", "Infinity", "NaN", "1e308")


class PortalAttackCommon(PortalCommon):
    def _counts(self):
        models = [
            "payment.transaction",
            "credit.collection.dispute",
            "credit.collection.promise",
            "credit.collection.payment.plan",
            "credit.collection.case",
        ]
        counts = {model: self.env[model].sudo().search_count([]) for model in models}
        counts["documents"] = (
            self.env["ir.attachment"]
            .sudo()
            .search_count([("res_model", "in", ("credit.collection.dispute", "credit.collection.case"))])
        )
        return counts


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalAttackCommon):
    """Customer B tries everything on customer A's records."""

    def setUp(self):
        super().setUp()
        self._login(self.user_b)

    def test_balance_shows_only_own_invoices(self):
        page = self.url_open("/my/balance")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.inv_b.name, page.text)
        for invoice in self.inv_old | self.inv_late | self.inv_next:
            self.assertNotIn(invoice.name, page.text)

    def test_foreign_or_forged_token(self):
        token_a = self._token(self.customer)
        token_b = self._token(self.customer_b)
        forged = [
            "%x.%s.%s" % (self.customer.id, token_a.split(".")[1], "0" * 32),
            "%x.%s" % (self.customer.id, token_b.split(".", 1)[1]),  # B's signature on A's id
            token_a.rsplit(".", 1)[0] + "." + token_b.rsplit(".", 1)[1],
            "%x.%s" % (self.user_a.partner_id.id, token_a.split(".", 1)[1]),  # a contact, not the customer
            "abc",
            "",
            "1.2.3.4",
        ]
        for token in forged:
            self._visitor()
            response = self._open_link(token)
            self.assertEqual(response.status_code, 404, token)
            self.assertNotIn(self.inv_old.name, response.text)
            self.assertIn("/web/login", self.url_open("/my/balance").url)
        # the genuine link opens A's balance: the refusals above were not for another reason
        self._visitor()
        self.assertIn(self.inv_old.name, self._open_link(token_a).text)

    def test_statement_of_another_company_or_customer(self):
        other_company = self.company_data_2["company"]
        response = self.url_open("/my/balance/statement?company_id=%s" % other_company.id)
        self.assertEqual(response.status_code, 404)
        self.authenticate(None, None)
        response = self.url_open("/my/balance/statement")
        self.assertIn("/web/login", response.url)
        self.assertNotIn(b"%PDF", response.content[:10])

    def test_odoo_invoice_page_of_another_customer(self):
        response = self.url_open("/my/invoices/%s" % self.inv_old.id, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn(self.inv_old.name, response.text)
        response = self.url_open("/my/invoices/%s?access_token=%s" % (self.inv_old.id, "x" * 36), allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))

    def test_pay_form_tampering(self):
        before = self._counts()
        # foreign invoice id, alone or next to one's own
        for ids in ([self.inv_old.id], [self.inv_b.id, self.inv_old.id], [999999999], [2**40]):
            response = self._post("/my/balance/pay", [("invoice_ids", str(i)) for i in ids])
            self.assertEqual(response.status_code, 404, ids)
        # amounts above the residual, zero, negative, not a number
        for amount in ("700.01", "5000", "0", "-10", "abc"):
            response = self._post("/my/balance/pay", [("invoice_ids", str(self.inv_b.id)), ("amount", amount)])
            self.assertEqual(response.status_code, 400, amount)
            self.assertIn("o_balance_error", response.text)
            self.assertNotIn("o_payment_form", response.text)
        # no CSRF token
        response = self._post("/my/balance/pay", [("invoice_ids", str(self.inv_b.id))], csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)

    def test_non_finite_amounts_are_refused(self):
        """Finding 9: 1e309, inf, nan as an amount answered HTTP 500."""
        before = self._counts()
        date = (self.today + timedelta(days=5)).isoformat()
        for amount in NON_FINITE:
            response = self._post("/my/balance/pay", [("invoice_ids", str(self.inv_b.id)), ("amount", amount)])
            self.assertEqual(response.status_code, 400, amount)
            self.assertIn("o_balance_error", response.text)
            response = self._post(
                "/my/balance/promise", [("invoice_ids", str(self.inv_b.id)), ("amount", amount), ("promise_date", date)]
            )
            self.assertEqual(response.status_code, 400, amount)
            self.assertIn("o_balance_error", response.text)
        _page, form = self._pay_page(self.inv_b, amount="200")
        for amount in (float("inf"), float("-inf"), float("nan"), "1e309", "nan"):
            result = self._transaction(form, amount=amount)
            self.assertIn("error", result, amount)
        self.assertEqual(self._counts(), before)

    def test_transaction_route_tampering(self):
        before = self._counts()
        _page, form = self._pay_page(self.inv_b, amount="200")
        # a higher amount than the one signed
        result = self._transaction(form, amount=700.0)
        self.assertIn("error", result)
        # the signed token replayed on customer A's invoices
        result = self._transaction(dict(form, **{"transaction-route": "/my/balance/transaction/%s" % self.inv_old.id}))
        self.assertIn("error", result)
        result = self._transaction(
            dict(form, **{"transaction-route": "/my/balance/transaction/%s-%s" % (self.inv_b.id, self.inv_old.id)})
        )
        self.assertIn("error", result)
        # without the page's CSRF token
        result = self._transaction(dict(form, csrf=None))
        self.assertIn("error", result)
        self.assertEqual(self._counts(), before)
        # the genuine request goes through: the checks above were not failing for another reason
        result = self._transaction(form)
        self.assertNotIn("error", result, result)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", result["result"]["reference"])])
        self.assertEqual((tx.invoice_ids, tx.amount), (self.inv_b, 200.0))

    def test_transaction_refuses_a_provider_of_another_company(self):
        """Finding 11: company A's provider was accepted for company B's invoice."""
        other_provider = self._demo_provider(self.company_data_2["company"])
        before = self._counts()
        _page, form = self._pay_page(self.inv_b, amount="200")
        response = self.url_open(
            form["transaction-route"],
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "provider_id": other_provider.id,
                        "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
                        "token_id": None,
                        "amount": 200.0,
                        "flow": "direct",
                        "tokenization_requested": False,
                        "landing_route": "/my/balance",
                        "is_validation": False,
                        "access_token": form["access-token"],
                        "csrf_token": form["csrf"],
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("error", response.json())
        self.assertEqual(self._counts(), before)
        # a disabled provider of the right company is refused too
        self.provider.state = "disabled"
        self.assertIn("error", self._transaction(form))
        self.provider.state = "test"
        self.assertEqual(self._counts(), before)
        result = self._transaction(form)
        self.assertNotIn("error", result, result)

    def test_transaction_refused_once_paid(self):
        _page, form = self._pay_page(self.inv_b)
        self._pay(self.inv_b)
        result = self._transaction(form)
        self.assertIn("error", result)
        self.assertFalse(self.env["payment.transaction"].sudo().search([("invoice_ids", "in", self.inv_b.ids)]))

    def test_requests_on_foreign_invoices(self):
        before = self._counts()
        response = self.url_open("/my/balance/dispute/%s" % self.inv_old.id)
        self.assertEqual(response.status_code, 404)
        response = self._post(
            "/my/balance/dispute/%s" % self.inv_old.id, {"reason": "price", "description": "Not ours"}
        )
        self.assertEqual(response.status_code, 404)
        date = (self.today + timedelta(days=5)).isoformat()
        response = self._post(
            "/my/balance/promise", [("invoice_ids", str(self.inv_old.id)), ("amount", "10"), ("promise_date", date)]
        )
        self.assertEqual(response.status_code, 404)
        response = self._post(
            "/my/balance/plan",
            [
                ("invoice_ids", str(self.inv_b.id)),
                ("invoice_ids", str(self.inv_old.id)),
                ("instalment_count", "3"),
                ("first_date", date),
            ],
        )
        self.assertEqual(response.status_code, 404)
        # own invoice, bad values: refused with the form shown again
        for data in (
            [("invoice_ids", str(self.inv_b.id)), ("amount", "701"), ("promise_date", date)],
            [("invoice_ids", str(self.inv_b.id)), ("amount", "10"), ("promise_date", "2000-01-01")],
        ):
            response = self._post("/my/balance/promise", data)
            self.assertEqual(response.status_code, 400, data)
        response = self._post("/my/balance/dispute/%s" % self.inv_b.id, {"reason": "price"}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)


@tagged("post_install", "-at_install")
class TestPortalRequestLimits(PortalAttackCommon):
    """Finding 10: one open dispute per invoice; promises and plan requests are limited."""

    def setUp(self):
        super().setUp()
        self._login(self.user_a)
        self.date = (self.today + timedelta(days=10)).isoformat()

    def _dispute(self, invoice):
        return self._post("/my/balance/dispute/%s" % invoice.id, {"reason": "price", "description": "Too high"})

    def _promise(self, invoices, amount="10"):
        return self._post(
            "/my/balance/promise",
            [("invoice_ids", str(invoice.id)) for invoice in invoices]
            + [("amount", amount), ("promise_date", self.date)],
        )

    def _plan(self, invoices):
        return self._post(
            "/my/balance/plan",
            [("invoice_ids", str(invoice.id)) for invoice in invoices]
            + [("instalment_count", "3"), ("first_date", self.date)],
        )

    def test_one_open_dispute_per_invoice(self):
        self.assertEqual(self._dispute(self.inv_late).status_code, 303)
        before = self._counts()
        for response in (self._dispute(self.inv_late), self.url_open("/my/balance/dispute/%s" % self.inv_late.id)):
            self.assertEqual(response.status_code, 400)
            self.assertIn("o_balance_error", response.text)
            self.assertIn("already disputed", response.text)
        self.assertEqual(self._counts(), before)
        # another invoice can be disputed; once the dispute is closed, the invoice can be again
        self.assertEqual(self._dispute(self.inv_old).status_code, 303)
        dispute = self.env["credit.collection.dispute"].search([("move_ids", "in", self.inv_late.ids)])
        dispute._close("rejected", "Price as agreed")
        self.assertEqual(self._dispute(self.inv_late).status_code, 303)

    def test_one_promise_per_invoice_and_a_few_per_customer(self):
        self.assertEqual(self._promise(self.inv_old).status_code, 303)
        # the form no longer ticks the invoice already promised, and says it is
        form = self.url_open("/my/balance/promise").text
        ticked = set(re.findall(r'name="invoice_ids" value="(\d+)" checked', form))
        self.assertEqual(ticked, {str(self.inv_late.id), str(self.inv_next.id)})
        self.assertIn("o_balance_promised", form)
        before = self._counts()
        response = self._promise(self.inv_old | self.inv_late)
        self.assertEqual(response.status_code, 400)
        self.assertIn(self.inv_old.name, response.text)
        self.assertEqual(self._counts(), before)
        self.assertEqual(self._promise(self.inv_late).status_code, 303)
        self.assertEqual(self._promise(self.inv_next).status_code, 303)
        extra = self._ref_invoice("CCP-EXTRA", 200.0, self.today - timedelta(days=3))
        before = self._counts()
        response = self._promise(extra)
        self.assertEqual(response.status_code, 400)
        self.assertIn("You already have 3 payment promises pending", response.text)
        self.assertEqual(self._counts(), before)

    def test_one_plan_request_at_a_time(self):
        self.assertEqual(self._plan(self.inv_old).status_code, 303)
        before = self._counts()
        for invoices in (self.inv_late, self.inv_old):
            response = self._plan(invoices)
            self.assertEqual(response.status_code, 400, invoices.name)
            self.assertIn("o_balance_error", response.text)
        self.assertEqual(self._counts(), before)
        # once the collector has answered (here: started the plan), the other invoices can be asked for
        plan = self.env["credit.collection.payment.plan"].search([("partner_id", "=", self.customer.id)])
        plan.action_compute()
        plan.action_confirm()
        self.assertEqual(self._plan(self.inv_old).status_code, 400)
        self.assertEqual(self._plan(self.inv_late).status_code, 303)
