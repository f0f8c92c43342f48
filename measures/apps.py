from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("มาตรการและการรายงานผล")

    def ready(self):
        from common import audit_actions

        from .audit_actions import MeasureAction

        audit_actions.register(MeasureAction)
