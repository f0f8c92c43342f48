from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("นำเข้ามาตรการและผลการดำเนินงานจากไฟล์")

    def ready(self):
        from common import audit_actions

        from .audit_actions import ImportAction

        audit_actions.register(ImportAction)
