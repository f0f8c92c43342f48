"""`manage.py export_orgs [-o FILE.csv|FILE.xlsx]`: the register in the format import_orgs reads."""

import csv
import io

from django.core.management import call_command
from openpyxl import load_workbook

from assessments import register_io
from assessments.models import AuditEvent, Organization, OrganizationName, OrganizationSlug
from tests.register_files import angthong_rows, to_csv, write


def load_province(tmp_path):
    rows = angthong_rows(**{"7150202": {"itas_code": "ITAS-1502", "website": "https://www.chorakhe.go.th",
                                        "names": "=จระเข้ร้อง|อบต.จระเข้ร้อง"}})
    rows.append({"dla_code": "9990002", "name": "เทศบาลตำบลไม่ทราบจังหวัด", "province": "", "district": ""})
    call_command("import_orgs", str(write(tmp_path, to_csv(rows))), stdout=io.StringIO())


def state():
    return (sorted(Organization.objects.values_list(
        "pk", "slug", "dla_code", "name", "kind", "province_id", "district", "itas_code", "website")),
        sorted(OrganizationName.objects.values_list("org_id", "name")),
        sorted(OrganizationSlug.objects.values_list("org_id", "slug")), AuditEvent.objects.count())


def test_it_writes_the_documented_columns_sorted_by_dla_code_and_the_bodies_without_one_last(db, tmp_path):
    load_province(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    call_command("export_orgs", stdout=out, stderr=err)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == register_io.COLUMNS == ["dla_code", "name", "kind", "province", "district", "itas_code",
                                              "names", "website"]
    by_code = {row[0]: row for row in rows[1:] if row[0]}
    assert by_code["7150202"] == ["7150202", "องค์การบริหารส่วนตำบลจระเข้ร้อง", "sao", "อ่างทอง", "ไชโย", "ITAS-1502",
                                  "'=จระเข้ร้อง | อบต.จระเข้ร้อง", "https://www.chorakhe.go.th"]
    assert by_code["9990002"][3] == ""
    assert [row[0] for row in rows[1:]] == sorted(by_code) + ["", "", "", ""]
    # The four demo bodies still without a DLA code come last, with an empty code (an import matches
    # them by name, province and district), and the command says so.
    without = set(Organization.objects.filter(dla_code=None).values_list("name", flat=True))
    assert {row[1] for row in rows[-4:]} == without
    assert "หน่วยงาน 4 แห่งยังไม่มีรหัส อปท. อยู่ท้ายไฟล์" in err.getvalue()


def test_export_then_import_changes_nothing_in_csv_and_xlsx(db, tmp_path):
    load_province(tmp_path)
    for name in ("register.csv", "register.xlsx"):
        path = tmp_path / name
        call_command("export_orgs", "-o", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        before = state()
        out = io.StringIO()
        call_command("import_orgs", str(path), stdout=out)
        assert "เพิ่ม 0 แห่ง แก้ไข 0 แห่ง ไม่เปลี่ยนแปลง 25 แห่ง" in out.getvalue()  # with the 4 without a code
        assert state() == before


def test_the_xlsx_keeps_text_cells_as_text(db, tmp_path):
    load_province(tmp_path)
    path = tmp_path / "register.xlsx"
    call_command("export_orgs", "-o", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    sheet = load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == register_io.COLUMNS
    codes = [row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value is not None]
    assert len(codes) == 21 and all(isinstance(code, str) for code in codes)  # 0-leading codes would survive too
