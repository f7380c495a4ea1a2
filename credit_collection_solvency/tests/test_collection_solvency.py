import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon
from odoo.addons.credit_collection_solvency.models.credit_collection_solvency_provider import partner_identifiers

VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"
VALID_VAT = "FR44732829320"


class SolvencyHandler(BaseHTTPRequestHandler):
    """Speaks the generic solvency protocol: GET /v1/companies/<kind>/<number> with a bearer key.

    The server's ``answers`` maps a number to what to do: a dict (sent as JSON), ``"slow"``,
    ``"garbage"``, ``"unavailable_once"`` (503 then the server's ``report``) or an HTTP status code.
    """

    def do_GET(self):
        server = self.server
        server.requests.append((self.path, self.headers.get("Authorization")))
        parts = self.path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["v1", "companies"] or parts[2] not in ("siren", "siret", "vat"):
            return self._send(400, b"bad path")
        if self.headers.get("Authorization") != "Bearer test-key":
            return self._send(401, b"unauthorized")
        answer = server.answers.get(parts[3], 404)
        if answer == "slow":
            time.sleep(1.5)
            answer = server.report
        if answer == "unavailable_once":
            if parts[3] not in server.failed_once:
                server.failed_once.add(parts[3])
                return self._send(503, b"maintenance")
            answer = server.report
        if answer == "garbage":
            return self._send(200, b"<html>oops</html>")
        if isinstance(answer, int):
            return self._send(answer, b"{}")
        return self._send(200, json.dumps(answer).encode())

    def _send(self, status, body):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestIdentifiers(CollectionCommon):
    def _partner(self, **values):
        return self.env["res.partner"].create(dict({"name": "Identifiants SA", "is_company": True}, **values))

    def test_valid_identifiers(self):
        self.assertEqual(partner_identifiers(self._partner(company_registry="732 829 320")), {"siren": VALID_SIREN})
        found = partner_identifiers(self._partner(company_registry="732 829 320 00074", vat=VALID_VAT))
        self.assertEqual(found, {"siret": VALID_SIRET, "siren": VALID_SIREN, "vat": VALID_VAT})

    def test_invalid_identifiers(self):
        with self.assertRaisesRegex(UserError, "SIREN 732829321 is not valid"):
            partner_identifiers(self._partner(company_registry="732829321"))
        with self.assertRaisesRegex(UserError, "SIRET 73282932000075 is not valid"):
            partner_identifiers(self._partner(company_registry="73282932000075"))
        with self.assertRaisesRegex(UserError, "SIREN 12345"):
            partner_identifiers(self._partner(company_registry="12345"))
        partner = self._partner()
        # Odoo's own VAT check may refuse the number on write: bypass it to test ours.
        self.env.cr.execute("UPDATE res_partner SET vat = 'FR45732829320' WHERE id = %s", [partner.id])
        partner.invalidate_recordset(["vat"])
        with self.assertRaisesRegex(UserError, "VAT number FR45732829320 is not valid"):
            partner_identifiers(partner)

    def test_foreign_registry_is_not_read_as_siren(self):
        partner = self._partner(company_registry="HRB 12345", country_id=self.env.ref("base.de").id)
        self.assertEqual(partner_identifiers(partner), {})


@tagged("post_install", "-at_install")
class TestSolvencyProvider(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), SolvencyHandler)
        cls.server.requests, cls.server.failed_once = [], set()
        cls.server.report = {"rating": 72, "recommended_limit": 15000.0, "status": "active", "reference": "R-1"}
        cls.server.answers = {}
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        cls.provider = cls.env["credit.collection.solvency.provider"].create(
            {
                "name": "Local provider",
                "base_url": "http://127.0.0.1:%s/" % cls.server.server_port,
                "api_key": "test-key",
                "timeout": 0.5,
                "retries": 1,
            }
        )
        cls.company.collection_solvency_provider_id = cls.provider
        cls.company.account_use_credit_limit = True
        cls.customer.write({"company_registry": VALID_SIREN, "credit_limit": 10000.0})

    def setUp(self):
        super().setUp()
        self.server.requests.clear()
        self.server.failed_once.clear()
        self.server.answers = {VALID_SIREN: dict(self.server.report)}

    def _lookup(self):
        return self.provider._lookup(self.customer)

    def test_report_stored_with_its_date(self):
        report = self._lookup()
        self.assertEqual(self.server.requests, [("/v1/companies/siren/%s" % VALID_SIREN, "Bearer test-key")])
        self.assertEqual((report.state, report.rating, report.status, report.reference), ("ok", 72, "active", "R-1"))
        self.assertAlmostEqual(report.recommended_limit, 15000.0)
        self.assertEqual(report.rating_date, self.today)
        customer = self.customer.with_company(self.company)
        self.assertEqual((customer.collection_solvency_rating, customer.collection_solvency_status), (72, "active"))

    def test_siret_is_preferred(self):
        self.customer.company_registry = VALID_SIRET
        self.server.answers = {VALID_SIRET: dict(self.server.report, rating=40)}
        self.assertEqual(self._lookup().rating, 40)
        self.assertEqual(self.server.requests[0][0], "/v1/companies/siret/%s" % VALID_SIRET)

    def test_invalid_identifier_makes_no_call(self):
        self.customer.company_registry = "732829321"
        with self.assertRaisesRegex(UserError, "not valid"):
            self._lookup()
        self.assertEqual(self.server.requests, [])

    def test_timeout(self):
        self.server.answers = {VALID_SIREN: "slow"}
        report = self._lookup()
        self.assertEqual(report.state, "error")
        self.assertIn("did not answer within 0.5 s", report.error_message)
        self.assertFalse(self.customer.with_company(self.company).collection_solvency_rating)

    def test_malformed_answers(self):
        self.server.answers = {VALID_SIREN: "garbage"}
        self.assertIn("not JSON", self._lookup().error_message)
        self.server.answers = {VALID_SIREN: {"rating": 50, "status": "active"}}
        self.assertIn("lacks recommended_limit", self._lookup().error_message)
        self.server.answers = {VALID_SIREN: dict(self.server.report, rating="high")}
        self.assertIn("must be numbers", self._lookup().error_message)
        self.server.answers = {VALID_SIREN: dict(self.server.report, status="bankrupt")}
        self.assertIn("unknown status", self._lookup().error_message)
        self.server.answers = {VALID_SIREN: dict(self.server.report, rating_date="20/11/2026")}
        self.assertIn("is not a date", self._lookup().error_message)
        self.server.answers = {VALID_SIREN: [1, 2]}
        self.assertIn("not an object", self._lookup().error_message)
        reports = self.env["credit.collection.solvency.report"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(set(reports.mapped("state")), {"error"})

    def test_http_errors(self):
        self.server.answers = {}
        self.assertIn("does not know SIREN", self._lookup().error_message)
        self.provider.api_key = "wrong"
        self.assertIn("refused the API key (HTTP 401)", self._lookup().error_message)

    def test_unavailable_once_is_retried(self):
        self.server.answers = {VALID_SIREN: "unavailable_once"}
        report = self._lookup()
        self.assertEqual(report.state, "ok")
        self.assertEqual(len(self.server.requests), 2)

    def test_unreachable(self):
        self.provider.base_url = "http://127.0.0.1:9"  # discard port: nothing listens
        report = self._lookup()
        self.assertEqual(report.state, "error")
        self.assertIn("unreachable", report.error_message)

    def test_monitoring_alerts_on_change_and_proposes_a_limit(self):
        self.company.partner_id.lang = "en_US"  # the scheduled monitoring writes in the company's language
        customer = self.customer.with_company(self.company)
        customer.collection_solvency_monitored = True
        broken = self.env["res.partner"].create(
            {"name": "Sans Numéro SA", "is_company": True, "company_registry": "732829321"}
        )
        broken.with_company(self.company).collection_solvency_monitored = True
        Activity = self.env["mail.activity"]
        before = Activity.search_count([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)])
        self.env["credit.collection.solvency.provider"]._cron_monitor()
        # First report: no previous one, no alert; the limit differs: proposed.
        self.assertEqual(
            Activity.search_count([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]), before
        )
        self.assertAlmostEqual(customer.collection_proposed_limit, 15000.0)
        # The invalid identifier of the other monitored customer is said on it, the batch went on.
        self.assertTrue(broken.message_ids.filtered(lambda message: "not valid" in (message.body or "")))
        # Unchanged answer: no alert.
        self.env["credit.collection.solvency.provider"]._cron_monitor()
        self.assertEqual(
            Activity.search_count([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]), before
        )
        # The rating falls and the status changes: one alert with both values.
        self.server.answers = {
            VALID_SIREN: dict(self.server.report, rating=31, status="watch", recommended_limit=4000.0)
        }
        self.env["credit.collection.solvency.provider"]._cron_monitor()
        alerts = Activity.search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id), ("summary", "like", "Solvency changed")]
        )
        self.assertEqual(len(alerts), 1)
        self.assertEqual(
            Activity.search_count([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]), before + 1
        )
        self.assertIn("Rating 72 -&gt; 31", alerts.note)
        self.assertIn("Active -&gt; Under watch", alerts.note)
        last = self.env["credit.collection.solvency.report"].search([("partner_id", "=", customer.id)], limit=1)
        self.assertTrue(last.changed)
        self.assertEqual(len(customer.collection_solvency_report_ids), 3)
        # The manager accepts the proposed limit.
        self.assertAlmostEqual(customer.collection_proposed_limit, 4000.0)
        customer.action_collection_accept_proposed_limit()
        self.assertAlmostEqual(customer.credit_limit, 4000.0)
        self.assertFalse(customer.collection_proposed_limit)
