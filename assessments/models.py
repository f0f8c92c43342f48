"""Bodies, the yearly ITA frameworks, and the scores each body received.

Scores are stored as published by the NACC; the score engine (scoring.py) computes what
is missing and never overwrites a stored figure.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import audit_actions

from .scoring import published_levels

SCORE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def score_field(**kwargs):
    return models.DecimalField(max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS, **kwargs)


def score_range_check(field: str, name: str) -> models.CheckConstraint:
    in_range = Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})
    return models.CheckConstraint(condition=Q(**{f"{field}__isnull": True}) | in_range, name=name)


class Province(models.Model):
    code = models.CharField(_("รหัสย่อ"), max_length=3, unique=True)
    name = models.CharField(_("ชื่อจังหวัด"), max_length=64, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=64)

    class Meta:
        ordering = ["name"]
        verbose_name = _("จังหวัด")
        verbose_name_plural = _("จังหวัด")

    def __str__(self):
        return self.name


def name_key(name: str) -> str:
    """A name as search and the score import compare it: no spaces or hyphens, ํา read as ำ,
    case folded ("เทศบาลตำบล บ้าน-นา" and "เทศบาลตำบลบ้านนา" are the same key)."""
    return "".join(ch for ch in name.replace("\u0e4d\u0e32", "\u0e33") if ch not in " -‐‑–—\u00a0").casefold()


class Organization(models.Model):
    class Kind(models.TextChoices):
        PAO = "pao", _("องค์การบริหารส่วนจังหวัด")
        CITY = "city_municipality", _("เทศบาลนคร")
        TOWN = "town_municipality", _("เทศบาลเมือง")
        SUBDISTRICT = "subdistrict_municipality", _("เทศบาลตำบล")
        SAO = "sao", _("องค์การบริหารส่วนตำบล")
        OTHER = "other", _("หน่วยงานภาครัฐอื่น")

    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=200)
    kind = models.CharField(_("ประเภท"), max_length=32, choices=Kind.choices)
    # Optional: a source may not say where a body is ("ไม่ระบุ" is shown, nothing is made up).
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="organizations",
                                 verbose_name=_("จังหวัด"), null=True, blank=True)
    district = models.CharField(_("อำเภอ"), max_length=100, blank=True)
    dla_code = models.CharField(_("รหัส อปท. (สถ.)"), max_length=20, unique=True, null=True, blank=True)
    itas_code = models.CharField(_("รหัสหน่วยงานในระบบ ITAS"), max_length=32, blank=True)
    website = models.URLField(_("เว็บไซต์"), max_length=500, blank=True)
    # Made from the Thai name when the body is created or renamed (assessments/slugs.py), never
    # typed; an address it had before stays as an OrganizationSlug that redirects here.
    slug = models.SlugField(_("ชื่อในที่อยู่เว็บ"), max_length=100, unique=True)
    thai_numerals = models.BooleanField(_("ใช้เลขไทยในเอกสาร"), default=True)
    # The name as search compares it (name_key): no spaces or hyphens, ํา as ำ.
    search_key = models.CharField(_("ชื่อสำหรับค้นหา"), max_length=200, editable=False, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
        indexes = [
            models.Index(fields=["province", "district"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.dla_code == "":
            self.dla_code = None  # unique, but many bodies have none
        self.search_key = name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)


class OrganizationName(models.Model):
    """Another name a body is known by: a former name (a อบต. that became a เทศบาล), a short
    form news and websites use, the name with or without "เมือง". Search and the score
    import find the body by it."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names", verbose_name=_("หน่วยงาน"))
    name = models.CharField(_("ชื่ออื่นของหน่วยงาน"), max_length=200)
    key = models.CharField(_("ชื่อสำหรับเปรียบเทียบ"), max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("ชื่ออื่นของหน่วยงาน")
        verbose_name_plural = _("ชื่ออื่นของหน่วยงาน")
        constraints = [models.UniqueConstraint(fields=["org", "key"], name="orgname_unique_key")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class OrganizationSlug(models.Model):
    """A former address of a body (its slug before a rename). Every URL that takes a body's slug
    answers a former one with a permanent redirect to the current one (assessments/slugs.py),
    so links pasted into ITAS keep working. A former slug belongs to its body for good: it is
    never given to another body."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="former_slugs",
                            verbose_name=_("หน่วยงาน"))
    slug = models.SlugField(_("ชื่อในที่อยู่เว็บเดิม"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("เลิกใช้เมื่อ"), auto_now_add=True)

    class Meta:
        ordering = ["org", "-created_at"]
        verbose_name = _("ที่อยู่เว็บเดิมของหน่วยงาน")
        verbose_name_plural = _("ที่อยู่เว็บเดิมของหน่วยงาน")

    def __str__(self):
        return self.slug


class OrgUnit(models.Model):
    """A division of a body (สำนักปลัด, กองคลัง, …), named as the responsible unit."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units",
                            verbose_name=_("หน่วยงาน"))
    name = models.CharField(_("ชื่อส่วนราชการ"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["org", "order", "name"]
        verbose_name = _("ส่วนราชการ")
        verbose_name_plural = _("ส่วนราชการ")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="orgunit_unique_name")]

    def __str__(self):
        return self.name


GRADES = ["AA", "A", "B", "C", "D", "E", "F"]  # the letter scale, to FY 2565 (assessments/scoring.py)
PASS_LABELS = ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ไม่ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]  # from FY 2566
GRADE_CHOICES = [(g, g) for g in GRADES]
PASS_LABEL_CHOICES = [(p, p) for p in PASS_LABELS]


class Framework(models.Model):
    """The ITA of one fiscal year (พ.ศ.): its tools, indicators, items and level rule.

    ``level_rule`` is an ordered list of bands, best first:
    ``[{"label": "ผ่านดี", "min_total": "85.00", "min_each_tool": "85.00"}, …]``;
    a body gets the first band whose minimums it meets.
    """

    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    name = models.CharField(_("ชื่อ"), max_length=300)
    pass_mark = score_field(verbose_name=_("คะแนนผ่านเกณฑ์"), default=Decimal("85"))
    level_rule = models.JSONField(_("เกณฑ์ระดับผลการประเมิน"), default=list)
    # Which ITA item of this year each portal document answers, as the loaded file says:
    # [{"doc": "measures", "item": "O25", "fiscal_year": 2569, "confirmed": false}, …]
    documents = models.JSONField(_("เอกสารที่ใช้ประกอบการประเมินแต่ละข้อ"), default=list, blank=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("กรอบการประเมินประจำปี")
        verbose_name_plural = _("กรอบการประเมินประจำปี")
        constraints = [
            models.CheckConstraint(condition=Q(fiscal_year__gte=2500) & Q(fiscal_year__lte=2700),
                                   name="framework_fiscal_year_be"),
            score_range_check("pass_mark", "framework_pass_mark_range"),
        ]

    def __str__(self):
        return f"ITA {self.fiscal_year}"


class Tool(models.Model):
    class Code(models.TextChoices):
        IIT = "IIT", "IIT"
        EIT = "EIT", "EIT"
        OIT = "OIT", "OIT"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="tools",
                                  verbose_name=_("ปีงบประมาณ"))
    code = models.CharField(_("รหัส"), max_length=3, choices=Code.choices)
    name = models.CharField(_("ชื่อเครื่องมือ"), max_length=200)
    weight = models.DecimalField(_("น้ำหนัก (ร้อยละ)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    # Names of the parts each item of this tool is scored in (EIT 2568: Public / Survey);
    # empty when items carry one score.
    part_labels = models.JSONField(_("ชื่อส่วนของคะแนน"), default=list, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("เครื่องมือการประเมิน")
        verbose_name_plural = _("เครื่องมือการประเมิน")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="tool_unique_code"),
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=100), name="tool_weight_range"),
        ]

    def __str__(self):
        return f"{self.code} {self.framework.fiscal_year}"

    @property
    def parts(self) -> list[int]:
        """Part numbers scored separately: [1, 2] for a two-part tool, else []."""
        return list(range(1, len(self.part_labels) + 1))


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators",
                                  verbose_name=_("ปีงบประมาณ"))
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="indicators",
                             verbose_name=_("เครื่องมือการประเมิน"))
    number = models.PositiveSmallIntegerField(_("ตัวชี้วัดที่"))
    name = models.CharField(_("ชื่อตัวชี้วัด"), max_length=200)

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="indicator_unique_number")]

    def __str__(self):
        return gettext("ตัวชี้วัดที่ %(number)s %(name)s") % {"number": self.number, "name": self.name}


class ItemGroup(models.Model):
    """A group of items inside an indicator (OIT indicator 9's five groups)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="groups",
                                  verbose_name=_("ตัวชี้วัด"))
    code = models.CharField(_("รหัส"), max_length=10, help_text=_("เช่น 9.1"))
    name = models.CharField(_("ชื่อกลุ่ม"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name = _("กลุ่มข้อการประเมิน")
        verbose_name_plural = _("กลุ่มข้อการประเมิน")
        constraints = [models.UniqueConstraint(fields=["indicator", "code"], name="itemgroup_unique_code")]

    def __str__(self):
        return self.name


ITEM_PERIODS = [("current", _("ปีงบประมาณที่ประเมิน")), ("previous", _("ปีงบประมาณก่อนหน้า"))]


class Item(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("ปีงบประมาณ"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("ตัวชี้วัด"))
    group = models.ForeignKey(ItemGroup, on_delete=models.CASCADE, related_name="items", null=True, blank=True,
                              verbose_name=_("กลุ่มข้อการประเมิน"))
    code = models.CharField(_("รหัสข้อ"), max_length=10)
    text = models.TextField(_("ข้อคำถาม / ประเด็น"))
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    # An OIT item's evidence (oit/, docs/OIT.md), from the framework file: what it asks for, the
    # fiscal year its evidence is of (this ITA year or the one before) and the previous year's
    # item(s) it continues (the crosswalk, FY 2568 o21 + o22 → FY 2569 o20). ``confirmed``: False
    # when no official source states the item (every FY 2569 item today).
    asks = models.TextField(_("สิ่งที่ข้อนี้ขอ"), blank=True)
    period = models.CharField(_("ช่วงเวลาของหลักฐาน"), max_length=10, blank=True, choices=ITEM_PERIODS)
    continues = models.JSONField(_("ต่อจากข้อของปีก่อน"), default=list, blank=True)
    confirmed = models.BooleanField(_("ยืนยันจากแหล่งทางการแล้ว"), default=True)

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name = _("ข้อการประเมิน")
        verbose_name_plural = _("ข้อการประเมิน")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="item_unique_code")]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class Assessment(models.Model):
    """One body's ITA result for one fiscal year, with the figures as published."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="assessments",
                            verbose_name=_("หน่วยงาน"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments",
                                  verbose_name=_("ปีงบประมาณ"))
    overall = score_field(verbose_name=_("คะแนนรวม (ที่ประกาศ)"), null=True, blank=True)
    # Levels as published, each optional and in any year: sources print letter grades and
    # pass labels for the same year, sometimes both (assessments/scoring.py: GRADES, PASS_LABELS).
    grade = models.CharField(_("ระดับตัวอักษร (ที่ประกาศ)"), max_length=2, blank=True, choices=GRADE_CHOICES)
    pass_label = models.CharField(_("ผลการประเมิน (ที่ประกาศ)"), max_length=32, blank=True,
                                  choices=PASS_LABEL_CHOICES)
    change_published = models.DecimalField(_("คะแนนที่เปลี่ยนจากปีก่อน (ที่ประกาศ)"), max_digits=6, decimal_places=2,
                                           null=True, blank=True)
    rank_district = models.CharField(_("อันดับในอำเภอ (ที่ประกาศ)"), max_length=200, blank=True)
    rank_province = models.CharField(_("อันดับในจังหวัด (ที่ประกาศ)"), max_length=200, blank=True)
    note = models.TextField(_("รางวัลหรือหมายเหตุ (ที่ประกาศ)"), max_length=2000, blank=True)
    source = models.CharField(_("แหล่งที่มา"), max_length=200, blank=True)
    source_url = models.URLField(_("ที่มาของข้อมูล (ที่อยู่เว็บ)"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    class Meta:
        ordering = ["org", "-framework__fiscal_year"]
        verbose_name = _("ผลการประเมิน")
        verbose_name_plural = _("ผลการประเมิน")
        constraints = [
            models.UniqueConstraint(fields=["org", "framework"], name="assessment_unique_org_year"),
            score_range_check("overall", "assessment_overall_range"),
        ]
        # A year's bodies (the overviews, open data): the unique (org, framework) leads with the body.
        indexes = [models.Index(fields=["framework", "org"], name="assessment_framework_org")]

    def __str__(self):
        return f"{self.org} {self.framework.fiscal_year}"

    @property
    def level(self) -> str:
        """The published level: the year's own scale first (letter grades to FY 2565, pass
        labels from FY 2566), else the other one when only that was published; "" when none."""
        return next(iter(published_levels(self.framework.level_rule, self.grade, self.pass_label)), "")


class ScoreRow(models.Model):
    """A published score; ``part`` is 0 for the whole, 1/2 for a tool's parts."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, verbose_name=_("ผลการประเมิน"))
    part = models.PositiveSmallIntegerField(_("ส่วน"), default=0)
    score = score_field(verbose_name=_("คะแนน"))

    class Meta:
        abstract = True

    @classmethod
    def row_constraints(cls, target: str, prefix: str) -> list:
        return [
            models.UniqueConstraint(fields=["assessment", target, "part"], name=f"{prefix}_unique"),
            score_range_check("score", f"{prefix}_score_range"),
            models.CheckConstraint(condition=Q(part__lte=2), name=f"{prefix}_part_range"),
        ]


class ToolScore(ScoreRow):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, verbose_name=_("เครื่องมือการประเมิน"))

    class Meta:
        verbose_name = _("คะแนนรายเครื่องมือ")
        verbose_name_plural = _("คะแนนรายเครื่องมือ")
        constraints = ScoreRow.row_constraints("tool", "toolscore")
        default_related_name = "tool_scores"

    def __str__(self):
        return f"{self.tool}: {self.score}"


class GroupScore(ScoreRow):
    group = models.ForeignKey(ItemGroup, on_delete=models.CASCADE, verbose_name=_("กลุ่มข้อการประเมิน"))

    class Meta:
        verbose_name = _("คะแนนรายกลุ่มข้อ")
        verbose_name_plural = _("คะแนนรายกลุ่มข้อ")
        constraints = ScoreRow.row_constraints("group", "groupscore")
        default_related_name = "group_scores"

    def __str__(self):
        return f"{self.group}: {self.score}"


class IndicatorScore(ScoreRow):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, verbose_name=_("ตัวชี้วัด"))
    # Another figure the same document prints for this indicator (seed 002 prints
    # indicator 1 as 100.00 in one table and 97.63 in another). Kept to be shown.
    alt_score = score_field(verbose_name=_("คะแนนที่ขัดกันในเอกสารเดียวกัน"), null=True, blank=True)

    class Meta:
        verbose_name = _("คะแนนรายตัวชี้วัด")
        verbose_name_plural = _("คะแนนรายตัวชี้วัด")
        constraints = ScoreRow.row_constraints("indicator", "indicatorscore") + [
            score_range_check("alt_score", "indicatorscore_alt_range"),
        ]
        # The overviews' indicator averages (publicsite/overview.py: part 0, AVG(score), COUNT(id) by
        # indicator) read from the index alone. Plain key columns, not include=: Django creates
        # INCLUDE only on PostgreSQL (elsewhere it drops it and warns, models.W040).
        indexes = [models.Index(fields=["indicator", "part", "score", "id"], name="indicatorscore_indicator_part")]
        default_related_name = "indicator_scores"

    def __str__(self):
        return f"{self.indicator}: {self.score}"


class ItemScore(ScoreRow):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, verbose_name=_("ข้อการประเมิน"))

    class Meta:
        verbose_name = _("คะแนนรายข้อ")
        verbose_name_plural = _("คะแนนรายข้อ")
        constraints = ScoreRow.row_constraints("item", "itemscore")
        default_related_name = "item_scores"

    def __str__(self):
        return f"{self.item}: {self.score}"


class Membership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", _("เจ้าหน้าที่ผู้จัดทำ")
        APPROVER = "approver", _("ผู้บริหารผู้รับรอง")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("ผู้ใช้"))
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships",
                            verbose_name=_("หน่วยงาน"))
    role = models.CharField(_("บทบาท"), max_length=16, choices=Role.choices)
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("สมาชิกหน่วยงาน")
        verbose_name_plural = _("สมาชิกหน่วยงาน")
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} – {self.org} ({self.get_role_display()})"


class SupervisorScope(models.Model):
    """A district or provincial local-government office's area: a province, or one district of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisor_scopes",
                             verbose_name=_("ผู้ใช้"))
    province = models.ForeignKey(Province, on_delete=models.CASCADE, verbose_name=_("จังหวัด"))
    district = models.CharField(_("อำเภอ (เว้นว่าง = ทั้งจังหวัด)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("พื้นที่กำกับดูแล")
        verbose_name_plural = _("พื้นที่กำกับดูแล")
        constraints = [
            models.UniqueConstraint(fields=["user", "province", "district"], name="supervisorscope_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.province} {self.district}".strip()


# Every registered audit action (common/audit_actions.py): each app declares its own in its
# ``audit_actions.py`` and registers it in its AppConfig.ready. ``AuditAction.NAME`` finds a
# registered action by its constant name, for callers that name no app's class (the tests,
# library/index.py); ``AuditAction(name)`` refuses a name nobody registered.
AuditAction = audit_actions.registry


class AuditEvent(models.Model):
    """Who did what, written in the same transaction as the change itself."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("ผู้ดำเนินการ"))
    # A registered name (common/audit_actions.py; checked when written, by ``audit()``); not
    # database choices, so a new action needs no migration. Labels: ``action_label``.
    action = models.CharField(_("การกระทำ"), max_length=audit_actions.NAME_MAX_LENGTH)
    org = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("หน่วยงาน"))
    summary = models.CharField(_("สรุป"), max_length=300)
    detail = models.JSONField(_("รายละเอียด"), default=dict, blank=True)
    # Set when the row is made (not auto_now_add): the time is part of the row's hash.
    created_at = models.DateTimeField(_("เวลา"), default=timezone.now, editable=False, db_index=True)
    # Where the request came from (common/client.py; "" outside a request: commands, tasks).
    client_ip = models.CharField(_("ที่อยู่ไอพีของผู้ใช้"), max_length=45, blank=True, default="")
    # The chain (assessments/audit_chain.py, manage.py verify_audit): the row before's hash and this one's.
    prev_hash = models.CharField(_("ค่าแฮชของแถวก่อนหน้า"), max_length=64, blank=True, default="", editable=False)
    row_hash = models.CharField(_("ค่าแฮชของแถวนี้"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("บันทึกการใช้งาน")
        verbose_name_plural = _("บันทึกการใช้งาน")
        indexes = [models.Index(fields=["org", "-created_at"])]

    def __str__(self):
        return self.summary

    @property
    def action_label(self) -> str:
        return audit_actions.registry.label(self.action)  # a name no longer registered: as stored
