"""Cells safe to open in a spreadsheet: text that would run as a formula is guarded, numbers are not."""

from decimal import Decimal

import pytest

from common.spreadsheet import spreadsheet_row, spreadsheet_safe, spreadsheet_unquote


@pytest.mark.parametrize("text", ['=HYPERLINK("https://evil.example")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\t=1+1", "\r=1+1", "\n=1+1", "-", "=", "-๑.๕"])
def test_it_prefixes_text_starting_with_a_formula_character_and_unquote_gives_it_back(text):
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_unquote(spreadsheet_safe(text)) == text


@pytest.mark.parametrize("value", [-1.5, 95.08, 0, -3, Decimal("-1.50"), None, True, "-1.5", "+2", "-.5", "95.08",
                                   "มาตรการที่ 1 = ดี", " =ขึ้นต้นด้วยช่องว่าง", "", "'คำพูด"])
def test_it_leaves_numbers_number_text_and_other_text_alone(value):
    assert spreadsheet_safe(value) is value


def test_unquote_removes_only_a_quote_that_guards_a_formula_character():
    assert spreadsheet_unquote("'=x") == "=x"
    assert spreadsheet_unquote("'คำพูด") == "'คำพูด"
    assert spreadsheet_unquote("'-1.5") == "'-1.5"


def test_a_row_guards_each_cell():
    assert spreadsheet_row(["=1", 2, "x", "@a"]) == ["'=1", 2, "x", "'@a"]


# ---------------------------------------------------------------- read_table, the imports' shared reader


def _xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read(data, **options):
    from common.spreadsheet import read_table

    return read_table(data, **{"max_bytes": 1024 * 1024, "max_rows": 3, "empty": "ว่าง", **options})


def test_read_table_gives_non_blank_rows_with_their_spreadsheet_numbers_unquoted_and_stripped():
    data = "a;b\r\n\r\n '=x ; 'คำพูด \r\n;\r\n1;2\r\n".encode("cp874")
    assert _read(data) == [(1, ["a", "b"]), (3, ["=x", "'คำพูด"]), (5, ["1", "2"])]


def test_read_table_reads_whole_number_floats_of_xlsx_without_point_zero():
    assert _read(_xlsx([["code", "score"], [5150101.0, 95.5], [None, None], ["x", None]])) == [
        (1, ["code", "score"]), (2, ["5150101", "95.5"]), (4, ["x", ""])]


def test_read_table_cleans_cells_only_when_asked():
    data = "a\n\u200eก\u0e4d\u0e32\n".encode()
    assert _read(data)[1] == (2, ["\u200eก\u0e4d\u0e32"])
    assert _read(data, clean=True)[1] == (2, ["กำ"])


@pytest.mark.parametrize("data", [b"h\n1\n2\n3\n4\n", _xlsx([["h"], [1], [2], [3], [4]])])
def test_read_table_counts_the_row_limit_after_the_header(data):
    from common.spreadsheet import FileRejected

    assert len(_read(data, max_rows=4)) == 5
    with pytest.raises(FileRejected) as rejected:
        _read(data, max_rows=3)
    assert rejected.value.errors == ["ไฟล์มีมากกว่า 3 แถว"]


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "ไม่มีคะแนน"), (b" , \n,\n", "ไม่มีคะแนน"), (b"x" * 2 * 1024 * 1024, "ไฟล์มีขนาดเกิน 1 MB"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 10, "ไฟล์ Excel รุ่นเก่า (.xls) ไม่รองรับ กรุณาบันทึกเป็น .xlsx หรือ .csv"),
    (b"\x89PNG\x00", "รองรับเฉพาะไฟล์ CSV หรือ XLSX"), (b"PK\x03\x04broken", "ไฟล์ XLSX เสียหายหรือไม่ใช่ไฟล์ Excel ที่อ่านได้"),
    ("ก".encode() + b"\xff\xfe\x80", "อ่านไฟล์ CSV ไม่ได้ กรุณาบันทึกเป็น UTF-8"),
])
def test_read_table_refuses_a_file_with_one_thai_sentence(data, expected):
    from common.spreadsheet import FileRejected

    with pytest.raises(FileRejected) as rejected:
        _read(data, empty="ไม่มีคะแนน")
    assert rejected.value.errors == [expected]


def test_the_imports_raise_the_one_shared_exception():
    from assessments import register_io, score_io
    from common.spreadsheet import FileRejected
    from people import people_io

    assert score_io.ImportRejected is register_io.ImportRejected is people_io.PeopleFileRejected is FileRejected


def test_read_command_file_refuses_a_missing_or_too_big_file_and_nothing_imported_lists_the_errors(tmp_path):
    import io

    from django.core.management.base import CommandError, OutputWrapper

    from common.spreadsheet import nothing_imported, read_command_file

    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        read_command_file(str(tmp_path / "none.csv"), max_bytes=10)
    (tmp_path / "big.csv").write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(CommandError, match="ไฟล์มีขนาดเกิน 2 MB"):
        read_command_file(str(tmp_path / "big.csv"), max_bytes=2 * 1024 * 1024)
    assert read_command_file(str(tmp_path / "big.csv"), max_bytes=4 * 1024 * 1024) == b"x" * (3 * 1024 * 1024)
    stderr = io.StringIO()
    error = nothing_imported(OutputWrapper(stderr), ["แถวที่ 2: ก", "แถวที่ 3: ข"])
    assert str(error) == "ไม่ได้นำเข้าข้อมูลใด ๆ: พบข้อผิดพลาด 2 รายการ"
    assert stderr.getvalue() == "แถวที่ 2: ก\nแถวที่ 3: ข\n"


def test_the_export_writers_guard_cells_and_read_back_through_read_table():
    from common.spreadsheet import csv_bytes, xlsx_bytes

    rows = [["a", "b"], ["=1+1", -1.5], ["ไทย", "x"]]
    data = csv_bytes(rows)
    assert data.startswith(b"\xef\xbb\xbf") and b"'=1+1,-1.5\r\n" in data
    expected = [(1, ["a", "b"]), (2, ["=1+1", "-1.5"]), (3, ["ไทย", "x"])]
    assert _read(data) == expected
    assert _read(xlsx_bytes(rows, sheet="s")) == expected
