"""One published figure at a time, on a staff page (issue 20, point 7): typed, corrected or
removed by whoever may import the body's scores, checked as a file's row is, audited."""

from decimal import Decimal

import pytest

from assessments.models import Assessment, AuditEvent, IndicatorScore
from tests.factories import ADMIN, ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, import_records, login, make_body

PAGE = f"/app/orgs/{ANGTHONG}/scores/%s/"
REMOVE = f"/app/orgs/{ANGTHONG}/scores/%s/remove/"


def assessment(year, slug=ANGTHONG):
    return Assessment.objects.filter(org__slug=slug, framework__fiscal_year=year).first()


def indicator(number, year=2568):
    return IndicatorScore.objects.get(assessment__org__slug=ANGTHONG, assessment__framework__fiscal_year=year,
                                      indicator__number=number, part=0)


def edits():
    return list(AuditEvent.objects.filter(action="scores.edit").order_by("pk"))


def post(client, year, **data):
    return client.post(PAGE % year, {"code": "", "part": "0", **data})


@pytest.fixture
def editor_client(client, db):
    login(client, EDITOR)
    return client


def test_it_types_the_first_figure_of_a_year_with_no_scores(editor_client):
    assert assessment(2567) is None
    response = post(editor_client, 2567, scope="overall", value="90.50")
    assert response.status_code == 302 and response["Location"] == PAGE % 2567
    assert assessment(2567).overall == Decimal("90.50")
    page = editor_client.get(response["Location"]).content.decode()
    assert "บันทึกคะแนนรวม ปี 2567 เป็น 90.50 แล้ว" in page
    (event,) = edits()
    assert event.org.slug == ANGTHONG and event.actor.username == EDITOR
    assert event.detail == {"year": 2567, "scope": "overall", "code": "", "part": 0, "before": "", "after": "90.50"}


def test_it_corrects_a_stored_figure_and_audits_before_and_after(editor_client):
    response = post(editor_client, 2568, scope="indicator", code="4", value="96")
    assert response.status_code == 302
    assert indicator(4).score == Decimal("96.00")
    assert "แก้ไขคะแนนรายตัวชี้วัด 4 ปี 2568 จาก 95.05 เป็น 96.00 แล้ว" in editor_client.get(PAGE % 2568).content.decode()
    (event,) = edits()
    assert (event.detail["before"], event.detail["after"]) == ("95.05", "96.00")
    assert "จาก 95.05 เป็น 96.00" in event.summary


def test_it_reads_a_decimal_comma_as_a_decimal_point(editor_client):
    response = post(editor_client, 2568, scope="indicator", code="4", value="97,90")
    assert response.status_code == 302
    assert indicator(4).score == Decimal("97.90")


def test_a_thousands_separator_is_not_a_score_and_nothing_changes(editor_client):
    response = post(editor_client, 2568, scope="indicator", code="4", value="1,234")
    html = response.content.decode()
    assert response.status_code == 400
    assert "คะแนน “1,234” มีจุลภาคคั่นหลักพัน แต่คะแนนไม่มีหลักพัน" in html
    assert "อยู่นอกช่วง" not in html
    assert indicator(4).score == Decimal("95.05") and edits() == []


def test_the_same_value_again_changes_nothing_and_says_so(editor_client):
    response = post(editor_client, 2568, scope="indicator", code="4", value="95,05")
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "คะแนนรายตัวชี้วัด 4 ปี 2568 เป็น 95.05 อยู่แล้ว จึงไม่มีการเปลี่ยนแปลง" in page
    assert edits() == []


def test_a_level_as_published_keeps_the_letter_and_the_label_apart(editor_client):
    post(editor_client, 2566, scope="level", value="(ผ่าน) ระดับ AA")
    stored = assessment(2566)
    assert (stored.grade, stored.pass_label) == ("AA", "ผ่าน")
    html = editor_client.get(PAGE % 2566).content.decode()
    assert "ระดับตัวอักษร" in html and "ผลการประเมิน" in html
    post(editor_client, 2566, scope="level", code="grade", value="B")
    stored.refresh_from_db()
    assert (stored.grade, stored.pass_label) == ("B", "ผ่าน")


def test_the_published_facts_of_a_year_are_typed_on_the_page(editor_client):
    for scope, value in (("change", "−2,05"), ("rank_district", "อันดับ 1 จาก 12 แห่ง"),
                         ("rank_province", "อันดับ 5 ของจังหวัด"), ("note", "ได้รับรางวัลดีเด่น"),
                         ("source_url", "https://www.example.go.th/ita2568.pdf")):
        assert post(editor_client, 2568, scope=scope, value=value).status_code == 302
    stored = assessment(2568)
    assert stored.change_published == Decimal("-2.05")
    assert (stored.rank_district, stored.rank_province, stored.note, stored.source_url) == (
        "อันดับ 1 จาก 12 แห่ง", "อันดับ 5 ของจังหวัด", "ได้รับรางวัลดีเด่น", "https://www.example.go.th/ita2568.pdf")
    assert len(edits()) == 5


@pytest.mark.parametrize(("data", "message"), [
    ({"scope": "indicator", "code": "11", "value": "90"}, "ไม่พบตัวชี้วัด “11” ในปีงบประมาณ พ.ศ. 2568"),
    ({"scope": "indicator", "code": "4", "value": "101"}, "คะแนน 101 อยู่นอกช่วง 0–100"),
    ({"scope": "indicator", "code": "4", "value": "ดี"}, "คะแนน “ดี” ไม่ใช่ตัวเลข"),
    ({"scope": "indicator", "code": "4", "value": ""}, "ไม่ได้ระบุคะแนน"),
    ({"scope": "item", "code": "e1", "value": "90"}, "ข้อ e1 ต้องระบุส่วน (1, 2)"),
    ({"scope": "overall", "code": "4", "value": "90"}, "ระดับ overall ต้องไม่มีรหัส"),
    ({"scope": "level", "value": "ดีมาก"}, "ระดับ “ดีมาก” ไม่ใช่ระดับผลการประเมินที่รู้จัก"),
    ({"scope": "source_url", "value": "javascript:alert(1)"}, "ที่อยู่เว็บ “javascript:alert(1)” ไม่ถูกต้อง"),
    ({"scope": "everything", "value": "90"}, "everything ไม่ใช่ตัวเลือกที่ใช้ได้"),
])
def test_bad_input_is_a_thai_400_and_nothing_changes(editor_client, data, message):
    def state():
        return sorted(IndicatorScore.objects.values_list("pk", "score", "alt_score")), assessment(2568).updated_at

    before = state()
    response = post(editor_client, 2568, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before
    assert edits() == []


def test_a_value_over_the_length_limit_is_refused_by_the_form(editor_client):
    response = post(editor_client, 2568, scope="note", value="ก" * 2001)
    assert response.status_code == 400
    assert assessment(2568).note == ""


def test_a_second_figure_needs_the_indicators_figure_first(editor_client):
    response = post(editor_client, 2567, scope="indicator_alt", code="1", value="90")
    assert response.status_code == 400
    assert "กรุณาบันทึกคะแนนรายตัวชี้วัดก่อน" in response.content.decode()
    assert assessment(2567) is None


def test_it_removes_a_figure_after_confirming(editor_client):
    confirm = editor_client.get(REMOVE % 2568, {"scope": "indicator", "code": "4", "part": "0"})
    assert confirm.status_code == 200
    assert "95.05" in confirm.content.decode() and "ยืนยันการลบ" in confirm.content.decode()
    response = editor_client.post(REMOVE % 2568, {"scope": "indicator", "code": "4", "part": "0"})
    assert response.status_code == 302
    assert not IndicatorScore.objects.filter(assessment=assessment(2568), indicator__number=4).exists()
    assert "ลบคะแนนรายตัวชี้วัด 4 ปี 2568 แล้ว (เดิม 95.05)" in editor_client.get(PAGE % 2568).content.decode()
    (event,) = edits()
    assert (event.detail["before"], event.detail["after"]) == ("95.05", "")


def test_removing_the_years_last_figure_removes_the_year(editor_client):
    post(editor_client, 2567, scope="overall", value="90")
    response = editor_client.post(REMOVE % 2567, {"scope": "overall", "part": "0"})
    assert response.status_code == 302
    assert assessment(2567) is None
    assert edits()[-1].detail["assessment_removed"] is True


def test_an_indicator_with_a_second_figure_is_not_removed_before_it(editor_client):
    assert indicator(1).alt_score is not None
    response = editor_client.post(REMOVE % 2568, {"scope": "indicator", "code": "1", "part": "0"})
    assert response.status_code == 400
    assert "กรุณาลบคะแนนนั้นก่อน" in response.content.decode()
    assert indicator(1).score == Decimal("100.00")
    assert editor_client.post(REMOVE % 2568, {"scope": "indicator_alt", "code": "1", "part": "0"}).status_code == 302
    assert indicator(1).alt_score is None


def test_removing_a_figure_that_is_not_stored_is_a_404_or_a_400(editor_client):
    assert editor_client.get(REMOVE % 2568, {"scope": "change", "part": "0"}).status_code == 404
    assert editor_client.get(REMOVE % 2568, {"scope": "nothing"}).status_code == 404
    response = editor_client.post(REMOVE % 2568, {"scope": "change", "part": "0"})
    assert response.status_code == 400
    assert "ไม่มีคะแนนที่เปลี่ยนจากปีก่อน ปี 2568 ของเทศบาลเมืองอ่างทอง บันทึกไว้ จึงไม่มีอะไรให้ลบ" in (
        response.content.decode())


def test_the_page_lists_what_is_stored_with_links_to_correct_or_remove_each(editor_client):
    html = editor_client.get(PAGE % 2568).content.decode()
    assert 'data-testid="score-figures"' in html
    assert "?scope=indicator&amp;code=4&amp;part=0&amp;value=95.05#figure-form" in html
    assert f"/app/orgs/{ANGTHONG}/scores/2568/remove/?scope=indicator&amp;code=4&amp;part=0" in html
    assert 'data-testid="score-scopes"' in html and "(ผ่าน) ระดับ AA" in html
    filled = editor_client.get(PAGE % 2568, {"scope": "indicator", "code": "4", "part": "0", "value": "95.05"})
    assert 'value="4"' in filled.content.decode() and "95.05</textarea>" in filled.content.decode()


def test_the_approver_the_other_bodys_editor_and_strangers_change_nothing(client, db):
    for username, status in ((APPROVER, 403), (OTHER_EDITOR, 404)):
        login(client, username)
        assert post(client, 2568, scope="indicator", code="4", value="10").status_code == status
        assert client.post(REMOVE % 2568, {"scope": "indicator", "code": "4", "part": "0"}).status_code == status
    assert indicator(4).score == Decimal("95.05") and edits() == []


def test_the_administrator_may_edit_any_body(client, db):
    body = make_body("test-score-edit")
    login(client, ADMIN)
    response = client.post(f"/app/orgs/{body.slug}/scores/2566/", {"scope": "overall", "part": "0", "value": "80"})
    assert response.status_code == 302
    assert assessment(2566, slug=body.slug).overall == Decimal("80.00")


def test_a_year_without_a_framework_has_no_page(editor_client):
    assert editor_client.get(PAGE % 2570).status_code == 404


def test_the_chooser_opens_the_latest_year_with_figures_or_the_year_asked(editor_client):
    response = editor_client.get("/app/scores/edit/", {"org": ANGTHONG})
    assert response["Location"] == PAGE % 2568
    assert editor_client.get("/app/scores/edit/", {"org": ANGTHONG, "fy": "2566"})["Location"] == PAGE % 2566
    assert editor_client.get("/app/scores/edit/", {"org": "abt-bo-kaeo"}).status_code == 404


def test_the_import_page_the_home_page_and_the_analysis_link_to_it(editor_client):
    assert 'data-testid="score-edit-start"' in editor_client.get("/app/scores/import/").content.decode()
    assert f"/app/scores/edit/?org={ANGTHONG}" in editor_client.get("/app/").content.decode()
    analysis = editor_client.get(f"/app/orgs/{ANGTHONG}/2569/plan/analysis/").content.decode()
    assert f"/app/orgs/{ANGTHONG}/scores/2568/" in analysis


def test_what_the_page_writes_reads_back_as_a_file_would(editor_client):
    post(editor_client, 2567, scope="indicator", code="2", value="๘๘,๕")
    body = make_body("test-score-edit-file")
    import_records([{"org": body.slug, "fiscal_year": "2567", "scope": "indicator", "code": "2", "value": "88.50"}])
    assert indicator(2, year=2567).score == IndicatorScore.objects.get(assessment__org=body).score == Decimal("88.50")
