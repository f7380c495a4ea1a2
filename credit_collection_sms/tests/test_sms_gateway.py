import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


class GatewayHandler(BaseHTTPRequestHandler):
    """Speaks the generic gateway protocol; behaviour chosen by the server's ``mode``."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append((self.headers.get("Authorization"), body))
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "error":
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"maintenance")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"not json" if mode == "garbage" else json.dumps({"id": "msg-42"}).encode())

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestSmsGateway(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), GatewayHandler)
        cls.server.received, cls.server.mode = [], "ok"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        cls.gateway = cls.env["credit.collection.sms.gateway"].create(
            {
                "name": "Local gateway",
                "url": "http://127.0.0.1:%s/sms" % cls.server.server_port,
                "api_key": "secret-key",
                "sender": "DUPONT",
                "timeout": 1.0,
                "retries": 0,
            }
        )
        cls.company.collection_sms_gateway_id = cls.gateway

    def setUp(self):
        super().setUp()
        self.server.received.clear()
        self.server.mode = "ok"

    def _sms_action(self):
        self._invoice(900.0, self.today - timedelta(days=16))
        run = self._run_and_deliver(self.today)
        return run.action_ids.filtered(lambda a: a.channel == "sms")

    def test_sms_sent_through_http_gateway(self):
        action = self._sms_action()
        self.assertEqual(action.state, "sent")
        self.assertEqual(len(self.server.received), 1)
        authorization, body = self.server.received[0]
        self.assertEqual(authorization, "Bearer secret-key")
        self.assertEqual(body["to"], self.customer.phone)
        self.assertEqual(body["sender"], "DUPONT")
        self.assertIn("900", body["message"])

    def test_gateway_error_is_reported_and_email_still_goes(self):
        self.server.mode = "error"
        action = self._sms_action()
        self.assertEqual(action.state, "failed")
        self.assertIn("HTTP 503", action.error_message)
        email = action.run_id.action_ids.filtered(lambda a: a.channel == "email")
        self.assertEqual(email.state, "sent")
        action.action_retry()
        self.assertEqual(action.state, "queued")

    def test_gateway_timeout(self):
        self.server.mode = "slow"
        action = self._sms_action()
        self.assertEqual(action.state, "failed")
        self.assertIn("did not answer", action.error_message)

    def test_gateway_malformed_answer(self):
        self.server.mode = "garbage"
        with self.assertRaisesRegex(UserError, "not JSON"):
            self.gateway._send_sms("+33611223344", "test")

    def test_without_gateway_odoo_sms_service(self):
        """A company without gateway: the engine's own way, Odoo's SMS queue; nothing reaches the gateway."""
        self.company.collection_sms_gateway_id = False
        action = self._sms_action()
        self.assertEqual(action.state, "sending")
        self.assertTrue(action.sms_id)
        self.assertEqual(action.sms_id.number, self.customer.phone)
        self.assertFalse(action.delivery_reference)
        self.assertFalse(self.server.received)

    def test_gateway_removed_after_commit(self):
        """The reminder was committed for the gateway, then the company's gateway was removed: it fails with
        the reason instead of staying in the queue."""
        self._invoice(900.0, self.today - timedelta(days=16))
        run = self._run(self.today)
        action = run.action_ids.filtered(lambda a: a.channel == "sms")
        action._hand_over()
        self.assertTrue(action.delivery_reference)
        self.company.collection_sms_gateway_id = False
        self.env["credit.collection.action"]._post_pending_deliveries(only=action)
        self.assertEqual(action.state, "failed")
        self.assertIn("No SMS gateway", action.error_message)
        self.assertFalse(self.server.received)
