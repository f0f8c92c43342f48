from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    """Signing in: the password step, the one-time password step and its settings, password reset
    (docs/ARCHITECTURE.md, "Sign-in: one-time passwords")."""

    name = "signin"
    verbose_name = _("การเข้าสู่ระบบ")

    def ready(self):
        from common import audit_actions

        from . import otp  # noqa: F401  (connects the sign-in signal: does this session need a code?)
        from .audit_actions import OtpAction

        audit_actions.register(OtpAction)
