"""What the columns of a read table mean, and each row as a measure (and its results).

The header is found by its Thai labels (``HEADERS``: the portal's own and the variants the seed
reports print), over one to three rows with merged cells (the twelve months under
ระยะเวลาดำเนินการ, ผลผลิต and ผลลัพธ์ under ผลการดำเนินการ). Tables that carry the same header one
after the other are one table continued (Word's page breaks, a PDF's pages, seed 002's one
table per indicator). Below the header each row is one of:

- ``data``: a measure;
- ``heading``: one cell across the table. "ตัวชี้วัดที่ 7 …" names the indicator of the measures
  below it; any other heading (a tool, a section) is passed over;
- ``header``: the header again (a continued page);
- ``note``: a note or a signature line in the table (skipped unless the editor ticks it in);
- ``more``: the rest of the row above (a row a page broke, a cell whose paragraphs were pasted
  as rows): joined to it.

``layout`` gives the columns and rows for the preview; ``records`` turns the rows the editor
keeps, with the fields the editor chose, into the values the measures services take (and a
Thai message naming the row and column for every cell that cannot be taken)."""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import clean_text, too_long
from common.thai import (
    THAI_MONTHS,
    THAI_MONTHS_SHORT,
    be_year,
    ce_year,
    fiscal_year_bounds,
    parse_decimal,
    to_arabic_digits,
)
from measures.models import ENTRY_LIMITS, MEASURE_LIMITS, ProgressEntry

from .reading import Table

MAX_ROWS = 500  # measures in one import
UNIT_LIMIT = 200  # OrgUnit.name


@dataclass(frozen=True)
class Field:
    label: object  # Thai, lazy
    kind: str  # how a cell reads: title, text, steps, units, period, month, monitoring, indicators, money, …
    target: str  # measure | entry | none
    limit: int | None = None


FIELDS = {
    "skip": Field(gettext_lazy("ไม่นำเข้า"), "none", "none"),
    "no": Field(gettext_lazy("ลำดับที่ (ไม่นำเข้า)"), "none", "none"),
    "indicators": Field(gettext_lazy("ตัวชี้วัด"), "indicators", "measure"),
    "title": Field(gettext_lazy("มาตรการ/โครงการ/กิจกรรม"), "title", "measure", MEASURE_LIMITS["title"]),
    "guideline": Field(gettext_lazy("แนวทางปฏิบัติ"), "text", "measure", MEASURE_LIMITS["guideline"]),
    "analysis": Field(gettext_lazy("ผลการวิเคราะห์"), "text", "measure", MEASURE_LIMITS["analysis"]),
    "steps": Field(gettext_lazy("ขั้นตอนหรือวิธีการปฏิบัติ"), "steps", "measure", MEASURE_LIMITS["steps"]),
    "period": Field(gettext_lazy("ระยะเวลาดำเนินการ"), "period", "measure", MEASURE_LIMITS["period_text"]),
    "month": Field(gettext_lazy("เดือน (ช่องที่ติ๊ก)"), "month", "measure"),
    "responsible": Field(gettext_lazy("ผู้รับผิดชอบ"), "units", "measure", UNIT_LIMIT),
    "monitoring": Field(gettext_lazy("การกำกับติดตาม (รอบ)"), "monitoring", "measure"),
    "target": Field(gettext_lazy("เป้าหมาย"), "text", "measure", MEASURE_LIMITS["target"]),
    "budget": Field(gettext_lazy("งบประมาณ (บาท)"), "money", "measure"),
    "done_text": Field(gettext_lazy("ผลการดำเนินงาน"), "text", "entry", ENTRY_LIMITS["done_text"]),
    "output": Field(gettext_lazy("ผลผลิต (output)"), "text", "entry", ENTRY_LIMITS["output"]),
    "outcome": Field(gettext_lazy("ผลลัพธ์ (outcome)"), "text", "entry", ENTRY_LIMITS["outcome"]),
    "problems": Field(gettext_lazy("ปัญหา/อุปสรรค"), "text", "entry", ENTRY_LIMITS["problems"]),
    "remarks": Field(gettext_lazy("หมายเหตุ"), "text", "entry", ENTRY_LIMITS["remarks"]),
    "state": Field(gettext_lazy("สถานะการดำเนินงาน"), "state", "entry"),
    "percent": Field(gettext_lazy("ร้อยละความคืบหน้า"), "percent", "entry"),
}
MEASURE_FIELDS = [k for k, f in FIELDS.items() if f.target == "measure"]
ENTRY_FIELDS = [k for k, f in FIELDS.items() if f.target == "entry"]


def field_choices(for_round: bool) -> list[tuple[str, str]]:
    """The fields a column may be mapped to: a plan takes the measures' fields, a round its
    results too."""
    return [(key, str(f.label)) for key, f in FIELDS.items() if f.target != "entry" or for_round]


# ---------------------------------------------------------------- headers

_SEP = r"(?:/|หรือ|และ|,|-|\.)?"
_KIND = r"(?:มาตรการ|โครงการ|กิจกรรม|แนวทาง|แผนงาน|งาน)"
# Tried in this order; the first whose pattern matches the whole label (spaces removed, Thai
# digits as Arabic, lower case) names the column.
HEADERS = [
    ("no", r"ที่|ลำดับ(?:ที่)?|ข้อ|no\.?|#|ลำดับที่/?ข้อ"),
    ("output", r".{0,40}\(output\).{0,5}|ผลผลิต.{0,40}"),
    ("outcome", r".{0,60}\(outcome.{0,20}|ผลลัพธ์.{0,60}|ผลสัมฤทธิ์.{0,30}|ความสำเร็จ.{0,40}"),
    ("steps", r"รายละเอียดการดำเนิน(?:งาน|การ)\(ขั้นตอน\)|(?:ขั้นตอน|วิธีการ|วิธี)(?!.*ติดตาม).{0,40}"),
    ("problems", r"(?:ปัญหา|อุปสรรค).{0,30}"),
    ("remarks", r"หมายเหตุ.{0,10}"),
    ("percent", r"%|ร้อยละ.{0,20}|ความคืบหน้า.{0,10}"),
    ("state", r"สถานะ.{0,20}"),
    ("target", r"(?:ค่า)?เป้าหมาย.{0,30}|ตัวชี้วัดความสำเร็จ.{0,20}|kpi"),
    ("indicators", r"ตัวชี้วัด(?:ที่)?(?:ita|ที่เกี่ยวข้อง|ตามเกณฑ์.{0,20}|การประเมิน.{0,20}|\(.{0,20}\))?"),
    ("budget", r"งบประมาณ(?:\(บาท\)|บาท|ที่ใช้|ที่ได้รับ(?:จัดสรร)?)?(?:\(บาท\))?"),
    ("guideline", r"แนวทาง(?:การ)?(?:ปฏิบัติ|ดำเนินการ|ดำเนินงาน)(?:งาน)?"),
    ("analysis", r"(?:ผล)?(?:การ)?วิเคราะห์.{0,40}"),
    ("period", r"(?:ช่วง|ห้วง)?(?:ระยะ)?เวลา.{0,30}|ปีงบประมาณ.{0,12}|ไตรมาส.{0,12}"),
    ("responsible", r"(?:ผู้|หน่วยงาน(?:ที่)?|ส่วนราชการ(?:ที่)?|กอง/?ฝ่าย(?:ที่)?)?รับผิดชอบ.{0,20}|ผู้ดำเนินการ"),
    ("monitoring", r"(?:การ)?(?:กำกับ)?(?:และ)?ติดตาม.{0,30}|การรายงานผล"),
    ("title", rf"(?:ชื่อ)?{_KIND}(?:{_SEP}{_KIND})*(?:ที่ดำเนินการ|ที่)?"),
    ("done_text", r"(?:ผล|รายละเอียด)?(?:การ)?ดำเนิน(?:งาน|การ).{0,20}|ผลการปฏิบัติงาน"),
]
_HEADERS = [(key, re.compile(pattern)) for key, pattern in HEADERS]
# Months as a header prints them: ต.ค., ต.ค.67, ตุลาคม, ตค
_MONTHS = {name: n for n, name in enumerate(THAI_MONTHS, start=1)}
_MONTHS.update({name.replace(".", ""): n for n, name in enumerate(THAI_MONTHS_SHORT, start=1)})
_MONTH = re.compile(r"([ก-๙.]{2,12}?)\.?(?:\d{2}|\d{4})?")
LONGEST_HEADER = 80


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", to_arabic_digits(text or "")).lower()
    return re.sub(r"[\s\u200b:*]+", "", text)


def month_of(label: str) -> int | None:
    """The calendar month (1–12) a header names, else None."""
    found = _MONTH.fullmatch(norm(label))
    if not found:
        return None
    return _MONTHS.get(found.group(1).replace(".", "")) or _MONTHS.get(found.group(1))


def header_field(label: str) -> str | None:
    """The field a header label names, else None."""
    text = norm(label)
    if not text or len(text) > LONGEST_HEADER:
        return None
    if month_of(label):
        return "month"
    for key, pattern in _HEADERS:
        if pattern.fullmatch(text):
            return key
    return None


# ---------------------------------------------------------------- the table's layout


@dataclass
class Column:
    index: int
    label: str  # as the file prints it (a two-row header: "parent / child")
    field: str  # a key of FIELDS ("skip" when unknown)
    month: int | None = None  # a month column's calendar month


@dataclass
class Row:
    number: int  # as the preview and the messages count rows (the header's rows too)
    kind: str  # data | heading | header | note | more
    cells: list[str]
    indicator: int | None = None  # a heading's indicator, or the one a data row sits under
    heading: str = ""
    joined: list[int] = field(default_factory=list)  # the numbers of the ``more`` rows joined to it
    origins: list[int] = field(default_factory=list)


@dataclass
class Layout:
    """One table as the preview shows it."""

    columns: list[Column]
    rows: list[Row]
    where: str
    wrapped: bool = False

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]

    @property
    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "data"]

    def describe(self) -> str:
        return _("%(where)s: %(n)s แถว") % {"where": self.where, "n": len(self.data_rows)}


def _header_rows(table: Table) -> tuple[int, int] | None:
    """(first, count) of the header rows: a row naming the title column and another field (or
    three fields), and the rows under it that only name fields or continue the cells above."""
    for start, row in enumerate(table.rows[:40]):
        fields = {header_field(cell) for cell, origin in _distinct(row, table.origins[start])} - {None}
        if "title" in fields and len(fields) >= 2 or len(fields - {"no"}) >= 3:
            count = 1
            while start + count < len(table.rows) and count < 3:
                below = start + count
                cells = table.rows[below]
                own = [c for c in range(table.width) if table.origins[below][c] != table.origins[below - 1][c]]
                if not own or not all(not cells[c].strip() or header_field(cells[c]) for c in own):
                    break
                if not any(header_field(cells[c]) for c in own):
                    break
                count += 1
            return start, count
    return None


def _distinct(row, origins):
    seen = set()
    for cell, origin in zip(row, origins, strict=True):
        if origin not in seen:
            seen.add(origin)
            yield cell, origin


def _columns(table: Table, start: int, count: int) -> list[Column]:
    columns = []
    for c in range(table.width):
        labels = []
        for r in range(start, start + count):
            text = table.rows[r][c].strip()
            if text and (not labels or labels[-1] != text):
                labels.append(text)
        key, month = None, None
        for label in reversed(labels):  # the lowest label first: a child names the column
            key = header_field(label)
            if key:
                month = month_of(label) if key == "month" else None
                break
        if key is None and len(labels) > 1:
            key = header_field("".join(labels))
        columns.append(Column(index=c, label=" / ".join(labels), field=key or "skip", month=month))
    # A field named twice keeps its first column; the other is left for the editor to choose.
    seen = set()
    for column in columns:
        if column.field in seen and column.field not in ("skip", "no", "month"):
            column.field = "skip"
        seen.add(column.field)
    return columns


_INDICATOR = re.compile(r"ตัวชี้วัด(?:ที่)?\s*([0-9]{1,2})(?![0-9.])")
_TOOL = re.compile(r"\b(?:iit|eit|oit)\b|เครื่องมือ|แบบวัด|แบบตรวจ", re.IGNORECASE)
_NOTE = re.compile(r"^\s*(?:หมายเหตุ|ลงชื่อ|ลงนาม|ตำแหน่ง|ผู้จัดทำ|ผู้รับรอง|ผู้ตรวจ|ผู้เห็นชอบ|ผู้อนุมัติ|ผู้รายงาน|"
                   r"ผู้เสนอ|\(.{0,60}\)\s*$|\.{5,}|ข้อมูล ณ วันที่|ที่มา)")


def indicator_numbers(text: str) -> list[int]:
    text = to_arabic_digits(text or "")
    numbers = [int(n) for n in _INDICATOR.findall(text)]
    if not numbers and re.fullmatch(r"\s*[0-9]{1,2}(?:\s*[,/และ]+\s*[0-9]{1,2})*\s*", text):
        numbers = [int(n) for n in re.findall(r"[0-9]{1,2}", text)]
    return list(dict.fromkeys(n for n in numbers if 1 <= n <= 99))


def _same_header(table: Table, r: int, header: list[str]) -> bool:
    return [norm(c) for c in table.rows[r]] == header


def lay_out(tables: list[Table]) -> list[Layout]:
    """The tables with a header the portal knows, continued tables joined: one Layout each."""
    layouts: list[Layout] = []
    numbers = 0
    for table in tables:
        found = _header_rows(table)
        if found is None:
            # A table with no header that is as wide as the table before: that table continued.
            if layouts and layouts[-1].columns and len(layouts[-1].columns) == table.width and table.rows:
                _add_rows(layouts[-1], table, 0, [], numbers)
                numbers = layouts[-1].rows[-1].number if layouts[-1].rows else numbers
            continue
        start, count = found
        columns = _columns(table, start, count)
        header = [norm(c) for c in table.rows[start]]
        previous = layouts[-1] if layouts else None
        if previous is not None and [c.field for c in previous.columns] == [c.field for c in columns] \
                and "title" in previous.fields:
            layout = previous  # the same header again: the table continued
        else:
            numbers = 0
            layout = Layout(columns=columns, rows=[], where=table.where, wrapped=table.wrapped)
            layouts.append(layout)
        for r in range(start, start + count):
            numbers += 1
            layout.rows.append(Row(number=numbers, kind="header", cells=list(table.rows[r]),
                                   origins=list(table.origins[r])))
        numbers = _add_rows(layout, table, start + count, header, numbers)
    return [layout for layout in layouts if "title" in layout.fields]


def _add_rows(layout: Layout, table: Table, first: int, header: list[str], numbers: int) -> int:
    fields = layout.fields
    title_col = fields.index("title") if "title" in fields else 0
    no_col = fields.index("no") if "no" in fields else None
    indicator = next((r.indicator for r in reversed(layout.rows) if r.kind in ("heading", "data")), None)
    for r in range(first, len(table.rows)):
        numbers += 1
        cells, origins = table.rows[r], table.origins[r]
        row = Row(number=numbers, kind="data", cells=list(cells), origins=list(origins))
        filled = [c for c, text in enumerate(cells) if text.strip()]
        distinct = {origins[c] for c in range(len(cells))}
        text = " ".join(cells[c] for c in filled if c == filled[0] or origins[c] != origins[filled[0]])
        previous = next((p for p in reversed(layout.rows) if p.kind == "data"), None)
        if header and [norm(c) for c in cells] == header or _is_header_again(layout, cells):
            row.kind = "header"
        elif len(distinct) == 1 and len(cells) > 1 or len({origins[c] for c in filled}) == 1 and len(filled) \
                and filled[0] <= title_col and len(cells) > 2 and (_INDICATOR.search(to_arabic_digits(text))
                                                                   or _TOOL.search(text)):
            found = indicator_numbers(text) if _INDICATOR.match(to_arabic_digits(text).strip()) else []
            if _NOTE.match(text):
                row.kind = "note"
            else:
                row.kind = "heading"
                row.heading = text
                if found:
                    indicator = found[0]
                elif _TOOL.search(text):
                    indicator = None
                row.indicator = found[0] if found else None
        elif previous is not None and title_col < len(cells) and (
                not cells[title_col].strip() and (no_col is None or not cells[no_col].strip())
                or origins[title_col] == previous.origins[title_col]
                # A PDF row a page cut: its number was printed on the page before.
                or layout.wrapped and no_col is not None and not cells[no_col].strip()
                and previous.cells[no_col].strip()):
            row.kind = "more"
            for c, cell in enumerate(cells):
                if cell.strip() and origins[c] != previous.origins[c]:
                    previous.cells[c] = f"{previous.cells[c]}\n{cell}" if previous.cells[c].strip() else cell
            previous.joined.append(row.number)
        elif filled and _NOTE.match(cells[filled[0]]) and len({origins[c] for c in filled}) == 1:
            row.kind = "note"
        else:
            row.indicator = indicator
        layout.rows.append(row)
    return numbers


def _is_header_again(layout: Layout, cells: list[str]) -> bool:
    header = [r for r in layout.rows if r.kind == "header"][:3]
    return any([norm(c) for c in cells] == [norm(c) for c in h.cells] for h in header)


def choose(layouts: list[Layout], for_round: bool) -> int:
    """The table an import most likely means: for a plan the one with the most measure fields,
    for a round the one with the most result fields (then the most rows)."""
    def score(layout):
        fields = set(layout.fields)
        wanted = len(fields & set(ENTRY_FIELDS)) if for_round else len(fields & set(MEASURE_FIELDS))
        return (wanted, len(fields & set(MEASURE_FIELDS + ENTRY_FIELDS)), len(layout.data_rows))
    return max(range(len(layouts)), key=lambda i: score(layouts[i])) if layouts else 0


# ---------------------------------------------------------------- the values


_MARKER = re.compile(r"^\s*(?:\(?[0-9๐-๙]{1,2}\s*[.)]\s*|[-–•●▪◦*]\s*|[0-9๐-๙]{1,2}\s+(?=[ก-๙A-Za-z]))")
_STEP_START = re.compile(r"^\s*(?:\(?[0-9๐-๙]{1,2}\s*[.)]|[-–•●▪◦*])")
_THAI_END = re.compile(r"[\u0e00-\u0e7f]$")
_THAI_START = re.compile(r"^[\u0e00-\u0e7f]")


def unwrap(lines: list[str]) -> list[str]:
    """A PDF cell's lines joined where the page wrapped them: a line that starts no numbered
    step or bullet continues the line before (with no space between Thai letters)."""
    out: list[str] = []
    for line in lines:
        if out and not _STEP_START.match(line):
            joint = "" if _THAI_END.search(out[-1]) and _THAI_START.match(line) else " "
            out[-1] = out[-1] + joint + line
        else:
            out.append(line)
    return out


EMPTY = {"–", "-", "—", "", "n/a", "N/A"}  # what a document prints in a cell with nothing (the portal prints –)


def _lines(text: str, wrapped: bool) -> list[str]:
    text = clean_text(text or "")
    if text.strip() in EMPTY:
        return []
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return unwrap(lines) if wrapped else lines


def _inline_numbered(line: str) -> list[str]:
    """"1. a 2. b 3. c" typed on one line (or Thai digits, or 1) 2)) as its steps; a line
    without a run of numbers counting up from 1 is one step."""
    digits = to_arabic_digits(line)
    marks = [m for m in re.finditer(r"(?:^|(?<=\s))\(?([0-9]{1,2})\s*[.)]", digits)]
    picked, want = [], 1
    for m in marks:
        if int(m.group(1)) == want:
            picked.append(m)
            want += 1
    if len(picked) < 2 or picked[0].start() != len(digits) - len(digits.lstrip()):
        bullets = re.split(r"\s+[-–•]\s*(?=\S)", line.strip())
        if line.strip()[:1] in "-–•" and len(bullets) > 1:
            return [b.lstrip("-–• ").strip() for b in bullets if b.strip("-–• ")]
        return [line]
    bounds = [m.start() for m in picked] + [len(line)]
    pieces = [line[bounds[i]:bounds[i + 1]] for i in range(len(picked))]
    return [p.strip() for p in pieces if p.strip()]


def steps(text: str, wrapped: bool = False) -> list[str]:
    out = []
    for line in _lines(text, wrapped):
        for piece in _inline_numbered(line):
            piece = _MARKER.sub("", piece, count=1).strip()
            if piece:
                out.append(piece)
    return out


# How the name of a unit of a body begins: a PDF line that begins otherwise continues the name
# the page wrapped (กองการ / ศึกษาฯ).
_UNIT_START = re.compile(r"^(?:[-–•]|\(?[0-9๐-๙]|กอง|สำนัก|งาน|ฝ่าย|หน่วย|ส่วน|ทุก|ศูนย์|โรงเรียน|ผู้|คณะ|"
                         r"นาย|ปลัด|รองปลัด|นัก|พนักงาน|สถานี|กลุ่ม|แผนก|อบต|อบจ|เทศบาล|ประธาน|เลขา)")


def units(text: str, wrapped: bool = False) -> list[str]:
    out = []
    lines = _lines(text, False)
    if wrapped:
        joined: list[str] = []
        for line in lines:
            if joined and not _UNIT_START.match(line):
                joined[-1] += line
            else:
                joined.append(line)
        lines = joined
    for line in lines:
        for piece in _inline_numbered(line):
            piece = _MARKER.sub("", piece, count=1).strip(" ,;")
            if piece and piece not in out:
                out.append(piece)
    return out


def title(text: str, wrapped: bool = False) -> str:
    lines = _lines(text, wrapped)
    joined = " ".join(lines)
    return re.sub(r"^\s*[0-9๐-๙]{1,3}\s*[.)]\s*", "", joined).strip()


def plain(text: str, wrapped: bool = False) -> str:
    return "\n".join(_lines(text, wrapped))


def monitoring(text: str) -> list[int]:
    found = {int(n) for n in re.findall(r"([0-9]{1,2})\s*เดือน", to_arabic_digits(text or ""))}
    return sorted(found & {1, 3, 6, 9, 12})


_FULL_DATE = re.compile(r"([0-9]{1,2})\s*(" + "|".join(re.escape(m) for m in THAI_MONTHS + THAI_MONTHS_SHORT)
                        + r")\s*(?:พ\.ศ\.\s*)?([0-9]{4})")
_MONTH_YEAR = re.compile(r"(?:เดือน)?\s*(" + "|".join(re.escape(m) for m in THAI_MONTHS + THAI_MONTHS_SHORT)
                         + r")\s*(?:พ\.ศ\.\s*)?([0-9]{4})")
_FISCAL = re.compile(r"^(?:ตลอด)?\s*ปีงบประมาณ\s*(?:พ\.ศ\.)?\s*([0-9]{4})$")
_QUARTER = re.compile(r"^ไตรมาส(?:ที่)?\s*([1-4])\s*(?:ของ)?\s*(?:ปีงบประมาณ)?\s*(?:พ\.ศ\.)?\s*([0-9]{4})$")
# What the portal prints for a measure's dates with no period text (reports/builders.py _period).
_PORTAL_RANGE = re.compile(r"^([0-9]{1,2} \S+ [0-9]{4}) – ([0-9]{1,2} \S+ [0-9]{4})$")


def _month_number(name: str) -> int:
    return (THAI_MONTHS.index(name) if name in THAI_MONTHS else THAI_MONTHS_SHORT.index(name)) + 1


def _date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        return datetime.date(ce_year(int(year)), _month_number(month), int(day))
    except ValueError:
        return None


def period(text: str, fiscal_year: int, wrapped: bool = False) -> tuple[str, datetime.date | None,
                                                                      datetime.date | None]:
    """(period text, first day, last day) of a period cell: the dates when the text says them
    plainly (two dates; a fiscal year; a quarter of one; a month), else only the text. The
    portal's own printing of two dates (no period text) gives the dates and no text."""
    shown = " ".join(_lines(text, wrapped)) if wrapped else plain(text)
    one_line = to_arabic_digits(" ".join(shown.split()))
    start = end = None
    if "\n" not in shown:
        dates = [_date(*m) for m in _FULL_DATE.findall(one_line)]
        fiscal = _FISCAL.match(one_line.replace("ปีงบประมาณ", "ปีงบประมาณ ", 1))
        quarter = _QUARTER.match(one_line)
        months = _MONTH_YEAR.findall(one_line)
        if len(dates) == 2 and all(dates):
            start, end = dates
        elif fiscal:
            start, end = fiscal_year_bounds(int(fiscal.group(1)))
        elif quarter:
            first = fiscal_year_bounds(int(quarter.group(2)))[0]
            q = int(quarter.group(1)) - 1
            start = _add_months(first, 3 * q)
            end = _add_months(first, 3 * q + 3) - datetime.timedelta(days=1)
        elif len(months) == 1 and not dates:
            month, year = _month_number(months[0][0]), ce_year(int(months[0][1]))
            start = datetime.date(year, month, 1)
            end = None if "เป็นต้นไป" in one_line else datetime.date(year, month, calendar.monthrange(year, month)[1])
    if start and end and end < start:
        start = end = None
    first, last = fiscal_year_bounds(fiscal_year)
    if any(day and not first <= day <= last for day in (start, end)):
        start = end = None  # dates outside the plan's year: the text says them, the editor decides
    if start and end and _PORTAL_RANGE.match(one_line):
        return "", start, end
    return shown, start, end


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


TICKS = set("✓✔☑✗✘×xX/●•*+ü√■◼▪◆✅")


def ticked(text: str) -> bool:
    text = (text or "").strip()
    return bool(text) and all(ch in TICKS or ch.isspace() for ch in text)


def months_period(months: list[int], fiscal_year: int) -> tuple[str, datetime.date | None, datetime.date | None]:
    """The ticked calendar months of a plan's fiscal year as dates (first day of the first, last
    day of the last) and, when they are not one run, a text naming them."""
    if not months:
        return "", None, None
    first_day = fiscal_year_bounds(fiscal_year)[0]
    position = sorted({(m - 10) % 12 for m in months})  # October is 0
    days = [_add_months(first_day, p) for p in position]
    start = days[0]
    end = _add_months(days[-1], 1) - datetime.timedelta(days=1)
    text = ""
    if position != list(range(position[0], position[-1] + 1)):
        text = ", ".join(f"{THAI_MONTHS_SHORT[d.month - 1]} {be_year(d.year)}" for d in days)
    return text, start, end


STATES = [
    (ProgressEntry.State.CANCELLED, r"ยกเลิก"),
    (ProgressEntry.State.NOT_STARTED, r"ยังไม่(?:ได้)?(?:เริ่ม|ดำเนินการ)"),
    (ProgressEntry.State.IN_PROGRESS, r"กำลัง|อยู่ระหว่าง|ดำเนินการบางส่วน"),
    (ProgressEntry.State.DONE, r"เสร็จ|ครบ|ดำเนินการแล้ว|✓|✔"),
]


def state(text: str) -> str | None:
    text = norm(text)
    if not text or "ยังไม่ได้รายงาน" in text:
        return None
    for value, pattern in STATES:
        if re.search(pattern, text):
            return value
    return None


# ---------------------------------------------------------------- records


@dataclass
class Record:
    """One row to import: what the measure service takes (``measure``) and the round's entry
    (``entry``, empty for a plan), with the row's number and its indicator numbers."""

    number: int
    measure: dict
    entry: dict
    units: list[str]
    indicators: list[int]
    cells: dict = field(default_factory=dict)  # field -> the text as found (the preview)


class Problem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cell_problem(row: Row, column: Column, problem: str) -> str:
    return _("แถวที่ %(row)s คอลัมน์ “%(column)s”: %(problem)s") % {
        "row": row.number, "column": column.label or _("ลำดับที่ %(n)s") % {"n": column.index + 1},
        "problem": problem}


def default_skipped(layout: Layout) -> set[int]:
    """The rows skipped unless the editor says otherwise: the notes and signature lines."""
    return {r.number for r in layout.rows if r.kind == "note"}


def records(layout: Layout, *, fields: list[str], skipped: set[int], fiscal_year: int, months: int | None,
            indicator_numbers_known: set[int] | None = None) -> tuple[list[Record], list[str]]:
    """The data rows (and the note rows the editor kept) not in ``skipped``, as records, and a
    Thai message (row and column named) for each cell that cannot be taken."""
    errors: list[str] = []
    out: list[Record] = []
    rows = [r for r in layout.rows if r.kind in ("data", "note") and r.number not in skipped]
    if len(rows) > MAX_ROWS:
        return [], [_("ตารางมี %(n)s แถว เกินกำหนด %(max)s แถวต่อการนำเข้าหนึ่งครั้ง กรุณาแบ่งไฟล์") % {
            "n": f"{len(rows):,}", "max": MAX_ROWS}]
    if "title" not in fields:
        return [], [_("ยังไม่ได้เลือกคอลัมน์ “มาตรการ/โครงการ/กิจกรรม” กรุณาเลือกคอลัมน์ที่เป็นชื่อมาตรการ")]
    for row in rows:
        record, problems = _record(layout, row, fields, fiscal_year, months, indicator_numbers_known)
        errors.extend(problems)
        if record is not None and not problems:
            out.append(record)
    return out, errors


def _record(layout, row, fields, fiscal_year, months, known):
    problems = []
    texts: dict[str, list[tuple[Column, str]]] = {}
    month_ticks = []
    for column, key in zip(layout.columns, fields, strict=True):
        c = column.index
        if key in ("skip", "no") or c >= len(row.cells):
            continue
        if c > 0 and row.origins and row.origins[c] == row.origins[c - 1] and fields[c - 1] not in ("skip", "no"):
            continue  # a cell merged across columns is read once, in its first column
        if key == "month":
            if ticked(row.cells[c]):
                month_ticks.append(column.month or _month_at(layout, fields, c))
            continue
        texts.setdefault(key, []).append((column, row.cells[c]))
    wrapped = layout.wrapped

    def joined(key, convert=plain):
        parts = [convert(text, wrapped) for _col, text in texts.get(key, []) if text.strip()]
        return "\n".join(p for p in parts if p)

    def column(key):
        return texts[key][0][0] if key in texts else None

    measure, entry = {}, {}
    measure["title"] = " ".join(title(text, wrapped) for _col, text in texts.get("title", []) if text.strip()).strip()
    if not measure["title"]:
        problems.append(cell_problem(row, column("title") or layout.columns[fields.index("title")],
                                     _("ไม่มีชื่อมาตรการ (ถ้าไม่ใช่มาตรการ ให้ติ๊ก “ข้าม” ที่แถวนี้)")))
    for key in ("guideline", "analysis", "target"):
        if key in texts:
            measure[key] = joined(key)
    if "steps" in texts:
        measure["steps"] = "\n".join(s for _col, text in texts["steps"] for s in steps(text, wrapped))
    period_text, start, end = "", None, None
    if "period" in texts:
        pieces = [period(text, fiscal_year, wrapped) for _col, text in texts["period"] if text.strip()]
        if pieces:
            period_text = "\n".join(p[0] for p in pieces if p[0])
            start, end = (pieces[0][1], pieces[0][2]) if len(pieces) == 1 else (None, None)
    if month_ticks:
        ticks_text, tick_start, tick_end = months_period(month_ticks, fiscal_year)
        start, end = tick_start, tick_end
        period_text = period_text or ticks_text
    if "period" in texts or month_ticks:
        measure.update(period_text=period_text, period_start=start, period_end=end)
    if "monitoring" in texts:
        measure["monitoring_rounds"] = sorted({m for _col, text in texts["monitoring"] for m in monitoring(text)})
    if "budget" in texts:
        raw = joined("budget").replace("บาท", "").strip()
        try:
            value = parse_decimal(raw)
            if value is not None and (value < 0 or value >= 10 ** 12):
                raise ValueError(raw)
            measure["budget"] = value.quantize(1) if value is not None and value == value.to_integral() else value
        except (ValueError, ArithmeticError):
            problems.append(cell_problem(row, column("budget"), _("อ่านจำนวนเงิน “%(text)s” ไม่ได้ กรุณาพิมพ์เป็นตัวเลข")
                                         % {"text": raw[:40]}))
    unit_names = [u for _col, text in texts.get("responsible", []) for u in units(text, wrapped)]
    numbers = sorted({n for _col, text in texts.get("indicators", []) for n in indicator_numbers(text)})
    if not numbers and row.indicator and "indicators" not in texts:
        numbers = [row.indicator]
    if known is not None:
        unknown = [n for n in numbers if n not in known]
        if unknown:
            problems.append(cell_problem(row, column("indicators") or layout.columns[0],
                                         _("ไม่มีตัวชี้วัดที่ %(n)s ในเกณฑ์การประเมินที่แผนนี้ใช้") % {
                                             "n": ", ".join(str(n) for n in unknown)}))
    for key in ("done_text", "output", "outcome", "problems", "remarks"):
        if key in texts:
            entry[key] = joined(key)
    if "state" in texts:
        entry["state"] = state(joined("state"))
        if entry["state"] is None:
            del entry["state"]
    if "percent" in texts:
        raw = to_arabic_digits(joined("percent")).replace("%", "").strip()
        if raw:
            if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]+)?", raw) and float(raw) <= 100:
                entry["percent"] = round(float(raw))
            else:
                problems.append(cell_problem(row, column("percent"), _("ร้อยละต้องเป็นตัวเลข 0 ถึง 100")))
    # Limits, named by row and column (the services check them again).
    for key, value in [*measure.items(), *entry.items()]:
        limit = FIELDS[key].limit if key in FIELDS else (MEASURE_LIMITS.get(key) if key == "period_text" else None)
        if key == "period_text":
            limit = MEASURE_LIMITS["period_text"]
        if limit and isinstance(value, str) and len(value) > limit:
            owner = column("period") if key == "period_text" else column(key)
            problems.append(cell_problem(row, owner, too_long(FIELDS.get(key, FIELDS["period"]).label,
                                                              len(value), limit)))
    for name in unit_names:
        if len(name) > UNIT_LIMIT:
            problems.append(cell_problem(row, column("responsible"), too_long(FIELDS["responsible"].label,
                                                                             len(name), UNIT_LIMIT)))
    if months is not None and entry:
        entry.setdefault("state", _default_state(entry, months))
        if entry["state"] == ProgressEntry.State.DONE:
            entry.setdefault("percent", 100)
    cells = {key: "\n".join(text for _col, text in pairs) for key, pairs in texts.items()}
    return Record(number=row.number, measure=measure, entry=entry, units=unit_names, indicators=numbers,
                  cells=cells), problems


def _default_state(entry: dict, months: int) -> str:
    """As the seeds were loaded (ops/seed.py): a 12-month result with an output or an outcome is
    done; any other result written is in progress."""
    if months == 12 and (entry.get("output") or entry.get("outcome")):
        return ProgressEntry.State.DONE
    if any(entry.get(k) for k in ("done_text", "output", "outcome", "problems", "remarks")):
        return ProgressEntry.State.IN_PROGRESS
    return ProgressEntry.State.NOT_STARTED


def _month_at(layout, fields, c) -> int:
    """A month column without a month name: the n-th month column is the n-th month of the
    fiscal year (October first)."""
    n = [i for i, key in enumerate(fields) if key == "month"].index(c)
    return (9 + n) % 12 + 1
