"""Transactions of the background jobs."""

import psycopg2

from odoo import modules

# Errors that say "try again later", never "this reminder is wrong".
TRANSIENT_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.QueryCanceled,
)


def is_transient(error):
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    # Two workers opening the case of one customer at once: on its next try, the second finds the first's.
    return (
        isinstance(error, psycopg2.errors.UniqueViolation)
        and error.diag.constraint_name == "credit_collection_case_one_open"
    )


def in_test_mode(env):
    """Odoo's tests run in one transaction that must never be committed."""
    return bool(modules.module.current_test)


def shorten(text, length):
    """``text`` cut to ``length`` characters, with an ellipsis when it was longer."""
    text = text or ""
    return text if len(text) <= length else text[: length - 1] + "…"
