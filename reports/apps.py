from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "เอกสารและการเผยแพร่"

    def ready(self):
        from common import audit_actions
        from measures import services as measure_services

        from .audit_actions import ReportAction
        from .builders import approval_documents
        from .services import publish_prepare

        if publish_prepare not in measure_services.publish_hooks:  # docs/ARCHITECTURE.md, "Publishing, step by step"
            measure_services.publish_hooks.append(publish_prepare)
        if approval_documents not in measure_services.approval_hooks:
            measure_services.approval_hooks.append(approval_documents)
        audit_actions.register(ReportAction)
