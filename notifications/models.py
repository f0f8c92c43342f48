"""What the portal told whom, and what each person wants to be told.

Each ``Notification`` is one thing one person is told once: the database refuses a second row
with the same (recipient, kind, key), so an event recorded twice, a reminder pass run twice, or
two passes at once make one row, and one e-mail. The e-mail's own state lives on the row
(queued → sending → sent, or failed after the last attempt; skipped when the person gets no
e-mail), docs/ARCHITECTURE.md "Notifications, exactly once"."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Organization
from common.thai import format_date
from measures.models import LengthChecked, MeasurePlan, ProgressRound, length_checks


class Kind(models.TextChoices):
    SUBMITTED = "submitted", _("มีเอกสารส่งให้พิจารณา")
    RETURNED = "returned", _("เอกสารถูกส่งกลับให้แก้ไข")
    APPROVED = "approved", _("ผู้บริหารเห็นชอบเอกสาร")
    PUBLISHED = "published", _("เอกสารเผยแพร่แล้ว")
    COMMENT = "comment", _("ความเห็นจากผู้กำกับดูแลหรือผู้บริหาร")
    NEW_VERSION = "new_version", _("เอกสารฉบับใหม่ของหน่วยงานที่ติดตาม")
    DUE_SOON = "due_soon", _("ใกล้ถึงกำหนดส่ง")
    OVERDUE = "overdue", _("เลยกำหนดส่งแล้ว")
    REVIEW_WAITING = "review_waiting", _("เอกสารรอการพิจารณานาน")
    DIGEST = "digest", _("สรุปหน่วยงานที่ส่งล่าช้าประจำสัปดาห์")
    # A body's OIT year (oit/): a link of its evidence broke; items unanswered before the OIT window.
    OIT_LINK_BROKEN = "oit_link_broken", _("ลิงก์หลักฐาน OIT เปิดไม่ได้")
    OIT_WINDOW = "oit_window", _("ข้อ OIT ที่ยังไม่เผยแพร่หลักฐานก่อนช่วงตอบแบบ OIT")
    # The day's notifications of a person who chose LINE's daily digest, in one LINE message
    # (made by the reminder pass; not a choice on the settings page: PERSON_KINDS).
    LINE_DAILY = "line_daily", _("สรุปการแจ้งเตือนประจำวันทาง LINE")


# The kinds a person chooses on the settings page (the daily digest follows their LINE choices).
PERSON_KINDS = [(value, label) for value, label in Kind.choices if value != Kind.LINE_DAILY]


class Channel(models.TextChoices):
    """How a notification leaves: by e-mail, or as a LINE message (notifications/line.py)."""

    EMAIL = "email", _("อีเมล")
    LINE = "line", _("LINE")


class MailState(models.TextChoices):
    """The sending's state, by the row's channel (e-mail or LINE)."""

    QUEUED = "queued", _("รอส่ง")
    SENDING = "sending", _("กำลังส่ง")
    SENT = "sent", _("ส่งแล้ว")
    FAILED = "failed", _("ส่งไม่สำเร็จ (ครบจำนวนครั้ง)")
    SKIPPED = "skipped", _("ไม่ส่งอีเมล")
    # LINE's daily digest: kept for the day's digest, then sent inside it (``digest``).
    HELD = "held", _("รอสรุปประจำวันทาง LINE")
    DIGESTED = "digested", _("ส่งในสรุปประจำวันทาง LINE")


NOTIFICATION_LIMITS = {"reason": 2_000, "last_error": 1_000}


class Notification(LengthChecked):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("ผู้รับ"))
    kind = models.CharField(_("ประเภท"), max_length=32, choices=Kind.choices)
    # What makes it one thing: the transition, the comment, the round and its due date and the
    # reminder's step, the week of a digest. Unique with recipient and kind.
    key = models.CharField(_("รหัสเหตุการณ์"), max_length=120)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                            verbose_name=_("หน่วยงาน"))
    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("แผนมาตรการ"))
    round = models.ForeignKey(ProgressRound, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("รอบรายงานผล"))
    due_date = models.DateField(_("กำหนดส่ง"), null=True, blank=True)
    reason = models.TextField(_("เหตุผล / ข้อความ"), blank=True, max_length=NOTIFICATION_LIMITS["reason"])
    url = models.CharField(_("ลิงก์"), max_length=300, blank=True)
    # The words of the message (document name, days, …).
    context = models.JSONField(_("ข้อความประกอบ"), default=dict, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    # The sending: by e-mail, or by LINE (falls back to e-mail when LINE cannot deliver it).
    channel = models.CharField(_("ช่องทาง"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    fell_back = models.BooleanField(_("ส่ง LINE ไม่ได้ จึงส่งทางอีเมล"), default=False)
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("ส่งในสรุปประจำวัน"))
    state = models.CharField(_("สถานะการส่ง"), max_length=16, choices=MailState.choices, default=MailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่พยายามส่ง"), default=0)
    next_attempt_at = models.DateTimeField(_("พยายามส่งครั้งถัดไป"), null=True, blank=True)
    claimed_by = models.CharField(_("ผู้ส่งที่รับงาน"), max_length=40, blank=True)
    claimed_at = models.DateTimeField(_("เวลาที่รับงานส่ง"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    last_error = models.CharField(_("ข้อผิดพลาดล่าสุด"), max_length=NOTIFICATION_LIMITS["last_error"], blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notification_once"),
            *length_checks("notification", NOTIFICATION_LIMITS),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["state", "next_attempt_at"], name="notification_outbox"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def headline(self) -> str:
        """One Thai sentence saying what happened, for the list page and the e-mail's subject."""
        c = self.context or {}
        values = {"document": c.get("document", ""), "fy": c.get("fiscal_year", ""), "org": c.get("org", ""),
                  "actor": c.get("actor", ""), "version": c.get("version", ""), "count": c.get("count", 0),
                  "item": c.get("item", ""),
                  "date": format_date(self.due_date, thai_digits=False),
                  "days": abs(c.get("days_left", 0) or 0) or c.get("days_waiting", 0)}
        if self.kind == Kind.DUE_SOON and not c.get("days_left"):
            return gettext("%(document)s ปี %(fy)s ของ%(org)s ครบกำหนดส่งวันนี้ (%(date)s)") % values
        sentence = {
            Kind.SUBMITTED: gettext("%(actor)s ส่ง%(document)s ปี %(fy)s ของ%(org)s ให้พิจารณา"),
            Kind.RETURNED: gettext("%(document)s ปี %(fy)s ของ%(org)s ถูกส่งกลับให้แก้ไข"),
            Kind.APPROVED: gettext("ผู้บริหารเห็นชอบ%(document)s ปี %(fy)s ของ%(org)s แล้ว"),
            Kind.PUBLISHED: gettext("%(document)s ปี %(fy)s ของ%(org)s เผยแพร่แล้ว"),
            Kind.COMMENT: gettext("%(actor)s แสดงความเห็นต่อ%(document)s ปี %(fy)s ของ%(org)s"),
            Kind.NEW_VERSION: gettext("%(org)s เผยแพร่%(document)s ปี %(fy)s ฉบับที่ %(version)s"),
            Kind.DUE_SOON: gettext("%(document)s ปี %(fy)s ของ%(org)s ครบกำหนดส่งในอีก %(days)s วัน (%(date)s)"),
            Kind.OVERDUE: gettext("%(document)s ปี %(fy)s ของ%(org)s เลยกำหนดส่ง (%(date)s) มาแล้ว %(days)s วัน"),
            Kind.REVIEW_WAITING: gettext("%(document)s ปี %(fy)s ของ%(org)s รอการพิจารณามาแล้ว %(days)s วัน"),
            Kind.DIGEST: gettext("หน่วยงานในพื้นที่ของคุณที่ส่งรายงานล่าช้า %(count)s แห่ง"),
            Kind.OIT_LINK_BROKEN: gettext("ลิงก์หลักฐาน OIT ข้อ %(item)s ปี %(fy)s ของ%(org)s เปิดไม่ได้"),
            Kind.OIT_WINDOW: gettext("%(org)s ยังไม่เผยแพร่หลักฐาน OIT ปี %(fy)s อีก %(count)s ข้อ ก่อนวันที่ %(date)s"),
            Kind.LINE_DAILY: gettext("การแจ้งเตือนของคุณวันนี้ %(count)s เรื่อง"),
        }.get(self.kind, "%(document)s")
        return sentence % values


class Preference(models.Model):
    """One person's choices. No row: everything on, by e-mail.

    Per kind: recorded at all (``off_kinds``), and how it is sent: e-mail, LINE (``line_kinds``;
    by e-mail instead while LINE cannot deliver it, unless e-mail is off for the kind), or not at
    all (``email_off_kinds`` and not on LINE). ``line_digest``: the day's LINE messages as one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference", verbose_name=_("ผู้ใช้"))
    email_enabled = models.BooleanField(_("รับอีเมลแจ้งเตือน"), default=True)
    off_kinds = models.JSONField(_("ประเภทที่ไม่รับการแจ้งเตือน"), default=list, blank=True)
    email_off_kinds = models.JSONField(_("ประเภทที่ไม่รับทางอีเมล"), default=list, blank=True)
    line_kinds = models.JSONField(_("ประเภทที่รับทาง LINE"), default=list, blank=True)
    line_digest = models.BooleanField(_("รวมข้อความ LINE เป็นสรุปวันละครั้ง"), default=False)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = _("การตั้งค่าการแจ้งเตือน")

    def __str__(self):
        return str(self.user)

    def wants(self, kind) -> bool:
        return kind not in self.off_kinds

    def wants_email(self, kind) -> bool:
        return self.email_enabled and kind not in self.off_kinds and kind not in self.email_off_kinds

    def wants_line(self, kind) -> bool:
        """LINE for this kind (the daily digest: whenever any kind goes by LINE)."""
        if kind == Kind.LINE_DAILY:
            return bool(self.line_kinds)
        return kind not in self.off_kinds and kind in self.line_kinds

    def channel_of(self, kind) -> str:
        """How the settings page shows a kind is sent: "line", "email" or "none" (e-mail as a
        whole is ``email_enabled``, a switch of its own)."""
        if kind in self.line_kinds:
            return "line"
        return "none" if kind in self.email_off_kinds else "email"


class Follow(models.Model):
    """A person following a body: told when it publishes a new version of a document."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows",
                             verbose_name=_("ผู้ใช้"))
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="followers",
                            verbose_name=_("หน่วยงาน"))
    created_at = models.DateTimeField(_("เริ่มติดตามเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("การติดตามหน่วยงาน")
        verbose_name_plural = _("การติดตามหน่วยงาน")
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="follow_once")]

    def __str__(self):
        return f"{self.user} → {self.org}"


LINE_LINK_LIMITS = {"line_user_id": 64, "last_error": 300}


class LineLink(LengthChecked):
    """A person's LINE account, bound through LINE's account-linking flow (a link token from the
    Official Account, a single-use nonce of the portal's, the ``accountLink`` webhook event;
    notifications/line.py). One LINE account for one person. Removed when the person unlinks it or
    blocks the Official Account (the ``unfollow`` event); ``failed_at`` is set when LINE refused a
    message for good, and cleared when the person follows the account again or links anew."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_link",
                                verbose_name=_("ผู้ใช้"))
    line_user_id = models.CharField(_("รหัสผู้ใช้ LINE"), max_length=LINE_LINK_LIMITS["line_user_id"], unique=True)
    linked_at = models.DateTimeField(_("เชื่อมเมื่อ"), default=timezone.now)
    failed_at = models.DateTimeField(_("ส่ง LINE ไม่สำเร็จเมื่อ"), null=True, blank=True)
    last_error = models.CharField(_("ข้อผิดพลาดล่าสุด"), max_length=LINE_LINK_LIMITS["last_error"], blank=True)

    class Meta:
        verbose_name = _("บัญชี LINE ที่เชื่อมไว้")
        verbose_name_plural = _("บัญชี LINE ที่เชื่อมไว้")
        constraints = [*length_checks("linelink", LINE_LINK_LIMITS)]

    def __str__(self):
        return f"{self.user} ↔ LINE"

    @property
    def works(self) -> bool:
        return self.failed_at is None


class LineLinkNonce(models.Model):
    """The portal's half of one account-linking attempt: a random nonce (only its SHA-256 kept)
    sent to LINE with the person's link token; LINE's ``accountLink`` event brings it back with the
    LINE user, and the nonce is used once, within ``line.NONCE_MINUTES``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("ผู้ใช้"))
    digest = models.CharField(_("ค่าแฮชของรหัสใช้ครั้งเดียว"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), default=timezone.now)

    class Meta:
        verbose_name = _("คำขอเชื่อมบัญชี LINE")
        verbose_name_plural = _("คำขอเชื่อมบัญชี LINE")

    def __str__(self):
        return str(self.user)
