"""Fixtures for the tests that run against a live Odoo: the server, RPC and SMTP clients.

setup/test exports CC_ODOO_CONF, CC_TEST_DB, CC_ODOO_SRC and CC_TEST_HTTP_PORT; the database
already holds the three add-ons and the demo ledger.
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


@pytest.fixture(scope="session")
def odoo_server(odoo_settings, tmp_path_factory):
    """An Odoo server on the test database, as a user would run it (no test mode)."""
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    url = f"http://127.0.0.1:{odoo_settings['port']}"
    process = subprocess.Popen(
        odoo_command(
            odoo_settings, "-d", odoo_settings["db"], f"--db-filter=^{odoo_settings['db']}$",
            "--max-cron-threads=0", f"--logfile={log}",
        ),
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Odoo exited with {process.returncode}: {log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                break
        except requests.RequestException:  # refused, or too slow while a loaded machine builds the assets
            pass
        time.sleep(1)
    else:
        process.kill()
        pytest.fail("Odoo did not answer on /web/login within 120 s")
    yield {"url": url, "db": odoo_settings["db"], "log": log}
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


class OdooRPC:
    """A thin JSON-RPC client (JSON carries None, XML-RPC does not): execute_kw as a given user."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self._call("common", "authenticate", db, login, password, {})
        if not self.uid:
            raise AssertionError(f"login {login} refused")

    def _call(self, service, method, *args):
        answer = requests.post(f"{self.url}/jsonrpc", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": service, "method": method, "args": list(args)},
        }, timeout=600).json()
        if "error" in answer:
            raise AssertionError(answer["error"]["data"].get("debug") or answer["error"])
        return answer.get("result")

    def __call__(self, model, method, *args, **kwargs):
        return self._call("object", "execute_kw", self.db, self.uid, self.password, model, method, list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                    fields=["res_id"])
        assert rows, f"no record {xmlid}"
        return rows[0]["res_id"]


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
    server_id = admin_rpc("ir.mail_server", "create", {
        "name": "test SMTP", "smtp_host": "127.0.0.1", "smtp_port": controller.port,
        "smtp_encryption": "none", "sequence": 0,
    })
    yield inbox
    admin_rpc("ir.mail_server", "unlink", [server_id])
    controller.stop()
