from datetime import timedelta

from odoo.tests import tagged

from .common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalCommon):
    """Customer B tries everything on customer A's records."""

    def setUp(self):
        super().setUp()
        self._login(self.user_b)

    def _counts(self):
        models = ["payment.transaction", "credit.collection.dispute", "credit.collection.promise",
                  "credit.collection.payment.plan", "credit.collection.case"]
        return {model: self.env[model].sudo().search_count([]) for model in models}

    def test_balance_shows_only_own_invoices(self):
        page = self.url_open("/my/balance")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.inv_b.name, page.text)
        for invoice in self.inv_old | self.inv_late | self.inv_next:
            self.assertNotIn(invoice.name, page.text)

    def test_foreign_or_forged_token(self):
        token_a = self.customer._collection_portal_token()
        token_b = self.customer_b._collection_portal_token()
        for query in (
            "pid=%s&token=%s" % (self.customer.id, "0" * 64),
            "pid=%s&token=%s" % (self.customer.id, token_b),
            "pid=%s&token=%s" % (self.customer_b.id, token_a),
            "pid=%s" % self.customer.id,
            "pid=abc&token=%s" % token_a,
            "pid=%s&token=%s" % (self.user_a.partner_id.id, token_a),  # a contact, not the commercial entity
        ):
            for path in ("/my/balance", "/my/balance/statement"):
                response = self.url_open("%s?%s" % (path, query))
                self.assertEqual(response.status_code, 404, "%s?%s" % (path, query))
                self.assertNotIn(self.inv_old.name, response.text)

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
        for ids in ([self.inv_old.id], [self.inv_b.id, self.inv_old.id], [999999999]):
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

    def test_transaction_route_tampering(self):
        before = self._counts()
        _page, form = self._pay_page(self.inv_b, amount="200")
        # a higher amount than the one signed
        result = self._transaction(form, amount=700.0)
        self.assertIn("error", result)
        # the signed token replayed on customer A's invoices
        result = self._transaction(dict(form, **{"transaction-route": "/my/balance/transaction/%s" % self.inv_old.id}))
        self.assertIn("error", result)
        result = self._transaction(dict(form, **{
            "transaction-route": "/my/balance/transaction/%s-%s" % (self.inv_b.id, self.inv_old.id)}))
        self.assertIn("error", result)
        self.assertEqual(self._counts(), before)
        # the genuine request goes through: the checks above were not failing for another reason
        result = self._transaction(form)
        self.assertNotIn("error", result, result)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", result["result"]["reference"])])
        self.assertEqual((tx.invoice_ids, tx.amount), (self.inv_b, 200.0))

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
        response = self._post("/my/balance/dispute/%s" % self.inv_old.id, {
            "reason": "price", "description": "Not ours"})
        self.assertEqual(response.status_code, 404)
        date = (self.today + timedelta(days=5)).isoformat()
        response = self._post("/my/balance/promise", [
            ("invoice_ids", str(self.inv_old.id)), ("amount", "10"), ("promise_date", date)])
        self.assertEqual(response.status_code, 404)
        response = self._post("/my/balance/plan", [
            ("invoice_ids", str(self.inv_b.id)), ("invoice_ids", str(self.inv_old.id)),
            ("instalment_count", "3"), ("first_date", date)])
        self.assertEqual(response.status_code, 404)
        # own invoice, bad values: refused with the form shown again
        for data in ([("invoice_ids", str(self.inv_b.id)), ("amount", "701"), ("promise_date", date)],
                     [("invoice_ids", str(self.inv_b.id)), ("amount", "10"), ("promise_date", "2000-01-01")]):
            response = self._post("/my/balance/promise", data)
            self.assertEqual(response.status_code, 400, data)
        response = self._post("/my/balance/dispute/%s" % self.inv_b.id, {"reason": "price"}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)
        # and customer A's collection records cannot be read through the token of B
        token_b = self.customer_b._collection_portal_token()
        response = self.url_open("/my/balance/dispute/%s?pid=%s&token=%s" % (
            self.inv_old.id, self.customer_b.id, token_b))
        self.assertEqual(response.status_code, 404)
