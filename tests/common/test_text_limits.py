"""Text limits: every text field of a document has the limit a real document needs, said in
Thai with the limit and the current length, in the forms, the services and the database; the
text typed stays in the form. Text is normalised before it is saved."""

import pytest
from django.db import DataError, IntegrityError, transaction

from common.errors import Refusal
from measures import services
from measures.models import (
    ENTRY_LIMITS,
    MEASURE_LIMITS,
    PLAN_LIMITS,
    Measure,
    MeasurePlan,
    ProgressEntry,
)
from tests.factories import EDITOR, login, user

SLUG = "thesaban-mueang-ang-thong"
PLAN = f"/app/orgs/{SLUG}/2569"


@pytest.fixture
def plan(db):
    plan = MeasurePlan.objects.get(org__slug=SLUG, fiscal_year=2569)
    plan.status = "draft"
    plan.save(update_fields=["status"])
    plan.rounds.update(status="draft")
    return plan


def test_it_refuses_a_too_long_field_in_the_measure_form_and_keeps_the_text(client, plan):
    login(client, EDITOR)
    long_text = "ก" * (MEASURE_LIMITS["guideline"] + 1)
    before = Measure.objects.count()
    response = client.post(f"{PLAN}/measures/new/", {"title": "มาตรการ", "guideline": long_text, "steps": "ขั้น",
                                                     "new_units": "กองคลัง", "version": ""})
    html = response.content.decode()
    assert response.status_code == 400 and Measure.objects.count() == before
    assert "ข้อความยาว 2001 ตัวอักษร เกินกำหนด 2000 ตัวอักษร" in html
    assert long_text in html  # what was typed is still in the form
    assert ' maxlength="2000"' not in html and 'data-maxlength="2000"' in html


def test_it_refuses_a_too_long_progress_entry_and_keeps_the_text(client, plan):
    login(client, EDITOR)
    measure = plan.measures.order_by("order").first()
    long_text = "ผลการดำเนินงาน" * 300
    response = client.post(f"{PLAN}/rounds/6/measures/{measure.pk}/", {
        "state": "in_progress", "percent": "10", "done_text": long_text, "version": ""})
    assert response.status_code == 400
    assert f"ข้อความยาว {len(long_text)} ตัวอักษร เกินกำหนด 3000 ตัวอักษร" in response.content.decode()
    assert not ProgressEntry.objects.filter(round__plan=plan, measure=measure, done_text=long_text).exists()


def test_it_refuses_a_too_long_analysis_summary(client, plan):
    login(client, EDITOR)
    response = client.post(f"{PLAN}/plan/analysis/", {"analysis_summary": "ก" * 10_001, "recommendations": "",
                                                     "version": plan.version})
    assert response.status_code == 400 and "เกินกำหนด 10000 ตัวอักษร" in response.content.decode()
    plan.refresh_from_db()
    assert len(plan.analysis_summary) <= PLAN_LIMITS["analysis_summary"]


@pytest.mark.parametrize("field", sorted(MEASURE_LIMITS))
def test_the_measure_service_says_the_limit_and_the_length(plan, editor, field):
    measure = plan.measures.order_by("order").first()
    limit = MEASURE_LIMITS[field]
    with pytest.raises(Refusal) as raised:
        services.measure_save(plan=plan, actor=editor, measure=measure,
                              data={field: "ข" * (limit + 5)}, expected_version=measure.version)
    assert f"ยาว {limit + 5:,} ตัวอักษร เกินกำหนด {limit:,} ตัวอักษร" in raised.value.messages[0]
    measure.refresh_from_db()
    assert len(getattr(measure, field)) <= limit


@pytest.mark.parametrize("field", sorted(ENTRY_LIMITS))
def test_the_entry_service_says_the_limit_and_the_length(plan, editor, field):
    measure = plan.measures.order_by("order").first()
    limit = ENTRY_LIMITS[field]
    with pytest.raises(Refusal, match=f"เกินกำหนด {limit:,} ตัวอักษร"):
        services.entry_save(progress_round=plan.rounds.get(months=6), measure=measure, actor=editor,
                            data={field: "ค" * (limit + 1)})


def test_a_comment_over_the_limit_is_refused_not_cut(plan, supervisor):
    with pytest.raises(Refusal, match="เกินกำหนด 5,000 ตัวอักษร"):
        services.comment_add(plan=plan, actor=supervisor, text="ง" * 5001)
    assert not plan.comments.filter(text__startswith="งงงง").exists()


def test_a_return_reason_over_the_limit_is_refused(plan, editor, approver):
    services.document_transition(plan=plan, actor=editor, action="submit")
    with pytest.raises(Refusal, match="เกินกำหนด 2,000 ตัวอักษร"):
        services.document_transition(plan=plan, actor=approver, action="return", comment="จ" * 2001)


@pytest.mark.parametrize("model, field, limit", [
    (Measure, "guideline", MEASURE_LIMITS["guideline"]), (Measure, "title", MEASURE_LIMITS["title"]),
    (ProgressEntry, "done_text", ENTRY_LIMITS["done_text"]),
    (MeasurePlan, "analysis_summary", PLAN_LIMITS["analysis_summary"]),
])
def test_the_database_refuses_text_over_the_limit(plan, model, field, limit):
    measure = plan.measures.order_by("order").first()
    entry = services.entry_save(progress_round=plan.rounds.get(months=6), measure=measure,
                                actor=user(EDITOR), data={"state": "in_progress"})
    pk = {Measure: measure.pk, ProgressEntry: entry.pk, MeasurePlan: plan.pk}[model]
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():  # PostgreSQL's varchar: DataError
        model.objects.filter(pk=pk).update(**{field: "x" * (limit + 1)})
    model.objects.filter(pk=pk).update(**{field: "x" * limit})


def test_text_is_normalised_before_it_is_saved(plan):
    measure = services.measure_save(plan=plan, actor=user(EDITOR), data={
        "title": "\u202eดําเนินการ\u202c\u200dตาม\u200bแผน\ufeff", "steps": "ขั้นที่\r\nหนึ่ง", "new_units": ["กองคลัง"],
        "monitoring_rounds": [6]})
    measure.refresh_from_db()
    assert measure.title == "ดำเนินการตาม\u200bแผน"  # ํา -> ำ, bidi/joiners/BOM gone, the Thai word break kept
    assert measure.steps == "ขั้นที่\nหนึ่ง"
