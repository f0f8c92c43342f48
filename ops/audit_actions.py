"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in ops/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpsAction(models.TextChoices):
    """The operator's tools (ops/privacy.py)."""

    PRIVACY_ERASE = "privacy.erase", _("ลบข้อมูลส่วนบุคคล")
    PRIVACY_EXPORT = "privacy.export", _("ส่งออกข้อมูลส่วนบุคคล")
