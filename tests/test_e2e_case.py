"""One customer on a live server, from the first reminder to litigation and the exported case file."""

import base64
import csv
import io
import time
import zipfile
from datetime import date, timedelta

import pytest
import requests
from conftest import run_background_jobs


def run_on(rpc, company_id, day):
    """A collection run at ``day``; the formal notices waiting for review are approved; every email goes out."""
    run_id = rpc("credit.collection.run", "create", {"company_id": company_id, "date": day.isoformat()})
    rpc("credit.collection.run", "action_run", [run_id])
    run_background_jobs(rpc, [run_id])
    to_review = rpc("credit.collection.action", "search", [("run_id", "=", run_id), ("state", "=", "to_review")])
    if to_review:
        rpc("credit.collection.action", "action_approve", to_review)
        run_background_jobs(rpc, [run_id])
    # The runs are dated in the past: what they sent is dated by them too, or the minimum days between
    # two levels (counted from the day a reminder was sent) would run from today.
    sent = rpc("credit.collection.action", "search", [("run_id", "=", run_id), ("state", "=", "sent")])
    if sent:
        rpc("credit.collection.action", "write", sent, {"sent_date": f"{day.isoformat()} 09:00:00"})
    return run_id


def test_customer_from_first_reminder_to_litigation_and_case_file(odoo_server, admin_rpc, smtp_inbox):
    rpc = admin_rpc
    company_id = rpc.ref("credit_collection.demo_company_fr")
    stamp = int(time.time())
    address = f"case-{stamp}@example.com"
    customer = rpc(
        "res.partner",
        "create",
        {
            "name": f"Client Contentieux {stamp}",
            "email": address,
            "lang": "fr_FR",
            "is_company": True,
            "street": "3 quai Saint-Vincent",
            "zip": "69001",
            "city": "Lyon",
        },
    )
    today = date.today()
    due = today - timedelta(days=41)
    invoice = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "company_id": company_id,
            "invoice_date": (due - timedelta(days=30)).isoformat(),
            "invoice_date_due": due.isoformat(),
            "invoice_line_ids": [
                (0, 0, {"name": "Maintenance", "quantity": 1, "price_unit": 2400.0, "tax_ids": [(5,)]})
            ],
        },
    )
    rpc("account.move", "action_post", [invoice])
    invoice_name = rpc("account.move", "read", [invoice], fields=["name"])[0]["name"]

    def case():
        rows = rpc(
            "credit.collection.case",
            "search_read",
            [("partner_id", "=", customer), ("company_id", "=", company_id), ("stage", "!=", "closed")],
            fields=["stage", "escalated", "amount_due", "name"],
        )
        assert len(rows) == 1, rows
        return rows[0]

    # Reminder 1, reminder 2, formal notice: the engine moves the case forward.
    for offset, stage in [(6, "reminder_1"), (16, "reminder_2"), (41, "formal_notice")]:
        run_on(rpc, company_id, due + timedelta(days=offset))
        assert case()["stage"] == stage, offset
    sent = rpc(
        "credit.collection.action",
        "search_read",
        [("partner_id", "=", customer), ("state", "=", "sent")],
        fields=["channel", "level_id", "date"],
    )
    assert {action["channel"] for action in sent} >= {"email", "letter"}, sent
    deadline = time.time() + 60
    while time.time() < deadline and len([m for rcpt, m in smtp_inbox.messages if address in rcpt]) < 3:
        time.sleep(0.5)
    assert len([m for rcpt, m in smtp_inbox.messages if address in rcpt]) >= 3, "three reminders by email"
    case_id = rpc("credit.collection.case", "search", [("partner_id", "=", customer), ("stage", "!=", "closed")])[0]

    # A dispute on the invoice, rejected.
    dispute = rpc(
        "credit.collection.dispute",
        "create",
        {
            "partner_id": customer,
            "company_id": company_id,
            "case_id": case_id,
            "move_ids": [(6, 0, [invoice])],
            "reason": "price",
            "description": "Le prix ne correspond pas au devis.",
        },
    )
    wizard = rpc(
        "credit.collection.dispute.resolve",
        "create",
        {"dispute_id": dispute, "resolution": "rejected", "note": "Prix conforme au devis signé."},
    )
    rpc("credit.collection.dispute.resolve", "action_confirm", [wizard])
    state = rpc("credit.collection.dispute", "read", [dispute], fields=["state", "resolution"])[0]
    assert (state["state"], state["resolution"]) == ("closed", "rejected")

    # A promise for yesterday, nothing paid: the daily follow-up finds it broken and escalates the case.
    promise = rpc(
        "credit.collection.promise",
        "create",
        {
            "partner_id": customer,
            "company_id": company_id,
            "case_id": case_id,
            "amount": 1000.0,
            "promise_date": (today - timedelta(days=1)).isoformat(),
        },
    )
    cron = rpc.ref("credit_collection.ir_cron_daily_follow_up")
    rpc("ir.cron", "method_direct_trigger", [cron])
    assert rpc("credit.collection.promise", "read", [promise], fields=["state"])[0]["state"] == "broken"
    assert case()["escalated"]

    # Litigation: order for payment, transfer to a bailiff, a judgment archived on the case.
    rpc("credit.collection.case", "write", [case_id], {"stage": "litigation", "procedure": "order_for_payment"})
    bailiff = rpc(
        "res.partner",
        "create",
        {"name": f"Maître Huissier {stamp}", "is_company": True, "collection_third_party_role": "bailiff"},
    )
    transfer = rpc(
        "credit.collection.case.transfer",
        "create",
        {"case_id": case_id, "third_party_id": bailiff, "fee_fixed": 150.0, "fee_percent": 8.0},
    )
    rpc("credit.collection.case.transfer", "action_send", [transfer])
    values = rpc("credit.collection.case.transfer", "read", [transfer], fields=["state", "role", "amount_transferred"])[
        0
    ]
    assert (values["state"], values["role"]) == ("sent", "bailiff")
    assert values["amount_transferred"] == pytest.approx(2400.0)
    blocked = rpc("res.partner", "read", [customer], fields=["collection_blocked", "collection_block_reason"])[0]
    assert blocked["collection_blocked"] and "Huissier" in blocked["collection_block_reason"]
    judgment = b"%PDF-1.4\n% ordonnance portant injonction de payer\n%%EOF\n"
    document = rpc(
        "credit.collection.case.document",
        "create",
        {
            "case_id": case_id,
            "name": "Ordonnance IP",
            "category": "judgment",
            "file": base64.b64encode(judgment).decode(),
            "file_name": "ordonnance.pdf",
        },
    )
    case_values = case()
    assert case_values["stage"] == "litigation"
    # Dated by the collector's day (Paris), which after 23:00 UTC is not the test machine's.
    document_date = rpc("credit.collection.case.document", "read", [document], fields=["date"])[0]["date"]

    # The case file, downloaded over HTTP as the collector's browser would.
    action = rpc("credit.collection.case.transfer", "action_export_case_file", [transfer])
    assert action["url"].startswith("/web/content/") and action["url"].endswith("download=true")
    session = requests.Session()
    login = session.post(
        f"{odoo_server['url']}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": odoo_server["db"], "login": "admin", "password": "admin"}},
        timeout=60,
    )
    assert login.json().get("result", {}).get("uid"), login.text[:500]
    response = session.get(odoo_server["url"] + action["url"], timeout=120)
    assert response.status_code == 200, response.text[:500]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    partner_name = f"Client Contentieux {stamp}"
    # "Statement - …" or "Relevé de compte - …": the report's name follows the user's language.
    statements = [name for name in names if name.startswith("1_statement/")]
    assert len(statements) == 1 and statements[0].endswith(f" - {partner_name}.pdf"), names
    assert f"2_invoices/{invoice_name.replace('/', '_')}.pdf" in names, names
    reminders = [name for name in names if name.startswith("3_reminders/")]
    emails = [a for a in sent if a["channel"] == "email"]
    letters = [a for a in sent if a["channel"] == "letter"]
    assert len(reminders) == len(emails) + len(letters), (reminders, sent)
    assert [name for name in names if name.startswith("4_documents/")] == [
        f"4_documents/{document_date} Ordonnance IP.pdf"
    ]
    assert archive.read(f"4_documents/{document_date} Ordonnance IP.pdf") == judgment
    for name in names:
        if name.endswith(".pdf"):
            assert archive.read(name).startswith(b"%PDF"), name
    index = archive.read("index.html").decode()
    for name in names:
        if not name.startswith("index."):
            assert name in index, name
    rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig")), delimiter=";"))
    assert not [row for row in rows if row[-1].startswith(("Error", "Erreur"))], rows
    on_transfer = rpc(
        "ir.attachment",
        "search_count",
        [("res_model", "=", "credit.collection.case.transfer"), ("res_id", "=", transfer)],
    )
    assert on_transfer == 1
