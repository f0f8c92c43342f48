"""`manage.py import_orgs FILE`: the register of bodies, matched by DLA code, all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AuditEvent, Organization, OrganizationName, OrganizationSlug
from tests.factories import ANGTHONG
from tests.register_files import ANGTHONG_BODIES, THAI_HEADER, angthong_rows, to_csv, to_xlsx, write


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_orgs", str(path), stdout=out, stderr=err)
    return out.getvalue()


def rejected(path):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_orgs", str(path), stdout=io.StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def snapshot():
    return (sorted(Organization.objects.values_list(
        "pk", "slug", "dla_code", "name", "kind", "province_id", "district", "itas_code", "website", "search_key")),
        sorted(OrganizationName.objects.values_list("org_id", "name")),
        sorted(OrganizationSlug.objects.values_list("org_id", "slug")),
        AuditEvent.objects.count())


def test_it_creates_the_bodies_of_a_whole_province_with_slugs_made_from_their_names(db, tmp_path):
    before = Organization.objects.count()
    out = run(write(tmp_path, to_csv(angthong_rows())))
    assert "เพิ่ม 19 แห่ง แก้ไข 1 แห่ง ไม่เปลี่ยนแปลง 0 แห่ง" in out
    assert Organization.objects.count() == before + 19
    slugs = dict(Organization.objects.filter(province__name="อ่างทอง").values_list("dla_code", "slug"))
    assert slugs["6150101"] == "abj-ang-thong"
    assert slugs["5150101"] == "thesaban-tambon-pa-ngio"
    assert slugs["7150104"] == "abt-pho-sa"
    # The same name in two districts: the second gets its district.
    assert slugs["7150105"] == "abt-pho-thong"
    assert slugs["7150402"].startswith("abt-pho-thong-") and slugs["7150402"] != slugs["7150105"]
    assert all(slug.isascii() and slug == slug.lower() for slug in slugs.values())
    # The demo body made by hand is the register's เทศบาลเมืองอ่างทอง: it gets the DLA code, keeps its slug.
    demo = Organization.objects.get(slug=ANGTHONG)
    assert demo.dla_code == "4150101"
    kinds = dict(Organization.objects.filter(dla_code__in=["6150101", "5150101", "7150104"]).values_list(
        "dla_code", "kind"))
    assert kinds == {"6150101": "pao", "5150101": "subdistrict_municipality", "7150104": "sao"}
    created = AuditEvent.objects.filter(action="org.create", detail__dla_code="7150104").get()
    assert created.org.slug == "abt-pho-sa"
    assert AuditEvent.objects.filter(action="orgs.import").count() == 1


def test_re_importing_the_same_register_changes_nothing_and_writes_nothing(db, tmp_path):
    path = write(tmp_path, to_csv(angthong_rows()))
    run(path)
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        out = run(path)
    assert "เพิ่ม 0 แห่ง แก้ไข 0 แห่ง ไม่เปลี่ยนแปลง 20 แห่ง" in out
    assert snapshot() == before
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_an_updated_row_renames_the_body_and_keeps_its_old_name_and_address(db, tmp_path):
    run(write(tmp_path, to_csv(angthong_rows())))
    body = Organization.objects.get(dla_code="7150104")
    run(write(tmp_path, to_csv(angthong_rows(**{"7150104": {"name": "เทศบาลตำบลโพสะ", "kind": "ทต."}}))))
    body.refresh_from_db()
    assert (body.name, body.kind, body.slug) == ("เทศบาลตำบลโพสะ", "subdistrict_municipality",
                                                 "thesaban-tambon-pho-sa")
    assert list(body.names.values_list("name", flat=True)) == ["องค์การบริหารส่วนตำบลโพสะ"]
    assert list(body.former_slugs.values_list("slug", flat=True)) == ["abt-pho-sa"]
    event = AuditEvent.objects.get(action="org.rename", org=body)
    assert event.detail["changes"]["slug"] == ["abt-pho-sa", "thesaban-tambon-pho-sa"]


def test_it_updates_changed_fields_and_never_deletes_a_body_missing_from_the_file(db, tmp_path):
    run(write(tmp_path, to_csv(angthong_rows())))
    rows = angthong_rows(**{"7150202": {"itas_code": "ITAS-1502", "website": "www.chorakhe.go.th",
                                        "names": "อบต.จระเข้ร้อง | อบต. จระเข้ร้อง ไชโย"}})
    out = run(write(tmp_path, to_csv(rows[1:])))  # the อบจ. is not in this file
    assert "เพิ่ม 0 แห่ง แก้ไข 1 แห่ง ไม่เปลี่ยนแปลง 18 แห่ง" in out
    body = Organization.objects.get(dla_code="7150202")
    assert (body.itas_code, body.website) == ("ITAS-1502", "https://www.chorakhe.go.th")
    assert sorted(body.names.values_list("name", flat=True)) == ["อบต. จระเข้ร้อง ไชโย", "อบต.จระเข้ร้อง"]
    assert Organization.objects.filter(dla_code="6150101").exists()
    event = AuditEvent.objects.get(action="org.update", org=body)
    assert event.detail["changes"]["itas_code"] == ["", "ITAS-1502"]


def test_an_empty_province_is_accepted(db, tmp_path):
    out = run(write(tmp_path, to_csv([{"dla_code": "9990001", "name": "เทศบาลตำบลไม่ทราบที่ตั้ง", "province": "",
                                       "district": ""}])))
    assert "เพิ่ม 1 แห่ง" in out
    body = Organization.objects.get(dla_code="9990001")
    assert body.province is None and body.district == ""
    assert body.slug.startswith("thesaban-tambon-")


def test_thai_headers_province_codes_and_xlsx_are_read(db, tmp_path):
    rows = [{"dla_code": "๗๑๕๐๗๐๒", "name": "องค์การบริหารส่วนตำบลโพธิ์ม่วงพันธ์", "kind": "อบต.",
             "province": "ATG", "district": "อำเภอสามโก้"}]
    run(write(tmp_path, to_xlsx(rows, header=THAI_HEADER), "register.xlsx"))
    body = Organization.objects.get(dla_code="7150702")
    assert (body.kind, body.province.name, body.district) == ("sao", "อ่างทอง", "สามโก้")


def test_bad_rows_are_all_listed_by_row_number_and_nothing_is_written(db, tmp_path):
    before = snapshot()
    rows = angthong_rows(**{
        "5150101": {"province": "อ่างทองใต้"},  # row 4
        "7150103": {"kind": "สหกรณ์"},  # row 6
        "7150202": {"dla_code": "7150105"},  # row 10: the code of row 8
        "5150301": {"website": "ไม่มี เว็บ"},  # row 12
        "5150401": {"name": ""},  # row 14
    })
    rows.append({"dla_code": "7150999", "name": "สภาตำบลบางแห่ง", "province": "อ่างทอง"})  # row 22: no kind
    message, err = rejected(write(tmp_path, to_csv(rows)))
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ: พบข้อผิดพลาด 6 รายการ" in message
    assert "แถวที่ 4: ไม่พบจังหวัด “อ่างทองใต้”" in err
    assert "แถวที่ 6: ประเภท “สหกรณ์” ไม่ถูกต้อง" in err
    assert "แถวที่ 10: รหัส อปท. 7150105 ซ้ำกับแถวที่ 8" in err
    assert "แถวที่ 12: เว็บไซต์" in err
    assert "แถวที่ 14: ไม่ได้ระบุชื่อหน่วยงาน" in err
    assert "แถวที่ 22: ไม่ได้ระบุประเภท" in err
    assert snapshot() == before


def test_a_file_without_the_name_column_is_refused(db, tmp_path):
    message, err = rejected(write(tmp_path, "รหัส อปท.,จังหวัด\n5150101,อ่างทอง\n".encode()))
    assert "แถวที่ 1: แถวหัวตารางไม่มีคอลัมน์ name" in err


def test_a_long_name_is_refused_with_the_limit(db, tmp_path):
    message, err = rejected(write(tmp_path, to_csv([{"dla_code": "7150998", "name": "เทศบาลตำบล" + "ก" * 300}])))
    assert "แถวที่ 2: “ชื่อหน่วยงาน” ยาว 310 ตัวอักษร เกินกำหนด 200 ตัวอักษร" in err


def test_a_new_body_never_takes_a_former_slug_of_another_body(db, tmp_path):
    old = {"dla_code": "7150990", "name": "องค์การบริหารส่วนตำบลหนองแม่ไก่", "province": "อ่างทอง", "district": "โพธิ์ทอง"}
    run(write(tmp_path, to_csv([old])))
    run(write(tmp_path, to_csv([{**old, "name": "เทศบาลตำบลหนองแม่ไก่"}])))
    renamed = Organization.objects.get(dla_code="7150990")
    assert renamed.slug == "thesaban-tambon-nong-mae-kai"
    assert list(renamed.former_slugs.values_list("slug", flat=True)) == ["abt-nong-mae-kai"]
    # Another body of the old name (another district) does not get the renamed body's old address.
    run(write(tmp_path, to_csv([{**old, "dla_code": "7150991", "district": "สามโก้"}])))
    other = Organization.objects.get(dla_code="7150991")
    assert other.slug == "abt-nong-mae-kai-sam-ko"


def test_the_import_reads_a_fixed_number_of_queries(db, tmp_path):
    def count(rows):
        with CaptureQueriesContext(connection) as queries:
            run(write(tmp_path, to_csv(rows)))
        return len(queries.captured_queries)

    few = count(angthong_rows()[:5])
    many = count(angthong_rows())
    assert many <= few + 2  # the same reads; writes are batched
    assert len(ANGTHONG_BODIES) == 20


# ---------------------------------------------------------------- rows without a DLA code (issue 20, point 8)

SOURCE_BODY = {"name": "องค์การบริหารส่วนตำบลบ้านใหม่", "province": "อ่างทอง", "district": "โพธิ์ทอง"}


def test_it_imports_a_row_without_a_dla_code_as_a_body_without_one(db, tmp_path):
    before = Organization.objects.count()
    # A file with no DLA code column at all, and one whose code cell is empty.
    no_column = "ชื่อหน่วยงาน,จังหวัด,อำเภอ\nองค์การบริหารส่วนตำบลบ้านใหม่,อ่างทอง,โพธิ์ทอง\n".encode()
    out = run(write(tmp_path, no_column))
    assert "เพิ่ม 1 แห่ง แก้ไข 0 แห่ง ไม่เปลี่ยนแปลง 0 แห่ง" in out
    body = Organization.objects.get(name=SOURCE_BODY["name"])
    assert (body.dla_code, body.province.name, body.district, body.kind) == (None, "อ่างทอง", "โพธิ์ทอง", "sao")
    assert body.slug.startswith("abt-ban-")
    assert AuditEvent.objects.get(action="org.create", org=body).detail["dla_code"] is None
    # The same body again, as a full register row with an empty code: matched by name, province, district.
    path = write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": ""}]))
    state = snapshot()
    with CaptureQueriesContext(connection) as queries:
        out = run(path)
    assert "เพิ่ม 0 แห่ง แก้ไข 0 แห่ง ไม่เปลี่ยนแปลง 1 แห่ง" in out
    assert snapshot() == state and Organization.objects.count() == before + 1
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_it_adds_the_code_of_a_later_file_to_the_same_body(db, tmp_path):
    run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": ""}])))
    body = Organization.objects.get(name=SOURCE_BODY["name"])
    count = Organization.objects.count()
    out = run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": "7150405", "website": "www.banmai.go.th"}])))
    assert "เพิ่ม 0 แห่ง แก้ไข 1 แห่ง ไม่เปลี่ยนแปลง 0 แห่ง" in out
    assert Organization.objects.count() == count
    body.refresh_from_db()
    assert (body.dla_code, body.website) == ("7150405", "https://www.banmai.go.th")
    event = AuditEvent.objects.get(action="org.update", org=body)
    assert event.detail["changes"]["dla_code"] == [None, "7150405"]
    # From now on the code is the key: a later row without one still finds the body and leaves its code.
    run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": ""}])))
    body.refresh_from_db()
    assert body.dla_code == "7150405" and Organization.objects.count() == count


def test_it_refuses_an_ambiguous_row_without_a_code_and_names_the_candidates(db, tmp_path):
    run(write(tmp_path, to_csv(angthong_rows())))  # two อบต.โพธิ์ทอง in อ่างทอง: เมืองอ่างทอง and โพธิ์ทอง
    state = snapshot()
    # A source that gives the name and the province only (no district column).
    message, err = rejected(write(tmp_path, "name,province,website\n"
                                  "องค์การบริหารส่วนตำบลโพธิ์ทอง,อ่างทอง,www.phothong.go.th\n".encode()))
    assert "แถวที่ 2: “องค์การบริหารส่วนตำบลโพธิ์ทอง” ตรงกับหน่วยงานมากกว่าหนึ่งแห่ง" in err
    assert "รหัส อปท.: 7150105, ที่อยู่ /orgs/abt-pho-thong/" in err
    assert "อำเภอ: โพธิ์ทอง, รหัส อปท.: 7150402" in err
    assert snapshot() == state
    # With the district the row means one of them.
    run(write(tmp_path, "name,province,district,website\n"
              "องค์การบริหารส่วนตำบลโพธิ์ทอง,อ่างทอง,โพธิ์ทอง,www.phothong.go.th\n".encode()))
    assert Organization.objects.get(dla_code="7150402").website == "https://www.phothong.go.th"
    assert Organization.objects.get(dla_code="7150105").website == ""


def test_it_corrects_a_code_without_making_a_second_body(db, tmp_path):
    invented = {**SOURCE_BODY, "dla_code": "9000001"}  # the code an operator made up
    run(write(tmp_path, to_csv([invented])))
    body = Organization.objects.get(dla_code="9000001")
    count = Organization.objects.count()
    out = run(write(tmp_path, to_csv([{**invented, "dla_code": "7150405"}])))
    assert "เพิ่ม 0 แห่ง แก้ไข 1 แห่ง" in out
    body.refresh_from_db()
    assert body.dla_code == "7150405" and Organization.objects.count() == count
    assert AuditEvent.objects.get(action="org.update", org=body).detail["changes"]["dla_code"] == ["9000001",
                                                                                                   "7150405"]
    # A file that cannot say it is the same body (no district column) is refused, not a second body.
    state = snapshot()
    message, err = rejected(write(tmp_path, "dla_code,name,province\n7150406,องค์การบริหารส่วนตำบลบ้านใหม่,อ่างทอง\n"
                                  .encode()))
    assert "แถวที่ 2: รหัส อปท. 7150406 ไม่มีในระบบ แต่ “องค์การบริหารส่วนตำบลบ้านใหม่” ตรงกับหน่วยงาน" in err
    assert "รหัส อปท.: 7150405" in err
    assert snapshot() == state


def test_it_refuses_two_rows_that_mean_one_body(db, tmp_path):
    run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": ""}])))
    state = snapshot()
    rows = [{**SOURCE_BODY, "dla_code": "7150405"}, {**SOURCE_BODY, "dla_code": ""}]
    message, err = rejected(write(tmp_path, to_csv(rows)))
    assert "แถวที่ 3: ชื่อ จังหวัด และอำเภอ “องค์การบริหารส่วนตำบลบ้านใหม่” ซ้ำกับแถวที่ 2" in err
    assert snapshot() == state
    # A new code by name and the body's other code in one file: both rows mean the same body.
    run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": "9000001"}])))
    state = snapshot()
    rows = [{**SOURCE_BODY, "dla_code": "9000001", "name": "เทศบาลตำบลบ้านใหม่"}, {**SOURCE_BODY, "dla_code": "7150405"}]
    message, err = rejected(write(tmp_path, to_csv(rows)))
    assert "แถวที่ 3: แถวนี้กับแถวที่ 2 ตรงกับหน่วยงานเดียวกัน" in err
    assert snapshot() == state


def test_it_finds_a_body_by_another_name_without_renaming_it(db, tmp_path):
    run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": "", "names": "อบต.บ้านใหม่"}])))
    body = Organization.objects.get(name=SOURCE_BODY["name"])
    state = snapshot()
    out = run(write(tmp_path, to_csv([{**SOURCE_BODY, "dla_code": "", "name": "อบต.บ้านใหม่", "kind": "sao"}])))
    assert "ไม่เปลี่ยนแปลง 1 แห่ง" in out and snapshot() == state
    body.refresh_from_db()
    assert body.name == SOURCE_BODY["name"]


def test_a_later_file_gives_a_body_of_unknown_province_its_province(db, tmp_path):
    run(write(tmp_path, to_csv([{"dla_code": "", "name": "เทศบาลตำบลไม่ทราบที่ตั้ง", "province": "", "district": ""}])))
    body = Organization.objects.get(name="เทศบาลตำบลไม่ทราบที่ตั้ง")
    count = Organization.objects.count()
    run(write(tmp_path, to_csv([{"dla_code": "5150999", "name": "เทศบาลตำบลไม่ทราบที่ตั้ง", "province": "อ่างทอง",
                                  "district": "ไชโย"}])))
    body.refresh_from_db()
    assert (body.dla_code, body.province.name, body.district) == ("5150999", "อ่างทอง", "ไชโย")
    assert Organization.objects.count() == count
