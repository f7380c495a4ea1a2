"""Fixtures for the tests that run against a live Odoo: the server, RPC and SMTP clients.

setup/test exports CC_ODOO_CONF, CC_TEST_DB, CC_ODOO_SRC and CC_TEST_HTTP_PORT; the database
already holds every add-on and the demo ledger.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from odoo_rpc import OdooRPC

REPO = Path(__file__).resolve().parent.parent
ADMIN = ("admin", "admin")


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run the tests through setup/test", returncode=2)
    return value


@pytest.fixture(scope="session")
def odoo_settings():
    return {
        "conf": _env("CC_ODOO_CONF"),
        "db": _env("CC_TEST_DB"),
        "src": _env("CC_ODOO_SRC"),
        "port": int(_env("CC_TEST_HTTP_PORT")),
    }


def odoo_command(settings, *args):
    return [sys.executable, os.path.join(settings["src"], "odoo-bin"), "-c", settings["conf"], *args]


class OdooServer:
    """An Odoo server process on the test database, with the options given, as a user would run it."""

    def __init__(self, settings, log, port, *options):
        self.settings, self.log, self.port, self.options = settings, log, port, options
        self.url = f"http://127.0.0.1:{port}"
        self.db = settings["db"]
        self.process = None

    def start(self, timeout=180):
        self.process = subprocess.Popen(
            odoo_command(
                self.settings,
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                f"--http-port={self.port}",
                f"--logfile={self.log}",
                *self.options,
            )
        )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.kill()  # never leave a server holding the port for the next run
            raise
        return self

    def wait_ready(self, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Odoo exited with {self.process.returncode}: {self.log.read_text()[-3000:]}")
            try:
                # The first page builds the assets: on a busy machine it takes longer than one poll.
                if requests.get(f"{self.url}/web/login", timeout=60).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        self.kill()
        pytest.fail(f"Odoo did not answer on /web/login within {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self):
        """kill -9 of the server and of every process it started (its workers)."""
        import psutil

        if not self.process:
            return
        try:
            family = [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        for member in family:
            try:
                member.kill()
            except psutil.NoSuchProcess:
                pass
        self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def odoo_server(odoo_settings, tmp_path_factory):
    """An Odoo server on the test database, as a user would run it (no test mode)."""
    # setup/test reads this log afterwards: a deprecation warning there fails the run.
    log = Path(os.environ.get("CC_SERVER_LOG") or tmp_path_factory.mktemp("odoo") / "server.log")
    server = OdooServer(odoo_settings, log, odoo_settings["port"], "--max-cron-threads=0").start(timeout=180)
    yield {"url": server.url, "db": server.db, "log": log, "pid": server.process.pid}
    server.stop()


def run_background_jobs(rpc, run_ids=(), timeout=900):
    """What the scheduler does after a click, for a server started without cron workers: plans the runs
    started, works the sending queue, sends the mail queue, until the given runs have nothing in progress."""
    crons = [
        rpc.ref("credit_collection.ir_cron_plan_runs"),
        rpc.ref("credit_collection.ir_cron_send_queued_actions"),
        rpc.ref("mail.ir_cron_mail_scheduler_action"),
    ]
    deadline = time.time() + timeout
    while time.time() < deadline:
        for cron in crons:
            rpc("ir.cron", "method_direct_trigger", [cron])
        busy = rpc("credit.collection.run", "search_count", [("id", "in", list(run_ids)), ("state", "=", "queued")])
        busy += rpc(
            "credit.collection.action",
            "search_count",
            [("run_id", "in", list(run_ids)), ("state", "in", ["queued", "sending"]), ("channel", "!=", "sms")],
        )
        if not busy:
            return
    raise AssertionError(f"runs {run_ids} still busy after {timeout} s")


@pytest.fixture(scope="session")
def admin_rpc(odoo_server):
    return OdooRPC(odoo_server["url"], odoo_server["db"], *ADMIN)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp_inbox(admin_rpc):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    server_id = admin_rpc(
        "ir.mail_server",
        "create",
        {
            "name": "test SMTP",
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "smtp_encryption": "none",
            "sequence": 0,
        },
    )
    yield inbox
    admin_rpc("ir.mail_server", "unlink", [server_id])
    controller.stop()
