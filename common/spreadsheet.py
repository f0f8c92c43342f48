"""Cells of the CSV and XLSX files the portal writes, safe to open in Excel or LibreOffice.

A text cell that starts with = + - @ (or a tab, carriage return or line feed) is run as a
formula by a spreadsheet: =HYPERLINK(...) or =cmd|... in a measure's title would act on the
reader's machine (CSV or formula injection, OWASP). Such text gets one leading ' in CSV,
which spreadsheets read as "this is text", and is written as a text cell with Excel's own
quote-prefix flag in XLSX. Numbers, and text that is just a number such as "-1.5", stay as
they are. Reading a file back, ``spreadsheet_unquote`` removes the quote again.
"""

import re

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


class BadWorkbook(ValueError):
    """An uploaded XLSX that cannot be read; the message is a Thai sentence."""


def open_workbook(data: bytes, *, max_uncompressed: int):
    """An uploaded XLSX as a read-only openpyxl workbook (values, not formulas), refusing a file
    that unpacks to more than ``max_uncompressed`` bytes (a zip bomb) before openpyxl reads it."""
    import io
    import zipfile

    from django.utils.translation import gettext as _
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
