"""The LINE tests' fixtures: the Messaging API's stand-in on 127.0.0.1 (tests/line_stub.py), with
LINE_API_URL pointing at it, and a person's LINE account linked through the real flow."""

import pytest

from tests import line_stub
from tests.notifying import DB_TASKS


@pytest.fixture
def line_api(settings):
    """The stand-in, started for the test: `.pushes`, `.attempts`, `.replies`, `.link_tokens`, `.fail`."""
    api = line_stub.start(settings.LINE_CHANNEL_ACCESS_TOKEN)
    settings.LINE_API_URL = api.url
    try:
        yield api
    finally:
        line_stub.stop(api)


def link_line(person, n: int = 1) -> str:
    """Link ``person``'s LINE account (user ID number ``n``) as LINE's flow does: the portal's nonce
    for them, then LINE's accountLink event with it. Returns the LINE user ID."""
    from notifications import linking

    line_user_id = line_stub.user_id(n)
    nonce = linking.link_start(user=person)
    assert linking.account_linked(line_user_id=line_user_id, nonce=nonce, ok=True) == person
    return line_user_id


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue, as in production (a worker sends them)."""
    settings.TASKS = DB_TASKS
    return settings
