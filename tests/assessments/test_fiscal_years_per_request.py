"""The frameworks' token is read from the shared cache once per request and held until the request
ends (assessments/fiscal_years.py): a page asks for it several times. Outside a request every ask
reads it, and a framework change made inside a request is seen at once by that request."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from assessments import fiscal_years
from tests.factories import ANGTHONG, EDITOR, login


@pytest.fixture
def token_reads(monkeypatch):
    """Every read of the token from the shared cache, counted."""
    reads, shared = [], fiscal_years.cache

    class Counting:
        def __getattr__(self, name):
            return getattr(shared, name)

        def get(self, key, *args, **kwargs):
            if key == fiscal_years.TOKEN_KEY:
                reads.append(key)
            return shared.get(key, *args, **kwargs)

    monkeypatch.setattr(fiscal_years, "cache", Counting())
    return reads


@pytest.fixture
def asks(monkeypatch):
    """Every ask for the frameworks' state (the token, the years), counted."""
    calls, current = [], fiscal_years._current
    monkeypatch.setattr(fiscal_years, "_current", lambda: calls.append(1) or current())
    return calls


@contextmanager
def a_request():
    """Between a request's start and its end, as the handler signals them (the database
    connection left alone, as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        try:
            yield
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_page_reads_the_token_once_however_often_it_asks(client, db, token_reads, asks):
    login(client, EDITOR)
    fiscal_years.token()  # the years are known to this process and the token is stored
    token_reads.clear()
    assert client.get(f"/app/orgs/{ANGTHONG}/2569/plan/").status_code == 200
    assert len(asks) > 1 and len(token_reads) == 1


def test_outside_a_request_every_ask_reads_the_token(db, token_reads):
    fiscal_years.token()
    token_reads.clear()
    fiscal_years.token()
    fiscal_years.plan_years()
    fiscal_years.framework_years()
    assert len(token_reads) == 3


def test_a_request_holds_the_token_until_it_ends(db, token_reads):
    fiscal_years.token()
    with a_request():
        held = fiscal_years.token()
        cache.set(fiscal_years.TOKEN_KEY, "another process's change", None)
        assert fiscal_years.token() == held  # read once, at the first ask
    assert fiscal_years.token() == "another process's change"  # the next ask after the request reads it


def test_a_framework_change_inside_a_request_is_seen_at_once(db, token_reads):
    with a_request():
        before = fiscal_years.token()
        fiscal_years.changed()
        after = fiscal_years.token()
        assert after != before and after == cache.get(fiscal_years.TOKEN_KEY)
        token_reads.clear()
        assert fiscal_years.token() == after and not token_reads  # and held again from then on
