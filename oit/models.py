"""A body's OIT year (docs/OIT.md): one answer per body and item of a year, the files uploaded
as evidence (versioned, immutable, each at a public address that never changes) and the checks
of the external addresses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Item, Organization

ANSWER_LIMITS = {"url": 1000, "note": 1000}


class Kind(models.TextChoices):
    DOCUMENT = "document", _("เอกสารที่เผยแพร่ผ่านระบบนี้")
    FILE = "file", _("ไฟล์ที่อัปโหลด")
    URL = "url", _("ที่อยู่เว็บภายนอก")


class State(models.TextChoices):
    DRAFT = "draft", _("ร่าง")
    SUBMITTED = "submitted", _("รอผู้บริหารพิจารณา")
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")
    APPROVED = "approved", _("ผู้บริหารเห็นชอบแล้ว")
    PUBLISHED = "published", _("เผยแพร่แล้ว")


EDITABLE_STATES = (State.DRAFT, State.RETURNED, State.PUBLISHED)  # a published answer's edit is a new draft


class LinkState(models.TextChoices):
    UNCHECKED = "", _("ยังไม่ได้ตรวจ")
    OK = "ok", _("เปิดได้")
    BROKEN = "broken", _("เปิดไม่ได้")


def evidence_path(instance, filename):
    """Storage name: by the body's id (a rename keeps it), never reused (version and hash)."""
    return (f"oit/{instance.org_id}/{instance.fiscal_year}/"
            f"{instance.item_code}-v{instance.version}-{instance.sha256[:16]}.{instance.ext}")


class EvidenceFile(models.Model):
    """One uploaded version of an item's evidence: written once, never changed. Public at
    /orgs/<slug>/<fy>/ita/<code>/v<n>.<ext> from the moment an answer naming it is published."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("หน่วยงาน"))
    fiscal_year = models.PositiveSmallIntegerField(_("ปีการประเมิน ITA"))
    item_code = models.CharField(_("รหัสข้อ"), max_length=10)
    version = models.PositiveIntegerField(_("ฉบับที่"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"))
    ext = models.CharField(_("นามสกุลไฟล์"), max_length=5)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=100)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255)
    file = models.FileField(_("ไฟล์"), upload_to=evidence_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("ผู้อัปโหลด"))
    created_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)
    published_at = models.DateTimeField(_("เผยแพร่ครั้งแรกเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("ไฟล์หลักฐาน OIT")
        verbose_name_plural = _("ไฟล์หลักฐาน OIT")
        ordering = ["org", "fiscal_year", "item_code", "version"]
        constraints = [models.UniqueConstraint(fields=["org", "fiscal_year", "item_code", "version"],
                                               name="oit_file_unique_version")]

    def __str__(self):
        return f"{self.item_code} v{self.version} ({self.original_name})"


class ItemAnswer(models.Model):
    """A body's evidence for one OIT item of one ITA year. The working fields (kind, url, file,
    document) are what the editor saves; ``published_*`` are what the public sees, copied from
    the working fields by the approver's publish of what they approved (published = approved)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("หน่วยงาน"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("ข้อการประเมิน"))
    fiscal_year = models.PositiveSmallIntegerField(_("ปีการประเมิน ITA"))  # the item's framework year
    kind = models.CharField(_("ชนิดหลักฐาน"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("ที่อยู่เว็บ"), max_length=ANSWER_LIMITS["url"], blank=True)
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("ไฟล์"))
    doc = models.CharField(_("เอกสาร"), max_length=20, blank=True)
    doc_fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณของเอกสาร"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), max_length=ANSWER_LIMITS["note"], blank=True)
    state = models.CharField(_("สถานะ"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("รุ่นของข้อมูล"), default=1)  # optimistic lock of the form
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("ใช้ต่อจากคำตอบ"))
    updated_at = models.DateTimeField(_("แก้ไขล่าสุดเมื่อ"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("แก้ไขโดย"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("ส่งพิจารณาโดย"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("พิจารณาโดย"))
    return_reason = models.TextField(_("เหตุผลที่ส่งกลับ"), max_length=2000, blank=True)
    # What the public sees: the content last published.
    published_kind = models.CharField(_("ชนิดหลักฐานที่เผยแพร่"), max_length=10, choices=Kind.choices, blank=True)
    published_url = models.URLField(_("ที่อยู่เว็บที่เผยแพร่"), max_length=ANSWER_LIMITS["url"], blank=True)
    published_file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("ไฟล์ที่เผยแพร่"))
    published_doc = models.CharField(_("เอกสารที่เผยแพร่"), max_length=20, blank=True)
    published_doc_fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณของเอกสารที่เผยแพร่"), null=True,
                                                                 blank=True)
    published_note = models.TextField(_("หมายเหตุที่เผยแพร่"), max_length=ANSWER_LIMITS["note"], blank=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("เผยแพร่โดย"))
    # The last check of the working external address (oit/links.py).
    link_state = models.CharField(_("ผลการตรวจลิงก์"), max_length=10, choices=LinkState.choices, blank=True)
    link_problem = models.CharField(_("ปัญหาของลิงก์"), max_length=300, blank=True)
    link_checked_at = models.DateTimeField(_("ตรวจลิงก์ล่าสุดเมื่อ"), null=True, blank=True)
    link_broken_since = models.DateTimeField(_("เปิดไม่ได้ตั้งแต่"), null=True, blank=True)

    class Meta:
        verbose_name = _("หลักฐานข้อ OIT")
        verbose_name_plural = _("หลักฐานข้อ OIT")
        ordering = ["org", "fiscal_year", "item"]
        constraints = [
            models.UniqueConstraint(fields=["org", "item"], name="oit_answer_unique_item"),
            models.CheckConstraint(condition=~Q(kind="url") | ~Q(url=""), name="oit_answer_url_has_address"),
            models.CheckConstraint(condition=~Q(kind="file") | Q(file__isnull=False), name="oit_answer_file_has_file"),
            models.CheckConstraint(condition=~Q(kind="document") | ~Q(doc=""), name="oit_answer_document_named"),
        ]
        indexes = [
            # The coverage columns (selectors.coverage): the bodies of a year, published and broken.
            models.Index(fields=["fiscal_year", "org", "published_at", "link_state"], name="oit_answer_coverage"),
            models.Index(fields=["link_state", "kind"], name="oit_answer_links"),
        ]

    def __str__(self):
        return f"{self.org} {self.fiscal_year} {self.item.code}"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


class LinkCheck(models.Model):
    """One check of an answer's external address (oit/links.py): the last few are kept per answer."""

    answer = models.ForeignKey(ItemAnswer, on_delete=models.CASCADE, related_name="checks",
                               verbose_name=_("หลักฐานข้อ OIT"))
    url = models.URLField(_("ที่อยู่ที่ตรวจ"), max_length=ANSWER_LIMITS["url"])
    checked_at = models.DateTimeField(_("ตรวจเมื่อ"), auto_now_add=True)
    ok = models.BooleanField(_("เปิดได้"))
    status = models.PositiveSmallIntegerField(_("รหัสสถานะ HTTP"), null=True, blank=True)
    problem = models.CharField(_("ปัญหา"), max_length=30, blank=True)
    detail = models.CharField(_("รายละเอียด"), max_length=300, blank=True)
    final_url = models.URLField(_("ที่อยู่ปลายทาง"), max_length=ANSWER_LIMITS["url"], blank=True)

    class Meta:
        verbose_name = _("ผลการตรวจลิงก์")
        verbose_name_plural = _("ผลการตรวจลิงก์")
        ordering = ["-checked_at", "-pk"]

    def __str__(self):
        return f"{self.url} {'ok' if self.ok else self.problem}"
