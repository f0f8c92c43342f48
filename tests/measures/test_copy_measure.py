"""Copy into my plan: an editor copies a published measure of the library into their own draft plan
(measures.services.measure_copy_from_library, the page /app/library/<pk>/copy/)."""

import pytest

from assessments.models import AuditEvent
from common.errors import Refusal
from library import index as library
from library.models import LibraryEntry
from measures import services as measure_services
from measures.models import Measure, MeasurePlan
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, login, user

SEED_TITLE = "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง"  # อบต.ดงขวาง FY 2568, published in the demo


@pytest.fixture
def entry(db):
    return LibraryEntry.objects.get(title=SEED_TITLE)


@pytest.fixture
def plan(db):
    return MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)  # a draft in the demo


def copy_url(entry):
    return f"/app/library/{entry.pk}/copy/"


def test_an_editor_copies_a_measure_into_their_draft_plan_and_the_source_is_credited(client, entry, plan):
    login(client, EDITOR)
    page = client.get(copy_url(entry)).content.decode()
    assert SEED_TITLE in page and "เทศบาลเมืองอ่างทอง ปีงบประมาณ 2569" in page
    before = plan.measures.count()
    response = client.post(copy_url(entry), {"plan": plan.pk, "indicator": "10"})
    assert response.status_code == 302
    copy = plan.measures.order_by("-order").first()
    assert plan.measures.count() == before + 1
    assert response["Location"] == f"/app/orgs/{ANGTHONG}/2569/measures/{copy.pk}/"
    assert copy.title == SEED_TITLE and copy.step_list == entry.content["steps"] and copy.step_list
    assert copy.period_text == entry.content["period_text"]
    assert copy.monitoring_rounds == entry.content["monitoring_rounds"]
    assert [i.number for i in copy.indicators.all()] == [10]
    assert copy.source_org_name == "องค์การบริหารส่วนตำบลดงขวาง" and copy.source_fiscal_year == 2568
    assert copy.source_url.endswith(f"/orgs/abt-dong-khwang/2568/measures/v{entry.document.version}.pdf")
    event = AuditEvent.objects.filter(detail__measure=copy.pk).get()
    assert event.detail["copied_from"]["org"] == "องค์การบริหารส่วนตำบลดงขวาง"
    history = client.get(f"/app/orgs/{ANGTHONG}/2569/measures/{copy.pk}/history/").content.decode()
    assert "คัดลอกมาจากมาตรการที่เผยแพร่แล้วขององค์การบริหารส่วนตำบลดงขวาง ปีงบประมาณ พ.ศ. 2568" in history


def test_the_copy_is_only_in_the_editors_own_plans(client, entry, plan):
    login(client, OTHER_EDITOR)  # อบต.บ่อแก้ว: its only plan is published, so no draft to copy into
    page = client.get(copy_url(entry)).content.decode()
    assert "ยังไม่มีแผนมาตรการฉบับร่าง" in page and "เทศบาลเมืองอ่างทอง" not in page
    before = plan.measures.count()
    response = client.post(copy_url(entry), {"plan": plan.pk, "indicator": ""})
    assert response.status_code == 400
    assert plan.measures.count() == before


def test_the_service_refuses_someone_elses_plan(entry, plan):
    with pytest.raises(Refusal):
        measure_services.measure_copy_from_library(plan=plan, indicator=None, actor=user(OTHER_EDITOR),
                                                   source=library.copy_source(entry, "/x.pdf"))
    assert not Measure.objects.filter(plan=plan, title=SEED_TITLE).exists()


def test_a_plan_under_review_takes_no_copy(entry, plan):
    measure_services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    with pytest.raises(Refusal, match="แก้ไขไม่ได้"):
        measure_services.measure_copy_from_library(plan=plan, indicator=None, actor=user(EDITOR),
                                                   source=library.copy_source(entry, "/x.pdf"))
    assert not Measure.objects.filter(plan=plan, title=SEED_TITLE).exists()


def test_a_plan_whose_report_is_in_review_takes_no_copy(client, entry, db):
    from tests.factories import build_plan

    other = build_plan(MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).org, 2570, measures=1)
    progress_round = other.rounds.get(months=6)
    measure = other.measures.first()
    measure_services.entry_save(progress_round=progress_round, measure=measure, actor=user(EDITOR),
                                data={"state": "in_progress", "percent": 10, "done_text": "เริ่มแล้ว"})
    measure_services.document_transition(plan=other, progress_round=progress_round, actor=user(EDITOR),
                                         action="submit")
    login(client, EDITOR)
    response = client.post(copy_url(entry), {"plan": other.pk, "indicator": ""})
    assert response.status_code == 400
    assert "รายงานผลรอบ 6 เดือน" in response.content.decode()
    assert other.measures.count() == 1


def test_an_indicator_the_plans_framework_lacks_is_refused(client, entry, plan):
    login(client, EDITOR)
    response = client.post(copy_url(entry), {"plan": plan.pk, "indicator": "42"})
    assert response.status_code == 400
    assert not Measure.objects.filter(plan=plan, title=SEED_TITLE).exists()


def test_people_who_are_not_editors_cannot_copy(client, entry):
    login(client, APPROVER)
    assert client.get(copy_url(entry)).status_code == 403
    client.logout()
    assert client.get(copy_url(entry))["Location"].startswith("/accounts/login/")


def test_it_makes_one_copy_when_the_same_copy_form_is_sent_twice(client, entry, plan):
    login(client, EDITOR)
    token = client.get(copy_url(entry)).context["form"]["create_token"].value()
    before = plan.measures.count()
    first = client.post(copy_url(entry), {"plan": plan.pk, "indicator": "10", "create_token": token})
    second = client.post(copy_url(entry), {"plan": plan.pk, "indicator": "10", "create_token": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert plan.measures.count() == before + 1
    assert client.get(copy_url(entry)).context["form"]["create_token"].value() != token  # a new form, a new token
