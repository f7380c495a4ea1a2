"""The demo customer of the served product reads its portal in French, whatever its browser."""

import re

import requests


def _login(url, session, login, password):
    page = session.get(f"{url}/web/login", timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return session.post(f"{url}/web/login", data={"login": login, "password": password, "csrf_token": csrf}, timeout=60)


def test_site_is_french_by_default(admin_rpc):
    langs = admin_rpc("res.lang", "search_read", [("active", "=", True)], fields=["code"])
    assert "fr_FR" in {lang["code"] for lang in langs}
    default = admin_rpc(
        "ir.default",
        "search_read",
        [("field_id.model", "=", "res.partner"), ("field_id.name", "=", "lang"), ("company_id", "=", False)],
        fields=["json_value"],
    )
    assert [row["json_value"] for row in default] == ['"fr_FR"']


def test_demo_customer_portal_opens_in_french_from_an_english_browser(odoo_server):
    url = odoo_server["url"]
    session = requests.Session()
    session.headers["Accept-Language"] = "en-US,en;q=0.9"
    # A page seen before logging in (the link of a reminder, the home page) leaves English in a cookie.
    session.get(f"{url}/my/balance/access", timeout=30)
    assert session.cookies.get("frontend_lang") == "en_US"
    answer = _login(url, session, "customer", "customer")
    assert "/web/login" not in answer.url, "the demo portal login customer/customer was refused"
    assert "/en/" not in answer.url, answer.url
    page = session.get(f"{url}/my/balance", timeout=60)
    assert page.status_code == 200
    assert "/en/" not in page.url, page.url
    assert "Mon solde" in page.text and "Factures à payer" in page.text
    assert "My balance" not in page.text
