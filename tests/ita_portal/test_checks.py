"""The portal's own system checks (ita_portal/checks.py): with DEBUG off, mail links must not
point at the loopback (issue 20, point 10)."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from .test_settings import manage

PRODUCTION_LIKE = {"SECRET_KEY": "k" * 20 + "-production-like-secret-value-0123456789abcdef",
                   "ALLOWED_HOSTS": "ita.example.go.th", "DATABASE_URL": "sqlite:///:memory:"}


def portal_url_errors():
    return [e for e in run_checks(tags=["mail"]) if e.id == "ita_portal.E001"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000", "https://localhost", "http://LOCALHOST:8000/", "http://ita.localhost",
    "http://[::1]:8000", "http://127.1.2.3", "http://0.0.0.0:8000", "", "ita.example.go.th", "ftp://ita.example.go.th",
])
def test_with_debug_off_a_missing_or_loopback_portal_url_is_an_error_naming_the_variable(url):
    with override_settings(DEBUG=False, PORTAL_URL=url):
        (error,) = portal_url_errors()
    assert error.is_serious()
    assert "PORTAL_URL" in error.msg and "PORTAL_URL=https://" in error.hint


def test_the_default_is_named_as_the_default():
    with override_settings(DEBUG=False, PORTAL_URL="http://127.0.0.1:8000"):
        (error,) = portal_url_errors()
    assert "the default when the PORTAL_URL environment variable is not set" in error.msg


@pytest.mark.parametrize("url", ["https://ita.example.go.th", "https://ita.example.go.th/portal/", "http://10.0.0.5"])
def test_a_public_address_passes(url):
    with override_settings(DEBUG=False, PORTAL_URL=url):
        assert portal_url_errors() == []


def test_with_debug_on_the_loopback_default_is_fine_for_make_run():
    with override_settings(DEBUG=True, PORTAL_URL="http://127.0.0.1:8000"):
        assert portal_url_errors() == []


def test_check_deploy_fails_without_portal_url_and_passes_with_it():
    result = manage("check", "--deploy", **PRODUCTION_LIKE)
    assert result.returncode != 0
    assert "ita_portal.E001" in result.stderr and "PORTAL_URL" in result.stderr
    assert manage("check", "--deploy", PORTAL_URL="https://ita.example.go.th", **PRODUCTION_LIKE).returncode == 0


def test_make_run_starts_with_the_default():
    assert manage("check", DEBUG="1").returncode == 0
