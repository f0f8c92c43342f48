"""Sign-in glue: Django's LoginView with clearer Thai wording, then the one-time password step
where one is needed (signin/otp.py)."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.utils.translation import gettext_lazy as _

from .otp import after_password_url


class ThaiAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (ตัวพิมพ์เล็กและตัวพิมพ์ใหญ่ถือว่าต่างกัน)"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ดูแลระบบ"),
    }


class PortalLoginView(LoginView):
    authentication_form = ThaiAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self):
        # The password was right (django-axes counted it): the code step or enrolment when needed.
        return after_password_url(self.request, super().get_success_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "otp_required": settings.OTP_REQUIRED}
