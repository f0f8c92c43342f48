"""Sign-in: the password step (Django's LoginView in Thai), the one-time password step, one's own
security settings (the authenticator app, recovery codes), and password reset."""

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import Refusal
from common.redirects import safe_url
from people.access import membership_or_404, people_access

from .forms import AppCodeForm, CodeForm
from .otp import (
    FRESH_CODES,
    NEEDS_CODE,
    REQUIRED_CANNOT_DISABLE,
    app_device,
    code_check,
    enrolled,
    otp_disable,
    otp_enrol_confirm,
    otp_enrol_start,
    otp_recovery_codes_renew,
    recovery_codes_left,
    required_for,
    second_factor_reset,
    throttle_message,
    verified,
)
from .passkeys import config as passkey_config
from .passkeys import passkeys


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
    has_passkey = passkeys(user).exists()
    context = {"form": form, "next": next_url, "has_passkey": has_passkey,
               "passkey_config": passkey_config(request) if has_passkey else None}
    return render(request, "signin/otp_verify.html", context, status=status)


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
            form.add_error("code", throttle_message(extra))
            status = 429
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": next_url, "qr_svg": _qr_svg(device), "secret": _secret_text(device),
               "required": required_for(user), "issuer": settings.OTP_TOTP_ISSUER, "username": user.get_username(),
               "passkey_config": passkey_config(request)}
    return render(request, "signin/otp_setup.html", context, status=status)


@login_required
def otp_settings(request):
    """One's own sign-in security: whether the second factor is on, recovery codes left."""
    user = request.user
    device = app_device(user)
    keys = list(passkeys(user))
    codes_left = recovery_codes_left(user) if device or keys else 0
    context = {"device": device, "required": required_for(user), "codes_left": codes_left,
               "setting_on": settings.OTP_REQUIRED, "passkeys": keys, "enrolled": bool(device or keys),
               "may_add_passkey": verified(request) or not (device or keys), "passkey_config": passkey_config(request)}
    return render(request, "signin/otp_settings.html", context)


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
    return render(request, "signin/otp_recovery_codes.html", context)


@login_required
def otp_disable_view(request):
    """Turn the second factor off, with a current code; not for those who must use it."""
    user = request.user
    if not enrolled(user):
        return redirect("otp-settings")
    if required_for(user):
        raise PermissionDenied(str(REQUIRED_CANNOT_DISABLE))
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
    return render(request, "signin/otp_disable.html", {"form": form}, status=status)


@login_required
@require_POST
def people_second_factor_reset(request, slug, membership_id):
    """From a body's people page: reset the second factor of a person who lost both (signin/otp.py
    second_factor_reset asks the policy for the person as a whole)."""
    access = people_access(request, slug)
    membership = membership_or_404(access, membership_id)
    if not access.policy.may_reset_second_factor(access.org, membership.role):
        raise PermissionDenied(_("เฉพาะผู้บริหารของหน่วยงาน (สำหรับเจ้าหน้าที่ผู้จัดทำ) หรือผู้กำกับดูแลพื้นที่ "
                                 "ยกเลิกการยืนยันตัวตนสองขั้นตอนของบุคลากรได้"))
    person = membership.user
    try:
        second_factor_reset(person=person, actor=request.user, org=access.org)
    except Refusal as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("ยกเลิกการยืนยันตัวตนสองขั้นตอนของ %(person)s แล้ว ผู้นั้นต้องตั้งค่าใหม่เมื่อเข้าสู่ระบบครั้งถัดไป")
                         % {"person": person.get_full_name() or person.get_username()})
    return redirect("people-org", slug=access.org.slug)
