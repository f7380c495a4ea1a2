"""Customers answer their reminders by email: the replies reach Odoo as odoo-mailgate delivers them (the
raw email to ``mail.thread.message_process`` over XML-RPC) on a live server; they land on the case, pause
dunning, propose a promise or a dispute that the collector accepts with its own rights."""

import time
import xmlrpc.client
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import pytest
from conftest import run_background_jobs
from odoo_rpc import OdooRPC, RpcError


def mailgate(server, rpc, raw):
    """What odoo-mailgate does with an email the mail server hands it."""
    models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)
    return models.execute_kw(
        server["db"], rpc.uid, rpc.password, "mail.thread", "message_process", [False, xmlrpc.client.Binary(raw)], {}
    )


def email(sender, to, subject, text, in_reply_to=None, headers=None, attachment=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-Id"] = make_msgid(domain="client.example")
    message["Date"] = format_datetime(datetime.now(UTC))
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if attachment:
        message.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return message.as_bytes()


def minimal_pdf(text):
    """A one-page PDF saying ``text``: the remittance advice a customer attaches."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return b"".join(
        [
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ",
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj ",
            b"4 0 obj<</Length " + str(len(content)).encode() + b">>stream\n" + content + b"\nendstream endobj\n",
            b"trailer<</Root 1 0 R>>\n%%EOF\n",
        ]
    )


@pytest.fixture()
def ledger(admin_rpc):
    """Three customers of the demo company, each with an invoice 12 days late, Claire their collector."""
    rpc = admin_rpc
    company_id = rpc.ref("credit_collection.demo_company_fr")
    claire = rpc.ref("credit_collection.demo_user_claire")
    stamp = int(time.time() * 1000) % 10**9
    due = date.today() - timedelta(days=12)
    customers = {}
    for key, lang in (("fr", "fr_FR"), ("en", "en_US"), ("auto", "fr_FR")):
        address = f"reply-{key}-{stamp}@client.example"
        partner = rpc(
            "res.partner",
            "create",
            {"name": f"Client réponse {key} {stamp}", "email": address, "lang": lang, "is_company": True},
        )
        rpc(
            "res.partner",
            "write",
            [partner],
            {"collection_user_id": claire},
            context={"allowed_company_ids": [company_id]},
        )
        invoice = rpc(
            "account.move",
            "create",
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "company_id": company_id,
                "invoice_date": (due - timedelta(days=30)).isoformat(),
                "invoice_date_due": due.isoformat(),
                "invoice_line_ids": [
                    (0, 0, {"name": "Maintenance", "quantity": 1, "price_unit": 1250.0, "tax_ids": [(5,)]})
                ],
            },
        )
        rpc("account.move", "action_post", [invoice])
        customers[key] = {"id": partner, "email": address, "invoice": invoice}
    return {"company": company_id, "claire": claire, "customers": customers, "stamp": stamp}


def run_today(rpc, company_id, partners):
    run_id = rpc("credit.collection.run", "create", {"company_id": company_id, "date": date.today().isoformat()})
    rpc("credit.collection.run", "action_run", [run_id])
    run_background_jobs(rpc, [run_id])
    to_review = rpc(
        "credit.collection.action",
        "search",
        [("run_id", "=", run_id), ("state", "=", "to_review"), ("partner_id", "in", partners)],
    )
    if to_review:
        rpc("credit.collection.action", "action_approve", to_review)
        run_background_jobs(rpc, [run_id])
    return run_id


def case_of(rpc, partner):
    rows = rpc(
        "credit.collection.case",
        "search_read",
        [("partner_id", "=", partner), ("stage", "!=", "closed")],
        fields=["collection_paused_until", "collection_pause_reason", "reply_ids", "user_id"],
    )
    assert len(rows) == 1, rows
    return rows[0]


def replies_of(rpc, partner):
    return rpc(
        "credit.collection.reply",
        "search_read",
        [("partner_id", "=", partner)],
        fields=[
            "proposal",
            "proposal_state",
            "proposed_date",
            "proposed_amount",
            "auto_reply",
            "forwarded",
            "state",
            "pause_until",
        ],
        order="id",
    )


def test_replies_through_the_mail_gateway(odoo_server, admin_rpc, smtp_inbox, ledger):
    rpc = admin_rpc
    company_id, customers = ledger["company"], ledger["customers"]
    partners = [customer["id"] for customer in customers.values()]
    run_today(rpc, company_id, partners)

    # What each customer received: its reminder, with the reply alias as Reply-To.
    received = {}
    for rcpt_tos, message in smtp_inbox.messages:
        for key, customer in customers.items():
            if customer["email"] in rcpt_tos:
                received[key] = message
    assert set(received) == {"fr", "en", "auto"}, [rcpt for rcpt, _message in smtp_inbox.messages]
    reply_to = parseaddr(received["fr"]["Reply-To"])[1]
    assert reply_to.startswith("recouvrement@"), received["fr"]["Reply-To"]

    # French, with a date, an amount and the remittance advice attached, answering the reminder.
    promised = date.today() + timedelta(days=20)
    fr = customers["fr"]
    mailgate(
        odoo_server,
        rpc,
        email(
            f"Comptabilité <{fr['email']}>",
            reply_to,
            "RE: " + str(received["fr"]["Subject"]),
            f"Bonjour,\n\nNous vous réglerons 1 250,00 € le {promised.strftime('%d/%m/%Y')}.\n\nCordialement\n\n"
            f"Le {date.today().strftime('%d/%m/%Y')}, Ateliers Dupont a écrit :\n> Relance : 1 250,00 € échus\n",
            in_reply_to=received["fr"]["Message-Id"],
            attachment=("avis-de-virement.pdf", minimal_pdf("Avis de virement 1250 EUR")),
        ),
    )
    case = case_of(rpc, fr["id"])
    assert case["collection_paused_until"] == (date.today() + timedelta(days=7)).isoformat()
    (reply,) = replies_of(rpc, fr["id"])
    assert (reply["proposal"], reply["proposal_state"], reply["proposed_date"]) == (
        "promise",
        "pending",
        promised.isoformat(),
    )
    assert abs(reply["proposed_amount"] - 1250.0) < 0.005
    emails = rpc(
        "mail.message",
        "search_read",
        [("model", "=", "credit.collection.case"), ("res_id", "=", case["id"]), ("message_type", "=", "email")],
        fields=["attachment_ids", "author_id"],
    )
    assert len(emails) == 1
    names = rpc("ir.attachment", "read", emails[0]["attachment_ids"], fields=["name"])
    assert [row["name"] for row in names] == ["avis-de-virement.pdf"]
    claire_partner = rpc("res.users", "read", [ledger["claire"]], fields=["partner_id"])[0]["partner_id"][0]
    notified = rpc(
        "mail.notification",
        "search_count",
        [("mail_message_id", "=", emails[0]["id"]), ("res_partner_id", "=", claire_partner)],
    )
    assert notified == 1, "the collector is notified of the reply"

    # English, without a date: a promise whose date the collector fills in.
    en = customers["en"]
    mailgate(
        odoo_server,
        rpc,
        email(
            en["email"],
            reply_to,
            "Re: Payment reminder",
            "Sorry for the delay, we will pay as soon as possible.",
            in_reply_to=received["en"]["Message-Id"],
        ),
    )
    (reply_en,) = replies_of(rpc, en["id"])
    assert (reply_en["proposal"], reply_en["proposed_date"]) == ("promise", False)
    assert case_of(rpc, en["id"])["collection_paused_until"]

    # An out-of-office answer lands on the case but pauses nothing and proposes nothing.
    auto = customers["auto"]
    mailgate(
        odoo_server,
        rpc,
        email(
            auto["email"],
            reply_to,
            "Réponse automatique : absent",
            "Je suis absent jusqu'au 15, je paierai à mon retour.",
            in_reply_to=received["auto"]["Message-Id"],
            headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
        ),
    )
    (reply_auto,) = replies_of(rpc, auto["id"])
    assert reply_auto["auto_reply"] and not reply_auto["proposal"] and not reply_auto["pause_until"]
    assert not case_of(rpc, auto["id"])["collection_paused_until"]

    # Claire forwards to the alias what the same customer then wrote to her: read like a reply.
    claire_email = rpc("res.users", "read", [ledger["claire"]], fields=["email"])[0]["email"]
    mailgate(
        odoo_server,
        rpc,
        email(
            f"Claire Martin <{claire_email}>",
            reply_to,
            "TR: Re: Relance",
            "Pour le dossier.\n\n---------- Message transféré ---------\n"
            f"De : Client <{auto['email']}>\nDate : {date.today().isoformat()}\nObjet : Re: Relance\n\n"
            "La facture est fausse : nous contestons le montant.\n",
        ),
    )
    forwarded = replies_of(rpc, auto["id"])[-1]
    assert (forwarded["forwarded"], forwarded["proposal"]) == (True, "dispute")
    assert case_of(rpc, auto["id"])["collection_paused_until"]

    # An unknown sender: kept among the replies to assign, nothing paused.
    stranger = f"stranger-{ledger['stamp']}@elsewhere.example"
    mailgate(odoo_server, rpc, email(stranger, reply_to, "Votre relance", "Je paierai le 15."))
    unknown = rpc(
        "credit.collection.reply", "search_read", [("email_from", "ilike", stranger)], fields=["state", "case_id"]
    )
    assert [(row["state"], row["case_id"]) for row in unknown] == [("to_assign", False)]

    # The next run skips the paused customer, with the reason in its report.
    late = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": fr["id"],
            "company_id": company_id,
            "invoice_date": (date.today() - timedelta(days=42)).isoformat(),
            "invoice_date_due": (date.today() - timedelta(days=12)).isoformat(),
            "invoice_line_ids": [(0, 0, {"name": "Pièces", "quantity": 1, "price_unit": 400.0, "tax_ids": [(5,)]})],
        },
    )
    rpc("account.move", "action_post", [late])
    run_id = run_today(rpc, company_id, partners)
    assert not rpc("credit.collection.action", "search", [("run_id", "=", run_id), ("partner_id", "=", fr["id"])])
    skipped = rpc(
        "credit.collection.run.message",
        "search_read",
        [("run_id", "=", run_id), ("partner_id", "=", fr["id"]), ("kind", "=", "skipped")],
        fields=["reason", "move_ids"],
    )
    assert len(skipped) == 1 and late in skipped[0]["move_ids"]
    assert fr["email"] in skipped[0]["reason"]
    assert fr["email"] in rpc("credit.collection.run", "read", [run_id], fields=["report_html"])[0]["report_html"]

    # Claire, a collector with the collection user group only, accepts the promise from the case.
    claire = OdooRPC(odoo_server["url"], odoo_server["db"], "claire", "claire")
    assert not claire("res.users", "has_group", ledger["claire"], "credit_collection.group_collection_manager")
    case_replies = claire("credit.collection.case", "read", [case["id"]], fields=["reply_ids"])[0]["reply_ids"]
    assert reply["id"] in case_replies
    claire("credit.collection.reply", "action_accept", [reply["id"]])
    promise = claire("credit.collection.reply", "read", [reply["id"]], fields=["promise_id", "proposal_state"])[0]
    assert promise["proposal_state"] == "accepted"
    row = rpc(
        "credit.collection.promise", "read", [promise["promise_id"][0]], fields=["amount", "promise_date", "create_uid"]
    )[0]
    assert (row["promise_date"], row["create_uid"][0]) == (promised.isoformat(), ledger["claire"])
    assert abs(row["amount"] - 1250.0) < 0.005
    # Accepted once: nothing is created twice.
    with pytest.raises(RpcError):
        claire("credit.collection.reply", "action_accept", [reply["id"]])
    # A collector completes a proposal but cannot rewrite what was received.
    with pytest.raises(RpcError):
        claire("credit.collection.reply", "write", [reply_en["id"]], {"case_id": False})
