"""HTTP sessions for the providers the add-on calls (SMS gateways, solvency providers)."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def retrying_session(retries, method, retry_reads):
    """A requests session that retries refused connections and 502/503/504 answers ``retries`` times,
    and read errors too when ``retry_reads`` (only for calls without side effects)."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries if retry_reads else False,
        status=retries,
        backoff_factor=0.2,
        status_forcelist=(502, 503, 504),
        raise_on_status=False,
        allowed_methods=frozenset({method}),
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session
