import pytest

from assessments.models import Organization

from . import demo, factories
from .browser import chromium  # noqa: F401 (the worker's one Chromium, for every browser test)
from .factories import ADMIN, ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, OUTSIDE_SUPERVISOR, SUPERVISOR, user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the real demo data (frameworks, seed bodies, users), loaded once
    per worker and kept (tests/demo.py) for the transactional tests that need it again."""
    with django_db_blocker.unblock():
        created = demo.ensure_test_database()
        demo.load()
    yield
    if created:
        with django_db_blocker.unblock():
            demo.drop_test_database(created)


@pytest.fixture
def demo_db(transactional_db):
    """A transactional test's database with the demo in it, committed (a transactional test
    otherwise starts from what the last one left: an empty database)."""
    demo.restore()


def pytest_collection_modifyitems(items):
    """After pytest-django's order (tests in a transaction, then transactional ones, then the
    rest), the browser tests last: they share one Chromium per worker (tests/browser.py), whose
    Playwright event loop stays open in the worker's thread until the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


TRANSACTIONAL = {"transactional_db", "live_server", "demo_db", "django_db_serialized_rollback"}
_emptied = {"since": None}  # the last transactional test of this worker, if none restored since


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(TRANSACTIONAL & set(getattr(item, "fixturenames", ()))) or bool(
        marker and marker.kwargs.get("transaction"))


def pytest_runtest_setup(item):
    """pytest-django runs the tests in a transaction before the transactional ones, whose database
    it empties after each; but with --dist worksteal a worker that ran a transactional test can
    steal the other worker's queue and meet a test in a transaction again. That test gets the
    demo back first (tests/demo.py restore), rather than an empty database."""
    uses_database = "db" in getattr(item, "fixturenames", ()) or item.get_closest_marker("django_db")
    if _emptied["since"] is None or _transactional(item) or not uses_database:
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        demo.restore()
    _emptied["since"] = None


def pytest_runtest_teardown(item):
    if _transactional(item):
        _emptied["since"] = item.nodeid


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (public pages are cached per body) and nothing kept in
    this process (common/memo.py): a change rolled back with the last test must not linger."""
    from django.core.cache import cache

    from common import memo

    cache.clear()
    memo.clear_all()


@pytest.fixture
def angthong(db):
    return Organization.objects.get(slug=ANGTHONG)


# The personas (tests/factories.py names who each is): the demo User, not signed in anywhere.


def _persona(username, about):
    @pytest.fixture
    def persona(db):
        return user(username)

    persona.__doc__ = about
    return persona


editor = _persona(EDITOR, "The editor of ANGTHONG.")
approver = _persona(APPROVER, "The approver of ANGTHONG.")
other_editor = _persona(OTHER_EDITOR, "The editor of another body (อบต.บ่อแก้ว), who has no say over ANGTHONG.")
supervisor = _persona(SUPERVISOR, "The provincial supervisor whose area ANGTHONG is in.")
outside_supervisor = _persona(OUTSIDE_SUPERVISOR, "A provincial supervisor (นครราชสีมา) whose area ANGTHONG is not in.")
# Replaces pytest-django's admin_user with the demo one.
admin_user = _persona(ADMIN, "The system administrator.")


@pytest.fixture
def district_supervisor(db):
    """A supervisor of one district (อำเภอเมืองอ่างทอง, ANGTHONG's), appointed and accepted through
    the services; the rest of อ่างทอง (``other_district_body``) is outside their area."""
    return factories.district_supervisor()


@pytest.fixture
def other_district_body(db):
    """A body of อ่างทอง in another district: SUPERVISOR's, not ``district_supervisor``'s."""
    return factories.other_district_body()


@pytest.fixture
def squatter(db):
    """OTHER_EDITOR, who typed SQUATTED (someone else's address) on their profile page."""
    return factories.squat()


@pytest.fixture
def deactivated(db):
    """OTHER_APPROVER (อบต.บ่อแก้ว's executive), signed in before the account was deactivated: a
    client holding that session, and the user (now inactive) — the attacker's view of a leaver."""
    from django.test import Client

    client = Client()
    person = factories.login(client, factories.OTHER_APPROVER)
    person.is_active = False
    person.save(update_fields=["is_active"])
    return client, person


@pytest.fixture
def anonymous():
    """A fresh client nobody has signed in to."""
    from django.test import Client

    return Client()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; the settings point Django's SMTP backend at it. Yields the
    Inbox (tests/smtp.py): `.messages`, `.to(address)`, `.text(m)`, `.html(m)`, `.refuse = True`."""
    from . import smtp

    controller, inbox = smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def closed_smtp_port(settings):
    """An SMTP setting that points at a port nobody listens on (connection refused)."""
    from . import smtp

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings.EMAIL_PORT
