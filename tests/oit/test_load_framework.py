"""Items as data (issue 25 point 1): the framework file gives each OIT item what it asks for, the
period of its evidence and the previous year's item it continues; load_framework stores them."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assessments import framework_io
from assessments.models import Item

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "framework-2569.json"


def year_2569() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_it_stores_each_fy_2569_item_with_its_period_crosswalk_and_unconfirmed_mark(db):
    items = {i.code: i for i in Item.objects.filter(framework__fiscal_year=2569)}
    assert len(items) == 26
    assert items["o20"].continues == ["o21", "o22"]  # No Gift: FY 2568's two items merged
    assert items["o11"].continues == ["o12"] and items["o11"].period == "current"
    assert items["o26"].continues == ["o28"] and items["o26"].period == "previous"
    assert {code for code, item in items.items() if item.period == "previous"} == {
        "o7", "o12", "o14", "o18", "o22", "o24", "o26"}
    assert all(item.asks for item in items.values())
    assert not any(item.confirmed for item in items.values())  # no official source yet
    fy_2568 = {i.code: i for i in Item.objects.filter(framework__fiscal_year=2568, code__startswith="o")}
    assert fy_2568["o28"].period == "previous" and fy_2568["o27"].period == "current"
    assert fy_2568["o1"].confirmed and fy_2568["o1"].continues == []


def test_it_loads_the_command_file_again_with_a_changed_ask(db, tmp_path, capsys):
    data = year_2569()
    data["indicators"][8]["groups"][0]["items"][0]["asks"] = "แผนผังโครงสร้างฉบับล่าสุด"
    path = tmp_path / "framework-2569.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("load_framework", str(path))
    assert Item.objects.get(framework__fiscal_year=2569, code="o1").asks == "แผนผังโครงสร้างฉบับล่าสุด"


def test_it_refuses_a_crosswalk_to_an_item_the_previous_year_does_not_have(db, tmp_path, capsys):
    data = year_2569()
    data["indicators"][8]["groups"][0]["items"][0]["continues"] = ["o99"]
    path = tmp_path / "framework-2569.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_framework", str(path))
    assert "ไม่พบข้อ o99 ในกรอบการประเมินปี 2568" in capsys.readouterr().err
    assert Item.objects.get(framework__fiscal_year=2569, code="o1").continues == ["o1"]  # nothing written


@pytest.mark.parametrize(("key", "value", "words"), [
    ("period", "next", "period “next” ต้องเป็น current"),
    ("continues", ["21"], "รหัสข้อใน continues “21”"),
    ("asks", 5, "asks ต้องเป็นข้อความ"),
    ("confirmed", "yes", "confirmed ต้องเป็น true หรือ false"),
])
def test_it_refuses_a_bad_item_field_naming_the_item(key, value, words):
    data = year_2569()
    data["indicators"][8]["groups"][0]["items"][0][key] = value
    with pytest.raises(framework_io.FrameworkRejected) as refused:
        framework_io.from_json(data)
    assert any(words in error and "ข้อที่ 1 ของกลุ่ม 9.1" in error for error in refused.value.errors), refused.value.errors


def test_it_reads_the_item_fields_from_a_workbook():
    from openpyxl import Workbook

    book = Workbook()
    sheets = {
        "framework": [("field", "value"), ("fiscal_year", 2569), ("name", "ITA 2569")],
        "tools": [("code", "name", "weight"), ("IIT", "i", 30), ("EIT", "e", 30), ("OIT", "o", 40)],
        "indicators": [("number", "tool", "name"), (9, "OIT", "การเปิดเผยข้อมูล")],
        "items": [("code", "indicator", "text", "asks", "period", "continues", "confirmed"),
                  ("O20", 9, "No Gift Policy", "ประกาศเจตนารมณ์", "current", "o21|o22", "no")],
        "levels": [("label", "min_total"), ("ผ่าน", 85)],
    }
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    spec = framework_io.read_file(buffer.getvalue(), "f.xlsx")
    (item,) = spec.items
    assert (item.code, item.asks, item.period, item.continues, item.confirmed) == (
        "o20", "ประกาศเจตนารมณ์", "current", ("o21", "o22"), False)
