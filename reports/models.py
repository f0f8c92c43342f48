"""Published documents (immutable PDF versions) and each body's report settings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Organization

from .documents import DEFAULT_MEASURE_COLUMNS, DEFAULT_RESULT_COLUMNS, Doc

__all__ = ["Doc", "PublishedDocument", "ReportSettings", "RepublishJob"]


def default_measure_columns():
    return list(DEFAULT_MEASURE_COLUMNS)


def default_result_columns():
    return list(DEFAULT_RESULT_COLUMNS)


class ReportSettings(models.Model):
    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="report_settings")
    measure_columns = models.JSONField(_("คอลัมน์ในเอกสารมาตรการ"), default=default_measure_columns)
    result_columns = models.JSONField(_("คอลัมน์ในรายงานผล"), default=default_result_columns)
    preparer_name = models.CharField(_("ชื่อผู้จัดทำ"), max_length=200, blank=True)
    preparer_position = models.CharField(_("ตำแหน่งผู้จัดทำ"), max_length=200, blank=True)
    approver_name = models.CharField(_("ชื่อผู้รับรอง"), max_length=200, blank=True)
    approver_position = models.CharField(_("ตำแหน่งผู้รับรอง"), max_length=200, blank=True)
    logo = models.FileField(_("ตราหน่วยงาน (PNG หรือ JPEG)"), upload_to="logos/", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("การตั้งค่าเอกสาร")
        verbose_name_plural = _("การตั้งค่าเอกสาร")

    def __str__(self):
        return str(self.org)


def published_path(instance, filename):
    return f"published/{instance.org.slug}/{instance.fiscal_year}/{instance.doc}-v{instance.version}-" \
           f"{instance.sha256[:12]}.pdf"


class PublishedDocument(models.Model):
    """One published version of one document: rendered once, never changed."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="published_documents")
    fiscal_year = models.PositiveSmallIntegerField()
    doc = models.CharField(max_length=16, choices=Doc.choices)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=published_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField(default=0)
    snapshot = models.JSONField()  # the data the PDF was rendered from, for public pages and open data
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org", "fiscal_year", "doc", "-version"]
        verbose_name = _("เอกสารที่เผยแพร่")
        verbose_name_plural = _("เอกสารที่เผยแพร่")
        constraints = [
            models.UniqueConstraint(fields=["org", "fiscal_year", "doc", "version"], name="published_unique_version"),
        ]
        indexes = [models.Index(fields=["org", "fiscal_year", "doc", "-version"])]

    def __str__(self):
        return f"{self.org} {self.fiscal_year} {self.doc} v{self.version}"

    @property
    def title(self) -> str:
        return Doc(self.doc).label


class RepublishJob(models.Model):
    """Re-rendering every published document of a province as new versions, in a worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังดำเนินการ")
        FINISHED = "finished", _("เสร็จแล้ว")

    province = models.ForeignKey("assessments.Province", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.province} {self.state} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else (100 if self.finished_at else 0)
