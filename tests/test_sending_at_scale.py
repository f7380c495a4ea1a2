"""Sending at scale on live servers with cron workers, counted by a real SMTP server and an SMS gateway.

Each test starts its own Odoo server(s) on the test database, in the prefork mode of production
(HTTP workers, cron workers, a cron time limit of 10 s), plans a run of its own customers in a company
of its own, and counts what the customers receive.
"""

import asyncio
import calendar
import json
import random
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock, Thread

import psutil
import psycopg2
import pytest
from aiosmtpd.controller import Controller
from conftest import OdooRPC, OdooServer, free_port

CRON_LIMIT = 10


# ---------------------------------------------------------------------------------------------- sinks
class SmtpSink:
    """An SMTP server that counts what each address receives; it refuses the addresses it is told to."""

    def __init__(self):
        self.lock = Lock()
        self.received = []  # (recipient, subject, message-id)
        self.refused = set()
        self.held = False  # while True, a new SMTP session waits after connecting, before its EHLO is answered
        self.waiting = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.waiting += 1
        try:
            while self.held:
                await asyncio.sleep(0.05)
        finally:
            with self.lock:
                self.waiting -= 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf8", errors="replace")
        subject = next((line[9:] for line in text.splitlines() if line.startswith("Subject: ")), "")
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, subject))
        return "250 OK"

    def count(self, address):
        with self.lock:
            return sum(1 for recipient, _subject in self.received if recipient == address)


class SmsGatewayHandler(BaseHTTPRequestHandler):
    """The generic gateway protocol: one delivery per Idempotency-Key, whatever the number of posts."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key")
        with self.server.lock:
            self.server.posts.append(key)
            if key not in self.server.delivered:
                self.server.delivered[key] = body["to"]
        time.sleep(self.server.delay)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": key}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def smtp_sink(admin_rpc):
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    stale = admin_rpc("ir.mail_server", "search", [("name", "=", "scale SMTP sink")])
    if stale:  # left by an interrupted session: Odoo would take the first one
        admin_rpc("ir.mail_server", "unlink", stale)
    server_id = admin_rpc(
        "ir.mail_server",
        "create",
        {
            "name": "scale SMTP sink",
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "smtp_encryption": "none",
            "sequence": 0,
        },
    )
    yield sink
    admin_rpc("ir.mail_server", "unlink", [server_id])
    controller.stop()


@pytest.fixture(scope="module", autouse=True)
def no_internet_jobs(admin_rpc):
    """Odoo 19 ships a scheduled job that asks the VIES service on the internet (base_vat); this machine has
    no internet: the job stays off while these servers run, or its connection error would count as theirs."""
    crons = [admin_rpc.ref("base_vat.vies_iap_check_update")]
    active = [cron["id"] for cron in admin_rpc("ir.cron", "read", crons, fields=["active"]) if cron["active"]]
    admin_rpc("ir.cron", "write", active, {"active": False})
    yield
    admin_rpc("ir.cron", "write", active, {"active": True})


@pytest.fixture(scope="module")
def sms_gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SmsGatewayHandler)
    server.lock, server.posts, server.delivered, server.delay = Lock(), [], {}, 0.05
    Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


# ---------------------------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def company(admin_rpc, sms_gateway):
    """A company of its own, with the generic chart, a one-level email (+SMS) policy, a manager and a collector."""
    stamp = int(time.time())
    rpc = admin_rpc
    eur = rpc("res.currency", "search", [("name", "=", "EUR")], context={"active_test": False})[0]
    rpc("res.currency", "write", [eur], {"active": True})
    company_id = rpc(
        "res.company",
        "create",
        {"name": f"Envois en nombre {stamp}", "currency_id": eur, "email": "relances@envois.example"},
    )
    rpc("res.users", "write", [rpc.uid], {"company_ids": [(4, company_id)]})
    context = {"allowed_company_ids": [company_id]}
    rpc("account.chart.template", "try_loading", [], "generic_coa", company_id, False, context=context)
    gateway = rpc(
        "credit.collection.sms.gateway",
        "create",
        {"name": "Sink", "url": f"http://127.0.0.1:{sms_gateway.server_port}/sms", "timeout": 5, "retries": 0},
    )
    rpc(
        "res.company",
        "write",
        [company_id],
        {
            "collection_sms_gateway_id": gateway,
            "collection_fee_product_id": rpc.ref("credit_collection.product_collection_fee"),
        },
    )
    users = {}
    for login, group in (("manager", "group_collection_manager"), ("collector", "group_collection_user")):
        users[login] = rpc(
            "res.users",
            "create",
            {
                "name": f"{login.title()} {stamp}",
                "login": f"{login}-{stamp}",
                "password": f"{login}-{stamp}-pw",
                "company_id": company_id,
                "company_ids": [(6, 0, [company_id])],
                "lang": "fr_FR",
                "group_ids": [(6, 0, [rpc.ref(f"credit_collection.{group}")])],
            },
        )
    return {
        "id": company_id,
        "stamp": stamp,
        "context": context,
        "manager": OdooRPC(rpc.url, rpc.db, f"manager-{stamp}", f"manager-{stamp}-pw"),
        "collector": OdooRPC(rpc.url, rpc.db, f"collector-{stamp}", f"collector-{stamp}-pw"),
    }


def make_policy(rpc, company, name, sms=False, auto_send=True, statement=False, delay=5):
    return rpc(
        "credit.collection.policy",
        "create",
        {
            "name": name,
            "company_id": company["id"],
            "level_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Relance",
                        "delay_days": delay,
                        "tone": "courteous",
                        "case_stage": "reminder_1",
                        "channel_email": True,
                        "email_template_id": rpc.ref("credit_collection.mail_template_reminder_courteous"),
                        "channel_sms": sms,
                        "sms_template_id": rpc.ref("credit_collection.sms_template_reminder"),
                        "auto_send": auto_send,
                        "email_attach_statement": statement,
                    },
                )
            ],
        },
        context=company["context"],
    )


def make_customers(rpc, company, tag, count, policy, overdue=10):
    """``count`` customers of the company, each with one invoice ``overdue`` days late under ``policy``."""
    stamp = company["stamp"]
    partners = rpc(
        "res.partner",
        "create",
        [
            {
                "name": f"Client {tag} {i:04d}",
                "is_company": True,
                "lang": "fr_FR",
                "email": f"{tag}-{i:04d}-{stamp}@clients.example",
                "phone": f"+3361{stamp % 10000:04d}{i:04d}",
            }
            for i in range(count)
        ],
        context=company["context"],
    )
    due = date.today() - timedelta(days=overdue)
    invoices = rpc(
        "account.move",
        "create",
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "company_id": company["id"],
                "invoice_date": (due - timedelta(days=30)).isoformat(),
                "invoice_date_due": due.isoformat(),
                "collection_policy_id": policy,
                "invoice_line_ids": [
                    (0, 0, {"name": "Prestation", "quantity": 1, "price_unit": 100.0 + i, "tax_ids": [(5,)]})
                ],
            }
            for i, partner in enumerate(partners)
        ],
        context=company["context"],
    )
    rpc("account.move", "action_post", invoices, context=company["context"])
    return partners, invoices


def addresses(rpc, partners):
    return {row["id"]: row["email"] for row in rpc("res.partner", "read", partners, fields=["email"])}


def start_run(company):
    manager = company["manager"]
    run = manager(
        "credit.collection.run",
        "create",
        {"company_id": company["id"], "date": date.today().isoformat()},
        context=company["context"],
    )
    started = time.time()
    answer = manager("credit.collection.run", "action_run", [run], context=company["context"])
    return run, time.time() - started, answer


def wait_until_delivered(rpc, run, timeout=900, states=("queued", "sending")):
    deadline = time.time() + timeout
    while time.time() < deadline:
        planning = rpc("credit.collection.run", "read", [run], fields=["state"])[0]["state"] in ("draft", "queued")
        busy = rpc("credit.collection.action", "search_count", [("run_id", "=", run), ("state", "in", list(states))])
        if not planning and not busy:
            return
        time.sleep(1)
    raise AssertionError(f"run {run} not delivered within {timeout} s")


def server_with_cron(odoo_settings, tmp_path, name, workers=2, crons=2, cron_limit=300):
    """A server as in production: HTTP and cron worker processes (prefork)."""
    return OdooServer(
        odoo_settings,
        tmp_path / f"{name}.log",
        free_port(),
        f"--workers={workers}",
        f"--max-cron-threads={crons}",
        f"--limit-time-real-cron={cron_limit}",
        f"--gevent-port={free_port()}",
    ).start()


def threaded_server(odoo_settings, tmp_path, name, crons=2, cron_limit=CRON_LIMIT):
    """A one-process server whose cron threads are held to ``cron_limit``: past it, Odoo reloads the server
    (a worker process's idle sleep counts in its limit, so a limit under a minute only makes sense here)."""
    return OdooServer(
        odoo_settings,
        tmp_path / f"{name}.log",
        free_port(),
        "--workers=0",
        f"--max-cron-threads={crons}",
        f"--limit-time-real-cron={cron_limit}",
    ).start()


def log_problems(server, refused=0):
    """Errors, time limits and deadlocks in the server's log; Odoo logs each email the SMTP server refused
    as an error: ``refused`` of them are expected."""
    text = server.log.read_text(errors="replace")
    problems = [
        line
        for line in text.splitlines()
        if " ERROR " in line
        or " CRITICAL " in line
        or "timeout after" in line
        or "real time limit" in line
        or "deadlock" in line.lower()
    ]
    refusals = [line for line in problems if "odoo.addons.mail.models.mail_mail: failed sending mail" in line]
    return [line for line in problems if line not in refusals] + (refusals if len(refusals) != refused else [])


def cron_worker_pids(server):
    """The cron worker processes of a prefork server: the workers that keep a connection to the
    ``postgres`` database open, where they listen to the cron trigger channel."""
    children = {child.pid for child in psutil.Process(server.process.pid).children()}
    with psycopg2.connect(dbname="postgres") as cnx, cnx.cursor() as cr:
        cr.execute("SELECT application_name FROM pg_stat_activity WHERE datname = 'postgres'")
        pids = {int(name.split("-")[1]) for (name,) in cr.fetchall() if name.startswith("odoo-")}
    return sorted(pids & children)


# ---------------------------------------------------------------------------------------------- tests
def test_several_hundred_reminders_with_a_10s_cron_limit(odoo_settings, tmp_path, admin_rpc, company, smtp_sink):
    """The manager starts the run, the collector approves from the list; every customer gets its reminder
    once, a refused address fails with the server's answer, no run of cron jobs reaches the 10 s limit
    (which would reload the server)."""
    rpc = admin_rpc
    policy = make_policy(rpc, company, "Revue", auto_send=False)
    partners, _invoices = make_customers(rpc, company, "revue", 300, policy)
    emails = addresses(rpc, partners)
    refused = emails[partners[-1]]
    smtp_sink.refused.add(refused)
    server = threaded_server(odoo_settings, tmp_path, "ten-seconds")
    try:
        run, click, answer = start_run(company)
        assert answer["tag"] == "display_notification"
        wait_until_delivered(rpc, run)
        to_review = company["collector"](
            "credit.collection.action", "search", [("run_id", "=", run), ("state", "=", "to_review")]
        )
        assert len(to_review) == 300
        started = time.time()
        company["collector"]("credit.collection.action", "action_approve", to_review, context=company["context"])
        approve = time.time() - started
        wait_until_delivered(rpc, run)
    finally:
        server.stop()
    print(f"\nrun now answered in {click:.2f} s, approving 300 in {approve:.2f} s")
    actions = {
        a["partner_id"][0]: a
        for a in rpc(
            "credit.collection.action",
            "search_read",
            [("run_id", "=", run)],
            fields=["partner_id", "state", "error_message"],
        )
    }
    assert len(actions) == 300
    for partner, address in emails.items():
        if address == refused:
            assert smtp_sink.count(address) == 0
            assert actions[partner]["state"] == "failed"
            assert "550" in actions[partner]["error_message"], actions[partner]
        else:
            assert smtp_sink.count(address) == 1, address
            assert actions[partner]["state"] == "sent", actions[partner]
    assert not log_problems(server, refused=1), log_problems(server, refused=1)[:10]


def test_kill_9_of_the_sending_workers_then_restart(
    odoo_settings, tmp_path, admin_rpc, company, smtp_sink, sms_gateway
):
    """Cron workers killed (-9) at random moments, then the whole server killed and started again:
    every customer receives its email once and its SMS once."""
    rpc = admin_rpc
    policy = make_policy(rpc, company, "Coupures", sms=True)
    partners, _invoices = make_customers(rpc, company, "coupure", 150, policy)
    emails = addresses(rpc, partners)
    sms_gateway.delay = 0.2  # a gateway slow enough for kills to fall while it answers
    server = server_with_cron(odoo_settings, tmp_path, "kills")
    kills = 0
    try:
        run, _click, _answer = start_run(company)
        for _round in range(3):
            time.sleep(random.uniform(1.0, 6.0))
            for pid in cron_worker_pids(server):
                psutil.Process(pid).kill()
                kills += 1
        time.sleep(random.uniform(1.0, 4.0))
        server.kill()
        server.start()
        wait_until_delivered(rpc, run)
    finally:
        server.stop()
        sms_gateway.delay = 0.05
    assert kills
    actions = rpc(
        "credit.collection.action",
        "search_read",
        [("run_id", "=", run)],
        fields=["partner_id", "channel", "state", "delivery_reference", "error_message"],
    )
    assert len(actions) == 300
    assert {a["state"] for a in actions} == {"sent"}, [a for a in actions if a["state"] != "sent"][:5]
    for address in emails.values():
        assert smtp_sink.count(address) == 1, address
    references = [a["delivery_reference"] for a in actions if a["channel"] == "sms"]
    delivered = [key for key in sms_gateway.delivered if key in set(references)]
    assert sorted(delivered) == sorted(references), "every SMS delivered once"
    reposted = len([key for key in sms_gateway.posts if key in set(references)]) - len(references)
    print(f"\n{kills} cron workers killed, then the server; {reposted} SMS posted again with their reference")


def test_kill_9_between_the_lane_commit_and_its_delivery(odoo_settings, tmp_path, admin_rpc, company, smtp_sink):
    """A lane delivers the emails it has just committed; killed (-9) after that commit, before the SMTP
    server took them, it leaves them outgoing: the mail queue, its backstop, delivers each of them once."""
    rpc = admin_rpc
    policy = make_policy(rpc, company, "Filet")
    partners, _invoices = make_customers(rpc, company, "filet", 12, policy)
    emails = addresses(rpc, partners)
    smtp_sink.held = True
    server = server_with_cron(odoo_settings, tmp_path, "backstop", crons=1)
    try:
        run, _click, _answer = start_run(company)
        deadline = time.time() + 120
        while not smtp_sink.waiting:
            assert time.time() < deadline, "no lane connected to the SMTP server"
            time.sleep(0.1)
        held = rpc(
            "credit.collection.action",
            "search_read",
            [("run_id", "=", run), ("state", "=", "sending")],
            fields=["partner_id", "mail_id"],
        )
        assert held and all(action["mail_id"] for action in held), held
        for pid in cron_worker_pids(server):
            psutil.Process(pid).kill()
        smtp_sink.held = False
        wait_until_delivered(rpc, run, timeout=300)
    finally:
        smtp_sink.held = False
        server.stop()
    actions = rpc("credit.collection.action", "search_read", [("run_id", "=", run)], fields=["partner_id", "state"])
    assert len(actions) == 12
    assert {a["state"] for a in actions} == {"sent"}, actions
    for address in emails.values():
        assert smtp_sink.count(address) == 1, address
    mails = rpc("mail.mail", "search_read", [("id", "in", [a["mail_id"][0] for a in held])], fields=["state"])
    assert all(mail["state"] == "sent" for mail in mails), mails


def test_two_servers_share_the_queue(odoo_settings, tmp_path, admin_rpc, company, smtp_sink):
    """Two servers on one database, plus a manual send: no reminder twice, no deadlock, none failed."""
    rpc = admin_rpc
    policy = make_policy(rpc, company, "Deux serveurs")
    partners, _invoices = make_customers(rpc, company, "deux", 200, policy)
    emails = addresses(rpc, partners)
    first = server_with_cron(odoo_settings, tmp_path, "first")
    second = server_with_cron(odoo_settings, tmp_path, "second", workers=1)
    try:
        run, _click, _answer = start_run(company)
        manager_on_second = OdooRPC(second.url, rpc.db, company["manager"].login, company["manager"].password)
        for _round in range(5):
            time.sleep(1)
            manager_on_second("credit.collection.run", "action_send_queued", [run], context=company["context"])
        wait_until_delivered(rpc, run)
    finally:
        first.stop()
        second.stop()
    states = rpc("credit.collection.action", "search_read", [("run_id", "=", run)], fields=["state", "error_message"])
    assert {a["state"] for a in states} == {"sent"}, [a for a in states if a["state"] != "sent"][:5]
    for address in emails.values():
        assert smtp_sink.count(address) == 1, address
    assert not log_problems(first) and not log_problems(second), (log_problems(first) + log_problems(second))[:10]


class LockWatch(Thread):
    """Watches the database sessions of one Odoo process and keeps the longest wait on a lock."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.application, self.longest, self.running = f"odoo-{pid}", 0.0, True

    def run(self):
        with psycopg2.connect(dbname="postgres") as cnx, cnx.cursor() as cr:
            cnx.autocommit = True
            while self.running:
                cr.execute(
                    """SELECT COALESCE(MAX(EXTRACT(EPOCH FROM now() - state_change)), 0)
                                FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'""",
                    [self.application],
                )
                self.longest = max(self.longest, float(cr.fetchone()[0]))
                time.sleep(0.02)


def test_payment_during_sending_is_not_blocked_and_gets_no_reminder(
    odoo_settings, tmp_path, odoo_server, admin_rpc, company, smtp_sink
):
    """Emails with the statement PDF are being sent; a payment registered meanwhile waits on no lock
    (less than 1 s), and its invoice is not reminded."""
    rpc = admin_rpc
    policy = make_policy(rpc, company, "Paiements", statement=True)
    partners, invoices = make_customers(rpc, company, "paiement", 40, policy)
    emails = addresses(rpc, partners)
    _idle_partner, idle_invoice = make_customers(rpc, company, "repos", 1, policy, overdue=1)

    def pay(invoice):
        watch = LockWatch(odoo_server["pid"])
        watch.start()
        started = time.time()
        wizard = rpc(
            "account.payment.register",
            "create",
            {},
            context={**company["context"], "active_model": "account.move", "active_ids": [invoice]},
        )
        rpc("account.payment.register", "action_create_payments", [wizard], context=company["context"])
        elapsed = time.time() - started
        watch.running = False
        watch.join()
        return elapsed, watch.longest

    idle, _idle_wait = pay(idle_invoice[0])
    server = server_with_cron(odoo_settings, tmp_path, "payments")
    try:
        run, _click, _answer = start_run(company)
        while not rpc("credit.collection.action", "search_count", [("run_id", "=", run), ("state", "=", "sent")]):
            time.sleep(0.2)
        during, lock_wait = pay(invoices[-1])  # the last customer of the queue: not handed over yet
        wait_until_delivered(rpc, run)
    finally:
        server.stop()
    print(
        f"\npayment registered in {during:.2f} s while sending (longest lock wait {lock_wait:.2f} s), "
        f"{idle:.2f} s on an idle ledger"
    )
    assert lock_wait < 1.0
    paid = rpc(
        "credit.collection.action",
        "search_read",
        [("run_id", "=", run), ("partner_id", "=", partners[-1])],
        fields=["state", "cancel_reason"],
    )
    assert paid and paid[0]["state"] == "cancelled", paid
    assert smtp_sink.count(emails[partners[-1]]) == 0
    for partner in partners[:-1]:
        assert smtp_sink.count(emails[partner]) == 1


def test_the_server_reloads_after_a_time_limit(odoo_settings, tmp_path, admin_rpc):
    """Threaded mode: a job past the cron time limit makes Odoo reload itself; the reloaded server serves."""
    cron = admin_rpc(
        "ir.cron",
        "create",
        {
            "name": "Slow job",
            "model_id": admin_rpc.ref("base.model_res_partner"),
            "state": "code",
            # Longer than the 60 s between two checks of Odoo's threaded server: one check sees it running late.
            "code": "time.sleep(75)",
            "interval_number": 1,
            "interval_type": "days",
            "nextcall": "2000-01-01 00:00:00",
        },
    )
    server = OdooServer(
        odoo_settings,
        tmp_path / "reload.log",
        free_port(),
        "--workers=0",
        "--max-cron-threads=1",
        "--limit-time-real-cron=2",
    ).start()
    try:
        deadline = time.time() + 300
        while time.time() < deadline and server.log.read_text().count("HTTP service (werkzeug) running") < 2:
            assert server.process.poll() is None, server.log.read_text()[-3000:]
            time.sleep(1)
        stop_slow_job(admin_rpc, cron)
        server.wait_ready(timeout=120)
        log = server.log.read_text()
    finally:
        server.stop()
        admin_rpc("ir.cron", "unlink", [cron])
    assert "real time limit" in log
    assert log.count("HTTP service (werkzeug) running") >= 2, log[-3000:]
    assert "No module named" not in log


def stop_slow_job(rpc, cron):
    """Deactivates the job; Odoo refuses while a worker runs it, so until the worker is gone."""
    deadline = time.time() + 120
    while True:
        try:
            rpc("ir.cron", "write", [cron], {"active": False})
            return
        except AssertionError:
            if time.time() > deadline:
                raise
            time.sleep(1)


def test_an_email_locked_by_another_transaction_is_retried_soon(odoo_server, admin_rpc, company, smtp_sink):
    """The mail queue meets a reminder's email locked by another transaction (a payment cancelling it, another
    sender): it skips it and asks for a run of the queue shortly, not at the scheduler's next hourly run.
    The lanes are told to leave their emails to the mail queue, so that the email waits in it."""
    rpc = admin_rpc
    policy = make_policy(rpc, company, "Verrou")
    partners, _invoices = make_customers(rpc, company, "verrou", 1, policy)
    run, _click, _answer = start_run(company)
    rpc("ir.config_parameter", "set_param", "credit_collection.lane_delivery", "0")
    try:
        for xmlid in ("credit_collection.ir_cron_plan_runs", "credit_collection.ir_cron_send_queued_actions"):
            rpc("ir.cron", "method_direct_trigger", [rpc.ref(xmlid)])
        action = rpc("credit.collection.action", "search_read", [("run_id", "=", run)], fields=["state", "mail_id"])
        assert action and action[0]["state"] == "sending" and action[0]["mail_id"], action
        mail_cron = rpc.ref("mail.ir_cron_mail_scheduler_action")
        rpc("ir.cron.trigger", "unlink", rpc("ir.cron.trigger", "search", [("cron_id", "=", mail_cron)]))
        with psycopg2.connect(dbname=odoo_server["db"]) as cnx, cnx.cursor() as cr:
            cr.execute("SELECT id FROM mail_mail WHERE id = %s FOR UPDATE", [action[0]["mail_id"][0]])
            asked = time.time()
            rpc("ir.cron", "method_direct_trigger", [mail_cron])
            cnx.rollback()
        triggers = rpc("ir.cron.trigger", "search_read", [("cron_id", "=", mail_cron)], fields=["call_at"])
        assert triggers, "the locked email would wait for the next hourly run of the mail queue"
        soonest = min(calendar.timegm(time.strptime(row["call_at"], "%Y-%m-%d %H:%M:%S")) for row in triggers)
        assert soonest < asked + 120, triggers
        rpc("ir.cron", "method_direct_trigger", [mail_cron])
        assert rpc("credit.collection.action", "read", [action[0]["id"]], fields=["state"])[0]["state"] == "sent"
        assert smtp_sink.count(addresses(rpc, partners)[partners[0]]) == 1
    finally:
        rpc("ir.config_parameter", "set_param", "credit_collection.lane_delivery", "1")
