"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in oit/apps.py; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OitAction(models.TextChoices):
    """A body's answers to the OIT items of a year (oit/services.py, docs/OIT.md)."""

    ANSWER_SAVE = "oit.answer_save", _("บันทึกหลักฐานข้อ OIT")
    ANSWER_SUBMIT = "oit.submit", _("ส่งหลักฐานข้อ OIT ให้ผู้บริหารพิจารณา")
    ANSWER_RETURN = "oit.return", _("ส่งหลักฐานข้อ OIT กลับให้แก้ไข")
    ANSWER_APPROVE = "oit.approve", _("เห็นชอบหลักฐานข้อ OIT")
    ANSWER_PUBLISH = "oit.publish", _("เผยแพร่หลักฐานข้อ OIT")
    CARRY_FORWARD = "oit.carry_forward", _("ใช้หลักฐานข้อ OIT ของปีก่อนต่อ")
