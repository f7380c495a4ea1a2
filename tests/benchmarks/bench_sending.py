"""Benchmark of sending: reminders per second end to end, from "Run now" to the SMTP server's inbox.

    tests/benchmarks/run_benchmark.sh --sending                     # every scenario, 1, 2 and 4 cron workers
    tests/benchmarks/run_benchmark.sh --sending --daily 2000        # + the daily run of 2,000 customers

Prepares the database (default ``cc_bench_send``, created with ``-i credit_collection_sms --without-demo=all``
when missing) and a generated ledger (generate_ledger.py), then, for each scenario and each number of
cron workers, starts an Odoo server as the run command does (prefork: HTTP workers, W cron workers, the
sending lanes), starts a real SMTP server (aiosmtpd) and an SMS gateway (HTTP), clicks "Run now" as the
manager over JSON-RPC and measures until the last reminder is received (emails: by the SMTP server;
letters: in the day's print batch, whose PDF is then produced once):

  email      an email reminder carrying the amounts and the balance link, no attachment;
  statement  the same with the statement of account (PDF) attached;
  letter     a postal letter (PDF), plus the day's print batch in one file.

``--daily N`` also times the daily run of a company of N customers with 5 open invoices each under the
shipped French B2B policy (every level reached the same day: the worst case), planned and delivered,
and extrapolates it linearly to 20,000 customers. It prints figures; it is not a test.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil
import psycopg2
import requests
from aiosmtpd.controller import Controller

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate_ledger  # noqa: E402

sys.path.insert(0, os.path.dirname(HERE))
from odoo_rpc import OdooRPC  # noqa: E402

SCENARIOS = {
    "email": {"channel_email": True, "email_attach_statement": False},
    "statement": {"channel_email": True, "email_attach_statement": True},
    "letter": {"channel_email": False, "channel_letter": True},
}


def load():
    one, five, _fifteen = os.getloadavg()
    return "load average %.2f (1 min) %.2f (5 min) on %s cores" % (one, five, os.cpu_count())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------- sinks
class Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
            self.last = time.time()
            self.first = self.first or self.last
        return "250 OK"


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.count += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": self.headers.get("Idempotency-Key")}).encode())

    def log_message(self, *args):
        pass


# ---------------------------------------------------------------------------------------------- rpc
# ---------------------------------------------------------------------------------------------- setup
def odoo_env(odoo, db):
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), cr


def ensure_database(args):
    result = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname='{args.db}'"],
        capture_output=True,
        text=True,
    )
    if result.stdout.strip() == "1":
        return
    print(f"creating {args.db} with credit_collection_sms (a minute or two)", flush=True)
    subprocess.run(
        [
            sys.executable,
            args.odoo_bin,
            "-c",
            args.conf,
            "-d",
            args.db,
            "-i",
            "credit_collection_sms",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def prepare_company(env, customers, invoices_per_customer, mail_port, sms_port):
    """The generated ledger (reused when already there), addresses for every channel, the sinks."""
    info = generate_ledger.generate(env, customers=customers, invoices=customers * invoices_per_customer)
    company = env["res.company"].browse(info["company_id"])
    cr = env.cr
    cr.execute(
        """UPDATE res_partner SET street = 'rue ' || id, zip = '69000', city = 'Lyon',
                         phone = '+33 6 ' || lpad((id %% 100000000)::text, 8, '0')
                   WHERE company_id = %s AND ref LIKE %s""",
        [company.id, generate_ledger.PARTNER_REF_PREFIX + "%"],
    )
    env["ir.mail_server"].search([]).unlink()
    env["ir.mail_server"].create(
        {"name": "benchmark sink", "smtp_host": "127.0.0.1", "smtp_port": mail_port, "smtp_encryption": "none"}
    )
    gateway = env["credit.collection.sms.gateway"].create(
        {"name": "benchmark gateway", "url": f"http://127.0.0.1:{sms_port}/sms", "timeout": 10, "retries": 0}
    )
    company.write(
        {
            "collection_sms_gateway_id": gateway.id,
            "email": "relances@bench.example",
            "collection_fee_product_id": env.ref("credit_collection.product_collection_fee").id,
        }
    )
    env.ref("base.user_admin").write({"company_ids": [(4, company.id)], "password": "admin"})
    cr.commit()
    return company, info


def reset(env, company):
    """Forgets the collection of the company (runs, reminders, their emails and cases)."""
    cr = env.cr
    generate_ledger.reset_collection(cr, company.id)
    cr.execute("""DELETE FROM mail_mail USING mail_message
                   WHERE mail_message.id = mail_mail.mail_message_id
                     AND mail_message.model = 'credit.collection.action'""")
    cr.execute("DELETE FROM credit_collection_case WHERE company_id = %s", [company.id])
    cr.execute("DELETE FROM ir_attachment WHERE res_model IN ('credit.collection.action', 'res.company')")
    cr.commit()


def scenario_policy(env, company, name, channels):
    """One level reached by every generated invoice (the furthest due is 10 days ahead), sent automatically."""
    policy = env["credit.collection.policy"].create(
        {
            "name": "benchmark %s" % name,
            "company_id": company.id,
            "level_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Relance",
                        "delay_days": generate_ledger.MIN_DAYS_LATE,
                        "tone": "courteous",
                        "case_stage": "reminder_1",
                        "auto_send": True,
                        "email_template_id": env.ref("credit_collection.mail_template_reminder_courteous").id,
                        **channels,
                    },
                )
            ],
        }
    )
    company.collection_policy_id = policy
    env.cr.commit()
    return policy


def restrict(env, company, count):
    """Only the first ``count`` customers are under the company's policy; the others under one never reached."""
    idle = env["credit.collection.policy"].search([("name", "=", "benchmark idle"), ("company_id", "=", company.id)])
    idle = idle or env["credit.collection.policy"].create(
        {
            "name": "benchmark idle",
            "company_id": company.id,
            "level_ids": [(0, 0, {"name": "Never", "delay_days": 10000, "channel_email": True})],
        }
    )
    partners = env["res.partner"].search(
        [("company_id", "=", company.id), ("ref", "like", generate_ledger.PARTNER_REF_PREFIX + "%")], order="id"
    )
    partners.with_company(company).write({"collection_policy_id": False})
    partners[count:].with_company(company).write({"collection_policy_id": idle.id})
    env.cr.commit()


# ---------------------------------------------------------------------------------------------- measure
class Server:
    def __init__(self, args, cron_workers):
        self.port = free_port()
        self.log = os.path.join(args.logdir, "bench-sending-%s.log" % cron_workers)
        self.process = subprocess.Popen(
            [
                sys.executable,
                args.odoo_bin,
                "-c",
                args.conf,
                "-d",
                args.db,
                f"--db-filter=^{args.db}$",
                f"--http-port={self.port}",
                f"--gevent-port={free_port()}",
                "--workers=1",
                f"--max-cron-threads={cron_workers}",
                "--limit-time-real-cron=600",
                "--limit-time-real=600",
                f"--logfile={self.log}",
            ]
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = args.db
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).status_code == 200:
                    self.cpu_at_start = self.cpu_seconds()
                    return
            except requests.RequestException:
                time.sleep(1)
        raise RuntimeError("the server did not start, see %s" % self.log)

    def cpu_seconds(self):
        """CPU time (user + system) spent so far by the server's processes (with the wkhtmltopdf they ran)
        and by the PostgreSQL sessions they hold open: the cost of the work whatever else loads the machine."""
        total = 0.0
        root = psutil.Process(self.process.pid)
        processes = [root, *root.children(recursive=True)]
        with psycopg2.connect(dbname=self.db) as cnx, cnx.cursor() as cr:
            cr.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'odoo-%%' AND datname = %s", [self.db]
            )
            processes += [psutil.Process(pid) for (pid,) in cr.fetchall() if psutil.pid_exists(pid)]
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system + times.children_user + times.children_system
        return total

    def cpu_used(self):
        return self.cpu_seconds() - self.cpu_at_start

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def run_and_wait(args, server, company, inbox, expected, kind):
    """Clicks Run now, waits until every reminder is delivered; returns (seconds, reminders, planning s)."""
    rpc = OdooRPC(server.url, args.db, "admin", "admin")
    context = {"allowed_company_ids": [company.id]}
    inbox.count, inbox.first, inbox.last = 0, None, None
    started = time.time()
    run = rpc("credit.collection.run", "create", {"company_id": company.id, "date": args.date}, context=context)
    rpc("credit.collection.run", "action_run", [run], context=context)
    planned_at = None
    deadline = started + args.timeout
    while time.time() < deadline:
        values = rpc("credit.collection.run", "read", [run], fields=["state", "duration", "action_count"])[0]
        if values["state"] == "done" and planned_at is None:
            planned_at = time.time()
        busy = rpc(
            "credit.collection.action", "search_count", [("run_id", "=", run), ("state", "in", ["queued", "sending"])]
        )
        if values["state"] == "done" and not busy and (kind != "email" or inbox.count >= expected):
            break
        time.sleep(0.2)
    else:
        raise RuntimeError("run %s not delivered within %s s" % (run, args.timeout))
    if kind == "letter":
        rpc("credit.collection.run", "action_print_letters", [run], context=context)
    elapsed = time.time() - started
    states = rpc("credit.collection.action", "read_group", [("run_id", "=", run)], ["state"], ["state"])
    return elapsed, {row["state"]: row["state_count"] for row in states}, (planned_at or started) - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", default="cc_bench_send")
    parser.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC_DIR"))
    parser.add_argument("--workers", default="1,2,4", help="numbers of cron workers to measure")
    parser.add_argument("--scenarios", default="email,statement,letter")
    parser.add_argument("--emails", type=int, default=600, help="reminders of the email scenario")
    parser.add_argument("--documents", type=int, default=60, help="reminders of the statement and letter scenarios")
    parser.add_argument("--daily", type=int, default=0, help="customers of the daily run (0: skip it)")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--logdir", default="/tmp")
    args = parser.parse_args()
    if not args.db.startswith("cc_bench"):
        raise SystemExit("the benchmark database name must start with cc_bench")
    odoo = generate_ledger.import_odoo(args.conf, args.odoo_src)
    args.odoo_bin = generate_ledger.odoo_bin(odoo)
    odoo.tools.config.parse_config(["-c", args.conf])
    ensure_database(args)

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    gateway = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    gateway.lock, gateway.count = threading.Lock(), 0
    threading.Thread(target=gateway.serve_forever, daemon=True).start()

    env, cr = odoo_env(odoo, args.db)
    customers = max(args.emails, args.documents)
    company, info = prepare_company(env, customers, 1, smtp.port, gateway.server_port)
    args.date = generate_ledger.ledger_date(cr, company.id).isoformat()
    print("=" * 100)
    print(f"sending benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {load()}")
    print(f"ledger: {customers} customers of {company.name}, one open invoice each; run date {args.date}")
    print("=" * 100, flush=True)
    results = []
    for kind in filter(None, args.scenarios.split(",")):
        count = args.emails if kind == "email" else args.documents
        scenario_policy(env, company, kind, SCENARIOS[kind])
        restrict(env, company, count)
        for workers in [int(n) for n in args.workers.split(",")]:
            reset(env, company)
            server = Server(args, workers)
            try:
                elapsed, states, planning = run_and_wait(args, server, company, inbox, count, kind)
                cpu = server.cpu_used()
            finally:
                server.stop()
            rate = count / elapsed
            results.append((kind, workers, count, elapsed, rate, cpu))
            print(
                f"{kind:10} {workers} cron worker(s): {count:5} reminders in {elapsed:7.1f} s "
                f"= {rate:6.2f}/s end to end (planning {planning:.1f} s; states {states}; "
                f"SMTP received {inbox.count}); CPU {cpu:.1f} s = {1000 * cpu / count:.0f} ms a reminder "
                f"[{load()}]",
                flush=True,
            )
    if args.daily:
        daily(args, odoo, env, cr, smtp, gateway, inbox)
    cr.close()
    smtp.stop()
    gateway.shutdown()
    print("\nsummary (reminders per second, end to end):")
    for kind, workers, count, elapsed, rate, cpu in results:
        print(
            f"  {kind:10} {workers} worker(s) {rate:7.2f}/s  ({count} in {elapsed:.1f} s; "
            f"CPU {1000 * cpu / count:.0f} ms a reminder)"
        )


def daily(args, odoo, env, cr, smtp, gateway, inbox):
    """The daily run of ``args.daily`` customers with 5 invoices each under the French B2B policy."""
    # Its own ledger: the benchmark company is regenerated with the daily size.
    company, info = prepare_company(env, args.daily, 5, smtp.port, gateway.server_port)
    shipped = env.ref("l10n_fr_credit_collection.policy_france_b2b")
    policy = env["credit.collection.policy"].search(
        [("name", "=", "%s (daily benchmark)" % shipped.name), ("company_id", "=", company.id)], limit=1
    )
    policy = policy or shipped.copy({"company_id": company.id, "name": "%s (daily benchmark)" % shipped.name})
    company.collection_policy_id = policy
    env["res.partner"].search([("company_id", "=", company.id)]).with_company(company).write(
        {"collection_policy_id": False}
    )
    reset(env, company)
    args.date = generate_ledger.ledger_date(cr, company.id).isoformat()
    workers = max(int(n) for n in args.workers.split(","))
    server = Server(args, min(workers, os.cpu_count() or 2))
    try:
        elapsed, states, planning = run_and_wait(args, server, company, inbox, 0, "daily")
        cpu = server.cpu_used()
    finally:
        server.stop()
    delivered = states.get("sent", 0)
    print(f"daily run: CPU {cpu:.1f} s of the server and its database sessions")
    print(
        f"\ndaily run: {args.daily} customers, {args.daily * 5} open invoices: planned in {planning:.1f} s, "
        f"{delivered} reminders delivered (states {states}; {inbox.count} emails received, "
        f"{gateway.count} SMS posted) in {elapsed:.1f} s = {delivered / elapsed:.2f}/s [{load()}]"
    )
    factor = 20000 / args.daily
    print(
        f"linear extrapolation to 20,000 customers (x{factor:g}): {elapsed * factor / 3600:.2f} h (goal: under 2 h)",
        flush=True,
    )


if __name__ == "__main__":
    main()
