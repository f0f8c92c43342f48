from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The measure library (/measures/): every published measure, searchable, and "copy into my
    plan" (docs/ARCHITECTURE.md, "The measure library")."""

    name = "library"
    verbose_name = _("คลังมาตรการ")

    def ready(self):
        from reports import services as report_services

        from . import index

        if index.version_published not in report_services.version_hooks:
            report_services.version_hooks.append(index.version_published)
        index.connect_signals()  # the measure library in step with renames and score imports
