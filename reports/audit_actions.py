"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in reports/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAction(models.TextChoices):
    """Publishing, document settings and signatures (reports/services.py)."""

    REPORT_PUBLISH = "report.publish", _("เผยแพร่เอกสาร")
    REPORT_SETTINGS = "report.settings", _("แก้ไขการตั้งค่าเอกสาร")
    REPORT_REPUBLISH = "report.republish", _("สร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด")
    SIGNATURE_SAVE = "signature.save", _("บันทึกลายมือชื่อ")
    SIGNATURE_DELETE = "signature.delete", _("ลบลายมือชื่อ")
