"""imports/mapping.py: Thai headers (the seeds' variants) to fields, the header over two rows, the
twelve month columns, indicator heading rows, repeated headers, notes; each cell's value as the
measures services take it, and a cell over its limit named by row and column."""

import datetime

import pytest

from imports import mapping
from imports.reading import read_paste, read_upload

from .docx_tables import docx_bytes


@pytest.mark.parametrize("label, field", [
    ("มาตรการ", "title"), ("มาตรการ/ โครงการ/กิจกรรม", "title"), ("มาตรการ/แนวทาง", "title"),
    ("แนวทางปฏิบัติ", "guideline"), ("แนวทางการปฏิบัติ", "guideline"), ("ผลการวิเคราะห์", "analysis"),
    ("ขั้นตอน/วิธีการปฏิบัติ", "steps"), ("ขั้นตอนหรือวิธีการปฏิบัติ", "steps"), ("ขั้นตอนหรือวิธีปฏิบัติการ", "steps"),
    ("วิธีการดำเนินการ", "steps"), ("รายละเอียดการดำเนินงาน (ขั้นตอน)", "steps"),
    ("ระยะเวลาดำเนินการ", "period"), ("ช่วงระยะเวลาการดำเนินการ", "period"), ("ระยะเวลาการดำเนินงาน", "period"),
    ("ผู้รับผิดชอบ", "responsible"), ("หน่วยงานที่รับผิดชอบ", "responsible"), ("การกำกับติดตาม", "monitoring"),
    ("ตัวชี้วัด", "indicators"), ("เป้าหมาย", "target"), ("งบประมาณ (บาท)", "budget"),
    ("ผลการดำเนินงาน (output)", "output"), ("ผลผลิต", "output"),
    ("ผลลัพธ์/ผลสัมฤทธิ์ในการดำเนินการ (outcome/result)", "outcome"), ("ผลลัพธ์", "outcome"),
    ("ความสำเร็จของการดำเนินการ", "outcome"), ("ผลการดำเนินการ", "done_text"),
    ("รายละเอียดการดำเนินงาน", "done_text"), ("ปัญหา/อุปสรรค", "problems"), ("หมายเหตุ", "remarks"),
    ("สถานะ", "state"), ("%", "percent"), ("ที่", "no"), ("ต.ค.", "month"), ("มี.ค. ๖๘", "month"),
    ("มาตรการตรวจสอบการใช้ดุลพินิจ", None), ("ตลอดปีงบประมาณ พ.ศ. ๒๕๖๘", None), ("คะแนน", None),
])
def test_it_maps_the_seeds_header_labels(label, field):
    assert mapping.header_field(label) == field


def layout_of(rows, **options):
    [layout] = mapping.lay_out(read_upload(docx_bytes((rows, options))))
    return layout


def one(layout, fiscal_year=2568, months=None, skipped=None):
    records, errors = mapping.records(layout, fields=layout.fields, skipped=skipped or set(),
                                      fiscal_year=fiscal_year, months=months,
                                      indicator_numbers_known=set(range(1, 11)))
    assert errors == []
    return records


def test_it_reads_a_two_row_header_with_the_twelve_months_ticked_into_the_period():
    months = ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."]
    rows = [["มาตรการ", "ระยะเวลาดำเนินการ พ.ศ. ๒๕๖๘", *[""] * 11], ["", *months],
            ["จัดทำแผน", "", "✓", "/", "X", *[""] * 8], ["ประกาศ", "✓", "", "", "", "", "", "", "", "", "", "", "✓"]]
    layout = layout_of(rows, header_rows=2, merges=[(0, 1, 12), (0, 1, 0, "down")])
    assert layout.fields == ["title", *["month"] * 12]
    first, second = one(layout)
    assert (first.measure["period_start"], first.measure["period_end"]) == (datetime.date(2024, 11, 1),
                                                                            datetime.date(2025, 1, 31))
    assert first.measure["period_text"] == ""
    assert second.measure["period_start"] == datetime.date(2024, 10, 1)
    assert second.measure["period_end"] == datetime.date(2025, 9, 30)
    assert second.measure["period_text"] == "ต.ค. 2567, ก.ย. 2568"  # not one run: the months named


def test_indicator_heading_rows_give_the_measures_below_their_indicator_and_notes_are_skipped():
    rows = [["มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผลการดำเนินการ"],
            ["เครื่องมือการประเมิน EIT", "", ""], ["ตัวชี้วัดที่ ๗ ประสิทธิภาพการสื่อสาร", "", ""],
            ["เผยแพร่ข้อมูล", "๑. ทำเว็บไซต์", "ทำแล้ว"],
            ["มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผลการดำเนินการ"],  # the header again (a new page)
            ["ตัวชี้วัดที่ 8 การปรับปรุงการทำงาน", "", ""], ["ปรับปรุงบริการ", "1) ลดขั้นตอน 2) ประกาศ", ""],
            ["ลงชื่อ ........................ ผู้รายงาน", "", ""]]
    layout = layout_of(rows, merges=[(1, 0, 2), (2, 0, 2), (5, 0, 2), (7, 0, 2)])
    assert [r.kind for r in layout.rows] == ["header", "heading", "heading", "data", "header", "heading", "data",
                                             "note"]
    records = one(layout, months=12, skipped=mapping.default_skipped(layout))
    assert [(r.measure["title"], r.indicators) for r in records] == [("เผยแพร่ข้อมูล", [7]), ("ปรับปรุงบริการ", [8])]
    assert records[1].measure["steps"] == "ลดขั้นตอน\nประกาศ"
    assert records[0].entry == {"done_text": "ทำแล้ว", "state": "in_progress"}


def test_tables_with_the_same_header_are_one_table_continued():
    header = ["ตัวชี้วัด", "มาตรการ/โครงการ/กิจกรรม", "ช่วงระยะเวลาการดำเนินการ", "ผู้รับผิดชอบ"]
    first_row = ["ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ (ผลการประเมิน 97.90 คะแนน)", "ก", "๑ ตุลาคม ๒๕๖๘ ถึง ๓๐ กันยายน ๒๕๖๙",
                 ["งานการเจ้าหน้าที่", "- หน่วยตรวจสอบภายใน"]]
    second_row = ["ตัวชี้วัดที่ ๒ การใช้งบประมาณ", "ข", "ตลอดปีงบประมาณ พ.ศ. ๒๕๖๙", "กองคลัง"]
    tables = read_upload(docx_bytes([header, first_row], [header, second_row]))
    [layout] = mapping.lay_out(tables)
    first, second = one(layout, fiscal_year=2569)
    assert first.indicators == [1] and second.indicators == [2]
    assert first.units == ["งานการเจ้าหน้าที่", "หน่วยตรวจสอบภายใน"]
    assert (first.measure["period_start"], first.measure["period_end"]) == (datetime.date(2025, 10, 1),
                                                                            datetime.date(2026, 9, 30))
    assert first.measure["period_text"] == "๑ ตุลาคม ๒๕๖๘ ถึง ๓๐ กันยายน ๒๕๖๙"
    assert second.measure["period_start"] == datetime.date(2025, 10, 1)


@pytest.mark.parametrize("text, expected", [
    ("ไตรมาสที่ ๑ ปีงบประมาณ พ.ศ. ๒๕๖๘", ("2024-10-01", "2024-12-31")),
    ("เดือนเมษายน ๒๕๖๘", ("2025-04-01", "2025-04-30")),
    ("1 ตุลาคม 2567 – 31 มีนาคม 2568", ("2024-10-01", "2025-03-31")),  # the portal's own: dates, no text
    ("ทุกวันทำการ", (None, None)),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๐", (None, None)),  # another year: the text says it, no dates
])
def test_it_reads_dates_from_a_period_only_when_the_text_says_them_plainly(text, expected):
    shown, start, end = mapping.period(text, 2568)
    assert (start and start.isoformat(), end and end.isoformat()) == expected
    assert shown == ("" if "–" in text else text)


def test_steps_lose_their_numbers_and_bullets_and_monitoring_reads_its_rounds():
    assert mapping.steps("๑. หนึ่ง\n๒.สอง\n- สาม\n1) สี่ 2) ห้า") == ["หนึ่ง", "สอง", "สาม", "สี่", "ห้า"]
    assert mapping.steps("มากกว่า ๑ ช่องทาง") == ["มากกว่า ๑ ช่องทาง"]
    assert mapping.monitoring("รายงานผลการดำเนินงานตามมาตรการ\n- รอบ ๖ เดือน\n- รอบ ๑๒ เดือน") == [6, 12]
    assert mapping.title("๓. การใช้งบประมาณ") == "การใช้งบประมาณ"


def test_a_cell_over_its_limit_is_named_by_row_and_column():
    layout = layout_of([["มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ"], ["ก", "ข" * 3001]])
    records, errors = mapping.records(layout, fields=layout.fields, skipped=set(), fiscal_year=2568, months=None)
    assert records == []
    assert errors == ["แถวที่ 2 คอลัมน์ “ขั้นตอนหรือวิธีการปฏิบัติ”: “ขั้นตอนหรือวิธีการปฏิบัติ” ยาว 3,001 ตัวอักษร "
                      "เกินกำหนด 3,000 ตัวอักษร กรุณาย่อให้สั้นลง"]


def test_more_than_500_rows_are_refused():
    rows = "มาตรการ\tขั้นตอน\n" + "".join(f"มาตรการ {n}\tทำ\n" for n in range(501))
    [layout] = mapping.lay_out(read_paste(text=rows))
    records, errors = mapping.records(layout, fields=layout.fields, skipped=set(), fiscal_year=2568, months=None)
    assert records == [] and "เกินกำหนด 500 แถว" in errors[0]


def test_a_table_with_no_known_header_gives_no_layout():
    assert mapping.lay_out(read_paste(text="ตัวชี้วัด\tรายละเอียดตัวชี้วัด\tคะแนน\n1\tการปฏิบัติหน้าที่\t99.11\n")) == []


def test_the_editor_may_map_a_column_to_another_field_and_skip_a_row():
    layout = layout_of([["มาตรการ", "หมายเหตุ"], ["ก", "ผลที่ได้"], ["ข", "อื่น"]])
    records, errors = mapping.records(layout, fields=["title", "output"], skipped={3}, fiscal_year=2568, months=6)
    assert errors == []
    assert [(r.measure["title"], r.entry) for r in records] == [("ก", {"output": "ผลที่ได้", "state": "in_progress"})]
