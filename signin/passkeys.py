"""Passkeys (WebAuthn, django-otp-webauthn): the second factor offered first, the phone's or the
PC's own unlock (fingerprint, face, PIN) that a clerk already uses; the authenticator app (TOTP)
is the second choice (signin/otp.py).

A passkey is a second factor here, never a sign-in of its own (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN
off): the password first (django-axes counts it), then the passkey. The package's four JSON views
are wired by signin/urls.py under /accounts/passkeys/ (the code step must reach them before the
session is verified), two of them through the subclasses below; templates/signin/_passkey_scripts.html
loads its scripts with ``config``:
- registering a passkey is open to a session that is verified, or to one whose person has no
  second factor yet (the package's own check: a password alone never adds a second factor); the
  first one makes ten recovery codes (shown once, as for the app) and each is audited;
- signing in with one verifies the session (django-otp's login) and gives it a new key.

The relying party is the site's own host name; the origins a passkey is accepted from are
OTP_WEBAUTHN_ALLOWED_ORIGINS (https, from ALLOWED_HOSTS unless set), and on a local address
(localhost, 127.0.0.1: ``make run``, the tests' live server) the request's own origin.
The package's scripts are served from its own static files (nothing from a CDN), with a Thai
JavaScript catalogue (``PasskeyCatalog``) and static/js/passkeys.js for what follows a
registration."""

import json

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from assessments.services import audit

from .audit_actions import OtpAction
from .otp import FRESH_CODES, NEEDS_CODE, new_recovery_codes

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def rp_id(request) -> str:
    """The relying party: OTP_WEBAUTHN_RP_ID, else the host name the site is reached at (checked by
    ALLOWED_HOSTS before any view runs)."""
    return settings.OTP_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]


class PortalWebAuthnHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        host = self.request.get_host()
        if host.rsplit(":", 1)[0] in LOCAL_HOSTS:
            origins.append(f"{self.request.scheme}://{host}")
        return origins


def config(request) -> dict:
    """What the package's scripts read (its template tags' configuration, with the portal's URL
    names): the JSON views, the CSRF token, the field that holds ``next``."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": get_token(request),
        "beginAuthenticationUrl": reverse("passkey-auth-begin"),
        "completeAuthenticationUrl": reverse("passkey-auth-complete"),
        "beginRegistrationUrl": reverse("passkey-register-begin"),
        "completeRegistrationUrl": reverse("passkey-register-complete"),
    }


def passkeys(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    """The package's registration, then: the first second factor of the person makes the recovery
    codes (shown next, once); audited; the session gets a new key."""

    def post(self, *args, **kwargs):
        user = self.get_user()
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            first = not StaticDevice.objects.filter(user=user).exists()
            if first:
                self.request.session[FRESH_CODES] = new_recovery_codes(user)
            audit(actor=user, action=OtpAction.OTP_PASSKEY_ADD,
                  summary=_("%(user)s เพิ่มพาสคีย์สำหรับยืนยันตัวตนขั้นที่สอง") % {"user": user.get_username()})
        self.request.session.cycle_key()
        self.request.session[NEEDS_CODE] = True
        next_url = reverse("otp-recovery-codes") if first else reverse("otp-settings")
        return JsonResponse({**json.loads(response.content), "redirect_url": next_url})


class PasskeyAuthenticationComplete(CompleteCredentialAuthenticationView):
    """The package's check of the passkey (of the signed-in person only), then a new session key."""

    def complete_auth(self, device):
        super().complete_auth(device)
        self.request.session.cycle_key()
        self.request.session[NEEDS_CODE] = True


# The package's scripts call gettext() with English sentences: their Thai.
THAI = {
    "An error occurred during registration.": "เกิดข้อผิดพลาดระหว่างบันทึกพาสคีย์ กรุณาลองใหม่",
    "An error occurred during verification.": "เกิดข้อผิดพลาดระหว่างยืนยันตัวตน กรุณาลองใหม่",
    "Finishing registration...": "กำลังบันทึกพาสคีย์...",
    "Finishing verification...": "กำลังยืนยันตัวตน...",
    "Register a Passkey": "เพิ่มพาสคีย์",
    "Registering...": "กำลังบันทึกพาสคีย์...",
    "Registration aborted or not allowed.": "ยกเลิกการบันทึกพาสคีย์ หรือเบราว์เซอร์ไม่อนุญาต",
    "Registration aborted.": "ยกเลิกการบันทึกพาสคีย์แล้ว",
    "Registration failed. A server error occurred.": "บันทึกพาสคีย์ไม่สำเร็จ ระบบขัดข้อง กรุณาลองใหม่",
    "Registration failed. A technical problem occurred that prevents you from registering a Passkey for "
    "this site.": "บันทึกพาสคีย์ไม่สำเร็จ เบราว์เซอร์หรืออุปกรณ์นี้ใช้พาสคีย์กับเว็บไซต์นี้ไม่ได้ กรุณาใช้แอปยืนยันตัวตนแทน",
    "Registration failed. An unknown error occurred.": "บันทึกพาสคีย์ไม่สำเร็จ กรุณาลองใหม่",
    "Registration failed. The server was unable to verify this passkey.": "บันทึกพาสคีย์ไม่สำเร็จ ระบบตรวจพาสคีย์นี้ไม่ผ่าน",
    "Registration failed. Unable to fetch registration options from server.":
        "บันทึกพาสคีย์ไม่สำเร็จ ติดต่อระบบไม่ได้ กรุณาลองใหม่",
    "Registration failed. You most likely already have a Passkey registered for this site.":
        "บันทึกพาสคีย์ไม่สำเร็จ อุปกรณ์นี้น่าจะมีพาสคีย์ของบัญชีนี้อยู่แล้ว",
    "Registration successful!": "บันทึกพาสคีย์เรียบร้อยแล้ว",
    "Verification aborted.": "ยกเลิกการยืนยันตัวตนแล้ว",
    "Verification canceled or not allowed.": "ยกเลิกการยืนยันตัวตน หรือเบราว์เซอร์ไม่อนุญาต",
    "Verification failed. A server error occurred.": "ยืนยันตัวตนไม่สำเร็จ ระบบขัดข้อง กรุณาลองใหม่",
    "Verification failed. An unknown error occurred.": "ยืนยันตัวตนไม่สำเร็จ กรุณาลองใหม่",
    "Verification failed. An unknown server error occurred.": "ยืนยันตัวตนไม่สำเร็จ ระบบขัดข้อง กรุณาลองใหม่",
    "Verification failed. Could not retrieve parameters from the server.": "ยืนยันตัวตนไม่สำเร็จ ติดต่อระบบไม่ได้ กรุณาลองใหม่",
    "Verification successful!": "ยืนยันตัวตนสำเร็จ",
    "Verify with Passkey": "ยืนยันด้วยพาสคีย์",
    "Verifying...": "กำลังยืนยันตัวตน...",
}


class PasskeyCatalog(JavaScriptCatalog):
    """The package's scripts' sentences in Thai (the portal keeps no message files)."""

    def get_catalog(self):
        return dict(THAI)
