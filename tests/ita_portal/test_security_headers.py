"""Web hardening: headers on public and staff pages, cookies, CSRF on every form."""

import collections

import pytest
from django.test import Client

from tests.factories import DEMO_PASSWORD, EDITOR, login

from .test_url_permissions import MATRIX


@pytest.mark.parametrize("path, username", [("/orgs/abt-dong-khwang/2568/", None),
                                            ("/app/orgs/thesaban-mueang-ang-thong/2569/plan/", EDITOR)])
def test_public_and_staff_pages_send_the_security_headers(client, db, path, username):
    if username:
        login(client, username)
    response = client.get(path, secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_has_an_inline_script(client, db):
    login(client, EDITOR)
    for path in ("/", "/orgs/thesaban-mueang-ang-thong/2568/", "/app/",
                 "/app/orgs/thesaban-mueang-ang-thong/2569/plan/", "/accounts/login/"):
        html = client.get(path).content.decode()
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), path


def test_session_and_csrf_cookies_are_secure_and_the_session_one_httponly(db, anonymous, settings):
    response = anonymous.post("/accounts/login/", {"username": EDITOR, "password": DEMO_PASSWORD}, secure=True)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert settings.CSRF_COOKIE_SECURE and settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


# Not a form: LINE's webhook is signed by LINE (X-Line-Signature), not by a browser's CSRF token
# (tests/notifications/test_line_webhook_view.py refuses every unsigned or wrongly signed delivery).
SIGNED_NOT_FORMS = {"line-webhook"}


@pytest.mark.parametrize("name", sorted(n for n, (method, *_rest) in MATRIX.items()
                                        if method == "post" and n not in SIGNED_NOT_FORMS))
def test_every_form_post_needs_the_csrf_token(db, name):
    method, path, data, _expected = MATRIX[name]
    client = Client(enforce_csrf_checks=True)
    login(client, EDITOR)
    # The CSRF check comes before the view, so any object number will do.
    url = path.format_map(collections.defaultdict(lambda: "1", evidence="0" * 32))
    response = client.post(url, data)
    assert response.status_code == 403 and "ส่งแบบฟอร์มไม่สำเร็จ" in response.content.decode()  # the CSRF page


def test_login_page_posts_need_the_csrf_token_too(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": EDITOR, "password": DEMO_PASSWORD})
    assert response.status_code == 403 and "ส่งแบบฟอร์มไม่สำเร็จ" in response.content.decode()  # the CSRF page
