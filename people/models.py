"""Invitations to a body and when each role was given.

A body's people are ``assessments.Membership`` rows (user, body, role, position) and its
supervisors ``assessments.SupervisorScope``; this app adds the invitation a person accepts to
get an account (a random token, only its SHA-256 stored; single use enforced by the database)
and the date each role was given (``MembershipGrant``). Rules: docs/PEOPLE.md.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Membership, Organization, Province

INVITATION_LIMITS = {"email": 254, "position": 200, "name": 200}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """43 URL-safe characters (256 random bits); only its digest is stored."""
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)


class InvitedRole(models.TextChoices):
    EDITOR = Membership.Role.EDITOR.value, Membership.Role.EDITOR.label
    APPROVER = Membership.Role.APPROVER.value, Membership.Role.APPROVER.label
    SUPERVISOR = "supervisor", _("ผู้กำกับดูแลพื้นที่")


class Invitation(models.Model):
    """An e-mailed link that lets one person create their account with a role in a body.

    Pending while neither accepted nor cancelled (at most one pending invitation per address,
    body and role: a database constraint); usable while pending, sent and not expired. A
    handover invitation (``replaces``) removes the outgoing person's role when it is accepted."""

    email = models.EmailField(_("อีเมล"), max_length=INVITATION_LIMITS["email"])
    # A body's editor or approver: ``org``; a supervisor: ``province`` (and ``district``).
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations",
                            verbose_name=_("หน่วยงาน"), null=True, blank=True)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("จังหวัด"),
                                 null=True, blank=True)
    district = models.CharField(_("อำเภอ (เว้นว่าง = ทั้งจังหวัด)"), max_length=100, blank=True)
    role = models.CharField(_("บทบาท"), max_length=16, choices=InvitedRole.choices)
    position = models.CharField(_("ตำแหน่ง"), max_length=INVITATION_LIMITS["position"], blank=True)
    name = models.CharField(_("ชื่อ-นามสกุล (ตามที่ผู้เชิญระบุ)"), max_length=INVITATION_LIMITS["name"], blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("ผู้เชิญ"))
    token_hash = models.CharField(_("ค่าแฮชของรหัสคำเชิญ"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("เชิญเมื่อ"), auto_now_add=True)
    expires_at = models.DateTimeField(_("หมดอายุ"))
    sent_at = models.DateTimeField(_("ส่งอีเมลล่าสุด"), null=True, blank=True)
    send_failed_at = models.DateTimeField(_("ส่งอีเมลไม่สำเร็จล่าสุด"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("ตอบรับเมื่อ"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("บัญชีที่สร้าง"))
    cancelled_at = models.DateTimeField(_("ยกเลิกเมื่อ"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("ผู้ยกเลิก"))
    # A handover: the role of this membership passes to the invitee when they accept.
    replaces = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("รับช่วงบทบาทจาก"))

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("คำเชิญ")
        verbose_name_plural = _("คำเชิญ")
        constraints = [
            models.UniqueConstraint(fields=["org", "email", "role"],
                                    condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                                    name="invitation_one_pending"),
            models.UniqueConstraint(fields=["province", "district", "email"],
                                    condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True,
                                                role="supervisor"),
                                    name="invitation_one_pending_supervisor"),
            models.CheckConstraint(condition=(Q(role="supervisor", org__isnull=True, province__isnull=False)
                                              | (~Q(role="supervisor") & Q(org__isnull=False, province__isnull=True))),
                                   name="invitation_body_or_area"),
            models.CheckConstraint(condition=Q(accepted_at__isnull=True) | Q(cancelled_at__isnull=True),
                                   name="invitation_accepted_or_cancelled"),
            *[models.CheckConstraint(condition=LessThanOrEqual(Length(name), limit), name=f"invitation_{name}_length")
              for name, limit in INVITATION_LIMITS.items()],
        ]
        indexes = [models.Index(fields=["org", "-created_at"])]

    def __str__(self):
        return f"{self.email} – {self.org or self.province} ({self.get_role_display()})"

    @property
    def place(self) -> str:
        """The body, or the supervisor's area, as a Thai phrase."""
        if self.org_id:
            return self.org.name
        return f"{self.province.name} {self.district}".strip()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.is_pending and self.sent_at is not None and not self.is_expired

    @property
    def state(self) -> str:
        """accepted | cancelled | expired | unsent | sent."""
        if self.accepted_at:
            return "accepted"
        if self.cancelled_at:
            return "cancelled"
        if self.is_expired:
            return "expired"
        return "sent" if self.sent_at else "unsent"


class MembershipGrant(models.Model):
    """When and by whom a role was given ("ตั้งแต่" on the people page). Memberships made
    before this app (or in the Django admin) have none; the page then shows the account's
    creation date."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="grant",
                                      verbose_name=_("สมาชิกหน่วยงาน"))
    granted_at = models.DateTimeField(_("ได้รับบทบาทเมื่อ"), default=timezone.now)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("ผู้ให้บทบาท"))

    class Meta:
        verbose_name = _("วันที่ได้รับบทบาท")
        verbose_name_plural = _("วันที่ได้รับบทบาท")

    def __str__(self):
        return f"{self.membership} {self.granted_at:%Y-%m-%d}"


class EmailChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class EmailChange(models.Model):
    """A new e-mail address a person asked for on their profile page. It counts (``user.email``
    changes) only when they open the link mailed to it, signed in as themselves, before
    ``expires_at``; the link carries a random token of which only the SHA-256 is stored, and works
    once. At most one waits per person: asking again replaces it (the earlier link stops working)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_changes",
                             verbose_name=_("ผู้ใช้"))
    email = models.EmailField(_("อีเมลใหม่"), max_length=INVITATION_LIMITS["email"])
    previous = models.EmailField(_("อีเมลเดิม"), max_length=INVITATION_LIMITS["email"], blank=True)
    token_hash = models.CharField(_("ค่าแฮชของรหัสยืนยัน"), max_length=64, unique=True, editable=False)
    requested_at = models.DateTimeField(_("ขอเปลี่ยนเมื่อ"), auto_now_add=True)
    expires_at = models.DateTimeField(_("หมดอายุ"))
    confirmed_at = models.DateTimeField(_("ยืนยันเมื่อ"), null=True, blank=True)

    objects = EmailChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("คำขอเปลี่ยนอีเมล")
        verbose_name_plural = _("คำขอเปลี่ยนอีเมล")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(confirmed_at__isnull=True),
                                    name="emailchange_one_pending"),
            *[models.CheckConstraint(condition=LessThanOrEqual(Length(name), INVITATION_LIMITS["email"]),
                                     name=f"emailchange_{name}_length") for name in ("email", "previous")],
        ]

    def __str__(self):
        return f"{self.user} → {self.email}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
