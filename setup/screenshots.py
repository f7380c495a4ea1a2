"""Takes the README's screenshots of a running product (setup/run) with headless Chromium.

    $VENV/bin/python setup/screenshots.py [http://localhost:8069]            # the backend, as admin
    $VENV/bin/python setup/screenshots.py [http://localhost:8069] --portal   # the customer portal
    $VENV/bin/python setup/screenshots.py [URL] --user=claire --out=/tmp/shots  # as another user (password = login)
    $VENV/bin/python setup/screenshots.py [http://localhost:8069] --collector  # the collector's pages, as claire

The portal pages are taken as the demo portal user (customer / customer, added by the
credit_collection_portal demo data) at desktop (1366 px) and phone (390 px) widths.
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from odoo_rpc import OdooRPC  # noqa: E402

ARGS = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
OPTIONS = dict(arg[2:].split("=", 1) for arg in sys.argv[1:] if arg.startswith("--") and "=" in arg)
URL = ARGS[0] if ARGS else "http://localhost:8069"
PORTAL = "--portal" in sys.argv
COLLECTOR = "--collector" in sys.argv
USER = OPTIONS.get("user", "claire" if COLLECTOR else "admin")
CDP_PORT = os.environ.get("CC_CDP_PORT", "9333")
OUT = Path(OPTIONS.get("out") or Path(__file__).resolve().parent.parent / "docs" / "screenshots")
PAGES = {
    "collection-actions.png": "/odoo/action-credit_collection.action_collection_overview",
    "collection-policy.png": "/odoo/action-credit_collection.action_collection_policies",
    "collection-runs.png": "/odoo/action-credit_collection.action_collection_runs",
    "collection-review.png": "/odoo/action-credit_collection.action_collection_review",
    "collection-customers.png": "/odoo/action-credit_collection.action_collection_customers",
    "collection-cases.png": "/odoo/action-credit_collection.action_collection_cases",
    "collection-disputes.png": "/odoo/action-credit_collection.action_collection_disputes",
    "collection-plans.png": "/odoo/action-credit_collection.action_collection_payment_plans",
    "collection-dashboard.png": "/odoo/action-credit_collection_kpi.action_collection_dashboard",
    "collection-aged-balance.png": "/odoo/action-credit_collection_kpi.action_collection_aged_balance?view_type=pivot",
    "collection-kpi-history.png": "/odoo/action-credit_collection_kpi.action_collection_kpi_snapshots",
    "collection-risk-customers.png": "/odoo/action-credit_collection.action_collection_risk_customers",
    "collection-payer-profiles.png": "/odoo/action-credit_collection_scoring.action_collection_payer_profiles",
    "insurance-coverage.png": "/odoo/action-credit_collection_insurance.action_insurance_coverage_report",
    "insurance-declarations.png": "/odoo/action-credit_collection_insurance.action_insurance_declarations",
    "litigation-transfers.png": "/odoo/action-credit_collection_litigation.action_collection_case_transfers",
    "accounting-outcomes.png": "/odoo/action-credit_collection_accounting.action_collection_outcomes",
    "solvency-reports.png": "/odoo/action-credit_collection_solvency.action_collection_solvency_reports",
    "credit-groups.png": "/odoo/action-credit_collection_credit_limit.action_collection_credit_groups",
    "credit-overrides.png": "/odoo/action-credit_collection_credit_limit.action_collection_credit_overrides",
    "segment-rules.png": "/odoo/action-credit_collection_segmentation.action_collection_segment_rules",
    "sms-gateways.png": "/odoo/action-credit_collection_sms.action_collection_sms_gateways",
}
# The collector's pages, as the demo collector claire (French).
COLLECTOR_PAGES = {
    "collection-worklist.png": "/odoo/action-credit_collection_worklist.action_collection_worklist",
}
# name: (path, script run once the page is loaded: it may submit a form to reach the page to take)
PORTAL_PAGES = {
    "portal-balance": ("/my/balance", None),
    "portal-pay": (
        "/my/balance",
        """
        const boxes = document.querySelectorAll(".o_balance_overdue input[name=invoice_ids]");
        boxes.forEach((box, index) => { box.checked = index < 2; });
        document.querySelector(".o_balance_pay_form").submit();""",
    ),
    "portal-dispute": ("/my/balance", "document.querySelector('.o_balance_dispute_link').click();"),
    "portal-promise": ("/my/balance/promise", None),
    "portal-plan": ("/my/balance/plan", None),
}
WIDTHS = {"desktop": (1366, 900, False), "phone": (390, 844, True)}


def session_id(login="admin", password="admin"):
    session = requests.Session()
    page = session.get(f"{URL}/web/login", timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    session.post(f"{URL}/web/login", data={"login": login, "password": password, "csrf_token": csrf}, timeout=60)
    return session.cookies["session_id"]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp()
    browser = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={CDP_PORT}",
            "--window-size=1440,900",
            "about:blank",
        ],
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                target = requests.get(f"http://127.0.0.1:{CDP_PORT}/json", timeout=2).json()[0]
                break
            except (requests.ConnectionError, IndexError):
                time.sleep(0.2)
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10**6))

        def call(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                answer = json.loads(ws.recv())
                if answer.get("id") == message_id:
                    return answer.get("result", {})

        call("Network.enable")
        host = URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        if PORTAL:
            call(
                "Network.setCookie", name="session_id", value=session_id("customer", "customer"), domain=host, path="/"
            )
            portal_shots(call)
            return
        sid = session_id(USER, USER)
        call("Network.setCookie", name="session_id", value=sid, domain=host, path="/")
        # The aged balance page lists the rows the user asked for: ask for today's first.
        requests.post(
            f"{URL}/web/dataset/call_kw",
            cookies={"session_id": sid},
            timeout=120,
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "credit.collection.aged.balance",
                    "method": "action_open",
                    "args": [],
                    "kwargs": {},
                },
            },
        )
        call("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        for name, path in (collector_pages() if COLLECTOR else PAGES).items():
            call("Page.navigate", url=URL + path)
            wait_for(
                call, "document.querySelector('.o_action_manager .o_view_controller, .o_action_manager .o_action')"
            )
            shot = call("Page.captureScreenshot", format="png")
            (OUT / name).write_bytes(base64.b64decode(shot["data"]))
            print("wrote", OUT / name)
    finally:
        browser.terminate()


def collector_pages():
    """The collector's pages, with the case of Claire's customer who answered its reminder
    (credit_collection_reply's demo): the reply on the chatter, the pause, the proposed promise."""
    pages = dict(COLLECTOR_PAGES)
    rpc = OdooRPC(URL, os.environ.get("CC_DB", "credit_collection"), USER, USER)
    replies = rpc(
        "credit.collection.reply", "search_read", [("proposal_state", "=", "pending")], fields=["case_id"], limit=1
    )
    if replies:
        pages["collection-reply-case.png"] = (
            "/odoo/action-credit_collection.action_collection_cases/%d" % replies[0]["case_id"][0]
        )
    pages["collection-replies.png"] = "/odoo/action-credit_collection_reply.action_collection_replies"
    return pages


def wait_for(call, expression, timeout=60):
    """Until the page shows what the expression looks for (a busy machine takes its time), then a moment
    for the rest of the page to settle."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(1)
        found = call("Runtime.evaluate", expression="!!(%s)" % expression, returnByValue=True)
        if found.get("result", {}).get("value"):
            break
    time.sleep(3)


def portal_shots(call):
    """Each portal page at each width, the whole page long."""
    for width_name, (width, height, mobile) in WIDTHS.items():
        for name, (path, script) in PORTAL_PAGES.items():
            call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)
            call("Page.navigate", url=URL + path)
            time.sleep(4)
            if script:
                call("Runtime.evaluate", expression=script)
                time.sleep(5)
            full = call(
                "Runtime.evaluate",
                expression="(document.getElementById('wrapwrap') || document.documentElement).scrollHeight",
                returnByValue=True,
            )
            page_height = min(int(full.get("result", {}).get("value") or height), 4000)
            call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=max(height, page_height),
                deviceScaleFactor=1,
                mobile=mobile,
            )
            time.sleep(1)
            shot = call("Page.captureScreenshot", format="png")
            target = OUT / ("%s-%s.png" % (name, width_name))
            target.write_bytes(base64.b64decode(shot["data"]))
            print("wrote", target)


if __name__ == "__main__":
    main()
