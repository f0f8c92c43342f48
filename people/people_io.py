"""The people file of ``import_people`` and of the web upload (/app/people/import/,
people/import_views.py; docs/PEOPLE.md): one row per role, CSV (UTF-8 with or without BOM, or
Thai Windows cp874) or XLSX (first sheet).

| column | meaning |
|---|---|
| name | Thai first and last name (filled in the invitation form; set on an account that has none) |
| position | position printed under the name in documents |
| email | the person's e-mail (the account is found by it) |
| body | the body's DLA code or its slug |
| role | editor / approver (or เจ้าหน้าที่ผู้จัดทำ / ผู้บริหารผู้รับรอง, ผู้จัดทำ / ผู้บริหาร) |

Every row is checked before anything is written; any bad row refuses the whole file with Thai
sentences that name the row (``แถวที่ 7: …``), like the score import."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from assessments.models import Membership, Organization
from common.spreadsheet import FileRejected, header_columns, missing_columns, numbered, read_table, table_records
from common.text import too_long

from .models import INVITATION_LIMITS

COLUMNS = ["name", "position", "email", "body", "role"]
HEADER_ALIASES = {
    "name": "name", "ชื่อ": "name", "ชื่อ-นามสกุล": "name", "ชื่อ นามสกุล": "name", "ชื่อและนามสกุล": "name",
    "position": "position", "ตำแหน่ง": "position",
    "email": "email", "e-mail": "email", "อีเมล": "email", "อีเมล์": "email",
    "body": "body", "org": "body", "หน่วยงาน": "body", "รหัส อปท.": "body", "รหัสหน่วยงาน": "body",
    "role": "role", "บทบาท": "role",
}
ROLE_ALIASES = {
    "editor": Membership.Role.EDITOR, "เจ้าหน้าที่ผู้จัดทำ": Membership.Role.EDITOR, "ผู้จัดทำ": Membership.Role.EDITOR,
    "เจ้าหน้าที่": Membership.Role.EDITOR,
    "approver": Membership.Role.APPROVER, "ผู้บริหารผู้รับรอง": Membership.Role.APPROVER,
    "ผู้บริหาร": Membership.Role.APPROVER, "ผู้รับรอง": Membership.Role.APPROVER,
}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000  # rows after the header
WEB_MAX_ROWS = 500  # the web upload mails in the request: a province's approvers fit, a country does not

PeopleFileRejected = FileRejected  # the name the people import's callers use


@dataclass(frozen=True)
class PersonRow:
    line: int
    name: str
    position: str
    email: str
    org: Organization
    role: str


def read_rows(data: bytes, *, max_rows: int = MAX_ROWS) -> list[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {column: text}) of every non-blank row after the header."""
    rows = read_table(data, max_bytes=MAX_BYTES, max_rows=max_rows, empty=_("ไฟล์ว่างเปล่า ไม่มีรายชื่อบุคลากร"),
                      clean=True)
    header_line, header = rows[0]
    columns = header_columns(header, HEADER_ALIASES)
    if errors := missing_columns(header_line, columns, [c for c in COLUMNS if c != "position"], COLUMNS):
        raise PeopleFileRejected(errors)
    if len(rows) == 1:
        raise PeopleFileRejected([_("ไฟล์ไม่มีรายชื่อบุคลากร มีเพียงแถวหัวตาราง")])
    return table_records(rows, columns, COLUMNS)


def check_rows(records, *, area=None, roles=None) -> list[PersonRow]:
    """Every row checked (bodies looked up in two queries, three with ``area``); PeopleFileRejected
    lists every bad row. ``area``: the bodies the uploader may import into (a queryset; None: every
    body); ``roles``: the roles they may give (None: both)."""
    keys = {r["body"].strip() for _n, r in records if r["body"].strip()}
    by_code = {o.dla_code: o for o in Organization.objects.filter(dla_code__in=keys)}
    by_slug = {o.slug: o for o in Organization.objects.filter(slug__in={k.lower() for k in keys})}
    inside = None
    if area is not None:
        found = {o.pk for o in (*by_code.values(), *by_slug.values())}
        inside = set(area.filter(pk__in=found).values_list("pk", flat=True))
    errors, rows, seen = [], [], {}
    for line, record in records:
        row_errors = []
        name = " ".join(record["name"].split())
        position = " ".join(record["position"].split())
        email = record["email"].strip().lower()
        body = record["body"].strip()
        role = ROLE_ALIASES.get(record["role"].strip().lower())
        for label, value, limit in ((_("ชื่อ-นามสกุล"), name, INVITATION_LIMITS["name"]),
                                    (_("ตำแหน่ง"), position, INVITATION_LIMITS["position"]),
                                    (_("อีเมล"), email, INVITATION_LIMITS["email"])):
            if len(value) > limit:
                row_errors.append(too_long(label, len(value), limit))
        if not email:
            row_errors.append(_("ไม่มีอีเมล"))
        else:
            try:
                validate_email(email)
            except ValidationError:
                row_errors.append(_("อีเมล “%(email)s” ไม่ถูกต้อง") % {"email": email})
        org = by_code.get(body) or by_slug.get(body.lower())
        if not body:
            row_errors.append(_("ไม่ได้ระบุหน่วยงาน (รหัส อปท. หรือชื่อในที่อยู่เว็บ)"))
        elif org is None:
            row_errors.append(_("ไม่พบหน่วยงาน “%(body)s” (ใช้รหัส อปท. หรือชื่อในที่อยู่เว็บของหน่วยงาน)") % {"body": body})
        elif inside is not None and org.pk not in inside:
            row_errors.append(_("หน่วยงาน “%(body)s” (%(name)s) ไม่อยู่ในพื้นที่ที่คุณกำกับดูแล นำเข้าได้เฉพาะหน่วยงานในพื้นที่ของคุณ")
                              % {"body": body, "name": org.name})
        if role is None:
            row_errors.append(_("บทบาท “%(role)s” ไม่ถูกต้อง (ใช้ editor หรือ approver, เจ้าหน้าที่ผู้จัดทำ หรือผู้บริหารผู้รับรอง)")
                              % {"role": record["role"]})
        elif roles is not None and role not in roles:
            row_errors.append(_("ผู้กำกับดูแลพื้นที่เชิญได้เฉพาะผู้บริหารผู้รับรอง เจ้าหน้าที่ผู้จัดทำให้ผู้บริหารของหน่วยงานเป็นผู้เชิญ"))
        if org is not None and role is not None and email:
            key = (email, org.pk, role)
            if key in seen:
                row_errors.append(_("ซ้ำกับแถวที่ %(other)s (อีเมล หน่วยงาน และบทบาทเดียวกัน)") % {"other": seen[key]})
            seen.setdefault(key, line)
        if row_errors:
            errors.extend(numbered(line, row_errors))
        else:
            rows.append(PersonRow(line=line, name=name, position=position, email=email, org=org, role=role))
    if errors:
        raise PeopleFileRejected(errors)
    return rows
