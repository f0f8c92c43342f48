"""Measure plans (the measures document), progress rounds (its 6- and 12-month results
reports) and their review.

A plan belongs to a body and fiscal year N+1 and is based on the body's year-N
assessment. Each plan and each of its rounds is a document with its own review state;
the allowed transitions are ``TRANSITIONS`` in measures/services.py.
"""

import datetime
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import Assessment, Indicator, Organization, OrgUnit
from common.thai import ce_year, fiscal_month_end, fiscal_year_bounds


class Status(models.TextChoices):
    DRAFT = "draft", _("ฉบับร่าง")
    SUBMITTED = "submitted", _("ส่งให้ผู้บริหารพิจารณา")
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")
    APPROVED = "approved", _("ผู้บริหารเห็นชอบแล้ว")
    PUBLISHED = "published", _("เผยแพร่แล้ว")
    SUPERSEDED = "superseded", _("มีฉบับใหม่แทนแล้ว")


EDITABLE_STATUSES = {Status.DRAFT, Status.RETURNED}

# The longest text a document needs, per field (characters). The longest values in the five
# real seed reports are far below (a measure's steps 713, its analysis 544, an output 500, a
# plan's summary 3,968): each limit leaves room for the longest real document, while one
# measure stays a few printed pages at most (docs/ARCHITECTURE.md, "Text limits").
PLAN_LIMITS = {"analysis_summary": 10_000, "recommendations": 5_000}
NOTE_LIMITS = {"text": 5_000}
MEASURE_LIMITS = {"title": 500, "guideline": 2_000, "analysis": 2_000, "steps": 3_000, "period_text": 300,
                  "target": 1_000}
ENTRY_LIMITS = {"done_text": 3_000, "output": 2_000, "outcome": 2_000, "problems": 2_000, "remarks": 1_000}
SOURCE_LIMITS = {"source_org_name": 200, "source_url": 500}  # a copied measure's source (the library)
TRANSITION_LIMITS = {"comment": 2_000}
# A plan or report recorded after the fact: what its published source says (each optional).
RECORD_LIMITS = {"source_url": 1_000, "source_preparer_name": 200, "source_preparer_position": 200,
                 "source_approver_name": 200, "source_approver_position": 200}
COMMENT_LIMITS = {"text": 5_000}


def length_checks(model: str, limits: dict[str, int]) -> list[models.CheckConstraint]:
    """The same limits in the database (SQLite does not enforce a column's length)."""
    return [models.CheckConstraint(condition=LessThanOrEqual(Length(name), limit), name=f"{model}_{name}_length")
            for name, limit in limits.items()]


class LengthChecked(models.Model):
    """Model validation skips the length constraints: forms and services check the same
    limits in Python (with a Thai message); validating them again would cost a query each."""

    class Meta:
        abstract = True

    def get_constraints(self):
        return [(model, [c for c in constraints if not c.name.endswith("_length")])
                for model, constraints in super().get_constraints()]


class RecordSource(models.Model):
    """A document recorded after the fact (its plan's ``recorded_after``) prints what its
    published source says and nothing else: the source's address, and the approval date and
    signers only when the source gives them. Without them the document prints no date and no
    signature lines (never today's date, never the portal's users)."""

    source_url = models.CharField(_("ที่อยู่ของเอกสารต้นฉบับที่เผยแพร่แล้ว"), max_length=RECORD_LIMITS["source_url"],
                                  blank=True)
    source_approved_on = models.DateField(_("วันที่ให้ความเห็นชอบตามเอกสารต้นฉบับ"), null=True, blank=True)
    source_preparer_name = models.CharField(_("ชื่อผู้จัดทำตามเอกสารต้นฉบับ"),
                                            max_length=RECORD_LIMITS["source_preparer_name"], blank=True)
    source_preparer_position = models.CharField(_("ตำแหน่งผู้จัดทำตามเอกสารต้นฉบับ"),
                                                max_length=RECORD_LIMITS["source_preparer_position"], blank=True)
    source_approver_name = models.CharField(_("ชื่อผู้รับรองตามเอกสารต้นฉบับ"),
                                            max_length=RECORD_LIMITS["source_approver_name"], blank=True)
    source_approver_position = models.CharField(_("ตำแหน่งผู้รับรองตามเอกสารต้นฉบับ"),
                                                max_length=RECORD_LIMITS["source_approver_position"], blank=True)

    class Meta:
        abstract = True

    def record_source(self) -> dict:
        """The source's facts as plain data (what a document context keeps)."""
        return {"source_url": self.source_url,
                "approved_on": self.source_approved_on.isoformat() if self.source_approved_on else "",
                "preparer": {"name": self.source_preparer_name, "position": self.source_preparer_position},
                "approver": {"name": self.source_approver_name, "position": self.source_approver_position}}


ROUND_CHOICES = [(1, _("รอบ 1 เดือน")), (3, _("รอบ 3 เดือน")), (6, _("รอบ 6 เดือน")), (9, _("รอบ 9 เดือน")),
                 (12, _("รอบ 12 เดือน"))]


class MeasurePlan(RecordSource, LengthChecked):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="plans", verbose_name=_("หน่วยงาน"))
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    based_on = models.ForeignKey(Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans",
                                 verbose_name=_("ผลการประเมินที่ใช้วิเคราะห์"))
    analysis_summary = models.TextField(_("สรุปผลการวิเคราะห์"), blank=True,
                                        max_length=PLAN_LIMITS["analysis_summary"])
    recommendations = models.TextField(_("ข้อเสนอแนะ"), blank=True, max_length=PLAN_LIMITS["recommendations"])
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # A past year's plan (and its reports) entered from documents the body had already
    # published: its due dates passed long before it was entered, so it is never counted late
    # (dashboard, overdue findings, the editor's tasks).
    recorded_after = models.BooleanField(_("บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว"), default=False)
    version = models.PositiveIntegerField(_("ครั้งที่บันทึก"), default=1)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    class Meta:
        verbose_name = _("มาตรการส่งเสริมคุณธรรมและความโปร่งใส")
        verbose_name_plural = _("มาตรการส่งเสริมคุณธรรมและความโปร่งใส")
        constraints = [models.UniqueConstraint(fields=["org", "fiscal_year"], name="plan_unique_org_year"),
                       *length_checks("plan", PLAN_LIMITS), *length_checks("plan", RECORD_LIMITS)]
        indexes = [models.Index(fields=["fiscal_year", "status"])]

    def __str__(self):
        return f"{self.org} {self.fiscal_year}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class AnalysisNote(LengthChecked):
    """The editor's words on one tool or indicator of the year-N result."""

    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="notes", verbose_name=_("แผนมาตรการ"))
    key = models.CharField(_("เครื่องมือหรือตัวชี้วัด"), max_length=16, help_text=_("IIT, EIT, OIT หรือเลขตัวชี้วัด"))
    text = models.TextField(_("ผลการวิเคราะห์"), blank=True, max_length=NOTE_LIMITS["text"])

    class Meta:
        verbose_name = _("ผลการวิเคราะห์รายเครื่องมือหรือตัวชี้วัด")
        verbose_name_plural = _("ผลการวิเคราะห์รายเครื่องมือหรือตัวชี้วัด")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="analysisnote_unique_key"),
                       *length_checks("analysisnote", NOTE_LIMITS)]

    def __str__(self):
        return f"{self.plan} {self.key}"


class Measure(LengthChecked):
    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="measures",
                             verbose_name=_("แผนมาตรการ"))
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+", verbose_name=_("ตัวชี้วัดที่เกี่ยวข้อง"))
    title = models.CharField(_("มาตรการ / โครงการ / กิจกรรม"), max_length=MEASURE_LIMITS["title"])
    guideline = models.TextField(_("แนวทางปฏิบัติ"), blank=True, max_length=MEASURE_LIMITS["guideline"])
    analysis = models.TextField(_("ผลการวิเคราะห์"), blank=True, max_length=MEASURE_LIMITS["analysis"])
    steps = models.TextField(_("ขั้นตอนหรือวิธีการปฏิบัติ (บรรทัดละหนึ่งขั้นตอน)"), blank=True,
                             max_length=MEASURE_LIMITS["steps"])
    period_start = models.DateField(_("วันเริ่ม"), null=True, blank=True)
    period_end = models.DateField(_("วันสิ้นสุด"), null=True, blank=True)
    period_text = models.CharField(_("ช่วงระยะเวลา (ข้อความ)"), max_length=MEASURE_LIMITS["period_text"], blank=True)
    # A measure whose period goes on into the next fiscal year (says so itself): its dates may run
    # to the end of that year; every other measure's dates lie within the plan's fiscal year.
    spans_next_year = models.BooleanField(_("ดำเนินการต่อเนื่องถึงปีงบประมาณถัดไป"), default=False)
    responsible_units = models.ManyToManyField(OrgUnit, blank=True, related_name="measures",
                                               verbose_name=_("ผู้รับผิดชอบ"))
    monitoring_rounds = models.JSONField(_("การกำกับติดตาม (รอบ)"), default=list, blank=True)
    target = models.TextField(_("เป้าหมาย / ตัวชี้วัดความสำเร็จ"), blank=True, max_length=MEASURE_LIMITS["target"])
    budget = models.DecimalField(_("งบประมาณ (บาท)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    version = models.PositiveIntegerField(_("ครั้งที่บันทึก"), default=1)
    # The one-time token of the form that created it: a second POST of the same form (a
    # double click, a resent request) finds this measure instead of creating another.
    create_token = models.CharField(_("รหัสแบบฟอร์มที่สร้าง"), max_length=32, null=True, blank=True, unique=True,
                                    editable=False)
    # A measure copied from the measure library: the body, year and published version it came
    # from (the body as it was named then), credited on the measure's history page.
    source_org_name = models.CharField(_("คัดลอกจากมาตรการของหน่วยงาน"), max_length=SOURCE_LIMITS["source_org_name"],
                                       blank=True, editable=False)
    source_fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณของมาตรการต้นแบบ"), null=True, blank=True,
                                                          editable=False)
    source_version = models.PositiveIntegerField(_("ฉบับที่เผยแพร่ของมาตรการต้นแบบ"), null=True, blank=True,
                                                 editable=False)
    source_url = models.CharField(_("ที่อยู่เอกสารต้นแบบ"), max_length=SOURCE_LIMITS["source_url"], blank=True,
                                  editable=False)
    # A measure of a plan recorded after the fact: where the body published it (optional).
    record_url = models.CharField(_("ที่อยู่ของเอกสารต้นฉบับที่เผยแพร่แล้ว"), max_length=RECORD_LIMITS["source_url"],
                                  blank=True)
    history = HistoricalRecords(m2m_fields=[responsible_units, indicators])

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("มาตรการ")
        verbose_name_plural = _("มาตรการ")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__isnull=True) | Q(period_start__isnull=True)
                                   | Q(period_end__gte=models.F("period_start")), name="measure_period_order"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="measure_budget_positive"),
            *length_checks("measure", MEASURE_LIMITS),
            *length_checks("measure", SOURCE_LIMITS),
            models.CheckConstraint(condition=LessThanOrEqual(Length("record_url"), RECORD_LIMITS["source_url"]),
                                   name="measure_record_url_length"),
        ]

    def __str__(self):
        return self.title

    def period_problem(self) -> str | None:
        """A Thai sentence when the period's dates lie outside the plan's fiscal year (or the next
        one, for a measure that says it goes on), else None."""
        first, last = fiscal_year_bounds(self.plan.fiscal_year)
        if self.spans_next_year:
            last = fiscal_year_bounds(self.plan.fiscal_year + 1)[1]
        for day in (self.period_start, self.period_end):
            if day is not None and not first <= day <= last:
                if self.spans_next_year:
                    return _("ช่วงระยะเวลาต้องอยู่ในปีงบประมาณ %(fy)s หรือ %(next)s (1 ต.ค. %(a)s – 30 ก.ย. %(b)s) "
                             "กรุณาตรวจปี พ.ศ. ที่กรอก") % {"fy": self.plan.fiscal_year,
                                                         "next": self.plan.fiscal_year + 1,
                                                         "a": self.plan.fiscal_year - 1, "b": self.plan.fiscal_year + 1}
                return _("ช่วงระยะเวลาต้องอยู่ในปีงบประมาณ %(fy)s (1 ต.ค. %(a)s – 30 ก.ย. %(b)s) กรุณาตรวจปี พ.ศ. ที่กรอก "
                         "หากมาตรการดำเนินการต่อเนื่องถึงปีถัดไป ให้ติ๊ก “ดำเนินการต่อเนื่องถึงปีงบประมาณถัดไป”") % {
                    "fy": self.plan.fiscal_year, "a": self.plan.fiscal_year - 1, "b": self.plan.fiscal_year}
        return None

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


def _name_links(field_name: str, verbose_name, target: str) -> None:
    """Name in Thai the rows Django makes for a many-to-many field (a measure's delete page lists
    them): "ผู้รับผิดชอบมาตรการ: กองคลัง", not "Measure_responsible_units object (1)". Such a model
    is made by Django, outside the migrations, so naming it changes no migration and no table."""
    through = Measure._meta.get_field(field_name).remote_field.through
    through._meta.verbose_name = through._meta.verbose_name_plural = verbose_name
    through.__str__ = lambda link: str(getattr(link, target))


_name_links("responsible_units", _("ผู้รับผิดชอบมาตรการ"), "orgunit")
_name_links("indicators", _("ตัวชี้วัดที่เกี่ยวข้องกับมาตรการ"), "indicator")


def default_due(fiscal_year: int, months: int) -> datetime.date:
    """The 12-month round is due 31 October after the year; the others at the end of the month
    after their period (6-month: 30 April)."""
    if months == 12:
        return datetime.date(ce_year(fiscal_year), 10, 31)
    return fiscal_month_end(fiscal_year, months + 1)


class ProgressRound(RecordSource, LengthChecked):
    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("แผนมาตรการ"))
    months = models.PositiveSmallIntegerField(_("รอบ (เดือน)"), choices=ROUND_CHOICES)
    due_date = models.DateField(_("กำหนดส่ง"))
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("ครั้งที่บันทึก"), default=1)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    class Meta:
        ordering = ["plan", "months"]
        verbose_name = _("รอบรายงานผล")
        verbose_name_plural = _("รอบรายงานผล")
        constraints = [models.UniqueConstraint(fields=["plan", "months"], name="round_unique_months"),
                       *length_checks("round", RECORD_LIMITS)]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.plan} รอบ {self.months} เดือน"

    @property
    def period_start(self) -> datetime.date:
        return fiscal_year_bounds(self.plan.fiscal_year)[0]

    @property
    def period_end(self) -> datetime.date:
        return fiscal_month_end(self.plan.fiscal_year, self.months)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ProgressEntry(LengthChecked):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("ยังไม่เริ่ม")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        DONE = "done", _("ดำเนินการแล้วเสร็จ")
        CANCELLED = "cancelled", _("ยกเลิก")

    round = models.ForeignKey(ProgressRound, on_delete=models.CASCADE, related_name="entries",
                              verbose_name=_("รอบรายงานผล"))
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="entries", verbose_name=_("มาตรการ"))
    state = models.CharField(_("สถานะการดำเนินงาน"), max_length=16, choices=State.choices, default=State.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("ร้อยละความคืบหน้า"), default=0,
                                               validators=[MinValueValidator(0), MaxValueValidator(100)])
    done_text = models.TextField(_("ผลการดำเนินงาน"), blank=True, max_length=ENTRY_LIMITS["done_text"])
    output = models.TextField(_("ผลผลิต (output)"), blank=True, max_length=ENTRY_LIMITS["output"])
    outcome = models.TextField(_("ผลลัพธ์ (outcome)"), blank=True, max_length=ENTRY_LIMITS["outcome"])
    problems = models.TextField(_("ปัญหา / อุปสรรค"), blank=True, max_length=ENTRY_LIMITS["problems"])
    remarks = models.TextField(_("หมายเหตุ"), blank=True, max_length=ENTRY_LIMITS["remarks"])
    version = models.PositiveIntegerField(_("ครั้งที่บันทึก"), default=1)
    # The one-time token of the form last saved: the same form sent again (a double tap over a slow
    # connection) is the success it already was, not someone else's edit.
    save_token = models.CharField(_("รหัสแบบฟอร์มที่บันทึกล่าสุด"), max_length=32, blank=True, editable=False)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["save_token"])

    class Meta:
        verbose_name = _("ผลการดำเนินงานรายมาตรการ")
        verbose_name_plural = _("ผลการดำเนินงานรายมาตรการ")
        constraints = [
            models.UniqueConstraint(fields=["round", "measure"], name="entry_unique_round_measure"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="entry_percent_range"),
            *length_checks("entry", ENTRY_LIMITS),
        ]

    def __str__(self):
        return f"{self.measure} ({self.round.months})"


def new_token() -> str:
    return secrets.token_hex(16)


def evidence_path(instance, filename):
    """A random, non-guessable name; the original name is kept in the row, never in the path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{new_token()}{suffix}"


class Evidence(models.Model):
    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="evidence",
                              verbose_name=_("ผลการดำเนินงานรายมาตรการ"))
    token = models.CharField(_("รหัสหลักฐาน"), max_length=32, unique=True, default=new_token, editable=False)
    url = models.URLField(_("ลิงก์"), max_length=1000, blank=True)
    file = models.FileField(_("ไฟล์"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("ขนาดไฟล์ (ไบต์)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("ผู้เพิ่มหลักฐาน"))
    created_at = models.DateTimeField(_("เพิ่มเมื่อ"), auto_now_add=True)
    create_token = models.CharField(_("รหัสแบบฟอร์มที่สร้าง"), max_length=32, null=True, blank=True, unique=True,
                                    editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("หลักฐาน")
        verbose_name_plural = _("หลักฐาน")
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(file=""), name="evidence_has_link_or_file"),
        ]

    def __str__(self):
        return self.original_name or self.url


class Transition(LengthChecked):
    """One step of a document's review: who, when, from what to what, and why."""

    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="transitions",
                             verbose_name=_("แผนมาตรการ"))
    round = models.ForeignKey(ProgressRound, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="transitions", verbose_name=_("รอบรายงานผล"))
    action = models.CharField(_("การดำเนินการ"), max_length=16)
    from_status = models.CharField(_("สถานะเดิม"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("สถานะใหม่"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("ผู้ดำเนินการ"))
    comment = models.TextField(_("ความเห็น / เหตุผล"), blank=True, max_length=TRANSITION_LIMITS["comment"])
    snapshot = models.JSONField(_("ข้อมูลที่เห็นชอบ"), null=True, blank=True)  # what was approved
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ขั้นตอนการพิจารณาเอกสาร")
        verbose_name_plural = _("ขั้นตอนการพิจารณาเอกสาร")
        indexes = [models.Index(fields=["plan", "round", "created_at"])]
        constraints = length_checks("transition", TRANSITION_LIMITS)

    def __str__(self):
        return f"{self.action} {self.from_status}→{self.to_status}"


class Comment(LengthChecked):
    """A supervisor's (or approver's) remark on a plan or a round."""

    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="comments",
                             verbose_name=_("แผนมาตรการ"))
    round = models.ForeignKey(ProgressRound, on_delete=models.CASCADE, null=True, blank=True, related_name="comments",
                              verbose_name=_("รอบรายงานผล"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("ผู้แสดงความเห็น"))
    text = models.TextField(_("ความเห็น"), max_length=COMMENT_LIMITS["text"])
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    # The one-time token of the form that added it: the same form sent twice adds one comment
    # (and tells people once).
    create_token = models.CharField(_("รหัสแบบฟอร์มที่สร้าง"), max_length=32, null=True, blank=True, unique=True,
                                    editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("ความเห็นต่อเอกสาร")
        verbose_name_plural = _("ความเห็นต่อเอกสาร")
        constraints = length_checks("comment", COMMENT_LIMITS)

    def __str__(self):
        return self.text[:50]
