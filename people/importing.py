"""The people import's steps shared by ``import_people`` and the web upload (people/import_views.py):
what each row will do (``preview``), the signed rows carried from the preview to the confirmation
(``sign`` / ``unsign``), and the mail after the import (``send_mail``). Writing is
services.people_import; the file is read and checked by people_io. docs/PEOPLE.md says the rules.

The preview runs the very calls the import makes (services.invitation_create, row by row) inside a
transaction that is always rolled back: what it shows is what the import will do, whatever rules
the service keeps, and it writes nothing (no invitation, no role, no audit row, no mail)."""

import hashlib
import json
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import Refusal
from common.spreadsheet import FileRejected, numbered

from . import invitations, services
from .people_io import PersonRow

SALT = "people.import"
PAYLOAD_SECONDS = 60 * 60  # a preview can be confirmed for an hour
PAYLOAD_MAX_LENGTH = 2_000_000  # characters: 500 rows at their longest, compressed, fit many times over

# What a row will do, as the preview shows it: (Thai label, Bootstrap badge colour).
KINDS = {
    "invited": (gettext_lazy("เชิญใหม่ ส่งอีเมลคำเชิญ"), "primary"),
    "resend": (gettext_lazy("มีคำเชิญที่ยังส่งไม่สำเร็จ ส่งอีเมลอีกครั้ง"), "warning"),
    "pending": (gettext_lazy("มีคำเชิญรอตอบรับอยู่แล้ว ไม่เปลี่ยนแปลง"), "secondary"),
    "unchanged": (gettext_lazy("มีบทบาทนี้อยู่แล้ว ไม่เปลี่ยนแปลง"), "secondary"),
}
CHANGES = ("invited", "resend")  # the kinds that write or mail something


@dataclass(frozen=True)
class RowPlan:
    """One row of the preview: the checked row and what importing it will do (a key of KINDS)."""

    row: PersonRow
    kind: str

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]

    @property
    def badge(self) -> str:
        return KINDS[self.kind][1]

    @property
    def changes(self) -> bool:
        return self.kind in CHANGES


def _kind(result) -> str:
    if result.kind == "pending" and result.invitation.sent_at is None:
        return "resend"  # saved before, its mail never went: the import sends it
    return result.kind


class _DryRun(Exception):
    """Raised to roll the preview's transaction back."""


def preview(rows: list[PersonRow], *, actor, system: bool = False) -> list[RowPlan]:
    """What importing ``rows`` will do, row by row, with nothing written. A row the service refuses
    (an address two accounts share, a role the actor may not give …) is a row-numbered
    FileRejected, every such row listed."""
    plans, errors = [], []
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        result = services.invitation_create(org=row.org, email=row.email, role=row.role,
                                                            position=row.position, name=row.name, actor=actor,
                                                            system=system)
                except services.PeopleError as refused:
                    errors.extend(numbered(row.line, refused.messages))
                    continue
                plans.append(RowPlan(row=row, kind=_kind(result)))
            raise _DryRun
    except _DryRun:
        pass
    if errors:
        raise FileRejected(errors)
    return plans


def digest(plans: list[RowPlan]) -> str:
    """A fingerprint of a preview: confirming checks the import would still do what was shown."""
    shown = [[p.row.line, p.row.email, p.row.org.pk, p.row.role, p.kind] for p in plans]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def sign(records, *, user, filename: str, plans: list[RowPlan]) -> str:
    """The rows as read from the file, the uploader and the preview's fingerprint, signed (not
    encrypted: the uploader sent them) for the confirmation form's hidden field."""
    return signing.dumps({"user": user.pk, "file": filename[:200], "records": records, "digest": digest(plans)},
                         salt=SALT, compress=True)


class PayloadRejected(Refusal):
    """The confirmation's rows are not the ones this user previewed (edited, expired, another's)."""


def unsign(value: str, *, user) -> dict:
    """The signed payload of ``sign``, checked: PayloadRejected with a Thai sentence otherwise."""
    try:
        data = signing.loads(value or "", salt=SALT, max_age=PAYLOAD_SECONDS)
    except signing.SignatureExpired:
        raise PayloadRejected(_("หน้าตัวอย่างนี้เปิดไว้นานเกิน 1 ชั่วโมง กรุณาอัปโหลดไฟล์อีกครั้ง")) from None
    except signing.BadSignature:
        raise PayloadRejected(_("ข้อมูลที่ส่งมายืนยันไม่ตรงกับไฟล์ที่ตรวจแล้ว กรุณาอัปโหลดไฟล์อีกครั้ง")) from None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        raise PayloadRejected(_("ข้อมูลที่ส่งมายืนยันไม่ได้มาจากไฟล์ที่คุณตรวจ กรุณาอัปโหลดไฟล์อีกครั้ง"))
    data["records"] = [(int(line), dict(record)) for line, record in data["records"]]
    return data


@dataclass
class Mailed:
    """What the mail after an import did: counts per kind and the rows whose mail did not go."""

    counts: dict
    failed: list


def send_mail(rows: list[PersonRow], results, *, actor, base: str) -> Mailed:
    """Mail what the import did (as import_people always has): a new invitation, an invitation
    saved earlier whose mail never went. A mail that fails
    leaves the invitation "ยังส่งไม่สำเร็จ" (importing the file again sends it)."""
    counts = {"invited": 0, "unchanged": 0, "resent": 0}
    failed = []
    for row, result in zip(rows, results, strict=True):
        kind = result.kind
        try:
            if kind == "invited":
                invitations.send_invitation(invitation=result.invitation, actor=actor, base=base)
            elif kind == "pending" and result.invitation.sent_at is None:
                kind = "resent"
                invitations.send_invitation(invitation=result.invitation, actor=actor, base=base)
        except (invitations.MailNotSent, services.PeopleError):
            failed.append(_("แถวที่ %(line)s: ส่งอีเมลถึง %(email)s ไม่สำเร็จ") % {"line": row.line, "email": row.email})
        counts["unchanged" if kind == "pending" else kind] += 1
    return Mailed(counts=counts, failed=failed)
