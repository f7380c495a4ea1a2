"""Transactions of the background jobs."""

import threading


def in_test_mode(env):
    """Odoo's tests run in one transaction that must never be committed."""
    return getattr(threading.current_thread(), "testing", False) or env.registry.in_test_mode()


def shorten(text, length):
    """``text`` cut to ``length`` characters, with an ellipsis when it was longer."""
    text = text or ""
    return text if len(text) <= length else text[:length - 1] + "…"
