"""Published documents (immutable PDF versions), each body's report settings, and people's
signature images."""

import hashlib
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Organization
from measures.models import LengthChecked, length_checks

from .documents import DEFAULT_MEASURE_COLUMNS, DEFAULT_RESULT_COLUMNS, Doc

__all__ = ["Doc", "LogoImage", "PreviewRender", "PublishedDocument", "ReportSettings",
           "RepublishJob", "SignatureImage", "UserSignature"]

log = logging.getLogger(__name__)


def default_measure_columns():
    return list(DEFAULT_MEASURE_COLUMNS)


def default_result_columns():
    return list(DEFAULT_RESULT_COLUMNS)


class ReportSettings(models.Model):
    """How a body's documents look. The layout options default to the portal's original look;
    README.md ("Document layout") says which rule each option follows."""

    class Margins(models.TextChoices):
        CURRENT = "current", _("แบบเดิมของระบบ (บน 1.4 ขวา 1.2 ล่าง 1.6 ซ้าย 1.2 ซม.)")
        OFFICIAL = "official", _("แบบหนังสือราชการ (บน 2.5 ขวา 2 ล่าง 2 ซ้าย 3 ซม.)")

    class Header(models.TextChoices):
        LOGO = "logo", _("ตราหน่วยงาน (ถ้าอัปโหลดไว้) และชื่อเอกสาร")
        PLAIN = "plain", _("ข้อความอย่างเดียว ไม่มีภาพ")

    class FontSize(models.IntegerChoices):
        PT16 = 16, _("16 พอยต์ (ตาราง 14 พอยต์)")
        PT14 = 14, _("14 พอยต์ (ตาราง 12 พอยต์)")

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="report_settings",
                               verbose_name=_("หน่วยงาน"))
    measure_columns = models.JSONField(_("คอลัมน์ในเอกสารมาตรการ"), default=default_measure_columns)
    result_columns = models.JSONField(_("คอลัมน์ในรายงานผล"), default=default_result_columns)
    preparer_name = models.CharField(_("ชื่อผู้จัดทำ"), max_length=200, blank=True)
    preparer_position = models.CharField(_("ตำแหน่งผู้จัดทำ"), max_length=200, blank=True)
    approver_name = models.CharField(_("ชื่อผู้รับรอง"), max_length=200, blank=True)
    approver_position = models.CharField(_("ตำแหน่งผู้รับรอง"), max_length=200, blank=True)
    logo = models.FileField(_("ตราหน่วยงาน (PNG หรือ JPEG)"), upload_to="logos/", blank=True)
    margins = models.CharField(_("ระยะขอบกระดาษ"), max_length=16, choices=Margins.choices, default=Margins.CURRENT)
    header = models.CharField(_("หัวเอกสาร"), max_length=16, choices=Header.choices, default=Header.LOGO)
    body_font_pt = models.PositiveSmallIntegerField(_("ขนาดตัวอักษรเนื้อความ"), choices=FontSize.choices,
                                                    default=FontSize.PT16)
    version = models.PositiveIntegerField(_("ครั้งที่บันทึก"), default=1)

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

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="published_documents",
                            verbose_name=_("หน่วยงาน"))
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    # A key of assessments/documents.py's Doc, without database choices: a new kind of document
    # needs no migration (the admin filters by the titles: DocFilter).
    doc = models.CharField(_("เอกสาร"), max_length=16)
    version = models.PositiveIntegerField(_("ฉบับที่"))
    file = models.FileField(_("ไฟล์ PDF"), upload_to=published_path)
    sha256 = models.CharField(_("ค่า SHA-256 ของไฟล์"), max_length=64, db_index=True)  # /verify/ looks a file up by it
    size = models.PositiveIntegerField(_("ขนาดไฟล์ (ไบต์)"))
    pages = models.PositiveSmallIntegerField(_("จำนวนหน้า"), default=0)
    # the data the PDF was rendered from, for public pages and open data
    snapshot = models.JSONField(_("ข้อมูลที่ใช้จัดทำเอกสาร"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ผู้เผยแพร่"))
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), auto_now_add=True)

    class Meta:
        ordering = ["org", "fiscal_year", "doc", "-version"]
        verbose_name = _("เอกสารที่เผยแพร่")
        verbose_name_plural = _("เอกสารที่เผยแพร่")
        constraints = [
            models.UniqueConstraint(fields=["org", "fiscal_year", "doc", "version"], name="published_unique_version"),
        ]
        indexes = [models.Index(fields=["org", "fiscal_year", "doc", "-version"]),
                   # a year's documents across bodies (the overviews, open data of the year)
                   models.Index(fields=["fiscal_year", "doc", "org"], name="published_year_doc_org")]

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

    province = models.ForeignKey("assessments.Province", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("จังหวัด"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ผู้สั่งงาน"))
    state = models.CharField(_("สถานะ"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("เอกสารทั้งหมด"), default=0)
    done = models.PositiveIntegerField(_("สร้างแล้ว"), default=0)
    failed = models.PositiveIntegerField(_("สร้างไม่สำเร็จ"), default=0)
    created_at = models.DateTimeField(_("สั่งงานเมื่อ"), auto_now_add=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("งานสร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด")
        verbose_name_plural = _("งานสร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด")

    def __str__(self):
        return f"{self.province} {self.state} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else (100 if self.finished_at else 0)


SIGNATURE_LIMITS = {"name": 200, "position": 200}


def signature_path(instance, filename):
    """A random, non-guessable name, as evidence has: the file is never served by its path."""
    return f"signatures/{secrets.token_hex(16)}.png"


class UserSignature(LengthChecked):
    """A person's own signature image (a PNG with a transparent background, checked and
    re-encoded when uploaded) and the name and position printed under it. Private: shown only
    to its owner on their signature page; drawn only into a document they submitted or
    approved, from the copy kept at the approval (``SignatureImage``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signature")
    image = models.FileField(_("ภาพลายมือชื่อ"), upload_to=signature_path)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    name = models.CharField(_("ชื่อที่พิมพ์ใต้ลายมือชื่อ"), max_length=SIGNATURE_LIMITS["name"], blank=True)
    position = models.CharField(_("ตำแหน่งที่พิมพ์ใต้ชื่อ"), max_length=SIGNATURE_LIMITS["position"], blank=True)
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ลายมือชื่อ")
        verbose_name_plural = _("ลายมือชื่อ")
        constraints = length_checks("signature", SIGNATURE_LIMITS)

    def __str__(self):
        return f"{self.user} ({self.sha256[:12]})"


def kept_signature_path(instance, filename):
    return f"signatures/approved/{instance.sha256}.png"


class SignatureImageManager(models.Manager):
    def keep(self, signature: UserSignature) -> str | None:
        """A copy of ``signature``'s image as it is now, kept under its SHA-256 (made once per
        image); the hash, or None when the image cannot be read."""
        try:
            with signature.image.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError, ValueError):
            log.warning("the signature image of user %s is missing from storage: %s", signature.user_id,
                        signature.image.name)
            return None
        digest = hashlib.sha256(data).hexdigest()
        if not self.filter(sha256=digest).exists():
            kept = self.model(sha256=digest, user_id=signature.user_id)
            kept.image.save("signature.png", ContentFile(data), save=False)
            _kept, created = self.get_or_create(sha256=digest, defaults={"image": kept.image.name,
                                                                          "user_id": signature.user_id})
            if not created:  # kept meanwhile by another approval
                kept.image.storage.delete(kept.image.name)
        return digest


class SignatureImage(models.Model):
    """A signature as it was when a document was approved, named by its SHA-256: the approval's
    snapshot refers to it by that hash, and publishing and re-rendering draw it from here
    (handed to the renderer as bytes, like the logo). Never changed, never served; a person
    replacing or removing their signature leaves the copies documents were approved with."""

    sha256 = models.CharField(max_length=64, unique=True)
    image = models.FileField(upload_to=kept_signature_path)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignatureImageManager()

    class Meta:
        verbose_name = _("ลายมือชื่อในเอกสารที่เห็นชอบ")
        verbose_name_plural = _("ลายมือชื่อในเอกสารที่เห็นชอบ")

    def __str__(self):
        return self.sha256[:12]


def kept_logo_path(instance, filename):
    suffix = ".jpg" if filename.lower().endswith((".jpg", ".jpeg")) else ".png"
    return f"logos/approved/{instance.sha256}{suffix}"


class LogoImageManager(models.Manager):
    def keep(self, org) -> str:
        """A copy of ``org``'s logo as it is now, kept under its SHA-256 (made once per image);
        the hash, or "" when the body has no logo (or it cannot be read)."""
        settings_ = ReportSettings.objects.filter(org=org).exclude(logo="").first()
        if settings_ is None:
            return ""
        try:
            with settings_.logo.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError, ValueError):
            log.warning("the logo of %s is missing from storage: %s", org.slug, settings_.logo.name)
            return ""
        digest = hashlib.sha256(data).hexdigest()
        if not self.filter(sha256=digest).exists():
            kept = self.model(sha256=digest)
            kept.image.save(settings_.logo.name.rsplit("/", 1)[-1], ContentFile(data), save=False)
            _kept, created = self.get_or_create(sha256=digest, defaults={"image": kept.image.name})
            if not created:  # kept meanwhile by another approval
                kept.image.storage.delete(kept.image.name)
        return digest


class LogoImage(models.Model):
    """A body's logo as it was when a document was approved, named by its SHA-256, as
    ``SignatureImage`` keeps a signature: the approval's snapshot names it (``logo_sha256``),
    and publishing, previews of the approved document and re-rendering draw it from here, so a
    logo uploaded after the approval never reaches that document. Never changed."""

    sha256 = models.CharField(max_length=64, unique=True)
    image = models.FileField(upload_to=kept_logo_path)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LogoImageManager()

    class Meta:
        verbose_name = _("ตราหน่วยงานในเอกสารที่เห็นชอบ")
        verbose_name_plural = _("ตราหน่วยงานในเอกสารที่เห็นชอบ")

    def __str__(self):
        return self.sha256[:12]


class PreviewRender(models.Model):
    """A staff preview's PDF, kept by the hash of everything that makes it (``key``: the document's
    context as built, the draft mark, the logo, the renderer's code and files; reports/previews.py).
    A preview whose key has a ready render is answered with its file at once; a miss is rendered by
    the worker while the page shows its progress. Kept until a newer render of the same document
    of the body replaces it, or unread for ``PREVIEW_KEEP_DAYS``. Never public, never published."""

    class State(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังจัดทำ")
        READY = "ready", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    class Failure(models.TextChoices):
        TIMEOUT = "timeout", _("เกินเวลาที่กำหนด")
        ERROR = "error", _("เกิดข้อผิดพลาด")

    key = models.CharField(_("รหัสเนื้อหา (SHA-256)"), max_length=64, unique=True)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("หน่วยงาน"))
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    doc = models.CharField(_("เอกสาร"), max_length=16)
    draft = models.BooleanField(_("ร่าง"), default=True)
    logo_sha256 = models.CharField(_("ค่า SHA-256 ของตราหน่วยงาน"), max_length=64, blank=True)
    state = models.CharField(_("สถานะ"), max_length=16, choices=State.choices, default=State.QUEUED)
    failure = models.CharField(_("สาเหตุที่ไม่สำเร็จ"), max_length=16, choices=Failure.choices, blank=True)
    # What the worker renders (the context as the request built it); emptied once rendered.
    context = models.JSONField(_("ข้อมูลที่ใช้จัดทำเอกสาร"), null=True, blank=True)
    file = models.FileField(_("ไฟล์ PDF"), upload_to="previews/", max_length=200, blank=True)
    size = models.PositiveIntegerField(_("ขนาดไฟล์ (ไบต์)"), default=0)
    pages = models.PositiveIntegerField(_("จำนวนหน้า"), default=0)
    seconds = models.FloatField(_("เวลาที่ใช้จัดทำ (วินาที)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่เริ่มจัดทำ"), default=0)
    created_at = models.DateTimeField(_("สั่งจัดทำเมื่อ"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("ส่งเข้าคิวเมื่อ"), null=True, blank=True)
    started_at = models.DateTimeField(_("เริ่มจัดทำเมื่อ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    read_at = models.DateTimeField(_("เปิดดูล่าสุด"), null=True, blank=True)

    class Meta:
        verbose_name = _("ตัวอย่างเอกสารที่จัดทำไว้")
        verbose_name_plural = _("ตัวอย่างเอกสารที่จัดทำไว้")
        indexes = [models.Index(fields=["org", "fiscal_year", "doc"], name="preview_org_year_doc"),
                   models.Index(fields=["read_at"], name="preview_read_at")]

    def __str__(self):
        return f"{self.org_id} {self.fiscal_year} {self.doc} {self.key[:12]} {self.state}"
