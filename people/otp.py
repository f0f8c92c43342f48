"""One-time passwords (django-otp): the second factor of sign-in.

Who is asked for a code (docs/ARCHITECTURE.md, "Sign-in: one-time passwords"):
- with OTP_REQUIRED on (the default when DEBUG is off), the system administrator (staff) and the
  supervisors (a SupervisorScope) must have an authenticator app: after the password they enter
  its code; one who has none is sent to enrol first;
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
tokens) are shown once at enrolment and each works once in place of a code.
"""

import logging
import math
from dataclasses import dataclass
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import AuditAction, SupervisorScope
from assessments.services import audit
from common.redirects import safe_url
from common.thai import to_arabic_digits

logger = logging.getLogger(__name__)

NEEDS_CODE = "ita_otp_needed"  # session: True when this sign-in must be completed with a code
FRESH_CODES = "ita_otp_fresh_codes"  # session: recovery codes just made, shown once
GUARDED = ("/app/", "/admin/", "/accounts/password_change/")
RECOVERY_CODES = 10
APP_NAME = gettext_lazy("แอปยืนยันตัวตน")
CODES_NAME = gettext_lazy("รหัสสำรอง")


# ---------------------------------------------------------------- who is asked


def required_for(user) -> bool:
    """The setting makes a second factor compulsory for this person (admin and supervisors)."""
    if not (settings.OTP_REQUIRED and user.is_authenticated):
        return False
    return user.is_staff or user.is_superuser or SupervisorScope.objects.filter(user=user).exists()


def app_device(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_code(user) -> bool:
    """Must this person's sign-in be completed with a code (an app of theirs, or the setting for
    the administrator and supervisors)? One query at most."""
    if not user.is_authenticated:
        return False
    if settings.OTP_REQUIRED and (user.is_staff or user.is_superuser):
        return True
    condition = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    if settings.OTP_REQUIRED:
        condition |= Exists(SupervisorScope.objects.filter(user=OuterRef("pk")))
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


user_logged_in.connect(_on_sign_in, dispatch_uid="people.otp.sign_in")


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


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: the pages that need a verified sign-in, and no way
    around the portal's sign-in through the admin's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == reverse("admin:login"):
            return self._admin_login(request)
        user = request.user
        if user.is_authenticated and path.startswith(GUARDED) and path != reverse("otp-setup"):
            # Asked on each page, not kept from the sign-in: a role that needs a code, given in
            # the middle of a password-only session, asks for it on the next page.
            if not verified(request) and remember(request):
                return redirect(after_password_url(request, request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _admin_login(request):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect(reverse("login") + "?" + urlencode({"next": next_url}))
        if request.user.is_active and request.user.is_staff:
            return redirect(after_password_url(request, reverse("admin:index")))
        raise PermissionDenied(_("หน้าผู้ดูแลระบบใช้ได้เฉพาะผู้ดูแลระบบ"))


# ---------------------------------------------------------------- codes


def normalise(code: str) -> str:
    """What was typed, as the devices compare it: Thai digits as Arabic, no spaces or dashes."""
    return "".join(to_arabic_digits(code or "").split()).replace("-", "").lower()


def looks_like_app_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


@dataclass(frozen=True)
class CodeChecked:
    device: object | None  # the device that accepted the code, or None
    error: str = ""
    throttled: bool = False
    recovery_left: int | None = None  # when a recovery code was used: how many are left


def _throttle_message(extra) -> str:
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
                return CodeChecked(None, _throttle_message(extra), throttled=True)
            return CodeChecked(None, _("ขณะนี้ยังยืนยันรหัสไม่ได้ กรุณาลองใหม่ภายหลัง"), throttled=True)
        if not device.verify_token(code):
            logger.warning("second factor refused for user %s (%s)", user.pk, model.__name__)
            return CodeChecked(None, _("รหัสไม่ถูกต้องหรือหมดอายุแล้ว กรุณาใส่รหัสที่แอปแสดงอยู่ขณะนี้"))
        left = None
        if model is StaticDevice:
            left = device.token_set.count()
            audit(actor=user, action=AuditAction.OTP_RECOVERY_USED,
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


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(CODES_NAME), confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
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
        codes = _new_recovery_codes(user)
        audit(actor=user, action=AuditAction.OTP_ENABLE,
              summary=_("%(user)s เปิดใช้การยืนยันตัวตนสองขั้นตอน") % {"user": user.get_username()})
    return codes


def otp_recovery_codes_renew(*, user) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        if not enrolled(user):
            raise PermissionDenied(_("ยังไม่ได้เปิดใช้การยืนยันตัวตนสองขั้นตอน"))
        codes = _new_recovery_codes(user)
        audit(actor=user, action=AuditAction.OTP_RECOVERY_CODES,
              summary=_("%(user)s สร้างรหัสสำรองชุดใหม่") % {"user": user.get_username()})
    return codes


def otp_disable(*, user):
    """The person turns the second factor off (not allowed where the setting requires it)."""
    if required_for(user):
        raise PermissionDenied(_("บัญชีของผู้ดูแลระบบและผู้กำกับดูแลต้องใช้การยืนยันตัวตนสองขั้นตอนเสมอ ปิดไม่ได้"))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit(actor=user, action=AuditAction.OTP_DISABLE,
              summary=_("%(user)s ปิดการยืนยันตัวตนสองขั้นตอน") % {"user": user.get_username()})


def otp_reset(*, user, actor):
    """The system administrator removes a person's app and recovery codes (a lost phone): the
    person signs in with the password and, where it is required, enrols again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit(actor=actor, action=AuditAction.OTP_RESET,
              summary=_("ยกเลิกการยืนยันตัวตนสองขั้นตอนของ %(user)s ให้ลงทะเบียนใหม่") % {"user": user.get_username()})


# ---------------------------------------------------------------- forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("รหัสยืนยัน"), max_length=32,
        help_text=gettext_lazy("รหัส 6 หลักที่แอปยืนยันตัวตนแสดงอยู่ขณะนี้ หรือรหัสสำรองหนึ่งรหัส"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": gettext_lazy("กรุณาใส่รหัสยืนยัน")},
    )


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("รหัส 6 หลักจากแอป"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("กรุณาใส่รหัส 6 หลักที่แอปแสดง")},
    )


# ---------------------------------------------------------------- views


def _next(request, default="app-home") -> str:
    return safe_url(request, request.POST.get("next") or request.GET.get("next") or "", default)


def _signed_in_with(request, device):
    otp_login(request, device)
    request.session.cycle_key()  # a new session key for the stronger sign-in
    request.session[NEEDS_CODE] = True


@login_required
def otp_verify(request):
    """The code step after the password."""
    next_url = _next(request)
    user = request.user
    if verified(request):
        return redirect(next_url)
    if not enrolled(user):
        if required_for(user):
            return redirect(reverse("otp-setup") + "?" + urlencode({"next": next_url}))
        request.session[NEEDS_CODE] = False
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        checked = code_check(user=user, code=form.cleaned_data["code"])
        if checked.device is not None:
            _signed_in_with(request, checked.device)
            if checked.recovery_left is not None:
                messages.warning(request, ngettext(
                    "ใช้รหัสสำรองแล้ว เหลืออีก %(left)s รหัส หากโทรศัพท์หายหรือเปลี่ยนเครื่อง กรุณาตั้งค่าแอปใหม่",
                    "ใช้รหัสสำรองแล้ว เหลืออีก %(left)s รหัส หากโทรศัพท์หายหรือเปลี่ยนเครื่อง กรุณาตั้งค่าแอปใหม่",
                    checked.recovery_left) % {"left": checked.recovery_left})
            return redirect(next_url)
        form.add_error("code", checked.error)
        status = 429 if checked.throttled else 400
    elif request.method == "POST":
        status = 400
    return render(request, "people/otp_verify.html", {"form": form, "next": next_url}, status=status)


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
def otp_setup(request):
    """Enrolment: scan the QR code (or type the secret), confirm with a code."""
    user = request.user
    next_url = _next(request, default="otp-settings")
    if enrolled(user):
        messages.info(request, _("บัญชีนี้เปิดใช้การยืนยันตัวตนสองขั้นตอนแล้ว"))
        return redirect("otp-settings")
    device = otp_enrol_start(user=user)
    form = AppCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed, extra = device.verify_is_allowed()
        codes = otp_enrol_confirm(user=user, device=device, code=form.cleaned_data["code"]) if allowed else None
        if codes is not None:
            device.refresh_from_db()
            _signed_in_with(request, device)
            request.session[FRESH_CODES] = codes
            return redirect(reverse("otp-recovery-codes") + "?" + urlencode({"next": next_url}))
        if allowed:
            form.add_error("code", _("รหัสไม่ถูกต้อง กรุณาใส่รหัส 6 หลักที่แอปแสดงอยู่ขณะนี้ (ตรวจว่าเวลาของโทรศัพท์ถูกต้อง)"))
            status = 400
        else:
            form.add_error("code", _throttle_message(extra))
            status = 429
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": next_url, "qr_svg": _qr_svg(device), "secret": _secret_text(device),
               "required": required_for(user), "issuer": settings.OTP_TOTP_ISSUER, "username": user.get_username()}
    return render(request, "people/otp_setup.html", context, status=status)


@login_required
def otp_settings(request):
    """One's own sign-in security: whether the second factor is on, recovery codes left."""
    user = request.user
    device = app_device(user)
    codes_left = recovery_codes_left(user) if device else 0
    context = {"device": device, "required": required_for(user), "codes_left": codes_left,
               "setting_on": settings.OTP_REQUIRED}
    return render(request, "people/otp_settings.html", context)


@login_required
def otp_recovery_codes(request):
    """GET: the codes just made (shown once), else how many are left; POST: ten new codes."""
    user = request.user
    if not enrolled(user):
        return redirect("otp-settings")
    if request.method == "POST":
        request.session[FRESH_CODES] = otp_recovery_codes_renew(user=user)
        messages.success(request, _("สร้างรหัสสำรองชุดใหม่แล้ว รหัสชุดเดิมใช้ไม่ได้อีก"))
        return redirect("otp-recovery-codes")
    codes = request.session.pop(FRESH_CODES, None)
    shown = [f"{code[:4]}-{code[4:]}" for code in codes] if codes else []
    codes_left = recovery_codes_left(user)
    context = {"codes": shown, "codes_text": "\n".join(shown), "codes_left": codes_left,
               "next": _next(request, default="otp-settings")}
    return render(request, "people/otp_recovery_codes.html", context)


@login_required
def otp_disable_view(request):
    """Turn the second factor off, with a current code; not for those who must use it."""
    user = request.user
    if not enrolled(user):
        return redirect("otp-settings")
    if required_for(user):
        raise PermissionDenied(_("บัญชีของผู้ดูแลระบบและผู้กำกับดูแลต้องใช้การยืนยันตัวตนสองขั้นตอนเสมอ ปิดไม่ได้"))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        checked = code_check(user=user, code=form.cleaned_data["code"])
        if checked.device is not None:
            otp_disable(user=user)
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            request.session[NEEDS_CODE] = False
            messages.success(request, _("ปิดการยืนยันตัวตนสองขั้นตอนแล้ว การเข้าสู่ระบบครั้งต่อไปใช้รหัสผ่านอย่างเดียว"))
            return redirect("otp-settings")
        form.add_error("code", checked.error)
        status = 429 if checked.throttled else 400
    elif request.method == "POST":
        status = 400
    return render(request, "people/otp_disable.html", {"form": form}, status=status)

