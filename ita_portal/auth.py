"""Sign-in glue: Django's LoginView with clearer Thai wording."""

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.utils.translation import gettext_lazy as _


class ThaiAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (ตัวพิมพ์เล็กและตัวพิมพ์ใหญ่ถือว่าต่างกัน)"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ดูแลระบบ"),
    }


class PortalLoginView(LoginView):
    authentication_form = ThaiAuthenticationForm
    redirect_authenticated_user = True
