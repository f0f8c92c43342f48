from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("การแจ้งเตือน")

    def ready(self):
        """Listen to the review workflow through the hook lists of measures (measures never
        imports this app)."""
        from common import audit_actions
        from measures import services as measure_services

        from .audit_actions import NotificationAction
        from .services import on_comment, on_decision, on_transition

        audit_actions.register(NotificationAction)

        if on_transition not in measure_services.transition_hooks:
            measure_services.transition_hooks.append(on_transition)
        if on_comment not in measure_services.comment_hooks:
            measure_services.comment_hooks.append(on_comment)
        if on_decision not in measure_services.decision_hooks:
            measure_services.decision_hooks.append(on_decision)
