"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in measures/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureAction(models.TextChoices):
    """Plans, measures, progress rounds, evidence, comments and the review workflow (measures/services.py)."""

    PLAN_CREATE = "plan.create", _("สร้างแผนมาตรการ")
    PLAN_ANALYSIS = "plan.analysis", _("แก้ไขผลการวิเคราะห์")
    PLAN_DUPLICATE = "plan.duplicate", _("คัดลอกมาตรการจากปีที่แล้ว")
    PLAN_RECORDED_AFTER = "plan.recorded_after", _("ระบุว่าบันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว")
    PLAN_RECORD_SOURCE = "plan.record_source", _("บันทึกข้อมูลเอกสารต้นฉบับของเอกสารที่บันทึกย้อนหลัง")
    MEASURE_CREATE = "measure.create", _("เพิ่มมาตรการ")
    MEASURE_UPDATE = "measure.update", _("แก้ไขมาตรการ")
    MEASURE_DELETE = "measure.delete", _("ลบมาตรการ")
    MEASURE_MOVE = "measure.move", _("จัดลำดับมาตรการ")
    ROUND_DUE = "round.due", _("กำหนดวันส่งรายงาน")
    ENTRY_SAVE = "entry.save", _("บันทึกผลการดำเนินงาน")
    EVIDENCE_ADD = "evidence.add", _("เพิ่มหลักฐาน")
    EVIDENCE_DELETE = "evidence.delete", _("ลบหลักฐาน")
    COMMENT_ADD = "comment.add", _("แสดงความเห็น")
    DOCUMENT_SUBMIT = "document.submit", _("ส่งให้ผู้บริหารพิจารณา")
    DOCUMENT_RETURN = "document.return", _("ส่งกลับให้แก้ไข")
    DOCUMENT_APPROVE = "document.approve", _("เห็นชอบ")
    DOCUMENT_PUBLISH = "document.publish", _("เผยแพร่")
    DOCUMENT_REVISE = "document.revise", _("จัดทำฉบับแก้ไข")

    @classmethod
    def document(cls, action: str) -> "MeasureAction":
        """The audit action of a review step (submit, return, approve, publish, revise)."""
        return cls(f"document.{action}")
