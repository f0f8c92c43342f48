from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OitConfig(AppConfig):
    name = "oit"
    verbose_name = _("หลักฐาน OIT ทั้งปี")

    def ready(self):
        from common import audit_actions

        from .audit_actions import OitAction

        audit_actions.register(OitAction)
