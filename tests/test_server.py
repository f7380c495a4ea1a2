"""The served product: login page, the printed login, the demo ledger seen over RPC."""

import re
from datetime import date

import requests


def test_login_page_and_printed_login_work(odoo_server):
    session = requests.Session()
    page = session.get(f"{odoo_server['url']}/web/login", timeout=30)
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{odoo_server['url']}/web/login",
        data={"login": "admin", "password": "admin", "csrf_token": csrf, "db": odoo_server["db"]},
        timeout=60,
    )
    assert answer.status_code == 200
    assert "/web/login" not in answer.url, "the printed login admin/admin was refused"
    info = session.post(f"{odoo_server['url']}/web/session/get_session_info", json={}, timeout=30).json()
    assert info["result"]["username"] == "admin"


def test_wrong_password_is_refused(odoo_server):
    session = requests.Session()
    page = session.get(f"{odoo_server['url']}/web/login", timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{odoo_server['url']}/web/login",
        data={"login": "admin", "password": "not-the-password", "csrf_token": csrf, "db": odoo_server["db"]},
        timeout=60,
    )
    assert "Wrong login/password" in answer.text


def test_demo_ledger_over_rpc(admin_rpc):
    company_id = admin_rpc.ref("credit_collection.demo_company_fr")
    company = admin_rpc("res.company", "read", [company_id], fields=["currency_id", "country_id", "chart_template"])[0]
    assert company["currency_id"][1] == "EUR"
    assert company["chart_template"] == "fr"
    today = date.today().isoformat()
    open_domain = [
        ("company_id", "=", company_id),
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", ["not_paid", "partial"]),
    ]
    overdue = admin_rpc(
        "account.move",
        "search_read",
        open_domain + [("invoice_date_due", "<", today)],
        fields=["amount_residual", "partner_id"],
    )
    assert len(overdue) > 30
    assert sum(move["amount_residual"] for move in overdue) > 10000
    receivership = admin_rpc.ref("credit_collection.demo_customer_43")
    assert receivership in {move["partner_id"][0] for move in overdue}
