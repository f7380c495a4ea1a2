import json

import xlrd

from odoo.tests import HttpCase, tagged

from odoo.addons.credit_collection.tests.common import VIEW_OPENED


@tagged("post_install", "-at_install")
class TestCoverageButtons(HttpCase):
    """The list header buttons of the coverage report, called like the web client calls them."""

    def setUp(self):
        super().setUp()
        # The company the admin works in (with demo data: the demo company, not the main one).
        self.company = self.env.ref("base.user_admin").company_id

    def _call_button(self, method, args):
        response = self.url_open(
            "/web/dataset/call_button",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": "credit.insurance.coverage.report",
                        "method": method,
                        "args": args,
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        payload = response.json()
        self.assertNotIn("error", payload, payload.get("error"))
        return payload["result"]

    def test_match_now_and_export(self):
        company = self.company
        insurer = self.env["res.partner"].create({"name": "Insurer UI", "is_company": True})
        customer = self.env["res.partner"].create({"name": "Client UI", "is_company": True})
        policy = self.env["credit.insurance.policy"].create(
            {"company_id": company.id, "insurer_id": insurer.id, "number": "UI-1"}
        )
        self.env["credit.insurance.decision"].create(
            {"policy_id": policy.id, "partner_id": customer.id, "state": "granted", "amount": 1000.0}
        )
        self.authenticate("admin", "admin")
        action = self._call_button("action_refresh", [[]])
        self.assertEqual(action["res_model"], "credit.insurance.coverage.report")
        line = self.env["credit.insurance.coverage.report"].search([("partner_id", "=", customer.id)])
        self.assertAlmostEqual(line.coverage_limit, 1000.0)
        action = self._call_button("action_export_xlsx", [line.ids])
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        sheet = xlrd.open_workbook(file_contents=response.content).sheet_by_index(0)
        self.assertEqual(sheet.nrows, 3)  # header, the customer, totals
        self.assertEqual(sheet.cell_value(1, 0), "Client UI")

    def test_screens_open_in_the_browser(self):
        """The insurance screens load in the web client without a JavaScript error."""
        customer = self.env["res.partner"].create({"name": "Client Écran", "is_company": True})
        insurer = self.env["res.partner"].create({"name": "Insurer Screen", "is_company": True})
        policy = self.env["credit.insurance.policy"].create(
            {"company_id": self.company.id, "insurer_id": insurer.id, "number": "SCREEN-1"}
        )
        self.env["credit.insurance.decision"].create(
            {"policy_id": policy.id, "partner_id": customer.id, "state": "granted", "amount": 1000.0}
        )
        self.env["credit.insurance.coverage.report"]._refresh(self.company)
        for url in (
            "/odoo/action-credit_collection_insurance.action_insurance_coverage_report?view_type=pivot",
            "/odoo/action-credit_collection_insurance.action_insurance_coverage_report?view_type=graph",
            "/odoo/action-credit_collection_insurance.action_insurance_declarations",
            "/odoo/action-credit_collection_insurance.action_insurance_import",
            "/odoo/credit.insurance.policy/%s" % policy.id,
            "/odoo/res.partner/%s" % customer.id,
        ):
            self.browser_js(url, VIEW_OPENED, login="admin", timeout=60)
