"""`manage.py import_scores FILE`: all or nothing, with row-numbered Thai errors."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from assessments import score_io
from assessments.models import AuditEvent, IndicatorScore, ItemScore, ToolScore
from tests.factories import ANGTHONG, add_indicator_year, make_body

HEADER = "org,fiscal_year,scope,code,part,value\n"


def write(tmp_path, text, name="scores.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_scores", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected(path):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_scores", str(path), stdout=io.StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def snapshot():
    return (
        sorted(IndicatorScore.objects.values_list("assessment_id", "indicator_id", "part", "score", "alt_score")),
        sorted(ItemScore.objects.values_list("assessment_id", "item_id", "part", "score")),
        sorted(ToolScore.objects.values_list("assessment_id", "tool_id", "part", "score")),
        AuditEvent.objects.count(),
    )


def indicator_score(slug, year, number, part=0):
    return IndicatorScore.objects.get(
        assessment__org__slug=slug, assessment__framework__fiscal_year=year, indicator__number=number, part=part
    ).score


def test_it_imports_a_good_csv_and_audits_it(db, tmp_path):
    body = make_body("test-import")
    out, _ = run(write(tmp_path, HEADER + f"{body.slug},2567,indicator,1,0,88.50\n{body.slug},2567,overall,,0,90\n"))
    assert "นำเข้าคะแนน 2 รายการ" in out
    assert indicator_score(body.slug, 2567, 1) == Decimal("88.50")
    event = AuditEvent.objects.get(action="scores.import", org=body)
    assert event.detail["rows"] == 2


def test_one_bad_row_rejects_the_file_names_the_row_and_changes_nothing(db, tmp_path):
    before = snapshot()
    path = write(tmp_path, HEADER + f"{ANGTHONG},2568,indicator,1,0,50.00\n{ANGTHONG},2568,indicator,2,0,abc\n")
    message, err = rejected(path)
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ" in message
    assert "แถวที่ 3: คะแนน “abc” ไม่ใช่ตัวเลข" in err
    assert snapshot() == before
    assert indicator_score(ANGTHONG, 2568, 1) == Decimal("100.00")


def test_it_reads_thai_digits_a_bom_blank_lines_and_thai_headers(db, tmp_path):
    body = make_body("test-thai")
    text = "\ufeffหน่วยงาน,ปีงบประมาณ,ประเภท,รหัส,ส่วน,คะแนน\n\n" + f"{body.slug},๒๕๖๗,indicator,๙,,๗๙.๒๙\n,,,,,\n"
    run(write(tmp_path, text))
    assert indicator_score(body.slug, 2567, 9) == Decimal("79.29")


def test_it_reads_csv_saved_by_thai_windows_excel(db, tmp_path):
    body = make_body("test-cp874")
    run(write(tmp_path, "หน่วยงาน,ปีงบประมาณ,ประเภท,รหัส,ส่วน,คะแนน\n" + f"{body.slug},2567,level,,0,ผ่าน\n",
              encoding="cp874"))
    assert body.assessments.get().level == "ผ่าน"


@pytest.mark.parametrize("row, expected", [
    (f"{ANGTHONG},2568,indicator,1,0,100.01", "แถวที่ 2: คะแนน 100.01 อยู่นอกช่วง 0–100"),
    (f"{ANGTHONG},2568,indicator,1,0,-1", "แถวที่ 2: คะแนน -1 อยู่นอกช่วง 0–100"),
    (f"{ANGTHONG},2568,indicator,1,0,95.123", "แถวที่ 2: คะแนน 95.123 มีทศนิยมเกิน 2 ตำแหน่ง"),
    (f"{ANGTHONG},2568,indicator,1,0,NaN", "แถวที่ 2: คะแนน “NaN” ไม่ใช่ตัวเลข"),
    (f"{ANGTHONG},2568,indicator,1,0,", "แถวที่ 2: ไม่ได้ระบุคะแนน"),
    ("no-such-body,2568,indicator,1,0,90", "แถวที่ 2: ไม่พบหน่วยงาน “no-such-body”"),
    (f"{ANGTHONG},2568,indicator,11,0,90", "แถวที่ 2: ไม่พบตัวชี้วัด “11” ในปีงบประมาณ พ.ศ. 2568"),
    (f"{ANGTHONG},2568,item,x99,0,90", "แถวที่ 2: ไม่พบข้อการประเมิน “x99”"),
    (f"{ANGTHONG},2550,indicator,1,0,90", "แถวที่ 2: ไม่พบกรอบการประเมินปีงบประมาณ พ.ศ. 2550"),
    (f"{ANGTHONG},2568,score,1,0,90", "แถวที่ 2: ระดับ “score” ไม่ถูกต้อง"),
    (f"{ANGTHONG},2568,indicator,1,2,90", "แถวที่ 2: 1 ไม่มีคะแนนแยกส่วนที่ 2"),
    (f"{ANGTHONG},2568,item,e1,0,90", "แถวที่ 2: ข้อ e1 ต้องระบุส่วน (1, 2)"),
    (f"{ANGTHONG},2568,level,,0,AAA", "แถวที่ 2: ระดับ “AAA” ไม่ใช่ระดับผลการประเมินที่รู้จัก"),
    (f"{ANGTHONG},2568,level,grade,0,ผ่านดี", "แถวที่ 2: ระดับ “ผ่านดี” ไม่ใช่ระดับตัวอักษร (AA–F)"),
])
def test_it_rejects_bad_values_with_a_thai_message_naming_the_row(db, tmp_path, row, expected):
    before = snapshot()
    _, err = rejected(write(tmp_path, HEADER + row + "\n"))
    assert expected in err
    assert snapshot() == before


def test_it_rejects_duplicate_rows(db, tmp_path):
    row = f"{ANGTHONG},2568,item,i1,0,90\n"
    _, err = rejected(write(tmp_path, HEADER + row + "\n" + row))
    assert "แถวที่ 4: ซ้ำกับแถวที่ 2" in err


def test_it_lists_every_bad_row_not_just_the_first(db, tmp_path):
    _, err = rejected(write(tmp_path, HEADER + f"{ANGTHONG},2568,item,i1,0,900\n{ANGTHONG},2568,item,i2,0,-5\n"))
    assert "แถวที่ 2" in err and "แถวที่ 3" in err


@pytest.mark.parametrize("content, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "รองรับเฉพาะไฟล์ CSV หรือ XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ไฟล์ Excel รุ่นเก่า (.xls) ไม่รองรับ"),
    (b"PK\x03\x04 not really a zip", "ไฟล์ XLSX เสียหาย"),
    (b"", "ไฟล์ว่างเปล่า"),
    (b"name,score\nx,1\n", "แถวหัวตารางไม่มีคอลัมน์"),
    (HEADER.encode(), "มีเพียงแถวหัวตาราง"),
])
def test_it_rejects_wrong_file_types_and_shapes(db, tmp_path, content, expected):
    message, err = rejected(write(tmp_path, content, name="scores.xlsx"))
    assert expected in err


def test_it_refuses_files_over_5_mb_before_reading_them(db, tmp_path):
    path = write(tmp_path, HEADER + "x" * (5 * 1024 * 1024))
    with pytest.raises(CommandError, match="ไฟล์มีขนาดเกิน 5 MB"):
        call_command("import_scores", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(score_io.ImportRejected):
        score_io.read_table(path.read_bytes())


def test_it_imports_xlsx_with_numeric_cells(db, tmp_path):
    body = make_body("test-xlsx")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["org", "fiscal_year", "scope", "code", "part", "value"])
    sheet.append([body.slug, 2567, "indicator", 3, 0, 91.5])
    sheet.append([None] * 6)
    workbook.save(tmp_path / "s.xlsx")
    run(tmp_path / "s.xlsx")
    assert indicator_score(body.slug, 2567, 3) == Decimal("91.50")


@pytest.mark.parametrize("ending", ["csv", "xlsx"])
def test_export_then_import_round_trips(db, tmp_path, ending):
    before = snapshot()[:3]
    out = tmp_path / f"all.{ending}"
    call_command("export_scores", "-o", str(out), stdout=io.StringIO())
    records = score_io.read_table(out.read_bytes())
    assert len(records) > 100
    run(out)
    assert snapshot()[:3] == before
    again = tmp_path / f"again.{ending}"
    call_command("export_scores", "-o", str(again), stdout=io.StringIO())
    assert score_io.read_table(again.read_bytes()) == records


def test_export_keeps_parts_groups_and_alternative_figures(db):
    rows = score_io.export_rows(score_io.assessments_for_export(fiscal_year=2568))
    as_text = {",".join(r) for r in rows}
    assert f"{ANGTHONG},2568,item,e1,2,86.67" in as_text
    assert f"{ANGTHONG},2568,group,9.3,0,75.00" in as_text
    assert f"{ANGTHONG},2568,indicator_alt,1,0,97.63" in as_text
    assert f"{ANGTHONG},2568,level,pass,0,ผ่านดี" in as_text


def test_reimporting_replaces_the_named_figures_only(db, tmp_path):
    body = make_body("test-replace")
    add_indicator_year(body, 2567, "80.00")
    run(write(tmp_path, HEADER + f"{body.slug},2567,indicator,1,0,81.00\n"))
    assert indicator_score(body.slug, 2567, 1) == Decimal("81.00")
    assert indicator_score(body.slug, 2567, 2) == Decimal("80.00")


def test_it_reads_a_decimal_comma_as_published_97_90_is_97_point_90(db, tmp_path):
    body = make_body("test-decimal-comma")
    run(write(tmp_path, HEADER + f'{body.slug},2567,indicator,1,0,"97,90"\n{body.slug},2567,indicator,2,0,"๘๘,๕"\n'
                                 f'{body.slug},2567,change,,0,"−2,05"\n'))
    assert indicator_score(body.slug, 2567, 1) == Decimal("97.90")
    assert indicator_score(body.slug, 2567, 2) == Decimal("88.50")
    assert body.assessments.get().change_published == Decimal("-2.05")


@pytest.mark.parametrize("value, expected", [
    ("1,234", "แถวที่ 2: คะแนน “1,234” มีจุลภาคคั่นหลักพัน แต่คะแนนไม่มีหลักพัน ถ้าจุลภาคเป็นจุดทศนิยม "
              "ให้มีทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 97,90 หรือ 97.90"),
    ("97,900", "แถวที่ 2: คะแนน “97,900” มีจุลภาคคั่นหลักพัน"),
    ("97,90.5", "แถวที่ 2: คะแนน “97,90.5” ไม่ใช่ตัวเลข (ใช้จุดหรือจุลภาคเป็นจุดทศนิยมได้เพียงหนึ่งตัว"),
    ("9,7,9", "แถวที่ 2: คะแนน “9,7,9” ไม่ใช่ตัวเลข"),
])
def test_a_thousands_separator_or_a_second_comma_is_named_not_out_of_range(db, tmp_path, value, expected):
    before = snapshot()
    _, err = rejected(write(tmp_path, HEADER + f'{ANGTHONG},2568,indicator,1,0,"{value}"\n'))
    assert expected in err
    assert "อยู่นอกช่วง" not in err
    assert snapshot() == before


def test_a_reimport_says_how_many_rows_were_new_changed_and_unchanged(db, tmp_path):
    body = make_body("test-reimport-counts")
    first = HEADER + "".join(f"{body.slug},2567,indicator,{n},0,80.00\n" for n in range(1, 11))
    out, _ = run(write(tmp_path, first))
    assert ("นำเข้าคะแนน 10 รายการของ 1 หน่วยงาน: เพิ่มใหม่ 10 รายการ แก้ไข 0 รายการ "
            "และตรงกับที่บันทึกไว้แล้ว 0 รายการ") in out
    events = AuditEvent.objects.filter(action="scores.import", org=body).count()

    out, _ = run(write(tmp_path, first))
    assert "ไฟล์มีคะแนน 10 รายการของ 1 หน่วยงาน ตรงกับที่บันทึกไว้แล้วทุกรายการ จึงไม่มีการเปลี่ยนแปลง" in out
    assert AuditEvent.objects.filter(action="scores.import", org=body).count() == events  # nothing written

    second = first.replace(f"{body.slug},2567,indicator,1,0,80.00", f"{body.slug},2567,indicator,1,0,81.00")
    out, _ = run(write(tmp_path, second + f"{body.slug},2567,overall,,0,80.00\n"))
    assert ("นำเข้าคะแนน 11 รายการของ 1 หน่วยงาน: เพิ่มใหม่ 1 รายการ แก้ไข 1 รายการ "
            "และตรงกับที่บันทึกไว้แล้ว 9 รายการ") in out
    event = AuditEvent.objects.filter(action="scores.import", org=body).latest("pk")
    assert (event.detail["new"], event.detail["changed"], event.detail["unchanged"]) == (1, 1, 9)


def test_a_level_published_again_is_unchanged_and_a_second_scale_is_new(db, tmp_path):
    body = make_body("test-reimport-level")
    run(write(tmp_path, HEADER + f"{body.slug},2566,level,,0,B\n"))
    out, _ = run(write(tmp_path, HEADER + f"{body.slug},2566,level,grade,0,B\n"))
    assert "ตรงกับที่บันทึกไว้แล้วทุกรายการ" in out
    out, _ = run(write(tmp_path, HEADER + f"{body.slug},2566,level,,0,(ผ่าน) ระดับ B\n"))
    assert "แก้ไข 1 รายการ" in out  # the label is new beside the letter already stored


def test_it_says_so_when_the_file_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("import_scores", str(tmp_path / "missing.csv"))


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(db, tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    _, err = rejected(path)
    assert "ใหญ่เกินกำหนด" in err


DANGEROUS_STARTS = ["=", "+", "-", "@", "\t", "\r", "\n"]


@pytest.mark.parametrize("start", DANGEROUS_STARTS)
def test_the_csv_export_quotes_text_a_spreadsheet_would_run_and_import_reads_it_back(start):
    text = f"{start}HYPERLINK(\"https://evil.example\")"
    rows = [list(score_io.COLUMNS), [text, "2568", "level", "", "0", text], ["x", "2568", "overall", "", "0", "-1.5"]]
    data = score_io.rows_to_csv(rows)
    cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert cells[1][0] == cells[1][5] == "'" + text
    assert cells[2][5] == "-1.5"  # a number stays a number
    assert [r for _, r in score_io.read_table(data)] == [
        {"org": text.strip(), "fiscal_year": "2568", "scope": "level", "code": "", "part": "0", "value": text.strip()},
        {"org": "x", "fiscal_year": "2568", "scope": "overall", "code": "", "part": "0", "value": "-1.5"},
    ]


@pytest.mark.parametrize("start", DANGEROUS_STARTS)
def test_the_xlsx_export_writes_such_text_as_text_never_as_a_formula(start):
    text = f"{start}SUM(1+1)*cmd|' /C calc'!A0"
    rows = [list(score_io.COLUMNS), [text, "2568", "level", "", "0", text], ["x", "2568", "overall", "", "0", -1.5]]
    data = score_io.rows_to_xlsx(rows)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    guarded, plain, number = sheet["A2"], sheet["C2"], sheet["F3"]
    assert (guarded.data_type, guarded.quotePrefix) == ("s", True)
    # An XML parser may read a carriage return back as a line feed (the standard library's does; lxml not).
    assert guarded.value in (text, text.replace("\r", "\n"))
    assert (plain.data_type, plain.quotePrefix, plain.value) == ("s", False, "level")
    assert (number.data_type, number.value) == ("n", -1.5)
    assert [r["org"] for _, r in score_io.read_table(data)] == [text.strip(), "x"]


def test_export_then_import_round_trips_a_body_whose_slug_starts_with_a_minus(db, tmp_path):
    body = make_body("-test-minus")
    add_indicator_year(body, 2567, "88.50")
    before = snapshot()[:3]
    for ending in ("csv", "xlsx"):
        out, again = tmp_path / f"minus.{ending}", tmp_path / f"again.{ending}"
        call_command("export_scores", "-o", str(out), f"--org={body.slug}", stdout=io.StringIO())
        records = score_io.read_table(out.read_bytes())
        assert {r["org"] for _, r in records} == {"-test-minus"} and len(records) == 10
        run(out)
        assert snapshot()[:3] == before
        call_command("export_scores", "-o", str(again), f"--org={body.slug}", stdout=io.StringIO())
        assert score_io.read_table(again.read_bytes()) == records
    assert b"'-test-minus," in (tmp_path / "minus.csv").read_bytes()
