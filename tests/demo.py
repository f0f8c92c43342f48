"""The demo data of the test run: loaded once per worker (``setup_demo`` in tests/conftest.py's
``django_db_setup``), then put back in a moment wherever a test needs it committed.

Tests in a transaction (``db``) see the demo and roll back. A transactional test (``transactional_db``,
``live_server``) commits, and pytest-django empties the database after it; one that needs the
demo asks for ``demo_db`` (tests/conftest.py), which calls ``restore()``: on SQLite the database
file loaded once is copied back page by page (SQLite's backup API, a few milliseconds), and the
demo's media files that a test removed are copied back; on PostgreSQL the database is emptied and
``setup_demo`` runs again (as every transactional test did before)."""

import shutil
import sqlite3
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

_saved = {}


def _sqlite():
    return connection.vendor == "sqlite"


def ensure_test_database():
    """pytest-django creates the test database only when a collected test asks for it by a marker
    or a fixture; a run of only the browser page tests (a fixture of a module's own reads the
    database, tests/ita_portal/test_browser_accessibility.py) creates it here. What to drop at the
    end, or None."""
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX
    from django.test.utils import setup_databases

    name, test_name = connection.settings_dict["NAME"], connection.settings_dict["TEST"].get("NAME")
    if name == test_name or (not test_name and name.startswith(TEST_DATABASE_PREFIX)):
        return None  # pytest-django created it
    return setup_databases(verbosity=0, interactive=False, aliases={"default"})


def drop_test_database(created):
    from django.test.utils import teardown_databases

    teardown_databases(created, verbosity=0)


def load():
    """Load the demo into the (empty, migrated) test database and keep a copy of it."""
    call_command("setup_demo", "--no-migrate", verbosity=0)
    if _sqlite():
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _saved["database"] = copy
    media = Path(settings.MEDIA_ROOT)
    saved_media = Path(tempfile.mkdtemp(prefix="ita-test-demo-media-"))
    if media.exists():
        shutil.copytree(media, saved_media, dirs_exist_ok=True)
    _saved["media"] = saved_media


def restore():
    """The database as ``load()`` left it, committed, and the demo's files back in MEDIA_ROOT."""
    if "database" in _saved:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise RuntimeError("restore() replaces the whole database: not inside a test's transaction")
        _saved["database"].backup(connection.connection)
    else:
        call_command("flush", interactive=False, verbosity=0)
        call_command("setup_demo", "--no-migrate", verbosity=0)
    _restore_media()


def _restore_media():
    source = _saved.get("media")
    if source is None:
        return
    media = Path(settings.MEDIA_ROOT)
    for path in source.rglob("*"):
        if path.is_file():
            target = media / path.relative_to(source)
            if not target.is_file() or target.stat().st_size != path.stat().st_size:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
