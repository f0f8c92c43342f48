"""The security log: signing in and out, failed sign-ins, lockouts (django-axes) and refused
access (a 403 anywhere, a 404 on a staff address) become audit rows (``SecurityAction``), each
with who, what, when and the client's address (common/client.py), chained by hash like every
audit row. Second-factor enrolment and removal are recorded by signin/otp.py (``OtpAction``),
role grants and removals by people/services.py (``PeopleAction``), exports and erasure of
personal data by ops/privacy.py (``OpsAction``). docs/SECURITY.md, "The security log"."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils.translation import gettext as _

from .audit_actions import SecurityAction
from .services import audit

logger = logging.getLogger(__name__)

STAFF_PREFIX = "/app/"
TYPED_MAX = 150  # the user name as typed, cut to the column's width


def _typed(credentials) -> str:
    return str((credentials or {}).get("username") or "")[:TYPED_MAX]


def signed_in(sender, request, user, **kwargs):
    audit(actor=user, action=SecurityAction.SIGNIN,
          summary=_("%(name)s เข้าสู่ระบบ") % {"name": user.get_username()},
          detail={"path": request.path if request is not None else ""})


def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    audit(actor=user, action=SecurityAction.SIGNOUT, summary=_("%(name)s ออกจากระบบ") % {"name": user.get_username()})


def sign_in_failed(sender, credentials, request=None, **kwargs):
    """Every failed attempt, a refused one while locked out too (then ``locked_out`` as well)."""
    username = _typed(credentials)
    audit(actor=None, action=SecurityAction.SIGNIN_FAILED,
          summary=_("เข้าสู่ระบบไม่สำเร็จด้วยชื่อผู้ใช้ “%(name)s”") % {"name": username},
          detail={"username": username})


def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:TYPED_MAX]
    audit(actor=None, action=SecurityAction.LOCKED_OUT,
          summary=_("ระงับการเข้าสู่ระบบของ “%(name)s” ชั่วคราว (ใส่รหัสผ่านผิดหลายครั้ง)") % {"name": username},
          detail={"username": username, "ip_address": ip_address or ""})


class RefusedAccessMiddleware:
    """A 403 on any address and a 404 on a staff address (/app/…) of a signed-in person become audit
    rows, written after the view's own transaction ended (so a refusal that rolled it back is still
    recorded). Refusals of nobody signed in (a form without its CSRF token, say) go to the log file
    only: anyone could otherwise grow the chained audit log, and queue on its lock, at no cost."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status == 403 or (status == 404 and request.path.startswith(STAFF_PREFIX)):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                logger.warning("refused %s %s (%s) for nobody signed in, from %s", request.method,
                               request.path[:500], status, request.META.get("REMOTE_ADDR", ""))
                return response
            action = SecurityAction.FORBIDDEN if status == 403 else SecurityAction.NOT_FOUND
            audit(actor=user, action=action,
                  summary=(_("ปฏิเสธ %(method)s %(path)s (%(status)s)") % {
                      "method": request.method, "path": request.path, "status": status})[:300],
                  detail={"method": request.method, "path": request.path[:500], "status": status})
        return response


def connect() -> None:
    """Connected by assessments/apps.py (ready)."""
    user_logged_in.connect(signed_in, dispatch_uid="security-log-signin")
    user_logged_out.connect(signed_out, dispatch_uid="security-log-signout")
    user_login_failed.connect(sign_in_failed, dispatch_uid="security-log-signin-failed")
    user_locked_out.connect(locked_out, dispatch_uid="security-log-locked-out")
