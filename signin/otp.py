"""One-time passwords (django-otp): the second factor of sign-in.

Who is asked for a code (docs/ARCHITECTURE.md, "Sign-in: one-time passwords"):
- with OTP_REQUIRED on (the default when DEBUG is off), every staff member must have a second
  factor: the system administrator (staff), the supervisors (a SupervisorScope) and every member
  of a body (a Membership: editor or approver), since each of them can change what a body
  publishes (OWASP ASVS 5.0 6.3.3). After the password they enter its code; one who has none is
  sent to the guided enrolment first (templates/signin/otp_setup.html says why, what to install
  and what the recovery codes are);
- anyone else may turn it on (/app/security/); once a person has a confirmed app, sign-in always
  asks for the code, whatever the setting.

A person signed in with the password only is "not verified" (django-otp's `user.is_verified()`):
SecondFactorMiddleware sends them from every page under /app/, /admin/ and the password change
to the code step (or to enrolment) until a code is accepted. Whether a session needs the code is
asked again on every guarded page of a session not yet verified (one query), not only at sign-in:
a person given a supervisor's area (or an app, or staff rights) in the middle of a password-only
session is sent to the code step on their next page. The Django admin has no sign-in of its own:
/admin/login/ sends everyone to the portal's.

Wrong codes are throttled by django-otp (after n failures the next try waits 2^(n-1) seconds,
per device); the password step stays under django-axes. Ten recovery codes (django-otp static
tokens) are shown once at enrolment and each works once in place of a code. The database keeps
only a keyed hash of each (``recovery_digest``: HMAC-SHA256 with SECRET_KEY, the first 96 bits in
the 16 characters of StaticToken.token), never the code as typed; a code is checked by its hash
(with SECRET_KEY_FALLBACKS too, so a rotated key does not void the codes printed before).
"""

import logging
import math
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from assessments.access import user_roles
from assessments.models import Membership, SupervisorScope
from assessments.services import audit
from common.errors import Refusal
from common.thai import to_arabic_digits

from .audit_actions import OtpAction

logger = logging.getLogger(__name__)

NEEDS_CODE = "ita_otp_needed"  # session: True when this sign-in must be completed with a code
FRESH_CODES = "ita_otp_fresh_codes"  # session: recovery codes just made, shown once
GUARDED = ("/app/", "/admin/", "/accounts/password_change/")
RECOVERY_CODES = 10
APP_NAME = gettext_lazy("แอปยืนยันตัวตน")
CODES_NAME = gettext_lazy("รหัสสำรอง")
REQUIRED_CANNOT_DISABLE = gettext_lazy(
    "บัญชีของเจ้าหน้าที่ ผู้กำกับดูแล และผู้ดูแลระบบต้องใช้การยืนยันตัวตนสองขั้นตอนเสมอ ปิดไม่ได้")


# ---------------------------------------------------------------- who is asked


def _holds_a_role():
    """A supervisor's area or a body's role (editor, approver), as a condition on the user."""
    return Exists(SupervisorScope.objects.filter(user=OuterRef("pk"))) | Exists(
        Membership.objects.filter(user=OuterRef("pk")))


def required_for(user) -> bool:
    """The setting makes a second factor compulsory for this person: the administrator (staff),
    the supervisors and every body's editors and approvers."""
    if not (settings.OTP_REQUIRED and user.is_authenticated):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return get_user_model().objects.filter(pk=user.pk).filter(_holds_a_role()).exists()


def app_device(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def enrolled(user) -> bool:
    """A confirmed second factor: a passkey (signin/passkeys.py) or the app."""
    return (WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
            or TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def needs_code(user) -> bool:
    """Must this person's sign-in be completed with a code (an app of theirs, or the setting for
    the administrator, the supervisors and the bodies' members)? One query at most."""
    if not user.is_authenticated:
        return False
    if settings.OTP_REQUIRED and (user.is_staff or user.is_superuser):
        return True
    condition = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)) | Exists(
        WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True))
    if settings.OTP_REQUIRED:
        condition |= _holds_a_role()
    return get_user_model().objects.filter(pk=user.pk).filter(condition).exists()


def remember(request) -> bool:
    """Whether the session must be completed with a code, asked now (the answer is kept in the
    session for the sign-in and code steps; it is written only when it changes)."""
    needed = needs_code(request.user)
    if request.session.get(NEEDS_CODE) != needed:
        request.session[NEEDS_CODE] = needed
    return needed


def _on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[NEEDS_CODE] = needs_code(user)


user_logged_in.connect(_on_sign_in, dispatch_uid="signin.otp.sign_in")


def verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def after_password_url(request, next_url: str) -> str:
    """Where the sign-in goes once the password is right: the code step, enrolment, or on."""
    if not request.session.get(NEEDS_CODE) or verified(request):
        return next_url
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    if enrolled(request.user):
        return reverse("otp-verify") + query
    return reverse("otp-setup") + query


# ---------------------------------------------------------------- codes


def normalise(code: str) -> str:
    """What was typed, as the devices compare it: Thai digits as Arabic, no spaces or dashes."""
    return "".join(to_arabic_digits(code or "").split()).replace("-", "").lower()


def looks_like_app_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


RECOVERY_SALT = "signin.otp.recovery_code"  # the same in signin/migrations/0001_hash_recovery_codes.py


def recovery_digest(code: str, secret=None) -> str:
    """What the database keeps of a recovery code: HMAC-SHA256 of the normalised code keyed with
    SECRET_KEY (or ``secret``), its first 96 bits as 16 URL-safe base64 characters (the width of
    StaticToken.token). A code has 40 random bits; without the key the hash tells nothing."""
    mac = salted_hmac(RECOVERY_SALT, normalise(code), secret=secret, algorithm="sha256").digest()
    return urlsafe_b64encode(mac).decode()[:16]


def _recovery_digests(code: str) -> list[str]:
    return [recovery_digest(code, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def _recovery_verify(device: StaticDevice, code: str) -> bool:
    """django-otp's StaticDevice.verify_token, by hash: the code's token is used up, or the
    failure counted for the throttling (the caller asked ``verify_is_allowed`` first)."""
    match = device.token_set.filter(token__in=_recovery_digests(code)).first()
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


@dataclass(frozen=True)
class CodeChecked:
    device: object | None  # the device that accepted the code, or None
    error: str = ""
    throttled: bool = False
    recovery_left: int | None = None  # when a recovery code was used: how many are left


def throttle_message(extra) -> str:
    locked_until = (extra or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return ngettext(
        "ใส่รหัสผิดหลายครั้งเกินไป กรุณารอ %(seconds)s วินาทีแล้วลองใหม่",
        "ใส่รหัสผิดหลายครั้งเกินไป กรุณารอ %(seconds)s วินาทีแล้วลองใหม่",
        seconds,
    ) % {"seconds": seconds}


def code_check(*, user, code: str) -> CodeChecked:
    """Check a code from the app (6 digits) or a recovery code against this person's devices,
    under django-otp's throttling. A recovery code that works is used up (and audited)."""
    code = normalise(code)
    model = TOTPDevice if looks_like_app_code(code) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            return CodeChecked(None, _("รหัสไม่ถูกต้อง กรุณาใส่รหัส 6 หลักจากแอปยืนยันตัวตน หรือรหัสสำรอง"))
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            if (extra or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                return CodeChecked(None, throttle_message(extra), throttled=True)
            return CodeChecked(None, _("ขณะนี้ยังยืนยันรหัสไม่ได้ กรุณาลองใหม่ภายหลัง"), throttled=True)
        accepted = _recovery_verify(device, code) if model is StaticDevice else device.verify_token(code)
        if not accepted:
            logger.warning("second factor refused for user %s (%s)", user.pk, model.__name__)
            return CodeChecked(None, _("รหัสไม่ถูกต้องหรือหมดอายุแล้ว กรุณาใส่รหัสที่แอปแสดงอยู่ขณะนี้"))
        left = None
        if model is StaticDevice:
            left = device.token_set.count()
            audit(actor=user, action=OtpAction.OTP_RECOVERY_USED,
                  summary=_("%(user)s เข้าสู่ระบบด้วยรหัสสำรอง (เหลือ %(left)s รหัส)") % {"user": user.get_username(),
                                                                                     "left": left})
        return CodeChecked(device, recovery_left=left)


# ---------------------------------------------------------------- services


def otp_enrol_start(*, user) -> TOTPDevice:
    """The app being set up: the person's unconfirmed device, made once and kept until confirmed
    (so the QR code stays the same when the page is reloaded)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(APP_NAME), confirmed=False)
    return device


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(CODES_NAME), confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_digest(code)) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the user's confirmed set still has (one query)."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def otp_enrol_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows: the device is confirmed, any other app of the
    person removed, and ten new recovery codes made (returned, to be shown once). None when the
    code is wrong (django-otp's throttling counts it)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(normalise(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(user)
        audit(actor=user, action=OtpAction.OTP_ENABLE,
              summary=_("%(user)s เปิดใช้การยืนยันตัวตนสองขั้นตอน") % {"user": user.get_username()})
    return codes


def otp_recovery_codes_renew(*, user) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        if not enrolled(user):
            raise PermissionDenied(_("ยังไม่ได้เปิดใช้การยืนยันตัวตนสองขั้นตอน"))
        codes = new_recovery_codes(user)
        audit(actor=user, action=OtpAction.OTP_RECOVERY_CODES,
              summary=_("%(user)s สร้างรหัสสำรองชุดใหม่") % {"user": user.get_username()})
    return codes


def otp_disable(*, user):
    """The person turns the second factor off (not allowed where the setting requires it)."""
    if required_for(user):
        raise PermissionDenied(str(REQUIRED_CANNOT_DISABLE))
    with transaction.atomic():
        _remove_second_factor(user)
        audit(actor=user, action=OtpAction.OTP_DISABLE,
              summary=_("%(user)s ปิดการยืนยันตัวตนสองขั้นตอน") % {"user": user.get_username()})


def _remove_second_factor(user) -> None:
    """Every factor of the person: the app, the recovery codes, the passkeys."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()


def has_second_factor(user) -> bool:
    """Anything to reset: an app (confirmed or being set up), recovery codes or a passkey."""
    return (TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()
            or WebAuthnCredential.objects.filter(user=user).exists())


def second_factor_reset(*, person, actor, org):
    """A person lost both their app and their recovery codes: the body's approver (for its
    editors), the area's supervisor (for its approvers and editors) or the administrator removes
    their second factor, as the policy answers (``may_reset_second_factor_of``: every role the
    person holds must be one the actor may reset, so nobody opens another body's or a
    supervisor's account). The person enrols again at their next sign-in; a session of theirs
    verified with the old factor is asked again on its next page. Audited in the body's people log."""
    if person.pk == actor.pk:
        raise Refusal(_("ยกเลิกการยืนยันตัวตนสองขั้นตอนของตนเองไม่ได้ หากทำหายทั้งแอปและรหัสสำรอง "
                        "กรุณาติดต่อผู้บริหารของหน่วยงาน ผู้กำกับดูแลพื้นที่ หรือผู้ดูแลระบบ"))
    staff = person.is_staff or person.is_superuser
    if not user_roles(actor).may_reset_second_factor_of(user_roles(person), staff=staff):
        raise PermissionDenied(_("คุณยกเลิกการยืนยันตัวตนสองขั้นตอนของบัญชีนี้ไม่ได้ เพราะบัญชีนี้มีบทบาทที่อยู่นอกความรับผิดชอบของคุณ "
                                 "กรุณาติดต่อผู้ดูแลระบบ"))
    with transaction.atomic():
        if not has_second_factor(person):
            raise Refusal(_("%(user)s ยังไม่ได้ตั้งค่าการยืนยันตัวตนสองขั้นตอน ไม่มีสิ่งใดให้ยกเลิก")
                          % {"user": person.get_full_name() or person.get_username()})
        _remove_second_factor(person)
        audit(actor=actor, action=OtpAction.OTP_RESET_PERSON, org=org, detail={"user": person.pk},
              summary=_("ยกเลิกการยืนยันตัวตนสองขั้นตอนของ %(user)s (ทำหายทั้งแอปและรหัสสำรอง) ให้ตั้งค่าใหม่")
              % {"user": person.get_full_name() or person.get_username()})


def otp_reset(*, user, actor):
    """The system administrator removes a person's app and recovery codes (a lost phone): the
    person signs in with the password and, where it is required, enrols again."""
    with transaction.atomic():
        _remove_second_factor(user)
        audit(actor=actor, action=OtpAction.OTP_RESET,
              summary=_("ยกเลิกการยืนยันตัวตนสองขั้นตอนของ %(user)s ให้ลงทะเบียนใหม่") % {"user": user.get_username()})
