"""The framework file: one fiscal year's ITA framework, read and checked here and written by
``services.framework_load`` (``manage.py load_framework FILE``, the admin's upload, setup_demo).

Two forms of the same content (docs/DOMAIN.md, "The framework file"):

JSON: one object in the shape of one year of fixtures/frameworks.json (a list holding exactly
one such object is accepted too)::

    {"fiscal_year": 2569, "name": "…", "pass_mark": "85.00",
     "level_rule": [{"label": "ผ่านดีเยี่ยม", "min_total": "95.00", "min_each_tool": "95.00"}, …],
     "tools": [{"code": "EIT", "name": "…", "weight": "30", "part_labels": ["EIT Public", "EIT Survey"]}, …],
     "indicators": [{"number": 9, "tool": "OIT", "name": "การเปิดเผยข้อมูล",
                     "groups": [{"name": "ข้อมูลพื้นฐาน", "items": [{"code": "o1", "text": "…"}, …]}, …],
                     "items": [{"code": "o20", "text": "…"}]}, …],
     "documents": [{"doc": "measures", "item": "O25", "fiscal_year": 2569}, …]}

Groups are numbered ``<indicator>.<position>`` (9.1, 9.2, …) in their order; an indicator's
grouped items come first, then its own ``items``. ``documents`` says which ITA item of this
year each portal document answers, and the fiscal year of the document that does (the
results report of FY 2568 answers ITA 2569's O26). An item may also say what it ``asks`` for,
the ``period`` of its evidence ("current": the ITA year, "previous": the year before) and the
previous year's items it ``continues`` (["o21", "o22"]): docs/OIT.md. Every object may also carry ``note``
(text) and ``confirmed`` (true/false): they document the file and are not stored, except an
item's and a ``documents`` row's ``confirmed``, which the portal shows ("not confirmed").

XLSX: one sheet per part, a header row of these column names, then one row per entry:

    framework   field | value        rows fiscal_year, name, pass_mark
    tools       code | name | weight | part_labels (names separated by "|")
    indicators  number | tool | name
    groups      code (9.1) | name                                  (optional sheet)
    items       code | indicator | group (9.1, or empty) | text    (optional sheet)
                [| asks | period | continues (codes separated by "|") | confirmed]
    levels      label | min_total | min_each_tool (empty: none)    best band first
    documents   doc | item | fiscal_year                           (optional sheet)

Any sheet may also have note and confirmed columns; other sheets are ignored. Errors name the
row: "แถวที่ 5 ของแผ่นงาน items: …" (JSON: "ข้อที่ 3 ของกลุ่ม 9.2: …").

Item codes are stored in lower case (o25), as the score file reads them; a leading Thai zero
(๐1, as the seeds type it) is read as o.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from common.spreadsheet import BadWorkbook, open_workbook, spreadsheet_unquote
from common.text import clean_text
from common.thai import parse_decimal, to_arabic_digits

from .documents import Doc
from .models import Tool
from .score_io import ImportRejected

YEARS = (2500, 2700)  # Framework.fiscal_year's range
LIMITS = {"framework": 300, "name": 200, "code": 10, "text": 2000, "label": 50, "part_label": 50}
MAX_PARTS = 2  # ScoreRow.part is 0, 1 or 2
MAX_ERRORS = 200
MAX_XLSX_UNCOMPRESSED = 20 * 1024 * 1024
MAX_ROWS = 5000
ANNOTATIONS = ("note", "confirmed")  # kept in the file only (an item's and a document's confirmed are stored)
PERIODS = ("", "current", "previous")  # an item's evidence: of the ITA year, of the year before

SHEETS = {  # sheet: (required columns, optional columns)
    "framework": (("field", "value"), ()),
    "tools": (("code", "name", "weight"), ("part_labels",)),
    "indicators": (("number", "tool", "name"), ()),
    "groups": (("code", "name"), ()),
    "items": (("code", "indicator", "text"), ("group", "asks", "period", "continues", "confirmed")),
    "levels": (("label", "min_total"), ("min_each_tool",)),
    "documents": (("doc", "item", "fiscal_year"), ()),
}
REQUIRED_SHEETS = ("framework", "tools", "indicators", "levels")
HEADER_FIELDS = ("fiscal_year", "name", "pass_mark")
JSON_KEYS = {
    "framework": {"fiscal_year", "name", "pass_mark", "level_rule", "tools", "indicators", "documents"},
    "tool": {"code", "name", "weight", "part_labels"},
    "indicator": {"number", "tool", "name", "groups", "items"},
    "group": {"name", "items"},
    "item": {"code", "text", "asks", "period", "continues"},
    "level": {"label", "min_total", "min_each_tool"},
    "document": {"doc", "item", "fiscal_year"},
}


class FrameworkRejected(ImportRejected):
    """The whole file is refused and nothing is written; ``errors`` are Thai sentences that name
    the row (XLSX) or the entry (JSON)."""


@dataclass(frozen=True)
class ToolSpec:
    where: str
    code: str
    name: str
    weight: Decimal
    part_labels: list


@dataclass(frozen=True)
class IndicatorSpec:
    where: str
    number: int
    tool: str
    name: str


@dataclass(frozen=True)
class GroupSpec:
    where: str
    indicator: int
    position: int
    name: str

    @property
    def code(self) -> str:
        return f"{self.indicator}.{self.position}"


@dataclass(frozen=True)
class ItemSpec:
    where: str
    code: str
    indicator: int
    group: int | None  # the group's position in its indicator
    text: str
    # An OIT item's evidence (docs/OIT.md): what it asks for, "current" / "previous" (the fiscal
    # year of its evidence: this ITA year or the one before; "" not stated), the previous year's
    # item codes it continues (the crosswalk), and whether an official source states it.
    asks: str = ""
    period: str = ""
    continues: tuple = ()
    confirmed: bool = True


@dataclass(frozen=True)
class DocumentSpec:
    where: str
    doc: str
    item: str  # as the file writes it (O25)
    fiscal_year: int  # of the document that answers the item
    confirmed: bool = True  # a source says so outright

    def as_dict(self) -> dict:
        return {"doc": self.doc, "item": self.item, "fiscal_year": self.fiscal_year, "confirmed": self.confirmed}


@dataclass
class FrameworkSpec:
    """One year, checked: every value typed and every reference resolved."""

    fiscal_year: int
    name: str
    pass_mark: Decimal
    level_rule: list  # as Framework.level_rule stores it
    tools: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # in their order within each indicator
    items: list = field(default_factory=list)  # in their order within each indicator
    documents: list = field(default_factory=list)

    def counts(self) -> dict:
        return {"tools": len(self.tools), "indicators": len(self.indicators), "groups": len(self.groups),
                "items": len(self.items), "levels": len(self.level_rule), "documents": len(self.documents)}


# ---------------------------------------------------------------- reading files


def read_file(data: bytes, filename: str = "") -> FrameworkSpec:
    """A JSON or XLSX framework file, checked; raises FrameworkRejected."""
    if len(data) > settings.SCORE_IMPORT_MAX_BYTES:
        limit = settings.SCORE_IMPORT_MAX_BYTES // (1024 * 1024)
        raise FrameworkRejected([_("ไฟล์มีขนาดเกิน %(limit)s MB") % {"limit": limit}])
    if not data.strip():
        raise FrameworkRejected([_("ไฟล์ว่างเปล่า ไม่มีกรอบการประเมิน")])
    if data.startswith(b"PK\x03\x04"):
        return from_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FrameworkRejected([_("ไฟล์ Excel รุ่นเก่า (.xls) ไม่รองรับ กรุณาบันทึกเป็น .xlsx")])
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FrameworkRejected([_("อ่านไฟล์ไม่ได้: รองรับเฉพาะไฟล์ JSON (UTF-8) หรือ XLSX")]) from None
    except json.JSONDecodeError as exc:
        raise FrameworkRejected([_("ไฟล์ JSON ไม่ถูกต้อง: บรรทัดที่ %(line)s ตำแหน่งที่ %(column)s: %(error)s") % {
            "line": exc.lineno, "column": exc.colno, "error": exc.msg}]) from None
    return from_json(parsed)


def from_json(data) -> FrameworkSpec:
    """One year in fixtures/frameworks.json's shape (an object, or a list of exactly one)."""
    if isinstance(data, list):
        if len(data) != 1:
            raise FrameworkRejected([_(
                "ไฟล์หนึ่งไฟล์ต้องมีกรอบการประเมินปีเดียว แต่ไฟล์นี้มี %(count)s ปี "
                "(โหลดทีละปี หรือแยกไฟล์ละปี)") % {"count": len(data)}])
        data = data[0]
    if not isinstance(data, dict):
        raise FrameworkRejected([_("ไฟล์ JSON ต้องเป็นออบเจกต์ของกรอบการประเมินหนึ่งปี ({ \"fiscal_year\": …, … })")])
    reader = _Reader()
    raw = _RawFramework()
    reader.keys(data, "framework", _("ส่วนหัวของไฟล์"))
    for name in HEADER_FIELDS:
        if name in data:
            raw.header[name] = (data[name], _("ช่อง %(field)s") % {"field": name})
    for n, tool in enumerate(reader.entries(data, "tools"), start=1):
        where = _("รายการที่ %(n)s ของ tools") % {"n": n}
        if reader.keys(tool, "tool", where):
            labels = tool.get("part_labels", [])
            raw.tools.append((where, tool.get("code"), tool.get("name"), tool.get("weight"), labels))
    for n, spec in enumerate(reader.entries(data, "indicators"), start=1):
        where = _("รายการที่ %(n)s ของ indicators") % {"n": n}
        if not reader.keys(spec, "indicator", where):
            continue
        raw.indicators.append((where, spec.get("number"), spec.get("tool"), spec.get("name")))
        number = _integer(spec.get("number"))
        if number is None:
            continue  # the indicator's own entry says why; its groups and items wait for it
        for position, group in enumerate(reader.entries(spec, "groups", where), start=1):
            group_where = _("กลุ่มที่ %(n)s ของตัวชี้วัดที่ %(indicator)s") % {"n": position, "indicator": number}
            if not reader.keys(group, "group", group_where):
                continue
            raw.groups.append((group_where, number, position, group.get("name")))
            for k, item in enumerate(reader.entries(group, "items", group_where), start=1):
                item_where = _("ข้อที่ %(n)s ของกลุ่ม %(group)s") % {"n": k, "group": f"{number}.{position}"}
                if reader.keys(item, "item", item_where):
                    raw.items.append((item_where, item.get("code"), number, position, item.get("text"),
                                      _item_extra(item)))
        for k, item in enumerate(reader.entries(spec, "items", where), start=1):
            item_where = _("ข้อที่ %(n)s ของตัวชี้วัดที่ %(indicator)s") % {"n": k, "indicator": number}
            if reader.keys(item, "item", item_where):
                raw.items.append((item_where, item.get("code"), number, None, item.get("text"), _item_extra(item)))
    for n, band in enumerate(reader.entries(data, "level_rule"), start=1):
        where = _("รายการที่ %(n)s ของ level_rule") % {"n": n}
        if reader.keys(band, "level", where):
            raw.levels.append((where, band.get("label"), band.get("min_total"), band.get("min_each_tool")))
    for n, doc in enumerate(reader.entries(data, "documents"), start=1):
        where = _("รายการที่ %(n)s ของ documents") % {"n": n}
        if reader.keys(doc, "document", where):
            raw.documents.append((where, doc.get("doc"), doc.get("item"), doc.get("fiscal_year"),
                                  doc.get("confirmed", True)))
    return _check(raw, reader.errors)


def from_xlsx(data: bytes) -> FrameworkSpec:
    """The workbook form: one sheet per part (see the module's docstring)."""
    try:
        workbook = open_workbook(data, max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except BadWorkbook as bad:
        raise FrameworkRejected([str(bad)]) from None
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
        missing = [name for name in REQUIRED_SHEETS if name not in sheets]
        if missing:
            raise FrameworkRejected([_("ไม่พบแผ่นงาน %(missing)s (ต้องมี %(required)s และอาจมี groups, items, documents)")
                                     % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED_SHEETS)}])
        errors: list[str] = []
        tables = {name: _sheet_records(sheets[name], name, errors) for name in SHEETS if name in sheets}
    finally:
        workbook.close()
    if errors:
        raise FrameworkRejected(errors)

    raw = _RawFramework()
    for where, record in tables["framework"]:
        name = record["field"].strip().lower()
        if name not in HEADER_FIELDS:
            errors.append(_("%(where)s: ไม่รู้จักช่อง “%(field)s” (ใช้ได้: %(fields)s)") % {
                "where": where, "field": record["field"], "fields": ", ".join(HEADER_FIELDS)})
        elif name in raw.header:
            errors.append(_("%(where)s: ช่อง %(field)s ซ้ำกับ%(first)s") % {
                "where": where, "field": name, "first": raw.header[name][1]})
        else:
            raw.header[name] = (record["value"], where)
    for where, r in tables["tools"]:
        labels = [label.strip() for label in r.get("part_labels", "").split("|") if label.strip()]
        raw.tools.append((where, r["code"], r["name"], r["weight"], labels))
    for where, r in tables["indicators"]:
        raw.indicators.append((where, r["number"], r["tool"], r["name"]))
    groups = {}
    for where, r in tables.get("groups", []):
        code = to_arabic_digits(r["code"].strip())
        match = re.fullmatch(r"(\d+)\.(\d+)", code)
        if not match:
            errors.append(_("%(where)s: รหัสกลุ่ม “%(code)s” ต้องเป็น <ตัวชี้วัด>.<ลำดับ> เช่น 9.1") % {
                "where": where, "code": r["code"]})
            continue
        if code in groups:
            errors.append(_("%(where)s: รหัสกลุ่ม %(code)s ซ้ำกับ%(first)s") % {
                "where": where, "code": code, "first": groups[code]})
            continue
        groups[code] = where
        raw.groups.append((where, int(match[1]), int(match[2]), r["name"]))
    for where, r in tables.get("items", []):
        indicator = _integer(r["indicator"])
        if indicator is None:
            errors.append(_("%(where)s: ตัวชี้วัด (indicator) “%(value)s” ต้องเป็นหมายเลขตัวชี้วัด เช่น 9") % {
                "where": where, "value": r["indicator"]})
            continue
        group = to_arabic_digits(r.get("group", "").strip())
        position = None
        if group:
            match = re.fullmatch(r"(\d+)\.(\d+)", group)
            if group not in groups or not match:
                errors.append(_("%(where)s: ไม่พบกลุ่ม “%(group)s” ในแผ่นงาน groups") % {"where": where, "group": group})
                continue
            if int(match[1]) != indicator:
                errors.append(_("%(where)s: กลุ่ม %(group)s ไม่ได้อยู่ในตัวชี้วัดที่ %(indicator)s") % {
                    "where": where, "group": group, "indicator": indicator})
                continue
            position = int(match[2])
        raw.items.append((where, r["code"], indicator, position, r["text"], {
            "asks": r.get("asks", ""), "period": r.get("period", ""),
            "continues": [c for c in re.split(r"[|+,\s]+", r.get("continues", "")) if c],
            "confirmed": str(r.get("confirmed", "") or "yes").strip().lower() not in ("no", "false", "0", "ไม่")}))
    for where, r in tables["levels"]:
        raw.levels.append((where, r["label"], r["min_total"], r.get("min_each_tool", "") or None))
    for where, r in tables.get("documents", []):
        raw.documents.append((where, r["doc"], r["item"], r["fiscal_year"],
                              str(r.get("confirmed", "") or "yes").strip().lower() not in ("no", "false", "0", "ไม่")))
    return _check(raw, errors)


def _sheet_records(sheet, name, errors) -> list[tuple[str, dict]]:
    """(where, {column: text}) for every non-blank row below the header row."""
    required, optional = SHEETS[name]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            errors.append(_("แผ่นงาน %(sheet)s มีมากกว่า %(rows)s แถว") % {"sheet": name, "rows": f"{MAX_ROWS:,}"})
            return []
        cells = [_cell_text(v) for v in values]
        if any(cells):
            rows.append((number, cells))
    if not rows:
        if name in REQUIRED_SHEETS:
            errors.append(_("แผ่นงาน %(sheet)s ว่างเปล่า (ต้องมีแถวหัวตาราง %(columns)s)") % {
                "sheet": name, "columns": ", ".join(required)})
        return []
    header_line, header = rows[0]
    columns = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in columns]
    unknown = [h for h, c in zip(header, columns, strict=True) if c and c not in (*required, *optional, *ANNOTATIONS)]
    if missing or unknown:
        errors.append(_("แถวที่ %(row)s ของแผ่นงาน %(sheet)s: แถวหัวตารางต้องมีคอลัมน์ %(columns)s "
                        "(ขาด: %(missing)s; ไม่รู้จัก: %(unknown)s)") % {
            "row": header_line, "sheet": name, "columns": ", ".join(required + optional),
            "missing": ", ".join(missing) or "–", "unknown": ", ".join(unknown) or "–"})
        return []
    records = []
    for number, cells in rows[1:]:
        record = {c: "" for c in (*required, *optional)}
        for column, cell in zip(columns, cells, strict=False):
            if column in record:
                record[column] = cell
        where = _("แถวที่ %(row)s ของแผ่นงาน %(sheet)s") % {"row": number, "sheet": name}
        records.append((where, record))
    return records


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return spreadsheet_unquote(str(value).strip()).strip()


# ---------------------------------------------------------------- checking


@dataclass
class _RawFramework:
    """What a file says, untyped, each entry with the words that locate it."""

    header: dict = field(default_factory=dict)  # name: (value, where)
    tools: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    items: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    documents: list = field(default_factory=list)


class _Reader:
    """Walks the JSON object: lists where lists belong, no unknown keys."""

    def __init__(self):
        self.errors: list[str] = []

    def keys(self, obj, kind, where) -> bool:
        if not isinstance(obj, dict):
            self.errors.append(_("%(where)s: ต้องเป็นออบเจกต์ { … }") % {"where": where})
            return False
        unknown = sorted(set(obj) - JSON_KEYS[kind] - set(ANNOTATIONS))
        if unknown:
            self.errors.append(_("%(where)s: ไม่รู้จักช่อง %(fields)s (ใช้ได้: %(allowed)s)") % {
                "where": where, "fields": ", ".join(unknown), "allowed": ", ".join(sorted(JSON_KEYS[kind]))})
        return True

    def entries(self, obj, key, where=None):
        value = obj.get(key)
        if value is None:
            return []  # a missing part that must not be empty is reported by _check
        if not isinstance(value, list):
            self.errors.append(_("%(where)s: %(key)s ต้องเป็นรายการ [ … ]") % {
                "where": where or _("ส่วนหัวของไฟล์"), "key": key})
            return []
        return value


def _check(raw: _RawFramework, errors: list[str]) -> FrameworkSpec:
    check = _Checker(errors)
    fiscal_year = check.year(*raw.header.get("fiscal_year", (None, _("ช่อง fiscal_year"))), "fiscal_year")
    name = check.text(*raw.header.get("name", (None, _("ช่อง name"))), "name", LIMITS["framework"])
    pass_mark = Decimal("85.00")
    if "pass_mark" in raw.header:
        pass_mark = check.score(*raw.header["pass_mark"], "pass_mark") or pass_mark

    tools: dict[str, ToolSpec] = {}
    for where, code, tool_name, weight, labels in raw.tools:
        code = check.text(code, where, "code", 3)
        code = code.upper() if code else code
        if code and code not in Tool.Code.values:
            errors.append(_("%(where)s: รหัสเครื่องมือ “%(code)s” ไม่ถูกต้อง (ใช้ได้: %(codes)s)") % {
                "where": where, "code": code, "codes": ", ".join(Tool.Code.values)})
            code = None
        if code in tools:
            errors.append(_("%(where)s: เครื่องมือ %(code)s ซ้ำกับ%(first)s") % {
                "where": where, "code": code, "first": tools[code].where})
            code = None
        tool_name = check.text(tool_name, where, "name", LIMITS["name"])
        weight = check.score(weight, where, "weight")
        labels = check.labels(labels, where)
        if code and tool_name and weight is not None and labels is not None:
            tools[code] = ToolSpec(where, code, tool_name, weight, labels)
    if tools and len(tools) == len(raw.tools):
        total = sum(t.weight for t in tools.values())
        if total != 100:
            errors.append(_("น้ำหนักของเครื่องมือรวมกันได้ %(total)s แต่ต้องรวมได้ 100") % {"total": f"{total:g}"})

    indicators: dict[int, IndicatorSpec] = {}
    for where, number, tool, indicator_name in raw.indicators:
        number = check.positive(number, where, "number")
        tool_code = check.text(tool, where, "tool", 3)
        tool_code = tool_code.upper() if tool_code else tool_code
        if tool_code and tool_code not in tools and len(tools) == len(raw.tools):
            errors.append(_("%(where)s: ไม่พบเครื่องมือ “%(tool)s” ในรายการเครื่องมือ (tools)") % {
                "where": where, "tool": tool_code})
            tool_code = None
        if number in indicators:
            errors.append(_("%(where)s: ตัวชี้วัดที่ %(number)s ซ้ำกับ%(first)s") % {
                "where": where, "number": number, "first": indicators[number].where})
            number = None
        indicator_name = check.text(indicator_name, where, "name", LIMITS["name"])
        if number and tool_code and indicator_name:
            indicators[number] = IndicatorSpec(where, number, tool_code, indicator_name)
    all_indicators = len(indicators) == len(raw.indicators)

    groups: dict[tuple[int, int], GroupSpec] = {}
    for where, indicator, position, group_name in raw.groups:
        if indicator not in indicators:
            if all_indicators:
                errors.append(_("%(where)s: ไม่พบตัวชี้วัดที่ %(number)s ในรายการตัวชี้วัด (indicators)") % {
                    "where": where, "number": indicator})
            continue
        group_name = check.text(group_name, where, "name", LIMITS["name"])
        if group_name:
            groups[(indicator, position)] = GroupSpec(where, indicator, position, group_name)
    by_indicator: dict[int, list[int]] = {}
    for indicator, position in groups:
        by_indicator.setdefault(indicator, []).append(position)
    for indicator, positions in sorted(by_indicator.items()):
        if sorted(positions) != list(range(1, len(positions) + 1)):
            errors.append(_("กลุ่มของตัวชี้วัดที่ %(number)s ต้องเรียงเป็น %(expected)s ไม่เว้นลำดับ (พบ %(found)s)") % {
                "number": indicator, "found": ", ".join(f"{indicator}.{p}" for p in sorted(positions)),
                "expected": ", ".join(f"{indicator}.{p}" for p in range(1, len(positions) + 1))})
    if any(len(f"{i}.{p}") > LIMITS["code"] for i, p in groups):
        errors.append(_("รหัสกลุ่มยาวเกิน %(limit)s ตัวอักษร") % {"limit": LIMITS["code"]})

    items: dict[str, ItemSpec] = {}
    for where, code, indicator, group, text, extra in raw.items:
        code = check.item_code(code, where)
        text = check.text(text, where, "text", LIMITS["text"])
        evidence = check.item_evidence(extra, where)
        if code in items:
            errors.append(_("%(where)s: รหัสข้อ “%(code)s” ซ้ำกับ%(first)s") % {
                "where": where, "code": code, "first": items[code].where})
            code = None
        if indicator not in indicators:
            if all_indicators:
                errors.append(_("%(where)s: ไม่พบตัวชี้วัดที่ %(number)s ในรายการตัวชี้วัด (indicators)") % {
                    "where": where, "number": indicator})
            indicator = None
        if group is not None and indicator is not None and (indicator, group) not in groups:
            indicator = None  # the group itself was refused above
        if code and indicator and text and evidence is not None:
            items[code] = ItemSpec(where, code, indicator, group, text, **evidence)

    level_rule = []
    labels_seen: dict[str, str] = {}
    previous = None
    for where, label, min_total, min_each_tool in raw.levels:
        label = check.text(label, where, "label", LIMITS["label"])
        if label in labels_seen:
            errors.append(_("%(where)s: ระดับ “%(label)s” ซ้ำกับ%(first)s") % {
                "where": where, "label": label, "first": labels_seen[label]})
        minimum = check.score(min_total, where, "min_total")
        each = check.score(min_each_tool, where, "min_each_tool", required=False)
        if minimum is not None and previous is not None and minimum > previous:
            errors.append(_("%(where)s: ระดับต้องเรียงจากสูงไปต่ำ แต่ min_total %(value)s สูงกว่าระดับก่อนหน้า (%(previous)s)")
                          % {"where": where, "value": minimum, "previous": previous})
        if label and minimum is not None:
            labels_seen[label] = where
            previous = minimum
            band = {"label": label, "min_total": str(minimum)}
            if each is not None:
                band["min_each_tool"] = str(each)
            level_rule.append(band)
    if not raw.levels:
        errors.append(_("ไม่มีเกณฑ์ระดับผลการประเมิน (level_rule ในไฟล์ JSON หรือแผ่นงาน levels)"))
    if not raw.tools:
        errors.append(_("ไม่มีเครื่องมือการประเมิน (tools)"))
    if not raw.indicators:
        errors.append(_("ไม่มีตัวชี้วัด (indicators)"))

    documents: dict[str, DocumentSpec] = {}
    for where, doc, item, year, confirmed in raw.documents:
        doc = check.text(doc, where, "doc", 20)
        if doc and doc not in Doc.values:
            errors.append(_("%(where)s: ไม่รู้จักเอกสาร “%(doc)s” (ใช้ได้: %(docs)s)") % {
                "where": where, "doc": doc, "docs": ", ".join(Doc.values)})
            doc = None
        if doc in documents:
            errors.append(_("%(where)s: เอกสาร %(doc)s ซ้ำกับ%(first)s") % {
                "where": where, "doc": doc, "first": documents[doc].where})
            doc = None
        item_text = check.text(item, where, "item", LIMITS["code"])
        code = normalise_item_code(item_text) if item_text else None
        if code and not re.fullmatch(r"[a-z]{1,3}\d{1,3}", code):
            errors.append(_("%(where)s: รหัสข้อ “%(code)s” ต้องเป็นตัวอักษรตามด้วยตัวเลข เช่น o25") % {
                "where": where, "code": item_text})
            code = None
        if code and raw.items and code not in items and len(items) == len(raw.items):
            errors.append(_("%(where)s: ไม่พบข้อ “%(item)s” ในรายการข้อของปีนี้ (items)") % {
                "where": where, "item": item_text})
            code = None
        year = check.year(year, where, "fiscal_year")
        if year is not None and fiscal_year is not None and year not in (fiscal_year, fiscal_year - 1):
            errors.append(_("%(where)s: เอกสารที่ใช้ประกอบการประเมิน ITA ปี %(year)s ต้องเป็นเอกสารปีงบประมาณ "
                            "%(year)s หรือ %(previous)s (ในไฟล์: %(value)s)") % {
                "where": where, "year": fiscal_year, "previous": fiscal_year - 1, "value": year})
            year = None
        if doc and code and year:
            documents[doc] = DocumentSpec(where, doc, item_text, year, confirmed is not False)

    if errors:
        raise FrameworkRejected(_limited(errors))

    def group_position(spec):
        return (spec.indicator, spec.group is None, spec.group or 0)

    return FrameworkSpec(
        fiscal_year=fiscal_year, name=name, pass_mark=pass_mark, level_rule=level_rule,
        tools=list(tools.values()), indicators=sorted(indicators.values(), key=lambda i: i.number),
        groups=sorted(groups.values(), key=lambda g: (g.indicator, g.position)),
        items=sorted(items.values(), key=group_position),  # stable: the file's order within a group
        documents=list(documents.values()),
    )


def normalise_item_code(code: str) -> str:
    """An item code as stored and as the score file reads it: o25 for "O25", "๐25" or " o25 "."""
    code = code.strip()
    if code[:1] == "๐":  # the seeds type o1 with a Thai zero
        code = "o" + code[1:]
    return to_arabic_digits(code).lower()


def _item_extra(item: dict) -> dict:
    """An item's evidence keys as the JSON gives them (checked by ``_Checker.item_evidence``)."""
    return {"asks": item.get("asks", ""), "period": item.get("period", ""), "continues": item.get("continues", []),
            "confirmed": item.get("confirmed", True)}


def _integer(value) -> int | None:
    """A whole number written as a number or as digits (Thai digits too); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,6}", to_arabic_digits(value.strip())):
        return int(to_arabic_digits(value.strip()))
    return None


def _limited(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], _("และข้อผิดพลาดอื่นอีก %(count)s รายการ") % {"count": len(errors) - MAX_ERRORS}]


class _Checker:
    """Typed values from what a person typed, each failure a Thai sentence naming its place."""

    def __init__(self, errors):
        self.errors = errors

    def _fail(self, message, where, name, value=""):
        self.errors.append(message % {"where": where, "field": name, "value": str(value)[:100]})

    def text(self, value, where, name, limit):
        if value is None or value == "":
            self._fail(_("%(where)s: ไม่ได้ระบุ %(field)s"), where, name)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self._fail(_("%(where)s: %(field)s ต้องเป็นข้อความ"), where, name)
            return None
        text = clean_text(str(value)).strip()
        if not text:
            self._fail(_("%(where)s: ไม่ได้ระบุ %(field)s"), where, name)
            return None
        if len(text) > limit:
            self.errors.append(_("%(where)s: %(field)s ยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร") % {
                "where": where, "field": name, "length": len(text), "limit": limit})
            return None
        return text

    def year(self, value, where, name):
        if value is None or value == "":
            self._fail(_("%(where)s: ไม่ได้ระบุ %(field)s"), where, name)
            return None
        year = _integer(value)
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            self.errors.append(_("%(where)s: ปีงบประมาณ “%(value)s” ต้องเป็นปี พ.ศ. %(low)s–%(high)s") % {
                "where": where, "value": str(value)[:20], "low": YEARS[0], "high": YEARS[1]})
            return None
        return year

    def positive(self, value, where, name):
        if value is None or value == "":
            self._fail(_("%(where)s: ไม่ได้ระบุ %(field)s"), where, name)
            return None
        number = _integer(value)
        if number is None or not 1 <= number <= 99:
            self._fail(_("%(where)s: %(field)s “%(value)s” ต้องเป็นจำนวนเต็ม 1–99"), where, name, value)
            return None
        return number

    def score(self, value, where, name, *, required=True):
        if value is None or value == "":
            if required:
                self._fail(_("%(where)s: ไม่ได้ระบุ %(field)s"), where, name)
            return None
        try:
            number = parse_decimal(value) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not 0 <= number <= 100 or number != number.quantize(Decimal("0.01")):
            self._fail(_("%(where)s: %(field)s “%(value)s” ต้องเป็นตัวเลข 0–100 ทศนิยมไม่เกิน 2 ตำแหน่ง"),
                       where, name, value)
            return None
        return number.quantize(Decimal("0.01"))

    def labels(self, value, where):
        if value is None or value == "":
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self._fail(_("%(where)s: %(field)s ต้องเป็นรายการชื่อส่วน เช่น [\"EIT Public\", \"EIT Survey\"]"),
                       where, "part_labels")
            return None
        if len(value) > MAX_PARTS:
            self.errors.append(_("%(where)s: part_labels มีได้ไม่เกิน %(parts)s ส่วน (มี %(count)s)") % {
                "where": where, "parts": MAX_PARTS, "count": len(value)})
            return None
        labels = [clean_text(v).strip() for v in value]
        if any(len(v) > LIMITS["part_label"] for v in labels):
            self.errors.append(_("%(where)s: ชื่อส่วนใน part_labels ยาวเกิน %(limit)s ตัวอักษร") % {
                "where": where, "limit": LIMITS["part_label"]})
            return None
        return labels

    def item_evidence(self, extra: dict, where) -> dict | None:
        """An item's ``asks``, ``period``, ``continues`` and ``confirmed``, checked (None: refused)."""
        ok = True
        asks = extra.get("asks") or ""
        if not isinstance(asks, str):
            self._fail(_("%(where)s: %(field)s ต้องเป็นข้อความ"), where, "asks")
            ok, asks = False, ""
        asks = clean_text(asks).strip()
        if len(asks) > LIMITS["text"]:
            self.errors.append(_("%(where)s: %(field)s ยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร") % {
                "where": where, "field": "asks", "length": len(asks), "limit": LIMITS["text"]})
            ok = False
        period = extra.get("period") or ""
        if period not in PERIODS:
            self.errors.append(_("%(where)s: period “%(value)s” ต้องเป็น current (ปีที่ประเมิน) หรือ previous "
                                 "(ปีก่อนหน้า) หรือเว้นว่าง") % {"where": where, "value": str(period)[:20]})
            ok = False
        continues = extra.get("continues") or []
        if isinstance(continues, str):
            continues = [c for c in re.split(r"[|+,\s]+", continues) if c]
        codes = []
        if not isinstance(continues, list) or not all(isinstance(c, str) for c in continues):
            self._fail(_("%(where)s: %(field)s ต้องเป็นรายการรหัสข้อของปีก่อน เช่น [\"o21\", \"o22\"]"),
                       where, "continues")
            ok = False
        else:
            for text in continues:
                code = normalise_item_code(text)
                if not re.fullmatch(r"[a-z]{1,3}\d{1,3}", code):
                    self.errors.append(_("%(where)s: รหัสข้อใน continues “%(code)s” ต้องเป็นตัวอักษรตามด้วยตัวเลข "
                                         "เช่น o21") % {"where": where, "code": text[:20]})
                    ok = False
                elif code not in codes:
                    codes.append(code)
        confirmed = extra.get("confirmed", True)
        if not isinstance(confirmed, bool):
            self._fail(_("%(where)s: %(field)s ต้องเป็น true หรือ false"), where, "confirmed")
            ok = False
        if not ok:
            return None
        return {"asks": asks, "period": period, "continues": tuple(codes), "confirmed": confirmed}

    def item_code(self, value, where):
        text = self.text(value, where, "code", LIMITS["code"])
        if text is None:
            return None
        code = normalise_item_code(text)
        if not re.fullmatch(r"[a-z]{1,3}\d{1,3}", code):
            self.errors.append(_("%(where)s: รหัสข้อ “%(code)s” ต้องเป็นตัวอักษรตามด้วยตัวเลข เช่น i1, e9, o25") % {
                "where": where, "code": text})
            return None
        return code
