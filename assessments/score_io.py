"""The score file format, shared by import and export (so a file round-trips).

One row per published figure, in CSV (UTF-8, with or without BOM; Thai Windows cp874 is
also read) or XLSX (first sheet). Columns, in any order (Thai header names work too):

    org          body slug, DLA code, or the body's Thai name or another name it is
                 known by, when that names one body only       หน่วยงาน
    fiscal_year  fiscal year in พ.ศ., e.g. 2568               ปีงบประมาณ
    scope        overall | level | tool | group | indicator | indicator_alt | item |
                 change | rank_district | rank_province | note | source_url        ประเภท
    code         tool code (IIT), group code (9.3), indicator number (4), item code (i10);
                 for level: empty (the text says which), grade or pass; else empty   รหัส
    part         0 (whole; empty means 0), or 1 / 2 for the parts of a tool scored in
                 parts (EIT 2568: 1 = EIT Public, 2 = EIT Survey)                    ส่วน
    value        the score 0–100, at most two decimals (Thai digits accepted; a decimal
                 comma as in 97,90 is read as 97.90, a thousands separator as in 1,234
                 is refused: no score has thousands); for
                 level the level as published: a letter grade (AA–F), a pass label
                 (ผ่านดีเยี่ยม … ต้องปรับปรุงโดยด่วน, ไม่ผ่าน) or both ("(ผ่าน) ระดับ AA");
                 for change the published change against the year before (−100–100);
                 for rank_district / rank_province / note the text as published; for
                 source_url the address of the source                                คะแนน
    level        optional: a level as published, for the row's body and year     ระดับ

A row may be a level only: org, fiscal_year and the level column, scope and value empty.
Every scope, with an example row, is listed for operators in README.md ("Score file format"), on the
import page (templates/app/scores_import.html) and in docs/DOMAIN.md; keep the three in step.

``indicator_alt`` is a second figure a document prints for the same indicator.
Text a spreadsheet would run as a formula (= + - @ …) is written with a leading ' and read
back without it (common/spreadsheet.py).
Parsing here reads and checks; writing is services.scores_import.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.spreadsheet import (
    FileRejected,
    csv_bytes,
    header_columns,
    missing_columns,
    numbered,
    table_records,
    xlsx_bytes,
)
from common.spreadsheet import read_table as read_spreadsheet
from common.text import clean_text, too_long
from common.thai import to_arabic_digits

from . import scoring
from .models import GRADES, PASS_LABELS, Assessment, Framework, Organization, OrganizationName, name_key

COLUMNS = ["org", "fiscal_year", "scope", "code", "part", "value"]
REQUIRED = ["org", "fiscal_year"]  # scope and value too, unless the file has a level column
HEADER_ALIASES = {
    "org": "org", "หน่วยงาน": "org", "slug": "org", "ชื่อหน่วยงาน": "org",
    "fiscal_year": "fiscal_year", "ปีงบประมาณ": "fiscal_year", "ปี": "fiscal_year",
    "scope": "scope", "ประเภท": "scope", "ขอบเขต": "scope",
    "code": "code", "รหัส": "code",
    "part": "part", "ส่วน": "part",
    "value": "value", "score": "value", "คะแนน": "value",
    "level": "level", "ระดับ": "level", "ระดับผลการประเมิน": "level", "ผลการประเมิน": "level",
}
SCOPES = ["overall", "level", "tool", "group", "indicator", "indicator_alt", "item",
          "change", "rank_district", "rank_province", "note", "source_url"]
# What each scope is, in Thai, for the import page and the one-figure page.
SCOPE_LABELS = {
    "overall": gettext_lazy("คะแนนรวม"),
    "level": gettext_lazy("ระดับผลการประเมิน"),
    "tool": gettext_lazy("คะแนนรายเครื่องมือ"),
    "group": gettext_lazy("คะแนนรายกลุ่มข้อ"),
    "indicator": gettext_lazy("คะแนนรายตัวชี้วัด"),
    "indicator_alt": gettext_lazy("คะแนนตัวชี้วัดอีกค่าหนึ่งที่เอกสารเดียวกันพิมพ์ไว้"),
    "item": gettext_lazy("คะแนนรายข้อ"),
    "change": gettext_lazy("คะแนนที่เปลี่ยนจากปีก่อน"),
    "rank_district": gettext_lazy("อันดับในอำเภอ"),
    "rank_province": gettext_lazy("อันดับในจังหวัด"),
    "note": gettext_lazy("รางวัลหรือหมายเหตุ"),
    "source_url": gettext_lazy("ที่มาของข้อมูล (ที่อยู่เว็บ)"),
}
# Published facts kept as text, with the length a source needs.
TEXT_FACTS = {"rank_district": 200, "rank_province": 200, "note": 2000, "source_url": 500}
# The "not found" sentence for each scope with a code, whole (not a noun glued into a sentence).
NOT_FOUND = {
    "tool": gettext_lazy("ไม่พบเครื่องมือ “%(code)s” ในปีงบประมาณ พ.ศ. %(year)s"),
    "group": gettext_lazy("ไม่พบกลุ่มข้อ “%(code)s” ในปีงบประมาณ พ.ศ. %(year)s"),
    "indicator": gettext_lazy("ไม่พบตัวชี้วัด “%(code)s” ในปีงบประมาณ พ.ศ. %(year)s"),
    "indicator_alt": gettext_lazy("ไม่พบตัวชี้วัด “%(code)s” ในปีงบประมาณ พ.ศ. %(year)s"),
    "item": gettext_lazy("ไม่พบข้อการประเมิน “%(code)s” ในปีงบประมาณ พ.ศ. %(year)s"),
}
MAX_ROWS = 200_000

ImportRejected = FileRejected  # the name the score import's callers (and framework_io) use


@dataclass(frozen=True)
class ScoreRow:
    line: int
    org: Organization
    framework: Framework
    scope: str
    code: str
    part: int
    value: object  # Decimal, or the level's name for scope=level
    target: object = None  # the Tool / ItemGroup / Indicator / Item the row scores

    @property
    def key(self):
        return (self.org.pk, self.framework.pk, self.scope, self.code, self.part)


# ---------------------------------------------------------------- reading files


def read_table(data: bytes, filename: str = "") -> list[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {column: text}) for every non-blank row."""
    rows = read_spreadsheet(data, max_bytes=settings.SCORE_IMPORT_MAX_BYTES, max_rows=MAX_ROWS,
                            empty=_("ไฟล์ว่างเปล่า ไม่มีข้อมูลคะแนน"))
    header_line, header = rows[0]
    columns = header_columns(header, HEADER_ALIASES)
    required = REQUIRED if "level" in columns else [*REQUIRED, "scope", "value"]
    if errors := missing_columns(header_line, columns, required, COLUMNS):
        raise ImportRejected(errors)
    if len(rows) == 1:
        raise ImportRejected([_("ไฟล์ไม่มีข้อมูลคะแนน มีเพียงแถวหัวตาราง")])
    result = []
    for number, record in table_records(rows, columns, COLUMNS):
        level = record.pop("level", "").strip()
        if level:  # the level column: a level row of its own
            if record["scope"].strip() or record["value"].strip():
                result.append((number, record))
            result.append((number, {**record, "scope": "level", "code": "", "part": "", "value": level}))
        else:
            result.append((number, record))
    return result


# ---------------------------------------------------------------- checking rows


def _check_level(text, code, errors):
    """(letter grade, pass label) as published; the scales of every year are accepted."""
    label = text.strip()
    if not label:
        errors.append(_("ไม่ได้ระบุระดับผลการประเมิน"))
        return None
    parsed = scoring.parse_level(label)
    if parsed is None:
        errors.append(_("ระดับ “%(level)s” ไม่ใช่ระดับผลการประเมินที่รู้จัก (ใช้ได้: %(levels)s)") % {
            "level": label, "levels": ", ".join([*GRADES, *PASS_LABELS])})
        return None
    grade, pass_label = parsed
    if code == "grade" and (pass_label or not grade):
        errors.append(_("ระดับ “%(level)s” ไม่ใช่ระดับตัวอักษร (AA–F)") % {"level": label})
    if code == "pass" and (grade or not pass_label):
        errors.append(_("ระดับ “%(level)s” ไม่ใช่ผลการประเมิน (ผ่านดีเยี่ยม … ต้องปรับปรุงโดยด่วน)") % {"level": label})
    return parsed


def _check_text_fact(scope, text, errors):
    text = clean_text(text)
    value = " ".join(text.split()) if scope != "note" else text.strip()
    if not value:
        errors.append(_("ไม่ได้ระบุข้อความ"))
    elif len(value) > TEXT_FACTS[scope]:
        errors.append(too_long(Assessment._meta.get_field(scope).verbose_name, len(value), TEXT_FACTS[scope]))
    elif scope == "source_url":
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors.append(_("ที่อยู่เว็บ “%(url)s” ไม่ถูกต้อง (ขึ้นต้นด้วย http:// หรือ https://)") % {"url": value[:200]})
    return value


# A decimal comma: digits, one comma, one or two digits (97,90 · 97,9 · −2,05).
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]{1,2}")
# A thousands separator: groups of three digits after each comma (1,234 · 1,234.50 · 97,900).
THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")


def read_number(text) -> Decimal | None:
    """A figure as a source prints it or a person types it: Thai or Arabic digits, spaces, a
    leading + or a minus sign (− too), a decimal point or a decimal comma (97,90 is 97.90, as
    many Thai and European documents print it). None for an empty cell. Raises ValueError
    with a Thai sentence saying what is wrong: a thousands separator (1,234) is refused, not
    guessed, since no score has thousands."""
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        raw = str(text)
    else:
        raw = to_arabic_digits(str(text)).strip()
        raw = raw.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if raw == "":
        return None
    if "," in raw:
        if DECIMAL_COMMA.fullmatch(raw):
            raw = raw.replace(",", ".")
        elif THOUSANDS.fullmatch(raw):
            raise ValueError(_("คะแนน “%(value)s” มีจุลภาคคั่นหลักพัน แต่คะแนนไม่มีหลักพัน ถ้าจุลภาคเป็นจุดทศนิยม "
                               "ให้มีทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 97,90 หรือ 97.90") % {"value": str(text).strip()})
        else:
            raise ValueError(_("คะแนน “%(value)s” ไม่ใช่ตัวเลข (ใช้จุดหรือจุลภาคเป็นจุดทศนิยมได้เพียงหนึ่งตัว "
                               "เช่น 97.90 หรือ 97,90)") % {"value": str(text).strip()})
    try:
        value = Decimal(raw.removeprefix("+"))
    except InvalidOperation:
        raise ValueError(_("คะแนน “%(value)s” ไม่ใช่ตัวเลข") % {"value": str(text).strip()}) from None
    if not value.is_finite():
        raise ValueError(_("คะแนน “%(value)s” ไม่ใช่ตัวเลข") % {"value": str(text).strip()})
    return value


def _number(text, errors, *, low: int, high: int, out_of_range: str):
    """The figure in ``text``, checked against [low, high] and two decimals; None (and a Thai
    sentence in ``errors``) when it is not one."""
    try:
        value = read_number(text)
    except ValueError as error:
        errors.append(str(error))
        return None
    if value is None:
        errors.append(_("ไม่ได้ระบุคะแนน"))
    elif not Decimal(low) <= value <= Decimal(high):
        errors.append(out_of_range % {"value": str(text).strip()})
    elif value != value.quantize(Decimal("0.01")):
        errors.append(_("คะแนน %(value)s มีทศนิยมเกิน 2 ตำแหน่ง") % {"value": str(text).strip()})
    return value


def _check_change(text, errors):
    return _number(text, errors, low=-100, high=100, out_of_range=_("คะแนนที่เปลี่ยน %(value)s อยู่นอกช่วง −100 ถึง 100"))


class _Catalogue:
    """Everything rows are checked against, loaded once (a fixed number of queries)."""

    def __init__(self, orgs=None, years=None):
        """Every body and year, or only ``orgs`` (a queryset) and ``years`` (one figure's page)."""
        self.orgs = {}
        self.by_name: dict[str, list] = {}  # name key -> bodies with that name or another name
        for org in (orgs if orgs is not None else Organization.objects.all()).select_related("province"):
            self.orgs[org.slug] = org
            if org.dla_code:
                self.orgs[org.dla_code] = org
            self.by_name.setdefault(name_key(org.name), []).append(org)
        by_pk = {org.pk: org for org in self.orgs.values()}
        names = OrganizationName.objects.all()
        if orgs is not None:
            names = names.filter(org_id__in=list(by_pk))
        for org_id, key in names.values_list("org_id", "key"):
            found = self.by_name.setdefault(key, [])
            if by_pk[org_id] not in found:
                found.append(by_pk[org_id])

        self.frameworks = {}
        from .selectors import frameworks_with_catalogue

        frameworks = Framework.objects.all() if years is None else Framework.objects.filter(fiscal_year__in=years)
        for fw in frameworks_with_catalogue(frameworks.values_list("pk", flat=True)).values():
            tools = {t.code: t for t in fw.tools.all()}
            tool_by_pk = {t.pk: t for t in tools.values()}
            indicators = {str(i.number): i for i in fw.indicators.all()}
            groups = {g.code: g for i in indicators.values() for g in i.groups.all()}
            items = {it.code: it for i in indicators.values() for it in i.items.all()}
            self.frameworks[fw.fiscal_year] = {
                "fw": fw, "tool": tools, "group": groups, "indicator": indicators, "indicator_alt": indicators,
                "item": items, "tool_by_pk": tool_by_pk,
                "levels": [band["label"] for band in fw.level_rule],
                "indicator_by_pk": {i.pk: i for i in indicators.values()},
            }

    def org(self, text):
        """(the body, None) or (None, a Thai sentence why not)."""
        text = text.strip()
        if text in self.orgs:
            return self.orgs[text], None
        found = self.by_name.get(name_key(text), [])
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, (_("ไม่พบหน่วยงาน “%(org)s”") % {"org": text} if text else _("ไม่ได้ระบุหน่วยงาน"))
        return None, _("ชื่อ “%(org)s” ตรงกับหลายหน่วยงาน: %(bodies)s กรุณาใช้ชื่อในที่อยู่เว็บ (slug) หรือรหัส อปท.") % {
            "org": text, "bodies": "; ".join(
                f"{o.name} ({o.province.name if o.province else _('ไม่ระบุจังหวัด')}, {o.slug})" for o in found)}

    def tool_of(self, fyc, scope, target):
        if scope == "tool":
            return target
        if scope in ("indicator", "indicator_alt"):
            return fyc["tool_by_pk"][target.tool_id]
        return fyc["tool_by_pk"][fyc["indicator_by_pk"][target.indicator_id].tool_id]  # group or item


def _normalise_code(scope: str, code: str) -> str:
    code = to_arabic_digits(code.strip())
    if scope == "tool":
        return code.upper()
    if scope == "item":
        code = code.lower()
        if code[:1] == "๐":  # seeds write o1 with a Thai zero
            code = "o" + code[1:]
    return code


def check_rows(records, *, allowed_org_ids: set[int] | None = None) -> list[ScoreRow]:
    """Turn read rows into ScoreRows, or raise ImportRejected listing every bad row."""
    catalogue = _Catalogue()
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    rows: list[ScoreRow] = []
    for line, record in records:
        row, row_errors = _check_row(catalogue, line, record, allowed_org_ids)
        if row_errors:
            errors.extend(numbered(line, row_errors))
            continue
        if row.key in seen:
            errors.append(_("แถวที่ %(line)s: ซ้ำกับแถวที่ %(first)s (หน่วยงาน ปี ระดับ รหัส และส่วนเดียวกัน)") % {
                "line": line, "first": seen[row.key]})
            continue
        seen[row.key] = line
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    return rows


def check_one(*, org: Organization, fiscal_year: int, scope: str, code: str = "", part: str = "",
              value: str | None = None) -> ScoreRow:
    """One figure of one body and year, as typed on the staff page (the same checks and Thai
    sentences as a file's row, without a row number). ``value`` None checks only which figure
    it is (a removal). Raises ImportRejected listing what is wrong."""
    catalogue = _Catalogue(orgs=Organization.objects.filter(pk=org.pk), years=[fiscal_year])
    record = {"org": org.slug, "fiscal_year": str(fiscal_year), "scope": scope, "code": code or "",
              "part": part or "", "value": value or ""}
    row, errors = _check_row(catalogue, 0, record, None, check_value=value is not None)
    if errors:
        raise ImportRejected(errors)
    return row


def _check_row(catalogue, line, record, allowed_org_ids, *, check_value=True):
    errors = []
    org, problem = catalogue.org(record["org"])
    if org is None:
        errors.append(problem)
    elif allowed_org_ids is not None and org.pk not in allowed_org_ids:
        errors.append(_("คุณไม่มีสิทธิ์นำเข้าคะแนนของ%(org)s") % {"org": org.name})

    fyc = None
    year_text = to_arabic_digits(record["fiscal_year"]).strip()
    if not year_text.isdecimal():  # isdigit() lets through ¹ and the like, which int() refuses
        errors.append(_("ปีงบประมาณ “%(year)s” ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น 2568)") % {"year": record["fiscal_year"]})
    else:
        fyc = catalogue.frameworks.get(int(year_text))
        if fyc is None:
            errors.append(_("ไม่พบกรอบการประเมินปีงบประมาณ พ.ศ. %(year)s") % {"year": year_text})

    scope = record["scope"].strip().lower()
    if scope not in SCOPES:
        errors.append(_("ระดับ “%(scope)s” ไม่ถูกต้อง (ใช้ได้: %(scopes)s)") % {
            "scope": record["scope"], "scopes": ", ".join(SCOPES)})
        return None, errors

    part_text = to_arabic_digits(record["part"]).strip() or "0"
    part = int(part_text) if part_text in ("0", "1", "2") else None
    if part is None:
        errors.append(_("ส่วน “%(part)s” ไม่ถูกต้อง (ใช้ 0, 1 หรือ 2)") % {"part": record["part"]})

    code = _normalise_code(scope, record["code"])
    target = None
    if scope == "level" and code.lower() in ("grade", "pass"):
        code = code.lower()
        if part:
            errors.append(_("ระดับ %(scope)s ไม่มีส่วนย่อย") % {"scope": scope})
    elif scope in ("overall", "level", "change", *TEXT_FACTS):
        if code:
            errors.append(_("ระดับ %(scope)s ต้องไม่มีรหัส") % {"scope": scope})
        if part:
            errors.append(_("ระดับ %(scope)s ไม่มีส่วนย่อย") % {"scope": scope})
    elif fyc is not None:
        target = fyc[scope].get(code)
        if target is None:
            errors.append(NOT_FOUND[scope] % {"code": record["code"], "year": fyc["fw"].fiscal_year})
        elif part is not None:
            parts = catalogue.tool_of(fyc, scope, target).parts
            if part and part not in parts:
                errors.append(_("%(code)s ไม่มีคะแนนแยกส่วนที่ %(part)s") % {"code": record["code"], "part": part})
            elif scope == "item" and parts and not part:
                errors.append(_("ข้อ %(code)s ต้องระบุส่วน (%(parts)s)") % {
                    "code": record["code"], "parts": ", ".join(map(str, parts))})

    value = _check_value(scope, record["value"], fyc, errors, code) if check_value else None
    if errors:
        return None, errors
    return ScoreRow(line, org, fyc["fw"], scope, code, part, value, target), []


def _check_value(scope, text, fyc, errors, code=""):
    if scope == "level":
        return _check_level(text, code, errors)
    if scope in TEXT_FACTS:
        return _check_text_fact(scope, text, errors)
    if scope == "change":
        return _check_change(text, errors)
    return _number(text, errors, low=0, high=100, out_of_range=_("คะแนน %(value)s อยู่นอกช่วง 0–100"))


# ---------------------------------------------------------------- export


def export_rows(assessments) -> list[list[str]]:
    """The rows of ``assessments`` in the import format (header first)."""
    from .selectors import published_scores

    assessments = list(assessments.select_related("org", "framework"))
    published = published_scores(assessments)
    rows = [list(COLUMNS)]
    for a in sorted(assessments, key=lambda a: (a.org.slug, a.framework.fiscal_year)):
        p = published[a.pk]
        prefix = [a.org.slug, str(a.framework.fiscal_year)]
        if p.overall is not None:
            rows.append(prefix + ["overall", "", "0", f"{p.overall:.2f}"])
        if p.grade:
            rows.append(prefix + ["level", "grade", "0", p.grade])
        if p.pass_label:
            rows.append(prefix + ["level", "pass", "0", p.pass_label])
        if a.change_published is not None:
            rows.append(prefix + ["change", "", "0", f"{a.change_published:.2f}"])
        for scope in TEXT_FACTS:
            if getattr(a, scope):
                rows.append(prefix + [scope, "", "0", getattr(a, scope)])
        for scope, mapping in (("tool", p.tools), ("group", p.groups), ("indicator", p.indicators),
                               ("indicator_alt", p.indicator_alts), ("item", p.items)):
            for (code, part), score in sorted(mapping.items(), key=lambda kv: _sort_key(kv[0])):
                rows.append(prefix + [scope, str(code), str(part), f"{score:.2f}"])
    return rows


@dataclass(frozen=True)
class Figure:
    """One stored figure of a body's year, as its row in the file reads (the staff page lists them)."""

    scope: str
    code: str
    part: str
    value: str
    name: str  # what the code names: the tool, group or indicator name, the item text

    @property
    def label(self):
        return SCOPE_LABELS[self.scope]


LEVEL_NAMES = {"grade": gettext_lazy("ระดับตัวอักษร"), "pass": gettext_lazy("ผลการประเมิน")}


def figures(org: Organization, framework: Framework) -> list[Figure]:
    """Every published figure stored for ``org`` in ``framework``'s year, in the file's order."""
    from .selectors import frameworks_with_catalogue

    fw = frameworks_with_catalogue([framework.pk])[framework.pk]
    names: dict[tuple[str, str], str] = {("level", code): str(name) for code, name in LEVEL_NAMES.items()}
    for tool in fw.tools.all():
        names[("tool", tool.code)] = tool.name
    for indicator in fw.indicators.all():
        names[("indicator", str(indicator.number))] = names[("indicator_alt", str(indicator.number))] = indicator.name
        for group in indicator.groups.all():
            names[("group", group.code)] = group.name
        for item in indicator.items.all():
            names[("item", item.code)] = item.text
    rows = export_rows(assessments_for_export(org_ids=[org.pk], fiscal_year=framework.fiscal_year))[1:]
    return [Figure(scope, code, part, value, names.get((scope, code), ""))
            for _org, _year, scope, code, part, value in rows]


def _sort_key(key):
    code, part = key
    text = str(code)
    letters = text.rstrip("0123456789.")
    digits = text[len(letters):]
    number = float(digits.split(".")[0]) if digits and digits.split(".")[0] else 0
    return (letters, number, text, part)


rows_to_csv = csv_bytes


def rows_to_xlsx(rows) -> bytes:
    return xlsx_bytes(rows, sheet="scores")


def assessments_for_export(*, org_ids=None, fiscal_year=None):
    qs = Assessment.objects.all()
    if org_ids is not None:
        qs = qs.filter(org_id__in=org_ids)
    if fiscal_year:
        qs = qs.filter(framework__fiscal_year=fiscal_year)
    return qs
