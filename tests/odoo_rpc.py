"""The web client's JSON-RPC, used by the live-server tests and the benchmarks.

JSON carries None, XML-RPC does not; Odoo 19 deprecates /jsonrpc: a browser session logged in as a
given user calls models as the web client does.
"""

import requests


class RpcError(AssertionError):
    """Odoo refused the login or the call (an AssertionError: in a test, a refused call is a failure)."""


class OdooRPC:
    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.session = requests.Session()
        answer = self.session.post(
            f"{url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
            timeout=120,
        ).json()
        self.uid = (answer.get("result") or {}).get("uid")
        if not self.uid:
            raise RpcError(f"login {login} refused: {answer.get('error')}")

    def __call__(self, model, method, *args, **kwargs):
        answer = self.session.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=600,
        ).json()
        if "error" in answer:
            raise RpcError(answer["error"]["data"].get("debug") or answer["error"])
        return answer.get("result")

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], fields=["res_id"])
        if not rows:
            raise RpcError(f"no record {xmlid}")
        return rows[0]["res_id"]
