from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("บุคลากร")

    def ready(self):
        from common import audit_actions

        from .audit_actions import PeopleAction

        audit_actions.register(PeopleAction)
