"""The register of bodies (ทะเบียนหน่วยงาน), shared by ``import_orgs``, the admin's upload and
``export_orgs`` (so a file round-trips). The format is documented in docs/REGISTER.md.

One row per body, CSV (UTF-8 with or without BOM; Thai Windows cp874 is read too) or XLSX
(first sheet). Columns in any order; Thai headers work too:

    dla_code   รหัส อปท.          the DLA code: the key a body is matched by; empty (or no such
                                   column): matched by name, province and district
    name       ชื่อหน่วยงาน        the Thai name (required)
    kind       ประเภท             sao | subdistrict_municipality | town_municipality |
                                   city_municipality | pao | other, the Thai name of the kind
                                   or its short form (อบต. ทต. ทม. ทน. อบจ.); empty: read from
                                   the name's prefix
    province   จังหวัด             Thai name or 3-letter code (ATG); empty: not known
    district   อำเภอ
    itas_code  รหัส ITAS
    names      ชื่ออื่น             other names, separated by | (or a new line in the cell)
    website    เว็บไซต์             http(s) address; "www.…" gets https://

A column the file does not have leaves that field of every body as it is. Parsing here reads
and checks against the database (all of it read once); writing is services.organizations_import.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F
from django.utils.translation import gettext as _

from common.spreadsheet import FileRejected, csv_bytes, header_columns, numbered, table_records, xlsx_bytes
from common.spreadsheet import read_table as read_spreadsheet
from common.text import clean_text, too_long
from common.thai import to_arabic_digits

from . import slugs
from .models import Organization, OrganizationName, Province, name_key

__all__ = ["COLUMNS", "ImportRejected", "RegisterRow", "check_rows", "export_rows", "read_table"]

COLUMNS = ["dla_code", "name", "kind", "province", "district", "itas_code", "names", "website"]
REQUIRED = ["name"]  # a row without a DLA code is matched by name, province and district
NAMES_SEPARATOR = "|"
MAX_BYTES = 20 * 1024 * 1024  # the national register with every variant is a few MB
MAX_ROWS = 200_000  # rows after the header; about 7,850 bodies today
HEADER_ALIASES = {
    "dla_code": "dla_code", "รหัส อปท.": "dla_code", "รหัส อปท": "dla_code", "รหัสอปท.": "dla_code",
    "รหัสอปท": "dla_code", "รหัส อปท. (สถ.)": "dla_code", "รหัส สถ.": "dla_code", "dla": "dla_code",
    "name": "name", "ชื่อหน่วยงาน": "name", "ชื่อ อปท.": "name", "ชื่อ อปท": "name", "ชื่อ": "name",
    "kind": "kind", "ประเภท": "kind", "ประเภท อปท.": "kind", "ประเภทหน่วยงาน": "kind",
    "province": "province", "จังหวัด": "province",
    "district": "district", "อำเภอ": "district",
    "itas_code": "itas_code", "รหัส itas": "itas_code", "รหัสหน่วยงานในระบบ itas": "itas_code",
    "names": "names", "ชื่ออื่น": "names", "ชื่ออื่นของหน่วยงาน": "names", "ชื่อเดิม": "names",
    "website": "website", "เว็บไซต์": "website", "เว็บไซท์": "website", "ที่อยู่เว็บไซต์": "website",
}
KIND_WORDS = {
    "sao": ["องค์การบริหารส่วนตำบล", "อบต"],
    "subdistrict_municipality": ["เทศบาลตำบล", "ทต"],
    "town_municipality": ["เทศบาลเมือง", "ทม"],
    "city_municipality": ["เทศบาลนคร", "ทน"],
    "pao": ["องค์การบริหารส่วนจังหวัด", "อบจ"],
    "other": ["หน่วยงานภาครัฐอื่น", "อื่น ๆ", "อื่นๆ"],
}
DLA_CODE = re.compile(r"[0-9A-Za-z._-]{1,20}")
ImportRejected = FileRejected  # the name the register's callers (services, admin) use

FIELD_LIMITS = {name: Organization._meta.get_field(name).max_length
                for name in ("name", "district", "itas_code", "website")}


@dataclass(frozen=True)
class RegisterRow:
    """A checked row: the values a body gets (``None`` for a column the file does not have);
    ``dla_code`` is "" when the row gives none (the body is then found by ``identity``)."""

    line: int
    dla_code: str
    name: str
    kind: str
    province: Province | None = None
    district: str | None = None
    itas_code: str | None = None
    website: str | None = None
    names: tuple[str, ...] = ()
    present: frozenset = field(default_factory=frozenset)  # the columns the file has

    @property
    def identity(self) -> tuple:
        """What a row without a DLA code is matched by: the name's key, and the province and the
        district when the file has those columns (district_key)."""
        province = "-" if "province" not in self.present else getattr(self.province, "pk", None)
        district = district_key(self.district) if "district" in self.present else "-"
        return name_key(self.name), province, district


def district_key(district: str | None) -> str:
    """A district as rows are matched by it: without อำเภอ, spaces or hyphens (name_key)."""
    return name_key((district or "").strip().removeprefix("อำเภอ"))


# ---------------------------------------------------------------- reading files


def read_table(data: bytes, filename: str = "") -> tuple[list[tuple[int, dict[str, str]]], frozenset]:
    """(rows as (row number as a spreadsheet shows it, {column: text}), the columns the header has)."""
    rows = read_spreadsheet(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, empty=_("ไฟล์ว่างเปล่า ไม่มีข้อมูลหน่วยงาน"))
    header_line, header = rows[0]
    columns = header_columns(header, HEADER_ALIASES)
    errors = []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        errors.append(_("แถวที่ %(line)s: แถวหัวตารางไม่มีคอลัมน์ %(missing)s (คอลัมน์ที่ใช้ได้: %(columns)s)") % {
            "line": header_line, "missing": ", ".join(missing), "columns": ", ".join(COLUMNS)})
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        errors.append(_("แถวที่ %(line)s: แถวหัวตารางมีคอลัมน์ %(columns)s ซ้ำกัน") % {
            "line": header_line, "columns": ", ".join(twice)})
    if errors:
        raise ImportRejected(errors)
    if len(rows) == 1:
        raise ImportRejected([_("ไฟล์ไม่มีข้อมูลหน่วยงาน มีเพียงแถวหัวตาราง")])
    return table_records(rows, columns, COLUMNS), frozenset(c for c in columns if c)


# ---------------------------------------------------------------- checking rows


class _Register:
    """What rows are checked against, read once: provinces, and every body's DLA code."""

    def __init__(self):
        self.provinces = {}
        for province in Province.objects.all():
            for key in (province.name, f"จังหวัด{province.name}", province.code.upper()):
                self.provinces[key] = province
        self.kinds = {}
        for kind, label in Organization.Kind.choices:
            for word in (kind, str(label), *KIND_WORDS.get(kind, [])):
                self.kinds[_kind_key(word)] = kind


def _kind_key(text: str) -> str:
    return "".join(ch for ch in text if ch not in " .").casefold()


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def check_rows(records, present: frozenset) -> list[RegisterRow]:
    """Turn read rows into RegisterRows, or raise ImportRejected listing every bad row.

    Two rows with one DLA code are refused; so are two rows of the same name, province and district
    when either has no DLA code (the import could not tell which body each one means)."""
    register = _Register()
    errors: list[str] = []
    seen: dict[str, int] = {}
    identities: dict[tuple, tuple[int, str]] = {}  # identity -> (first row, its DLA code)
    rows: list[RegisterRow] = []
    for line, record in records:
        row, row_errors = _check_row(register, line, record, present)
        if not row_errors and row.dla_code and row.dla_code in seen:
            row_errors = [_("รหัส อปท. %(code)s ซ้ำกับแถวที่ %(first)s") % {"code": row.dla_code,
                                                                         "first": seen[row.dla_code]}]
        if not row_errors and row.identity in identities:
            first, first_code = identities[row.identity]
            if not (row.dla_code and first_code):
                row_errors = [_("ชื่อ จังหวัด และอำเภอ “%(name)s” ซ้ำกับแถวที่ %(first)s และแถวใดแถวหนึ่งไม่มีรหัส อปท. "
                                "จึงบอกไม่ได้ว่าเป็นหน่วยงานใด (ระบุรหัส อปท. หรืออำเภอให้ต่างกัน)") % {
                    "name": row.name, "first": first}]
        if row_errors:
            errors.extend(numbered(line, row_errors))
            continue
        if row.dla_code:
            seen[row.dla_code] = line
        identities.setdefault(row.identity, (line, row.dla_code))
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    return rows


def _check_row(register, line, record, present):
    errors = []
    dla_code = to_arabic_digits(record["dla_code"]).strip()  # empty: matched by name, province and district
    if dla_code and not DLA_CODE.fullmatch(dla_code):
        errors.append(_("รหัส อปท. “%(code)s” ไม่ถูกต้อง (ใช้ตัวเลขหรือตัวอักษรละติน ไม่เกิน 20 ตัว ไม่มีช่องว่าง)") % {
            "code": record["dla_code"][:40]})

    name = _one_line(record["name"])
    if not name:
        errors.append(_("ไม่ได้ระบุชื่อหน่วยงาน"))
    elif len(name) > FIELD_LIMITS["name"]:
        errors.append(too_long(_("ชื่อหน่วยงาน"), len(name), FIELD_LIMITS["name"]))

    kind_text = _one_line(record["kind"])
    if kind_text:
        kind = register.kinds.get(_kind_key(kind_text))
        if kind is None:
            errors.append(_("ประเภท “%(kind)s” ไม่ถูกต้อง (ใช้ได้: %(kinds)s)") % {
                "kind": kind_text[:60], "kinds": ", ".join(str(label) for _k, label in Organization.Kind.choices)})
    else:
        kind = slugs.kind_from_name("".join(name.split())) if name else None
        if kind is None and name:
            errors.append(_("ไม่ได้ระบุประเภท และบอกประเภทจากชื่อ “%(name)s” ไม่ได้ กรุณาระบุประเภท") % {"name": name[:60]})

    values = {}
    if "province" in present:
        province_text = _one_line(record["province"])
        values["province"] = None
        if province_text:
            values["province"] = register.provinces.get(province_text) or register.provinces.get(
                province_text.upper())
            if values["province"] is None:
                errors.append(_("ไม่พบจังหวัด “%(province)s” (ใช้ชื่อจังหวัดภาษาไทย เช่น อ่างทอง หรือรหัสย่อ เช่น ATG "
                                "หรือเว้นว่างเมื่อไม่ทราบ)") % {"province": province_text[:60]})
    if "district" in present:
        district = _one_line(record["district"])
        district = district.removeprefix("อำเภอ").strip()
        if len(district) > FIELD_LIMITS["district"]:
            errors.append(too_long(_("อำเภอ"), len(district), FIELD_LIMITS["district"]))
        values["district"] = district
    if "itas_code" in present:
        itas_code = to_arabic_digits(_one_line(record["itas_code"]))
        if len(itas_code) > FIELD_LIMITS["itas_code"]:
            errors.append(too_long(_("รหัส ITAS"), len(itas_code), FIELD_LIMITS["itas_code"]))
        values["itas_code"] = itas_code
    if "website" in present:
        values["website"] = _check_website(_one_line(record["website"]), errors)

    names = []
    if "names" in present:
        keys = {name_key(name)} if name else set()
        for variant in re.split(r"[|\n]", clean_text(record["names"])):
            variant = " ".join(variant.split())
            if not variant or name_key(variant) in keys:
                continue
            if len(variant) > OrganizationName._meta.get_field("name").max_length:
                errors.append(too_long(_("ชื่ออื่นของหน่วยงาน"), len(variant), 200))
                continue
            keys.add(name_key(variant))
            names.append(variant)
    if errors:
        return None, errors
    return RegisterRow(line=line, dla_code=dla_code, name=name, kind=kind, names=tuple(names),
                       present=present, **values), []


def _check_website(text: str, errors) -> str:
    if not text:
        return ""
    if "://" not in text:
        text = f"https://{text}"
    if len(text) > FIELD_LIMITS["website"]:
        errors.append(too_long(_("เว็บไซต์"), len(text), FIELD_LIMITS["website"]))
        return text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        errors.append(_("เว็บไซต์ “%(url)s” ไม่ถูกต้อง (เช่น https://www.example.go.th)") % {"url": text[:200]})
    return text


# ---------------------------------------------------------------- export


def export_rows(orgs=None) -> list[list[str]]:
    """Every body (or ``orgs``) in the import format, header first, sorted by DLA code; the bodies
    without one follow with an empty code, by province, district and name (an import matches them
    by name, province and district). Two queries."""
    orgs = orgs if orgs is not None else Organization.objects.all()
    names: dict[int, list[str]] = {}
    for org_id, variant in (OrganizationName.objects.filter(org__in=orgs.values("pk"))
                            .order_by("org_id", "pk").values_list("org_id", "name")):
        names.setdefault(org_id, []).append(variant)
    rows = [list(COLUMNS)]
    ordered = orgs.select_related("province").order_by(
        F("dla_code").asc(nulls_last=True), "province__name", "district", "name", "pk")
    for org in ordered:
        rows.append([org.dla_code or "", org.name, org.kind, org.province.name if org.province else "", org.district,
                     org.itas_code, f" {NAMES_SEPARATOR} ".join(names.get(org.pk, [])), org.website])
    return rows


rows_to_csv = csv_bytes


def rows_to_xlsx(rows) -> bytes:
    return xlsx_bytes(rows, sheet="register")
