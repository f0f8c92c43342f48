"""Settings come from the environment and fail loudly (checked in fresh processes)."""

import os
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR
OWN_VARIABLES = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "PORTAL_URL"}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    base["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_without_a_secret_key_in_debug():
    assert manage("check", DEBUG="1").returncode == 0


def test_a_bad_boolean_is_a_clear_error():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr


def test_check_deploy_is_clean_with_production_like_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    SECRET_KEY="k" * 20 + "-production-like-secret-value-0123456789abcdef",
                    ALLOWED_HOSTS="ita.example.go.th", DATABASE_URL="sqlite:///:memory:",
                    PORTAL_URL="https://ita.example.go.th")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_defaults_are_thai_bangkok_and_sqlite_under_var():
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"


def test_database_url_default_is_a_sqlite_file_under_var():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
                    DEBUG="1")
    assert result.stdout.strip().endswith("var/ita_portal.sqlite3")


def test_behind_pgbouncer_server_side_cursors_are_turned_off():
    code = "from django.conf import settings; d = settings.DATABASES['default']; " \
           "print(d['CONN_MAX_AGE'], d['DISABLE_SERVER_SIDE_CURSORS'])"

    def printed(**env):
        return manage("shell", "-c", code, DEBUG="1", **env).stdout.strip().splitlines()[-1].split()

    assert printed() == ["60", "False"]
    assert printed(DB_CONN_MAX_AGE="0", DB_PGBOUNCER="1") == ["0", "True"]
