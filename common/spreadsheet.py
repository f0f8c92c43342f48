"""Cells of the CSV and XLSX files the portal writes, safe to open in Excel or LibreOffice.

A text cell that starts with = + - @ (or a tab, carriage return or line feed) is run as a
formula by a spreadsheet: =HYPERLINK(...) or =cmd|... in a measure's title would act on the
reader's machine (CSV or formula injection, OWASP). Such text gets one leading ' in CSV,
which spreadsheets read as "this is text", and is written as a text cell with Excel's own
quote-prefix flag in XLSX. Numbers, and text that is just a number such as "-1.5", stay as
they are. Reading a file back, ``spreadsheet_unquote`` removes the quote again.

Reading uploads: ``read_table`` turns an uploaded CSV or XLSX into numbered rows of text (size
limit, file-type sniffing, encodings, row limit), and ``header_columns``, ``missing_columns`` and
``table_records`` read the header; a refused file raises ``FileRejected`` with Thai sentences.
The imports of scores, the register of bodies and people share them, and their commands
``read_command_file`` and ``nothing_imported``; their exports write with ``csv_bytes`` and
``xlsx_bytes``.
"""

import csv
import io
import re
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from common.errors import Refusal
from common.text import clean_text

# OWASP's list, plus the line feed: the portal stores a typed carriage return as one.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def _is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def spreadsheet_safe(value):
    """The value to write in a CSV cell: dangerous text prefixed with ', anything else unchanged."""
    if isinstance(value, str) and _is_dangerous(value):
        return "'" + value
    return value


def spreadsheet_row(values) -> list:
    """``spreadsheet_safe`` for every cell of a CSV row."""
    return [spreadsheet_safe(value) for value in values]


def spreadsheet_unquote(text: str) -> str:
    """The text a ``spreadsheet_safe`` cell was made from: the one ' before dangerous text goes."""
    if text.startswith("'") and _is_dangerous(text[1:]):
        return text[1:]
    return text


def xlsx_row(sheet, values) -> list:
    """Cells for ``sheet.append`` (openpyxl): text is always a text cell, never a formula
    (openpyxl would make "=..." one), and dangerous text carries Excel's quote prefix, so the
    reader sees exactly what was typed; numbers stay numbers."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            if _is_dangerous(value):
                cell.quotePrefix = True
        cells.append(cell)
    return cells


def csv_bytes(rows) -> bytes:
    """A CSV file of ``rows`` as the portal's exports write it: every cell ``spreadsheet_safe``,
    CRLF line ends, UTF-8 with the BOM that lets Excel open Thai text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(spreadsheet_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, *, sheet: str) -> bytes:
    """An XLSX file of ``rows`` in one sheet named ``sheet``, every row through ``xlsx_row``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        worksheet.append(xlsx_row(worksheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class BadWorkbook(ValueError):
    """An uploaded XLSX that cannot be read; the message is a Thai sentence."""


def open_workbook(data: bytes, *, max_uncompressed: int):
    """An uploaded XLSX as a read-only openpyxl workbook (values, not formulas), refusing a file
    that unpacks to more than ``max_uncompressed`` bytes (a zip bomb) before openpyxl reads it."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_uncompressed:
                raise BadWorkbook(_("ไฟล์ XLSX มีข้อมูลเมื่อแตกไฟล์ใหญ่เกินกำหนด"))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except BadWorkbook:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds for a broken file
        raise BadWorkbook(_("ไฟล์ XLSX เสียหายหรือไม่ใช่ไฟล์ Excel ที่อ่านได้")) from None


# ---------------------------------------------------------------- reading uploaded tables

MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and other OLE files


class FileRejected(Refusal):
    """A file refused whole, nothing written; ``errors`` (the refusal's ``messages``) are Thai
    sentences, row-numbered (``แถวที่ 7: …``), one a line in ``str()``. The imports of scores,
    the register and people raise it."""

    def __init__(self, errors: list[str]):
        super().__init__(*errors)
        self.args = ("\n".join(self.messages),)
        self.errors = errors


def file_too_big(max_bytes: int) -> str:
    """The Thai sentence for a file over ``max_bytes``."""
    return _("ไฟล์มีขนาดเกิน %(limit)s MB") % {"limit": max_bytes // (1024 * 1024)}


def read_table(data: bytes, *, max_bytes: int, max_rows: int, empty: str, clean: bool = False,
               max_uncompressed: int = MAX_XLSX_UNCOMPRESSED) -> list[tuple[int, list[str]]]:
    """The non-blank rows of an uploaded CSV (UTF-8 with or without BOM, or Thai Windows cp874;
    delimiter , ; or tab) or XLSX (first sheet), header first, as (row number as a spreadsheet
    shows it, cells). Cells are text, stripped, without the ' the export puts before formula
    characters (and through ``common.text.clean_text`` first when ``clean``); a whole-number
    float from XLSX reads "12", not "12.0".

    Raises FileRejected with one Thai sentence: over ``max_bytes``, no rows (``empty``, the
    sentence that says what the file should hold), old .xls, not text, unreadable, or more than
    ``max_rows`` rows after the header."""
    if len(data) > max_bytes:
        raise FileRejected([file_too_big(max_bytes)])
    if not data.strip():
        raise FileRejected([empty])
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data, max_rows=max_rows, max_uncompressed=max_uncompressed)
    elif data.startswith(OLD_EXCEL_MAGIC):
        raise FileRejected([_("ไฟล์ Excel รุ่นเก่า (.xls) ไม่รองรับ กรุณาบันทึกเป็น .xlsx หรือ .csv")])
    elif b"\x00" in data[:4096]:
        raise FileRejected([_("รองรับเฉพาะไฟล์ CSV หรือ XLSX")])
    else:
        rows = _csv_rows(data)
    prepare = clean_text if clean else str
    rows = [(number, cells) for number, cells in
            ((n, [spreadsheet_unquote(prepare(c).strip()).strip() for c in cells]) for n, cells in rows)
            if any(cells)]
    if not rows:
        raise FileRejected([empty])
    if len(rows) > max_rows + 1:
        raise FileRejected([_too_many_rows(max_rows)])
    return rows


def header_columns(header: list[str], aliases: dict[str, str]) -> list[str | None]:
    """The column each header cell names (``aliases``: lower-case header text, spaces collapsed,
    to column), None for a header the import does not know."""
    return [aliases.get(" ".join(text.split()).lower()) for text in header]


def missing_columns(line: int, columns: list[str | None], required, listed) -> list[str]:
    """[the Thai sentence naming the ``required`` columns the header row lacks], or []."""
    missing = [c for c in required if c not in columns]
    if not missing:
        return []
    return [_("แถวที่ %(line)s: แถวหัวตารางไม่มีคอลัมน์ %(missing)s (ต้องมี %(columns)s)") % {
        "line": line, "missing": ", ".join(missing), "columns": ", ".join(listed)}]


def table_records(rows, columns: list[str | None], names) -> list[tuple[int, dict[str, str]]]:
    """The rows after the header as (row number, {column: text}): every one of ``names`` is
    there ("" when the file lacks it), and any other known column the file has."""
    records = []
    for number, cells in rows[1:]:
        record = dict.fromkeys(names, "")
        for column, cell in zip(columns, cells, strict=False):
            if column:
                record[column] = cell
        records.append((number, record))
    return records


def numbered(line: int, messages) -> list[str]:
    """Each of a row's Thai messages as the sentence a refusal lists: ``แถวที่ 7: …``."""
    return [_("แถวที่ %(line)s: %(message)s") % {"line": line, "message": message} for message in messages]


def _too_many_rows(max_rows: int) -> str:
    return _("ไฟล์มีมากกว่า %(rows)s แถว") % {"rows": f"{max_rows:,}"}


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRejected([_("อ่านไฟล์ CSV ไม่ได้ กรุณาบันทึกเป็น UTF-8")])
    # The delimiter is the one the header row uses most; the quote is always " (as Excel writes it).
    # csv.Sniffer is not used: cells that start with ' (the export's guard against formulas) make it
    # take ' for the quote character.
    header = next((line for line in text.splitlines() if line.strip(" ,;\t")), "")
    delimiter = max(",;\t", key=header.count)  # "," when the counts tie
    try:
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1))
    except csv.Error as exc:
        raise FileRejected([_("รูปแบบไฟล์ CSV ไม่ถูกต้อง: %(error)s") % {"error": exc}]) from None


def _xlsx_rows(data: bytes, *, max_rows: int, max_uncompressed: int):
    try:
        workbook = open_workbook(data, max_uncompressed=max_uncompressed)
    except BadWorkbook as bad:
        raise FileRejected([str(bad)]) from None
    try:
        rows = []
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if number > max_rows + 1:  # blank rows count here: a sheet of a million empty rows stops early
                raise FileRejected([_too_many_rows(max_rows)])
            rows.append((number, ["" if v is None else _cell_text(v) for v in values]))
        return rows
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- management commands


def read_command_file(file: str, *, max_bytes: int) -> bytes:
    """The bytes of FILE given to an import command; CommandError (Thai) when it is missing or
    over ``max_bytes`` (checked before it is read)."""
    path = Path(file)
    if not path.is_file():
        raise CommandError(_("ไม่พบไฟล์ %(file)s") % {"file": file})
    if path.stat().st_size > max_bytes:
        raise CommandError(file_too_big(max_bytes))
    return path.read_bytes()


def nothing_imported(stderr, errors) -> Exception:
    """Write each of ``errors`` to the command's ``stderr``; the CommandError to raise
    (``raise nothing_imported(self.stderr, rejected.errors) from None``)."""
    for error in errors:
        stderr.write(error)
    return CommandError(_("ไม่ได้นำเข้าข้อมูลใด ๆ: พบข้อผิดพลาด %(count)s รายการ") % {"count": len(errors)})
