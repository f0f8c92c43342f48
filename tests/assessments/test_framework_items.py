"""The FY 2569 item catalogue, and which ITA item each published document answers in which
assessment year (Framework.documents, read by reports/documents.py: ita_answers), on the year page,
the ITAS copy button and in open data."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from assessments import documents as document_names
from assessments import framework_io
from assessments.models import Framework, Item, Organization
from common.thai import to_arabic_digits
from measures import services as measure_services
from reports.documents import REGISTRY, Doc, ita_answers, ita_items
from tests.factories import OTHER_APPROVER, OTHER_EDITOR, build_plan, import_records, make_body, user

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture_years() -> dict[int, dict]:
    years = {f["fiscal_year"]: f for f in json.loads((FIXTURES / "frameworks.json").read_text(encoding="utf-8"))}
    for path in FIXTURES.glob("framework-*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        years[data["fiscal_year"]] = data
    return years


# ---------------------------------------------------------------- the FY 2569 catalogue


def test_fy_2569_has_oit_items_o1_to_o26_and_no_iit_or_eit_questions(db):
    fw = Framework.objects.get(fiscal_year=2569)
    assert set(fw.items.values_list("code", flat=True)) == {f"o{n}" for n in range(1, 27)}
    assert not fw.items.filter(indicator__tool__code__in=["IIT", "EIT"]).exists()  # not known for 2569
    texts = dict(fw.items.values_list("code", "text"))
    assert texts["o1"] == "โครงสร้าง หน้าที่และอำนาจ"
    assert texts["o25"] == "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร"
    assert texts["o26"] == "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปี พ.ศ. 2568"
    for unknown in ("o2", "o5", "o6", "o7"):
        assert texts[unknown] == "ยังไม่ทราบชื่อข้อ"


def test_the_2569_file_marks_every_item_unconfirmed_and_says_why():
    data = fixture_years()[2569]
    items = [i for ind in data["indicators"] for g in ind.get("groups", []) for i in g["items"]]
    items += [i for ind in data["indicators"] for i in ind.get("items", [])]
    assert [i["code"] for i in items] == [f"O{n}" for n in range(1, 27)]
    assert all(i["confirmed"] is False for i in items)
    assert all("note" in i for i in items if i["text"] == "ยังไม่ทราบชื่อข้อ")
    assert "ยังไม่ได้ตรวจกับคู่มือการประเมินของสำนักงาน ป.ป.ช." in data["note"]


def test_the_fixtures_never_point_outside_the_project():
    for path in FIXTURES.glob("framework*.json"):
        assert "shared" not in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- which item each document answers


@pytest.mark.parametrize("doc, fiscal_year, expected", [
    # ITA 2566 and 2567 (o1–o43): o42 the measures, o43 the results of the assessed year
    ("measures", 2566, [(2566, "o42")]),
    ("results-6m", 2566, [(2566, "o43")]),
    ("measures", 2567, [(2567, "o42")]),
    ("results-6m", 2567, [(2567, "o43")]),
    # ITA 2568 (o1–o28): o27 the measures of FY 2568, o28 the report ประจำปี พ.ศ. 2567
    ("measures", 2568, [(2568, "o27")]),
    ("results-12m", 2567, [(2568, "o28")]),
    # ITA 2569 (O1–O26): O25 the measures of FY 2569, O26 the results report of FY 2568
    ("measures", 2569, [(2569, "O25")]),
    ("results-12m", 2568, [(2569, "O26")]),
    # nothing else answers an item on record
    ("results-12m", 2569, []),  # would answer ITA 2570, whose items are not published
    ("measures", 2570, []),
    ("results-6m", 2568, []),
    ("results-12m", 2566, []),
    ("analysis", 2569, []),
    ("measures", 2565, []),
])
def test_each_document_answers_the_item_of_its_assessment_year(db, doc, fiscal_year, expected):
    assert [(i.assessment_year, i.code) for i in ita_items(doc, fiscal_year)] == expected


def test_a_document_of_one_year_serves_the_next_years_ita_only_where_a_source_says_so(db):
    for year, docs in ita_answers().items():
        for doc, answers in docs.items():
            assert answers.fiscal_year in (year, year - 1)
            if answers.fiscal_year == year - 1:
                assert doc == Doc.RESULTS_12M and year >= 2568


def test_only_what_a_source_states_is_marked_confirmed(db):
    confirmed = {(year, doc): answers.confirmed for year, docs in ita_answers().items()
                 for doc, answers in docs.items()}
    assert confirmed == {
        (2566, "measures"): True, (2566, "results-6m"): False, (2567, "measures"): True, (2567, "results-6m"): False,
        (2568, "measures"): True, (2568, "results-12m"): True,
        (2569, "measures"): False, (2569, "results-12m"): False,
    }


def test_the_framework_files_are_what_the_portal_shows(db):
    years = fixture_years()
    in_files = {year: {d["doc"]: (d["item"], d["fiscal_year"], d.get("confirmed", True)) for d in data["documents"]}
                for year, data in years.items() if data.get("documents")}
    in_registry = {year: {doc: (a.item, a.fiscal_year, a.confirmed) for doc, a in docs.items()}
                   for year, docs in ita_answers().items() if docs}
    assert in_files == in_registry


def test_the_framework_file_knows_the_portals_documents_from_the_one_list():
    # framework_io checks a file's documents against assessments/documents.py, the list the registry
    # of reports builds on (one entry for each, in its order)
    assert Doc is document_names.Doc
    assert list(REGISTRY) == list(document_names.Doc.values)


def test_each_item_a_document_answers_is_in_its_years_catalogue_where_there_is_one(db):
    for year, docs in ita_answers().items():
        codes = set(Item.objects.filter(framework__fiscal_year=year).values_list("code", flat=True))
        if codes:  # 2566 and 2567 have no item catalogue yet
            for answers in docs.values():
                assert framework_io.normalise_item_code(answers.item) in codes


def test_the_label_writes_the_year_in_thai_digits(db):
    item = ita_items("measures", 2569)[0]
    assert item.label == "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๙ ข้อ O25"
    assert item.copy_label == "คัดลอกลิงก์สำหรับ ITAS ปี ๒๕๖๙ ข้อ O25"


# ---------------------------------------------------------------- the year page, ITAS copy, open data


def document_blocks(html):
    """{document title: its list-group block} of a year page."""
    blocks = html.split('<div class="list-group-item">')[1:]
    return {to_arabic_digits(re.search(r'class="fw-bold"[^>]*>([^<]+)</a>', b)[1]): b for b in blocks}


def test_the_year_page_says_which_item_each_document_answers(client, db):
    html = client.get("/orgs/abt-dong-khwang/2568/").content.decode()
    blocks = document_blocks(html)
    measures = blocks[Doc.MEASURES.label]
    assert "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๘ ข้อ o27" in measures
    assert "ยังไม่ได้ยืนยัน" not in measures
    results = blocks[Doc.RESULTS_12M.label]  # the FY 2568 report is assessed in ITA 2569
    assert "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๙ ข้อ O26" in results
    assert "ยังไม่ได้ยืนยันกับคู่มือการประเมินของสำนักงาน ป.ป.ช." in results
    assert "ใช้ประกอบการประเมิน ITA" not in blocks[Doc.ANALYSIS.label]


def test_the_itas_copy_button_names_the_item_and_copies_the_address_alone(client, db):
    html = client.get("/orgs/abt-dong-khwang/2568/").content.decode()
    results = document_blocks(html)[Doc.RESULTS_12M.label]
    button = re.search(r'<button[^>]*data-testid="copy-itas"[^>]*>([^<]+)</button>', results)
    assert button[1] == "คัดลอกลิงก์สำหรับ ITAS ปี ๒๕๖๙ ข้อ O26"
    assert re.search(r'data-copy="http://testserver/orgs/abt-dong-khwang/2568/results-12m\.pdf"', button[0])
    analysis = document_blocks(html)[Doc.ANALYSIS.label]
    assert ">คัดลอกลิงก์สำหรับ ITAS</button>" in analysis


def test_the_body_page_shows_the_items_too(client, db):
    html = client.get("/orgs/abt-bo-kaeo/").content.decode()
    assert "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๘ ข้อ o27" in html  # the FY 2568 measures
    assert html.count('data-testid="ita-item"') == 1  # its 6-month report answers no item on record


def test_open_data_gives_the_item_of_each_document(client, db):
    data = client.get("/data/orgs/abt-dong-khwang/2568.json").json()
    by_doc = {d["doc"]: d["ita_items"] for d in data["documents"]}
    assert by_doc == {
        "measures": [{"assessment_year": 2568, "item": "o27", "confirmed": True,
                      "label": "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๘ ข้อ o27"}],
        "results-12m": [{"assessment_year": 2569, "item": "O26", "confirmed": False,
                         "label": "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๙ ข้อ O26"}],
        "analysis": [],
    }


def test_a_published_fy_2569_plan_answers_o25(client, db):
    org = Organization.objects.get(slug="abt-bo-kaeo")
    plan = build_plan(org, 2569, measures=1, editor=OTHER_EDITOR)
    measure_services.document_transition(plan=plan, actor=user(OTHER_EDITOR), action="submit")
    measure_services.document_transition(plan=plan, actor=user(OTHER_APPROVER), action="approve")
    measure_services.document_transition(plan=plan, actor=user(OTHER_APPROVER), action="publish")
    html = client.get("/orgs/abt-bo-kaeo/2569/").content.decode()
    measures = document_blocks(html)[Doc.MEASURES.label]
    assert "ใช้ประกอบการประเมิน ITA ปี ๒๕๖๙ ข้อ O25" in measures
    assert "คัดลอกลิงก์สำหรับ ITAS ปี ๒๕๖๙ ข้อ O25" in measures
    data = client.get("/data/orgs/abt-bo-kaeo/2569.json").json()
    assert [d["ita_items"][0]["item"] for d in data["documents"]] == ["O25"]


def test_a_fresh_demo_shows_the_2569_items_on_no_year_page(client, db):
    """No seed body has ITA 2569 scores, so no page prints the FY 2569 catalogue."""
    for slug in Organization.objects.values_list("slug", flat=True):
        response = client.get(f"/orgs/{slug}/2569/")
        assert response.status_code == 404 or "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร" not in response.content.decode()


def test_a_year_page_with_ita_2569_scores_lists_the_2569_items(client, db):
    body = make_body("test-framework-items")
    import_records([{"org": body.slug, "fiscal_year": "2569", "scope": "item", "code": "O25", "value": "100"},
                    {"org": body.slug, "fiscal_year": "2569", "scope": "indicator", "code": "10", "value": "90"}])
    html = client.get(f"/orgs/{body.slug}/2569/").content.decode()
    assert "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร" in html and "ข้อมูลพื้นฐาน" in html
    assert "ใช้ประกอบการประเมิน ITA" not in html  # no document published for FY 2569


def test_a_year_loaded_from_a_file_shows_its_documents_items_at_once(db):
    from assessments import services as assessment_services

    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "framework-2569.json").read_text(encoding="utf-8"))
    data = data[0] if isinstance(data, list) else data
    data["fiscal_year"], data["name"] = 2570, "ITA 2570 (ทดสอบ)"
    data["documents"] = [{"doc": "measures", "item": "O25", "fiscal_year": 2570},
                         {"doc": "results-12m", "item": "O26", "fiscal_year": 2569, "confirmed": False}]
    for indicator in data["indicators"]:  # FY 2569's crosswalk names FY 2568 items, not 2569's
        for holder in [*indicator.get("groups", []), indicator]:
            for item in holder.get("items", []):
                item.pop("continues", None)
    assessment_services.framework_save(spec=framework_io.from_json(data))
    assert [(i.assessment_year, i.code, i.confirmed) for i in ita_items("measures", 2570)] == [(2570, "O25", True)]
    assert [(i.assessment_year, i.code) for i in ita_items("results-12m", 2569)] == [(2570, "O26")]
