"""Sessions are read from the shared cache only when there is one (REDIS_URL): a per-process cache
would keep a signed-out session alive in the other processes (checked in fresh processes)."""

import os
import subprocess
import sys

from django.conf import settings

OWN_VARIABLES = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
PRINT = ("from django.conf import settings; "
         "print(settings.SESSION_ENGINE); print(settings.CACHES['default']['BACKEND'])")


def chosen(**env) -> list[str]:
    """The session engine and cache backend the real settings choose in a fresh process."""
    base = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=settings.BASE_DIR, capture_output=True, text=True,
                            timeout=60, env={**base, "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "1",
                                             "SECRET_KEY": "test-only-key-not-secret-" + "x" * 40, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_with_redis_sessions_are_read_from_the_cache_and_written_to_the_database():
    assert chosen(REDIS_URL="redis://127.0.0.1:6379/13") == [
        "django.contrib.sessions.backends.cached_db", "common.redis_cache.RedisCache"]


def test_without_redis_sessions_live_in_the_database_only():
    alone = ["django.contrib.sessions.backends.db", "django.core.cache.backends.locmem.LocMemCache"]
    assert chosen() == alone and chosen(REDIS_URL="") == alone
