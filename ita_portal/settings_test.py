"""Settings for the test suite: the real settings plus a throwaway key and a fast hasher."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploaded and published files of the test run go to a fresh temporary folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ita-test-media-"))
AXES_ENABLED = True
# Signed-in personas (force_login) reach their pages with the password only; the tests of the
# second factor turn it on (tests/signin/test_otp.py).
OTP_REQUIRED = False

# Tasks run at once, inside the request, so tests see their results.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
OIT_LINK_CHECK_AFTER_SAVE = False  # no network from a save; tests/oit/ run the checker against a local server
# LINE is on, with a test secret; its API address is a closed local port until a test starts the
# Messaging API's stand-in (tests/line_stub.py, the ``line_api`` fixture of tests/notifications/).
LINE_CHANNEL_ACCESS_TOKEN = "test-line-access-token"
LINE_CHANNEL_SECRET = "test-line-channel-secret"
LINE_API_URL = "http://127.0.0.1:9"

# Public-page caching is off in tests (writes never commit inside a test's transaction, so
# the cache would never be invalidated); tests/common/test_public_cache.py turns it on.
PUBLIC_CACHE_SECONDS = 0
DASHBOARD_CACHE_SECONDS = 0
PLAN_PAGE_CACHE_SECONDS = 0

# On SQLite the test database is a file, as in `make run` (not shared-cache memory, whose
# table locks behave differently): the concurrency tests use real threads against it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="ita-test-db-")) / "test.sqlite3")}  # noqa: F405
