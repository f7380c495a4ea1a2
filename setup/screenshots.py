"""Takes the README's screenshots of a running product (setup/run) with headless Chromium.

    $VENV/bin/python setup/screenshots.py [http://localhost:8069]
"""

import base64
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

URL = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PAGES = {
    "collection-actions.png": "/web#action=credit_collection.action_collection_overview",
    "collection-policy.png": "/web#action=credit_collection.action_collection_policies",
    "collection-runs.png": "/web#action=credit_collection.action_collection_runs",
    "collection-review.png": "/web#action=credit_collection.action_collection_review",
    "collection-customers.png": "/web#action=credit_collection.action_collection_customers",
}


def session_id():
    session = requests.Session()
    page = session.get(f"{URL}/web/login", timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    session.post(f"{URL}/web/login", data={"login": "admin", "password": "admin", "csrf_token": csrf}, timeout=60)
    return session.cookies["session_id"]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp()
    browser = subprocess.Popen([
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--remote-debugging-port=9333",
        "--window-size=1440,900", "about:blank"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                target = requests.get("http://127.0.0.1:9333/json", timeout=2).json()[0]
                break
            except (requests.ConnectionError, IndexError):
                time.sleep(0.2)
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10**6))

        def call(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                answer = json.loads(ws.recv())
                if answer.get("id") == message_id:
                    return answer.get("result", {})

        call("Network.enable")
        call("Network.setCookie", name="session_id", value=session_id(), domain="localhost", path="/")
        call("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        for name, path in PAGES.items():
            call("Page.navigate", url=URL + path)
            time.sleep(6)
            shot = call("Page.captureScreenshot", format="png")
            (OUT / name).write_bytes(base64.b64decode(shot["data"]))
            print("wrote", OUT / name)
    finally:
        browser.terminate()


if __name__ == "__main__":
    main()
