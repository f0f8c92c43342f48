"""`manage.py load_framework FILE` and the admin's upload: one year's framework from JSON or XLSX,
all or nothing, row-numbered Thai errors, recorded scores never orphaned, audited."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import framework_io, services
from assessments.models import AuditEvent, Framework, Indicator, Item, ItemGroup, ItemScore, Tool
from tests.factories import ADMIN, build_plan, import_records, login, make_body, user

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FY2569 = FIXTURES / "framework-2569.json"


def year_data(year: int) -> dict:
    """One year as the fixtures hold it (the load_framework JSON form)."""
    if year == 2569:
        return json.loads(FY2569.read_text(encoding="utf-8"))
    return copy.deepcopy(next(f for f in json.loads((FIXTURES / "frameworks.json").read_text(encoding="utf-8"))
                              if f["fiscal_year"] == year))


def write_json(tmp_path, data, name="framework.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def workbook_bytes(data: dict, *, extra_rows=None) -> bytes:
    """The XLSX form of one year (one sheet per part), written from its JSON form."""
    from openpyxl import Workbook

    sheets = {
        "framework": [["field", "value"], ["fiscal_year", data["fiscal_year"]], ["name", data["name"]],
                      ["pass_mark", data.get("pass_mark", "85")]],
        "tools": [["code", "name", "weight", "part_labels"]] + [
            [t["code"], t["name"], t["weight"], " | ".join(t.get("part_labels", []))] for t in data["tools"]],
        "indicators": [["number", "tool", "name"]] + [[i["number"], i["tool"], i["name"]] for i in data["indicators"]],
        "groups": [["code", "name"]],
        "items": [["code", "indicator", "group", "text", "note"]],
        "levels": [["label", "min_total", "min_each_tool"]] + [
            [b["label"], b["min_total"], b.get("min_each_tool", "")] for b in data["level_rule"]],
        "documents": [["doc", "item", "fiscal_year"]] + [
            [d["doc"], d["item"], d["fiscal_year"]] for d in data.get("documents", [])],
    }
    for indicator in data["indicators"]:
        for position, group in enumerate(indicator.get("groups", []), start=1):
            code = f"{indicator['number']}.{position}"
            sheets["groups"].append([code, group["name"]])
            sheets["items"] += [[i["code"], indicator["number"], code, i["text"], i.get("note", "")]
                                for i in group["items"]]
        sheets["items"] += [[i["code"], indicator["number"], "", i["text"], ""] for i in indicator.get("items", [])]
    for sheet, rows in (extra_rows or {}).items():
        sheets[sheet] += rows
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(path):
    out = io.StringIO()
    call_command("load_framework", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rejected(path):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("load_framework", str(path), stdout=io.StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def catalogue(year):
    """Everything a year's framework holds, comparable across loads."""
    fw = Framework.objects.get(fiscal_year=year)
    return (
        (fw.name, str(fw.pass_mark), fw.level_rule),
        sorted(Tool.objects.filter(framework=fw).values_list("code", "name", "weight", "order", "part_labels")),
        sorted(Indicator.objects.filter(framework=fw).values_list("number", "tool__code", "name")),
        sorted(ItemGroup.objects.filter(indicator__framework=fw).values_list("indicator__number", "code", "name",
                                                                             "order")),
        sorted(Item.objects.filter(framework=fw).values_list("code", "indicator__number", "group__code", "text",
                                                             "order")),
    )


def snapshot():
    return (catalogue(2568), catalogue(2569), ItemScore.objects.count(), AuditEvent.objects.count())


def test_it_loads_fy_2569_from_the_file_shipped_in_fixtures(db):
    Framework.objects.filter(fiscal_year=2569).delete()  # nothing is recorded against FY 2569 in the demo
    out = run(FY2569)
    assert "เพิ่มกรอบการประเมิน ITA ปีงบประมาณ 2569 แล้ว" in out
    fw = Framework.objects.get(fiscal_year=2569)
    assert [t.code for t in fw.tools.order_by("order")] == ["IIT", "EIT", "OIT"]
    assert fw.tools.get(code="EIT").part_labels == ["EIT Public", "EIT Survey"]
    assert [b["label"] for b in fw.level_rule] == ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]
    assert fw.indicators.count() == 10
    assert list(fw.items.order_by("indicator__number", "order").values_list("code", flat=True)) == [
        f"o{n}" for n in range(1, 27)]
    assert list(ItemGroup.objects.filter(indicator__framework=fw).values_list("code", flat=True)) == [
        "9.1", "9.2", "9.3", "9.4", "9.5"]
    assert fw.items.get(code="o25").text == "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร"
    assert set(fw.items.filter(indicator__number=10).values_list("code", flat=True)) == {
        f"o{n}" for n in range(20, 27)}
    event = AuditEvent.objects.filter(action="admin.change").latest("created_at")
    assert event.detail["framework"] == 2569 and event.detail["created"] is True
    expected = [{"doc": "measures", "item": "O25", "fiscal_year": 2569, "confirmed": False},
                {"doc": "results-12m", "item": "O26", "fiscal_year": 2568, "confirmed": False}]
    assert event.detail["documents"] == expected
    assert Framework.objects.get(fiscal_year=2569).documents == expected  # stored with the year


def test_loading_the_same_file_again_changes_nothing_but_is_audited(db):
    before = catalogue(2569)
    events = AuditEvent.objects.count()
    assert "ปรับปรุงกรอบการประเมิน ITA ปีงบประมาณ 2569 แล้ว" in run(FY2569)
    assert catalogue(2569) == before
    assert AuditEvent.objects.count() == events + 1


def test_the_xlsx_form_loads_exactly_what_the_json_form_does(db, tmp_path):
    json_form = catalogue(2569)  # setup_demo loaded fixtures/framework-2569.json
    Framework.objects.filter(fiscal_year=2569).delete()
    path = tmp_path / "framework-2569.xlsx"
    path.write_bytes(workbook_bytes(year_data(2569)))
    assert "เพิ่มกรอบการประเมิน ITA ปีงบประมาณ 2569 แล้ว" in run(path)
    assert catalogue(2569) == json_form


def test_the_2568_year_round_trips_through_xlsx_with_its_scores_kept(db, tmp_path):
    before = catalogue(2568)
    scores = ItemScore.objects.filter(assessment__framework__fiscal_year=2568).count()
    path = tmp_path / "framework-2568.xlsx"
    path.write_bytes(workbook_bytes(year_data(2568)))
    run(path)
    assert catalogue(2568) == before
    assert ItemScore.objects.filter(assessment__framework__fiscal_year=2568).count() == scores == 61


def test_bad_xlsx_rows_are_refused_by_row_and_sheet_in_thai_and_nothing_is_written(db, tmp_path):
    before = snapshot()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(year_data(2569), extra_rows={
        "items": [["o27", 11, "", "ข้อของตัวชี้วัดที่ไม่มี", ""], ["o1", 9, "", "รหัสซ้ำ", ""],
                  ["o28", 9, "9.9", "กลุ่มที่ไม่มี", ""]],
        "tools": [["XIT", "เครื่องมือที่ไม่มี", "10", ""]],
        "levels": [["ดีมาก", "101", ""]],
    }))
    message, errors = rejected(path)
    assert "ไม่ได้โหลดกรอบการประเมิน" in message
    assert "แถวที่ 28 ของแผ่นงาน items: ไม่พบตัวชี้วัดที่ 11 ในรายการตัวชี้วัด (indicators)" in errors
    assert "แถวที่ 29 ของแผ่นงาน items: รหัสข้อ “o1” ซ้ำกับแถวที่ 2 ของแผ่นงาน items" in errors
    assert "แถวที่ 30 ของแผ่นงาน items: ไม่พบกลุ่ม “9.9” ในแผ่นงาน groups" in errors
    assert "แถวที่ 5 ของแผ่นงาน tools: รหัสเครื่องมือ “XIT” ไม่ถูกต้อง (ใช้ได้: IIT, EIT, OIT)" in errors
    assert "แถวที่ 7 ของแผ่นงาน levels: min_total “101” ต้องเป็นตัวเลข 0–100 ทศนิยมไม่เกิน 2 ตำแหน่ง" in errors
    assert snapshot() == before


def test_a_workbook_without_its_sheets_or_columns_is_refused(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "tools"
    workbook.active.append(["code", "nmae", "weight"])
    path = tmp_path / "partial.xlsx"
    workbook.save(path)
    _message, errors = rejected(path)
    assert "ไม่พบแผ่นงาน framework, indicators, levels" in errors


def test_bad_json_entries_are_named_by_their_place_in_the_file(db, tmp_path):
    before = snapshot()
    data = year_data(2569)
    data["indicators"][8]["groups"][0]["items"][1]["text"] = ""
    data["indicators"][9]["items"][0]["txt"] = "พิมพ์ผิด"
    data["tools"][0]["weight"] = "35"
    data["documents"].append({"doc": "summary", "item": "O1", "fiscal_year": 2569})
    data["documents"][0]["fiscal_year"] = 2570
    _message, errors = rejected(write_json(tmp_path, data))
    assert "ข้อที่ 2 ของกลุ่ม 9.1: ไม่ได้ระบุ text" in errors
    assert "ข้อที่ 1 ของตัวชี้วัดที่ 10: ไม่รู้จักช่อง txt (ใช้ได้: asks, code, continues, period, text)" in errors
    assert "น้ำหนักของเครื่องมือรวมกันได้ 105.00 แต่ต้องรวมได้ 100" in errors
    assert "รายการที่ 3 ของ documents: ไม่รู้จักเอกสาร “summary”" in errors
    assert ("รายการที่ 1 ของ documents: เอกสารที่ใช้ประกอบการประเมิน ITA ปี 2569 ต้องเป็นเอกสารปีงบประมาณ 2569 "
            "หรือ 2568 (ในไฟล์: 2570)") in errors
    assert snapshot() == before


def test_a_document_must_name_an_item_of_the_year(db, tmp_path):
    data = year_data(2569)
    data["documents"][1]["item"] = "O43"
    _message, errors = rejected(write_json(tmp_path, data))
    assert "รายการที่ 2 ของ documents: ไม่พบข้อ “O43” ในรายการข้อของปีนี้ (items)" in errors


@pytest.mark.parametrize("content, expected", [
    (b"{\"fiscal_year\": 2569,", "ไฟล์ JSON ไม่ถูกต้อง"),
    (b"", "ไฟล์ว่างเปล่า"),
    ((FIXTURES / "frameworks.json").read_bytes(), "ไฟล์หนึ่งไฟล์ต้องมีกรอบการประเมินปีเดียว แต่ไฟล์นี้มี 6 ปี"),
    (b"\xff\xfe\x00\x01", "อ่านไฟล์ไม่ได้"),
])
def test_files_that_are_not_one_year_are_refused(db, tmp_path, content, expected):
    path = tmp_path / "framework.json"
    path.write_bytes(content)
    _message, errors = rejected(path)
    assert expected in errors


def test_removing_an_item_with_scores_is_refused_naming_it(db, tmp_path):
    before = snapshot()
    data = year_data(2568)
    data["indicators"][9]["items"] = [i for i in data["indicators"][9]["items"] if i["code"] != "o28"]
    data["documents"] = [d for d in data["documents"] if d["item"] != "o28"]
    _message, errors = rejected(write_json(tmp_path, data))
    assert "ไฟล์ไม่มีข้อ o28 ของปี 2568 แต่ยังมี คะแนนรายข้อ 1 รายการ ที่อ้างถึง จึงลบไม่ได้" in errors
    assert snapshot() == before


def test_removing_an_indicator_or_tool_with_scores_is_refused_naming_it(db, tmp_path):
    before = snapshot()
    data = year_data(2568)
    data["indicators"] = [i for i in data["indicators"] if i["tool"] != "EIT"]
    data["tools"] = [t for t in data["tools"] if t["code"] != "EIT"]
    data["tools"][0]["weight"] = "60"
    _message, errors = rejected(write_json(tmp_path, data))
    assert "ไฟล์ไม่มีเครื่องมือ EIT ของปี 2568 แต่ยังมี" in errors
    assert "คะแนนรายตัวชี้วัด" in errors and "คะแนนรายข้อ" in errors
    assert "ไฟล์ไม่มีตัวชี้วัดที่ 6" not in errors  # the tool is named, not again each of its indicators
    assert snapshot() == before


def test_removing_an_indicator_a_measure_answers_is_refused(db, tmp_path):
    from measures import services as measure_services

    body = make_body("test-load-framework")
    plan = build_plan(body, 2570, measures=1)
    indicator = Indicator.objects.get(framework__fiscal_year=2569, number=10)
    measure_services.measure_save(plan=plan, actor=user("angthong_editor"), measure=plan.measures.get(),
                                  expected_version=plan.measures.get().version, data={"indicators": [indicator]})
    data = year_data(2569)
    data["indicators"] = [i for i in data["indicators"] if i["number"] != 10]
    data["documents"] = []
    _message, errors = rejected(write_json(tmp_path, data))
    assert "ไฟล์ไม่มีตัวชี้วัดที่ 10 การป้องกันการทุจริต ของปี 2569 แต่ยังมี" in errors
    assert "1 รายการ ที่อ้างถึง" in errors


def test_a_tool_cannot_lose_a_part_its_scores_use(db, tmp_path):
    data = year_data(2568)
    data["tools"][1]["part_labels"] = []
    _message, errors = rejected(write_json(tmp_path, data))
    assert ("เครื่องมือ EIT ของปี 2568 มีคะแนนส่วนที่ 2 บันทึกไว้แล้ว แต่ไฟล์ให้เครื่องมือนี้มี 0 ส่วน (part_labels) "
            "จึงโหลดไม่ได้") in errors


def test_names_texts_and_weights_are_updated_and_scores_kept(db, tmp_path):
    scores = sorted(ItemScore.objects.filter(assessment__framework__fiscal_year=2568).values_list("item_id", "score"))
    data = year_data(2568)
    data["tools"][0]["name"] = "แบบวัดการรับรู้ภายใน (แก้ชื่อ)"
    data["indicators"][9]["items"][6]["text"] = "มาตรการส่งเสริมคุณธรรมฯ (แก้ข้อความ)"
    data["indicators"][8]["groups"][0]["name"] = "ข้อมูลพื้นฐานของหน่วยงาน"
    run(write_json(tmp_path, data))
    fw = Framework.objects.get(fiscal_year=2568)
    assert fw.tools.get(code="IIT").name == "แบบวัดการรับรู้ภายใน (แก้ชื่อ)"
    assert fw.items.get(code="o27").text == "มาตรการส่งเสริมคุณธรรมฯ (แก้ข้อความ)"
    assert ItemGroup.objects.get(indicator__framework=fw, code="9.1").name == "ข้อมูลพื้นฐานของหน่วยงาน"
    assert sorted(ItemScore.objects.filter(assessment__framework__fiscal_year=2568).values_list(
        "item_id", "score")) == scores


def test_what_the_file_drops_is_removed_when_nothing_is_recorded_against_it(db, tmp_path):
    data = year_data(2569)
    data["indicators"][8]["groups"][0]["items"] = [i for i in data["indicators"][8]["groups"][0]["items"]
                                                   if i["code"] != "O2"]
    out = run(write_json(tmp_path, data))
    assert "นำออกเพราะไม่มีในไฟล์" in out and "o2" in out
    assert not Item.objects.filter(framework__fiscal_year=2569, code="o2").exists()
    assert Item.objects.filter(framework__fiscal_year=2569).count() == 25


def test_scores_of_the_loaded_items_import(db):
    body = make_body("test-load-framework-scores")
    import_records([{"org": body.slug, "fiscal_year": "2569", "scope": "item", "code": "O25", "value": "100"},
                    {"org": body.slug, "fiscal_year": "2569", "scope": "group", "code": "9.1", "value": "75"}])
    assert ItemScore.objects.get(assessment__org=body, item__code="o25").score == 100


def test_every_load_is_audited_and_makes_every_public_page_stale(db, settings, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    settings.PUBLIC_CACHE_SECONDS = 300
    before = cache.get("pubver:all", 0)
    with django_capture_on_commit_callbacks(execute=True):
        loaded = services.framework_load_file(data=FY2569.read_bytes(), filename="framework-2569.json",
                                              actor=user(ADMIN))
    assert cache.get("pubver:all", 0) != before
    event = AuditEvent.objects.filter(action="admin.change").latest("created_at")
    assert event.actor.username == ADMIN
    assert event.summary.startswith("ปรับปรุงกรอบการประเมิน ITA ปีงบประมาณ 2569")
    assert event.detail["source"] == "ไฟล์ framework-2569.json" and event.detail["counts"]["items"] == 26
    assert loaded.counts == {"tools": 3, "indicators": 10, "groups": 5, "items": 26, "levels": 5, "documents": 2}


def test_a_missing_file_is_a_thai_error(db, tmp_path):
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("load_framework", str(tmp_path / "none.json"))


def test_the_help_documents_the_format():
    from assessments.management.commands.load_framework import Command

    text = Command().create_parser("manage.py", "load_framework").format_help()
    for word in ("fiscal_year", "level_rule", "part_labels", "documents", "XLSX", "framework (field | value"):
        assert word in text


def test_framework_io_reads_what_setup_demo_ships(db):
    for year in (2563, 2566, 2568, 2569):
        spec = framework_io.from_json(year_data(year))
        assert spec.fiscal_year == year and len(spec.indicators) == 10


# ---------------------------------------------------------------- the admin's upload


def upload(client, content: bytes, name="framework-2569.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/admin/assessments/framework/upload/", {"file": SimpleUploadedFile(name, content)})


def test_the_framework_list_links_the_upload_page(client, db):
    login(client, ADMIN)
    html = client.get("/admin/assessments/framework/").content.decode()
    assert "/admin/assessments/framework/upload/" in html and "โหลดกรอบการประเมินจากไฟล์" in html
    page = client.get("/admin/assessments/framework/upload/")
    assert page.status_code == 200 and 'type="file"' in page.content.decode()


def test_the_admin_upload_loads_a_year(client, db):
    login(client, ADMIN)
    Framework.objects.filter(fiscal_year=2569).delete()
    response = upload(client, FY2569.read_bytes())
    assert response.status_code == 302 and response["Location"] == "/admin/assessments/framework/"
    assert Item.objects.filter(framework__fiscal_year=2569).count() == 26
    assert AuditEvent.objects.filter(action="admin.change", actor__username=ADMIN,
                                     detail__framework=2569).exists()


def test_the_admin_upload_lists_the_errors_and_writes_nothing(client, db):
    login(client, ADMIN)
    before = snapshot()
    data = year_data(2568)
    data["indicators"][9]["items"].pop()  # o28, which has a score
    data["documents"].pop()
    response = upload(client, json.dumps(data, ensure_ascii=False).encode(), "framework-2568.json")
    html = response.content.decode()
    assert response.status_code == 400
    assert "ไม่ได้โหลดกรอบการประเมิน" in html and "ไฟล์ไม่มีข้อ o28 ของปี 2568" in html
    assert snapshot() == before


def test_only_an_administrator_may_upload(client, db):
    loads = AuditEvent.objects.exclude(action__startswith="security.")  # the sign-in is recorded, no load
    events = loads.count()
    response = upload(client, FY2569.read_bytes())
    assert response.status_code == 302 and "/login/" in response["Location"]
    login(client, "angthong_editor")
    assert upload(client, FY2569.read_bytes()).status_code == 302  # not staff: the admin's sign-in page
    assert loads.count() == events
