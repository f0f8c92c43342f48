"""The plan page, the measure form and the analysis page."""

import pytest

from assessments.models import Organization
from measures import services
from measures.models import Measure, MeasurePlan
from tests.factories import ANGTHONG, APPROVER, DONGKHWANG_EDITOR, EDITOR, build_plan, login, user
from tests.queries import cold_page_queries


@pytest.fixture
def org(db):
    return Organization.objects.get(slug=ANGTHONG)




def test_the_plan_page_lists_measures_with_indicator_steps_units_and_rounds(client, org):
    login(client, EDITOR)
    html = client.get(f"/app/orgs/{ANGTHONG}/2569/plan/").content.decode()
    assert "มาตรการกำกับดูแลตามมาตรฐานการปฏิบัติงาน" in html
    assert "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่" in html
    assert "งานวิเคราะห์นโยบายและแผน" in html
    assert "รอบ 6 เดือน" in html and "รอบ 12 เดือน" in html
    assert "<p>" not in html.split("<main", 1)[1].replace("<p>ยัง", "")  # seed HTML was cleaned


def test_the_plan_page_warns_when_an_indicator_below_85_has_no_measure(client, db):
    body = Organization.objects.get(slug="abt-dong-khwang")
    build_plan(body, 2569, measures=1, editor=DONGKHWANG_EDITOR)
    login(client, DONGKHWANG_EDITOR)
    html = client.get("/app/orgs/abt-dong-khwang/2569/plan/").content.decode()
    assert "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล ได้ 41.50 คะแนน (ต่ำกว่าเกณฑ์) แต่ยังไม่มีมาตรการ" in html
    assert "ตัวชี้วัดที่ 4" in html  # 75.33


def test_the_plan_page_runs_the_same_queries_with_5_or_50_measures(client, org):
    login(client, EDITOR)
    plan = build_plan(org, 2570, measures=5)
    url = f"/app/orgs/{ANGTHONG}/2570/plan/"
    five = cold_page_queries(client, url)
    for n in range(45):
        services.measure_save(plan=plan, actor=user(EDITOR), data={
            "title": f"เพิ่ม {n}", "steps": "ก", "new_units": ["กองช่าง"], "responsible_units": []})
    assert plan.measures.count() == 50
    assert cold_page_queries(client, url) == five


def test_an_editor_adds_a_measure_through_the_form(client, org):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    units = list(org.units.values_list("pk", flat=True)[:2])
    indicator = plan.based_on.framework.indicators.get(number=8)
    response = client.post(f"/app/orgs/{ANGTHONG}/2569/measures/new/", {
        "title": "  โครงการ  เปิดใจรับฟัง ", "indicators": [indicator.pk], "steps": "ประชุม\nสรุปผล",
        "period_start": "2025-10-01", "period_end": "2026-09-30", "period_text": "ตลอดปีงบประมาณ พ.ศ. ๒๕๖๙",
        "responsible_units": units, "new_units": "กองยุทธศาสตร์", "monitoring_rounds": ["6", "12"],
        "budget": "15000", "version": "",
    })
    assert response.status_code == 302
    measure = plan.measures.get(title="โครงการ เปิดใจรับฟัง")
    assert measure.step_list == ["ประชุม", "สรุปผล"]
    assert measure.monitoring_rounds == [6, 12]
    assert {u.name for u in measure.responsible_units.all()} >= {"กองยุทธศาสตร์"}
    assert measure.responsible_units.count() == 3
    assert list(measure.indicators.values_list("number", flat=True)) == [8]


def test_a_validation_error_keeps_everything_the_user_typed(client, org):
    login(client, EDITOR)
    long_text = "ผลการวิเคราะห์ที่พิมพ์มายาวมาก " * 50
    response = client.post(f"/app/orgs/{ANGTHONG}/2569/measures/new/", {
        "title": "โครงการทดสอบ", "analysis": long_text, "period_start": "2026-09-30", "period_end": "2025-10-01",
        "steps": "หนึ่ง\nสอง",
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม" in html
    assert long_text.strip() in html and "หนึ่ง\nสอง" in html


def test_two_people_editing_the_same_measure_the_second_save_is_refused(client, org):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    url = f"/app/orgs/{ANGTHONG}/2569/measures/{measure.pk}/"
    base = {"steps": "ก", "responsible_units": [u.pk for u in measure.responsible_units.all()],
            "version": measure.version}
    assert client.post(url, {**base, "title": "คนแรก"}).status_code == 302
    response = client.post(url, {**base, "title": "คนที่สองพิมพ์ไว้"})
    assert response.status_code == 409
    assert "มีผู้อื่นแก้ไขรายการนี้ไปแล้ว" in response.content.decode()
    assert "คนที่สองพิมพ์ไว้" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).title == "คนแรก"


def test_delete_asks_for_confirmation_first(client, org):
    login(client, EDITOR)
    measure = MeasurePlan.objects.get(org=org, fiscal_year=2569).measures.first()
    url = f"/app/orgs/{ANGTHONG}/2569/measures/{measure.pk}/delete/"
    assert "ยืนยันการลบมาตรการ" in client.get(url).content.decode()
    assert Measure.objects.filter(pk=measure.pk).exists()
    client.post(url)
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_a_submitted_plan_cannot_be_edited_through_the_form(client, org):
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    login(client, EDITOR)
    measure = plan.measures.first()
    response = client.post(f"/app/orgs/{ANGTHONG}/2570/measures/{measure.pk}/", {"title": "x", "version": 1})
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).title == "มาตรการทดสอบที่ 1"


def test_the_analysis_page_suggests_points_from_the_scores_and_saves_the_editors_words(client, org):
    login(client, EDITOR)
    url = f"/app/orgs/{ANGTHONG}/2569/plan/analysis/"
    html = client.get(url).content.decode()
    assert "ตัวชี้วัดที่ 8 การปรับปรุงการทำงาน ได้ 88.06 คะแนน (ต่ำสุด)" in html
    assert "ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ: 95.05 / 94.19" in html
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    response = client.post(url, {"analysis_summary": "สรุปของเรา", "recommendations": "ข้อเสนอ",
                                 "note_EIT": "EIT ต้องเร่ง", "note_8": "ตัวชี้วัด 8 ต่ำสุด", "version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.analysis_summary == "สรุปของเรา"
    assert {n.key: n.text for n in plan.notes.all()}["8"] == "ตัวชี้วัด 8 ต่ำสุด"


def test_measure_history_shows_who_changed_what(client, org):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    measure = plan.measures.order_by("order").first()
    services.measure_save(plan=plan, actor=user(EDITOR), data={"title": "ชื่อที่แก้แล้ว"}, measure=measure,
                          expected_version=measure.version)
    html = client.get(f"/app/orgs/{ANGTHONG}/2569/measures/{measure.pk}/history/").content.decode()
    assert "ชื่อที่แก้แล้ว" in html and "มาตรการกำกับดูแลตามมาตรฐานการปฏิบัติงาน" in html
    assert "เจ้าหน้าที่เทศบาลเมืองอ่างทอง" in html


def test_the_analysis_page_never_says_no_indicator_is_low_when_there_are_no_indicator_scores(client, db):
    from measures import services as measure_services
    from tests.factories import import_records, make_body

    body = make_body("test-overall-only")
    import_records([{"org": body.slug, "fiscal_year": "2568", "scope": "overall", "value": "88.00"}])
    from assessments.models import Membership

    Membership.objects.create(user=user(EDITOR), org=body, role="editor")
    measure_services.plan_create(org=body, fiscal_year=2569, actor=user(EDITOR))
    login(client, EDITOR)
    html = client.get(f"/app/orgs/{body.slug}/2569/plan/analysis/").content.decode()
    assert "ผลการประเมินไม่มีคะแนนรายตัวชี้วัด" in html and "ไม่มีตัวชี้วัดต่ำกว่าเกณฑ์" not in html


def test_the_staff_page_of_a_published_plan_shows_its_public_address_item_version_and_copy_button(client, db):
    """No dead end after publishing: the approver finds what ITAS needs without leaving the staff area."""
    login(client, DONGKHWANG_EDITOR)
    html = client.get("/app/orgs/abt-dong-khwang/2568/plan/").content.decode()
    published = html.split('id="published"')[1].split("</section>")[0]
    address = "http://testserver/orgs/abt-dong-khwang/2568/measures.pdf"
    assert f'data-testid="public-address">ที่อยู่สาธารณะ: <a href="/orgs/abt-dong-khwang/2568/measures.pdf">{address}' \
        in published
    assert f'data-copy="{address}"' in published
    assert "ใช้ประกอบการประเมิน ITA ปี 2568 ข้อ o27" in published and "ฉบับที่ 1" in published  # staff pages: Arabic digits
    round_page = client.get("/app/orgs/abt-dong-khwang/2568/rounds/12/").content.decode()
    assert "/orgs/abt-dong-khwang/2568/results-12m.pdf" in round_page.split('id="published"')[1]


def test_publishing_lands_on_the_published_box_and_an_approved_preview_is_not_named_a_draft(client, org):
    plan = build_plan(org, 2570, measures=1)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    services.document_transition(plan=plan, actor=user("angthong_approver"), action="approve")
    login(client, "angthong_approver")
    preview = client.get(f"/app/orgs/{ANGTHONG}/2570/reports/measures.pdf")
    assert preview["Content-Disposition"] == 'inline; filename="measures-2570-approved.pdf"'
    response = client.post(f"/app/orgs/{ANGTHONG}/2570/plan/transition/", {"action": "publish"})
    assert response.status_code == 302 and response["Location"].endswith("/plan/#published")
    html = client.get(f"/app/orgs/{ANGTHONG}/2570/plan/").content.decode()
    assert "เผยแพร่เรียบร้อยแล้ว" in html and 'id="published"' in html


# ---------------------------------------------------------------- bad input and refusals (issue 21)


@pytest.mark.parametrize("field", ["indicators", "responsible_units"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999"])
def test_it_answers_400_with_a_thai_message_to_an_id_no_database_holds(client, org, field, value):
    """SQLite could not even compare such a number (OverflowError, a 500); PostgreSQL said 400."""
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    before = plan.measures.count()
    response = client.post(f"/app/orgs/{ANGTHONG}/2569/measures/new/", {
        "title": "โครงการทดสอบ", "steps": "หนึ่ง", field: [value], "version": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"ไม่มีตัวเลือก {value} ในรายการ กรุณาเลือกจากรายการอีกครั้ง" in html
    assert plan.measures.count() == before


def test_it_answers_409_with_the_thai_message_to_an_analysis_post_on_an_approved_plan(client, org):
    plan = build_plan(org, 2570, measures=1)
    for action, who in (("submit", EDITOR), ("approve", APPROVER)):
        services.document_transition(plan=plan, actor=user(who), action=action)
    login(client, EDITOR)
    response = client.post(f"/app/orgs/{ANGTHONG}/2570/plan/analysis/", {
        "analysis_summary": "สรุปที่พิมพ์หลังเห็นชอบ", "recommendations": "", "version": plan.version + 2})
    html = response.content.decode()
    assert response.status_code == 409
    assert "เอกสารนี้อยู่ระหว่างการพิจารณาหรือได้รับความเห็นชอบแล้ว จึงแก้ไขไม่ได้" in html
    plan.refresh_from_db()
    assert plan.analysis_summary != "สรุปที่พิมพ์หลังเห็นชอบ"


def test_it_answers_400_to_an_analysis_form_it_cannot_take(client, org):
    login(client, EDITOR)
    response = client.post(f"/app/orgs/{ANGTHONG}/2569/plan/analysis/", {
        "analysis_summary": "ก" * 10_001, "recommendations": "", "version": "1"})
    assert response.status_code == 400


def test_it_copies_last_years_measures_once_when_the_same_button_is_sent_twice(client, org):
    plan = build_plan(org, 2570, measures=0)
    login(client, EDITOR)
    page = client.get(f"/app/orgs/{ANGTHONG}/2570/plan/").content.decode()
    assert f'name="version" value="{plan.version}"' in page
    previous = MeasurePlan.objects.get(org=org, fiscal_year=2569).measures.count()
    for _twice in range(2):
        response = client.post(f"/app/orgs/{ANGTHONG}/2570/plan/duplicate/", {"version": plan.version})
        assert response.status_code == 302
    assert plan.measures.count() == previous
    follow = client.get(response["Location"]).content.decode()
    assert "คัดลอกมาตรการจากปีที่แล้วไปแล้ว" in follow


def test_it_builds_a_measure_card_once_and_again_only_when_what_it_shows_changes(client, org):
    """The plan page is built after every write of the body; its measure cards are kept by their
    content (measures/cards.py), so a card is rendered again only when the measure changed."""
    from django.test.signals import template_rendered

    login(client, EDITOR)
    plan = build_plan(org, 2570, measures=3)
    url = f"/app/orgs/{ANGTHONG}/2570/plan/"
    rendered = []

    def count(sender, template, **kwargs):
        if template.name == "measures/_measure_card.html":
            rendered.append(1)

    template_rendered.connect(count)
    try:
        first = client.get(url).content.decode()
        assert len(rendered) == 3
        rendered.clear()
        again = client.get(url).content.decode()
        assert rendered == [] and again.count('class="card measure-card') == 3
        measure = plan.measures.order_by("order").first()
        services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, expected_version=measure.version,
                              data={"title": "ชื่อมาตรการที่แก้แล้ว", "steps": "ก", "responsible_units": []})
        changed = client.get(url).content.decode()
        assert len(rendered) == 1 and "ชื่อมาตรการที่แก้แล้ว" in changed
    finally:
        template_rendered.disconnect(count)
    assert "\x00" not in first + again + changed  # the placeholder a card is kept with


def test_a_kept_measure_card_carries_this_requests_csrf_token(org):
    from django.test import Client
    from django.urls import reverse

    plan = build_plan(org, 2570, measures=2)
    strict = Client(enforce_csrf_checks=True)
    login(strict, EDITOR)
    url = f"/app/orgs/{ANGTHONG}/2570/plan/"
    strict.get(url)  # the cards are kept now
    html = strict.get(url).content.decode()
    measure = plan.measures.order_by("order").first()
    card = html.split(f'id="measure-{measure.pk}"', 1)[1]
    token = card.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    moved = strict.post(reverse("measure-move", args=[ANGTHONG, 2570, measure.pk]),
                        {"direction": "down", "csrfmiddlewaretoken": token})
    assert moved.status_code == 302
    assert list(plan.measures.order_by("order").values_list("pk", flat=True))[1] == measure.pk
