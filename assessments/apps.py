from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "การประเมิน ITA"

    def ready(self):
        from common import audit_actions

        from . import fiscal_years, security_log, signals
        from .audit_actions import AssessmentAction, SecurityAction

        audit_actions.register(AssessmentAction)  # the names audit() takes (common/audit_actions.py)
        audit_actions.register(SecurityAction)
        signals.connect()  # admin actions (Django's LogEntry) -> the audit log
        security_log.connect()  # sign-ins, failures, lockouts -> the audit log
        fiscal_years.connect()  # a framework change: every process reads the years again
