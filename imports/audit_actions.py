"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in imports/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportAction(models.TextChoices):
    """A table of measures or results brought in from a file or a paste (imports/services.py); each
    measure and result it writes is audited by the measures services as well."""

    PLAN_IMPORT = "plan.import", _("นำเข้ามาตรการหรือผลการดำเนินงานจากไฟล์")
