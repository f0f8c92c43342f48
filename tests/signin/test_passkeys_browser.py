"""Passkeys in a real browser (issue 27 point 1): an editor who must have a second factor creates a
passkey at the first sign-in and signs in with it the next time, on Chromium's virtual
authenticator (the DevTools protocol's WebAuthn domain, through Playwright's CDP session)."""

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from assessments.models import AuditEvent
from signin import otp
from tests.browser import browser, demo_live_server  # noqa: F401 (the fixtures)
from tests.factories import DEMO_PASSWORD, EDITOR, user

pytestmark = pytest.mark.browser

AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}


def sign_in_with_password(page, server):
    page.goto(server.url + "/accounts/login/")
    page.locator("#id_username").fill(EDITOR)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()


def test_it_enrols_a_passkey_at_the_first_sign_in_and_signs_in_with_it(browser, demo_live_server,  # noqa: F811
                                                                        settings):
    settings.OTP_REQUIRED = True
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})["authenticatorId"]
    server = demo_live_server

    # First sign-in: the password, then the guided enrolment, the passkey offered first.
    sign_in_with_password(page, server)
    page.wait_for_url(re.compile(r"/app/security/setup/"))
    page.locator("#passkey-register-button").click()
    page.wait_for_url(re.compile(r"/app/security/recovery-codes/"))
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    [credential] = WebAuthnCredential.objects.filter(user__username=EDITOR, confirmed=True)
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    assert AuditEvent.objects.filter(action="otp.passkey_add", actor__username=EDITOR).count() == 1
    assert otp.enrolled(user(EDITOR)) and otp.recovery_codes_left(user(EDITOR)) == 10
    page.goto(server.url + "/app/")
    assert page.url.endswith("/app/")  # this session is verified by the enrolment

    # Next sign-in: the password, then the passkey (the code form is the second choice).
    context.clear_cookies()
    sign_in_with_password(page, server)
    page.wait_for_url(re.compile(r"/accounts/otp/"))
    assert page.locator("[data-testid=passkey-verify]").is_visible()
    page.goto(server.url + "/app/")
    page.wait_for_url(re.compile(r"/accounts/otp/"))  # no staff page before the passkey
    page.locator("#passkey-verification-button").click()
    page.wait_for_url(re.compile(r"/app/$"))
    assert page.locator("main h1").count() >= 1
    credential.refresh_from_db()
    assert credential.last_used_at is not None

    # A wrong origin's ceremony is not the test's; the authenticator is gone with the context.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator})
    context.close()
