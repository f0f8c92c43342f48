"""imports/reading.py: the tables of a .docx, a PDF, and a pasted table (HTML or tab-separated),
merged cells resolved; every bad file refused with one Thai sentence before a parser reads it."""

import io
import zipfile

import pytest

from common.spreadsheet import FileRejected
from imports import reading

from .docx_tables import docx_bytes

HEADER = ["มาตรการ", "ขั้นตอน/วิธีการปฏิบัติ", "ผู้รับผิดชอบ"]


def test_it_reads_the_cells_of_a_word_table_with_their_paragraphs_as_lines():
    data = docx_bytes([HEADER, ["มาตรการตรวจสอบ", ["๑. จัดทำคู่มือ", "๒. เผยแพร่"], "สำนักปลัด"]],
                      after=["ลงชื่อ ..................... ผู้จัดทำ"])
    [table] = reading.read_upload(data, "plan.docx")
    assert table.rows == [HEADER, ["มาตรการตรวจสอบ", "๑. จัดทำคู่มือ\n๒. เผยแพร่", "สำนักปลัด"]]
    assert table.marked == [0]  # the header Word repeats on each page


def test_it_gives_a_merged_cell_to_every_slot_it_covers_with_one_origin():
    rows = [["มาตรการ", "ผลการดำเนินการ", "", "หมายเหตุ"], ["", "ผลผลิต", "ผลลัพธ์", ""], ["ก", "ข", "ค", ""]]
    data = docx_bytes((rows, {"header_rows": 2, "merges": [(0, 1, 2), (0, 1, 0, "down"), (0, 1, 3, "down")]}))
    [table] = reading.read_upload(data)
    assert table.rows[0] == ["มาตรการ", "ผลการดำเนินการ", "ผลการดำเนินการ", "หมายเหตุ"]
    assert table.rows[1] == ["มาตรการ", "ผลผลิต", "ผลลัพธ์", "หมายเหตุ"]
    assert table.origins[0][1] == table.origins[0][2]  # across
    assert table.origins[0][0] == table.origins[1][0]  # down
    assert table.origins[1][1] != table.origins[1][2]


def test_it_reads_a_wingdings_tick_as_a_tick():
    from docx import Document

    from .docx_tables import wingdings_tick

    word = Document()
    grid = word.add_table(rows=1, cols=2)
    grid.cell(0, 0).text = "ต.ค."
    wingdings_tick(grid.cell(0, 1))
    buffer = io.BytesIO()
    word.save(buffer)
    [table] = reading.read_upload(buffer.getvalue())
    assert table.rows == [["ต.ค.", "✓"]]


def test_it_reads_a_table_pasted_from_word_as_html_with_spans():
    html = ("<html><body><table><tr><td rowspan=2><p>มาตรการ</p></td><td colspan=2>ผลการดำเนินการ</td></tr>"
            "<tr><td>ผลผลิต</td><td>ผลลัพธ์</td></tr><tr><td><p>ก</p><p>ข</p></td><td>1<br>2</td><td>-</td></tr>"
            "</table><style>p {}</style></body></html>")
    [table] = reading.read_paste(html=html, text="ignored\twhen html has a table")
    assert table.rows == [["มาตรการ", "ผลการดำเนินการ", "ผลการดำเนินการ"], ["มาตรการ", "ผลผลิต", "ผลลัพธ์"],
                          ["ก\nข", "1\n2", "-"]]


def test_it_reads_tab_separated_text_with_quoted_line_breaks():
    text = 'มาตรการ\tขั้นตอน\n"ก"\t"1. หนึ่ง\n2. สอง"\n'
    [table] = reading.read_paste(text=text)
    assert table.rows == [["มาตรการ", "ขั้นตอน"], ["ก", "1. หนึ่ง\n2. สอง"]]


def test_it_refuses_a_paste_with_no_table():
    with pytest.raises(FileRejected, match="ไม่พบตาราง"):
        reading.read_paste(html="<p>ข้อความ</p>", text="ไม่มีแท็บ")


@pytest.mark.parametrize("data, message", [
    (b"", "ว่างเปล่า"),
    (b"hello, this is text", "ไม่ใช่ไฟล์ Word"),
    (reading.OLE_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"), "รหัสผ่าน"),
    (reading.OLE_MAGIC + b"\x00" * 100, r"\.doc"),
    (b"PK\x03\x04 broken zip", "เสียหาย"),
])
def test_it_refuses_a_file_that_is_not_a_readable_word_file(data, message):
    with pytest.raises(FileRejected, match=message):
        reading.read_upload(data, "x.docx")


def test_it_refuses_a_file_over_10_mb_before_reading_it():
    with pytest.raises(FileRejected, match="10 MB"):
        reading.read_upload(b"PK\x03\x04" + b"0" * reading.MAX_BYTES, "big.docx")


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb_from_its_sizes_before_unpacking():
    data = zipped({"word/document.xml": b"<a/>", "word/bomb.xml": b"\0" * (30 * 1024 * 1024)})
    assert len(data) < 100_000
    with pytest.raises(FileRejected, match="zip bomb"):
        reading.read_upload(data, "bomb.docx")


def test_it_refuses_an_excel_file_and_says_to_paste_it():
    with pytest.raises(FileRejected, match="Excel"):
        reading.read_upload(zipped({"xl/workbook.xml": b"<a/>"}), "x.docx")


def test_it_refuses_a_scanned_pdf_and_suggests_the_word_file():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PDF")
    with pytest.raises(FileRejected, match="ไม่มีข้อความ.*Word"):
        reading.read_upload(buffer.getvalue(), "scan.pdf")


def test_a_table_survives_its_round_trip_through_the_preview_token():
    data = docx_bytes([HEADER, ["ก", "ข", "ค"]])
    [table] = reading.read_upload(data)
    again = reading.Table.from_data(table.as_data())
    assert (again.rows, again.origins, again.marked) == (table.rows, table.origins, table.marked)
