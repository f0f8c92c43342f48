"""Passkeys (signin/passkeys.py), without a browser: a passkey counts as a second factor (who is
asked, who is enrolled, what a reset removes), a password alone never adds one, the code step
offers it first, and the scripts come from the portal's own static files with Thai words."""

import json
import os

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from signin import otp
from tests.factories import APPROVER, DEMO_PASSWORD, EDITOR, login, user
from tests.otp_codes import enrol

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/otp/"


def add_passkey(person):
    """A passkey row as the package stores one (its ceremony is the browser test's)."""
    return WebAuthnCredential.objects.create(user=person, name="passkey", confirmed=True, credential_id=os.urandom(16),
                                             public_key=os.urandom(64), sign_count=0)


def sign_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})


def test_a_passkey_is_a_second_factor(settings):
    editor = user(EDITOR)
    add_passkey(editor)
    assert otp.enrolled(editor) and otp.needs_code(editor) and otp.has_second_factor(editor)
    client = Client()
    assert sign_in(client, EDITOR)["Location"].startswith(VERIFY)  # asked with the setting off too
    html = client.get(VERIFY).content.decode()
    # The passkey first, then the code form; the package's script from the portal's static files.
    assert html.index('data-testid="passkey-verify"') < html.index('name="code"')
    assert 'id="otp_webauthn_config"' in html and "/static/django_otp_webauthn/otp_webauthn_auth.js" in html
    assert "//" not in "".join(part.split('src="')[1].split('"')[0] for part in html.split("<script")[1:]
                               if 'src="' in part).replace("/static/", "")
    assert client.get("/app/")["Location"].startswith(VERIFY)


def test_a_password_alone_never_adds_a_passkey(client):
    enrol(user(EDITOR))
    sign_in(client, EDITOR)  # at the code step, not verified
    response = client.post("/accounts/passkeys/registration/begin/", content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "user_not_verified"


def test_someone_without_a_second_factor_may_start_one(client):
    login(client, EDITOR)
    response = client.post("/accounts/passkeys/registration/begin/", content_type="application/json")
    assert response.status_code == 200 and response.json()["rp"]["id"] == "testserver"


def test_a_passkey_ceremony_without_a_session_is_refused():
    response = Client().post("/accounts/passkeys/authentication/begin/", content_type="application/json")
    assert response.status_code == 403  # no sign-in by passkey alone: the password comes first


def test_the_reset_and_turning_it_off_remove_the_passkeys(client):
    add_passkey(user(EDITOR))
    login(client, APPROVER)
    assert client.post(f"/app/orgs/thesaban-mueang-ang-thong/people/"
                       f"{user(EDITOR).memberships.get().pk}/second-factor/reset/").status_code == 302
    assert not WebAuthnCredential.objects.filter(user__username=EDITOR).exists()
    add_passkey(user(APPROVER))
    otp.otp_disable(user=user(APPROVER))
    assert not WebAuthnCredential.objects.filter(user__username=APPROVER).exists()


def test_the_scripts_speak_thai(client):
    login(client, EDITOR)
    html = client.get("/app/security/setup/").content.decode()
    assert html.index('data-testid="passkey-setup"') < html.index('class="otp-qr')  # the passkey offered first
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in html and "/static/js/passkeys.js" in html
    catalog = client.get("/accounts/passkeys/jsi18n/").content.decode()
    assert all(json.dumps(thai)[1:-1] in catalog for thai in ["ยืนยันด้วยพาสคีย์", "บันทึกพาสคีย์เรียบร้อยแล้ว"])
