from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("บุคลากรและการเข้าสู่ระบบ")

    def ready(self):
        from . import otp  # noqa: F401  (connects the sign-in signal: does this session need a code?)
