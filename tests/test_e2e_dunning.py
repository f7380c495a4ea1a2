"""A live server runs the dunning policy on the demo ledger; a real SMTP server receives the reminders."""

import time
from datetime import date, timedelta

from conftest import run_background_jobs


def test_daily_run_on_demo_ledger_sends_reminders_by_smtp(admin_rpc, smtp_inbox):
    company_id = admin_rpc.ref("credit_collection.demo_company_fr")
    # On the fresh test database the run covers the whole demo ledger; a customer of our own makes
    # the test meaningful when it is run again on the same database.
    stamp = int(time.time())
    customer = admin_rpc(
        "res.partner",
        "create",
        {"name": f"Client E2E {stamp}", "email": f"e2e-{stamp}@example.com", "lang": "fr_FR", "is_company": True},
    )
    overdue = (date.today() - timedelta(days=10)).isoformat()
    invoice = admin_rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "company_id": company_id,
            "invoice_date": (date.today() - timedelta(days=40)).isoformat(),
            "invoice_date_due": overdue,
            "invoice_line_ids": [
                (0, 0, {"name": "Maintenance", "quantity": 1, "price_unit": 1234.0, "tax_ids": [(5,)]})
            ],
        },
    )
    admin_rpc("account.move", "action_post", [invoice])
    run_id = admin_rpc("credit.collection.run", "create", {"company_id": company_id, "date": date.today().isoformat()})
    admin_rpc("credit.collection.run", "action_run", [run_id])
    run_background_jobs(admin_rpc, [run_id])
    actions = admin_rpc(
        "credit.collection.action",
        "search_read",
        [("run_id", "=", run_id)],
        fields=["partner_id", "channel", "state", "level_id", "mail_id", "error_message", "tone"],
    )
    assert actions, "the demo ledger has overdue items: the run must plan reminders"
    emails = [a for a in actions if a["channel"] == "email" and a["state"] == "sent"]
    assert emails, actions
    assert customer in {a["partner_id"][0] for a in emails}
    assert not [a for a in actions if a["state"] == "failed" and a["channel"] != "sms"], [
        a["error_message"] for a in actions
    ]
    assert {a["state"] for a in actions if a["channel"] != "sms"} <= {"sent", "to_review", "cancelled"}

    partners = {
        p["id"]: p
        for p in admin_rpc(
            "res.partner", "read", list({a["partner_id"][0] for a in emails}), fields=["email", "lang", "name"]
        )
    }
    customer_addresses = {p["email"] for p in partners.values()}

    def to_customers():
        # Collectors also get Odoo's assignment notices for their call tasks: not reminders.
        return [(rcpt, msg) for rcpt, msg in smtp_inbox.messages if set(rcpt) & customer_addresses]

    deadline = time.time() + 60
    while len(to_customers()) < len(emails) and time.time() < deadline:
        time.sleep(0.5)
    assert len(to_customers()) == len(emails)
    received = {}
    for recipients, message in to_customers():
        assert len(recipients) == 1
        received[recipients[0]] = message
    for action in emails:
        partner = partners[action["partner_id"][0]]
        message = received[partner["email"]]
        subject = message["subject"]
        assert "Ateliers Dupont SAS" in subject
        if partner["lang"] == "fr_FR":
            assert any(word in subject for word in ("Relance", "relance", "Mise en demeure")), subject
        else:
            assert "eminder" in subject or "Formal notice" in subject, subject
        # An email carries the amounts and the balance link; the formal notice attaches its letter.
        pdfs = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert len(pdfs) == (1 if action["tone"] == "formal" else 0), [p.get_filename() for p in pdfs]
        for pdf in pdfs:
            assert pdf.get_content().startswith(b"%PDF"), pdf.get_filename()
        assert "/my/balance" in message.get_body(("html",)).get_content()

    # Run again the same day: nothing new is planned, nothing is sent twice.
    again = admin_rpc("credit.collection.run", "create", {"company_id": company_id, "date": date.today().isoformat()})
    admin_rpc("credit.collection.run", "action_run", [again])
    run_background_jobs(admin_rpc, [again])
    assert admin_rpc("credit.collection.action", "search_count", [("run_id", "=", again)]) == 0
    assert (
        admin_rpc("mail.mail", "search_count", [("model", "=", "credit.collection.action"), ("state", "=", "outgoing")])
        == 0
    )
    assert len(to_customers()) == len(emails)
