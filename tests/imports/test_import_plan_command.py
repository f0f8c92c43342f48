"""import_plan FILE --org SLUG --fy N [--round 6|12] [--dry-run]: for operators loading many bodies'
files; all or nothing; a past year's plan it creates is recorded after the fact."""

import pytest
from django.core.management import CommandError, call_command

from measures.models import MeasurePlan, ProgressEntry
from tests.factories import ANGTHONG

from .docx_tables import docx_bytes

HEADER = ["มาตรการ/ โครงการ/กิจกรรม", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ",
          "ผลการดำเนินงาน (output)", "ผลลัพธ์/ผลสัมฤทธิ์ในการดำเนินการ (outcome/result)"]
ROWS = [HEADER, ["๑. ยกระดับผลการประเมิน ITA", ["๑. แต่งตั้งคณะทำงาน", "๒. ประชุม"], "สำนักปลัด",
                 "ตลอดปีงบประมาณ พ.ศ. ๒๕๖๘", "มีคณะทำงาน", "ผลดีขึ้น"],
        ["๒. ปรับปรุงคู่มือ", "- จัดทำคู่มือ", ["-สำนักปลัด", "-กองคลัง"], "ไตรมาสที่ ๑ ปีงบประมาณ พ.ศ. ๒๕๖๘",
         "คู่มือ", "เร็วขึ้น"]]


@pytest.fixture
def word_file(tmp_path):
    path = tmp_path / "รายงานผล 2568.docx"
    path.write_bytes(docx_bytes(ROWS, after=["ลงชื่อ ........ ผู้จัดทำ"]))
    return path


def test_it_creates_a_past_years_plan_recorded_after_the_fact_with_its_measures(db, word_file, capsys):
    call_command("import_plan", str(word_file), "--org", ANGTHONG, "--fy", "2568")
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2568)
    assert plan.recorded_after
    assert [m.title for m in plan.measures.order_by("order")] == ["ยกระดับผลการประเมิน ITA", "ปรับปรุงคู่มือ"]
    second = plan.measures.get(title="ปรับปรุงคู่มือ")
    assert sorted(u.name for u in second.responsible_units.all()) == ["กองคลัง", "สำนักปลัด"]
    assert (second.period_start.isoformat(), second.period_end.isoformat()) == ("2024-10-01", "2024-12-31")
    assert "เพิ่มมาตรการ 2 รายการ" in capsys.readouterr().out


def test_a_round_gets_the_results_and_the_measures(db, word_file):
    call_command("import_plan", str(word_file), "--org", ANGTHONG, "--fy", "2568", "--round", "6")
    entries = ProgressEntry.objects.filter(round__plan__org__slug=ANGTHONG, round__plan__fiscal_year=2568,
                                           round__months=6).order_by("measure__order")
    assert [(e.output, e.outcome) for e in entries] == [("มีคณะทำงาน", "ผลดีขึ้น"), ("คู่มือ", "เร็วขึ้น")]


def test_a_dry_run_writes_nothing(db, word_file, capsys):
    call_command("import_plan", str(word_file), "--org", ANGTHONG, "--fy", "2568", "--dry-run")
    assert not MeasurePlan.objects.filter(org__slug=ANGTHONG, fiscal_year=2568).exists()
    assert "ไม่ได้บันทึก" in capsys.readouterr().out


def test_a_bad_file_is_refused_in_thai_and_nothing_is_written(db, tmp_path, capsys):
    path = tmp_path / "x.docx"
    path.write_bytes(b"not a word file")
    with pytest.raises(CommandError, match="ไม่ได้นำเข้าข้อมูลใด ๆ"):
        call_command("import_plan", str(path), "--org", ANGTHONG, "--fy", "2568")
    assert "ไม่ใช่ไฟล์ Word" in capsys.readouterr().err
    assert not MeasurePlan.objects.filter(org__slug=ANGTHONG, fiscal_year=2568).exists()


def test_a_cell_over_its_limit_names_its_row_and_column(db, tmp_path, capsys):
    path = tmp_path / "long.docx"
    path.write_bytes(docx_bytes([HEADER[:2], ["ก", "ข" * 3001]]))
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), "--org", ANGTHONG, "--fy", "2568")
    assert "แถวที่ 2 คอลัมน์ “ขั้นตอนหรือวิธีการปฏิบัติ”" in capsys.readouterr().err
    assert not MeasurePlan.objects.filter(org__slug=ANGTHONG, fiscal_year=2568).exists()
