from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "การประเมิน ITA"

    def ready(self):
        from . import fiscal_years  # signals: admin actions -> audit log

        fiscal_years.connect()  # a framework change: every process reads the years again
