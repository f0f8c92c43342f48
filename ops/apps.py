from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The top: demo and national-scale seeding, backup and restore, PDPA tools, the user
    admin. It may import every app; no app imports it."""

    name = "ops"
    verbose_name = "งานดูแลระบบ"

    def ready(self):
        from common import audit_actions

        from .audit_actions import OpsAction

        audit_actions.register(OpsAction)
