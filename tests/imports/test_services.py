"""imports/services.py: all or nothing, through measure_save and entry_save (limits, normalising,
locks, history and audit as typing), into an open plan or round only."""

import datetime

import pytest

from assessments.models import AuditEvent
from common.errors import Refusal
from imports import services
from imports.mapping import Record
from measures import services as measure_services
from measures.models import Measure, MeasurePlan, ProgressEntry
from tests.factories import build_plan


def record(number, title, *, steps="", units=(), indicators=(), entry=None, **measure):
    return Record(number=number, measure={"title": title, "steps": steps, **measure}, entry=entry or {},
                  units=list(units), indicators=list(indicators))


@pytest.fixture
def plan(angthong):
    return MeasurePlan.objects.get(org=angthong, fiscal_year=2569)


def test_it_adds_each_row_as_a_measure_through_the_measures_service(plan, editor):
    before = plan.measures.count()
    done = services.import_records(plan=plan, actor=editor, filename="มาตรการ.docx", records=[
        record(2, "มาตรการ\u202eนำเข้า ก", steps="จัดทำ\nเผยแพร่", units=["กองคลัง", "งานใหม่จากไฟล์"], indicators=[3]),
        record(3, "มาตรการนำเข้า ข", monitoring_rounds=[6, 12])])
    assert (done.created, done.entries) == (2, 0)
    first, second = plan.measures.order_by("-order")[1], plan.measures.order_by("-order")[0]
    assert plan.measures.count() == before + 2
    assert first.title == "มาตรการนำเข้า ก"  # normalised as typing is (the bidi override removed)
    assert first.step_list == ["จัดทำ", "เผยแพร่"]
    assert sorted(u.name for u in first.responsible_units.all()) == ["กองคลัง", "งานใหม่จากไฟล์"]
    assert [i.number for i in first.indicators.all()] == [3]
    assert second.monitoring_rounds == [6, 12]
    assert first.history.first().history_user == editor
    event = AuditEvent.objects.filter(action="plan.import").latest("pk")
    assert event.actor == editor and "มาตรการ.docx" in event.summary and event.detail["created"] == 2
    assert AuditEvent.objects.filter(action="measure.create", detail__measure=first.pk).exists()


def test_one_refused_row_refuses_the_whole_import_naming_every_row(plan, editor):
    before = Measure.objects.count()
    with pytest.raises(services.ImportRefused) as refused:
        services.import_records(plan=plan, actor=editor, records=[
            record(2, "ดี"), record(3, "ก" * 501), record(4, "ช่วงเวลาผิด", period_start=datetime.date(2030, 1, 1)),
            record(5, "")])
    messages = refused.value.messages
    assert messages[0].startswith("แถวที่ 3: ") and "500" in messages[0]
    assert messages[1].startswith("แถวที่ 4: ")
    assert Measure.objects.count() == before
    assert not AuditEvent.objects.filter(action="plan.import").exists()


def test_a_plan_in_review_takes_no_import(plan, editor):
    plan.status = "submitted"
    plan.save(update_fields=["status"])
    with pytest.raises(Refusal):
        services.import_records(plan=plan, actor=editor, records=[record(2, "ก")])
    assert not plan.measures.filter(title="ก").exists()


def test_a_round_import_writes_the_results_of_the_measures_it_finds_by_title_and_adds_the_others(plan, editor):
    existing = plan.measures.order_by("order").first()
    progress_round = plan.rounds.get(months=6)
    title = " ".join(existing.title.split()) + " "  # spaces aside, the same title
    done = services.import_records(plan=plan, actor=editor, progress_round=progress_round, records=[
        record(2, title, entry={"output": "คู่มือ ๑ ฉบับ", "outcome": "บริการเร็วขึ้น", "state": "in_progress"}),
        record(3, "มาตรการที่แผนยังไม่มี", steps="ทำ", entry={"done_text": "ทำแล้ว", "state": "done", "percent": 100})])
    assert (done.created, done.entries, done.matched) == (1, 2, 1)
    entry = ProgressEntry.objects.get(round=progress_round, measure=existing)
    assert (entry.output, entry.outcome, entry.state) == ("คู่มือ ๑ ฉบับ", "บริการเร็วขึ้น", "in_progress")
    added = plan.measures.get(title="มาตรการที่แผนยังไม่มี")
    assert ProgressEntry.objects.get(round=progress_round, measure=added).percent == 100


def test_a_round_import_refuses_the_same_measure_twice(plan, editor):
    progress_round = plan.rounds.get(months=6)
    with pytest.raises(services.ImportRefused, match="ซ้ำกับแถวที่ 2"):
        services.import_records(plan=plan, actor=editor, progress_round=progress_round, records=[
            record(2, "ใหม่", entry={"output": "ก"}), record(3, "ใหม่", entry={"output": "ข"})])
    assert not plan.measures.filter(title="ใหม่").exists()


def test_a_round_import_cannot_add_measures_while_another_round_is_in_review(angthong, editor):
    plan = build_plan(angthong, 2570, measures=1)
    twelve = plan.rounds.get(months=12)
    twelve.status = "submitted"
    twelve.save(update_fields=["status"])
    with pytest.raises(services.ImportRefused, match="ไม่พบมาตรการ “ไม่มีในแผน”"):
        services.import_records(plan=plan, actor=editor, progress_round=plan.rounds.get(months=6),
                                records=[record(2, "ไม่มีในแผน", entry={"output": "ก"})])


def test_the_source_address_is_kept_for_a_plan_recorded_after_the_fact(angthong, editor):
    plan = measure_services.plan_create(org=angthong, fiscal_year=2566, actor=editor, recorded_after=True,
                                        reason="นำเข้าจากเอกสารเดิม")
    services.import_records(plan=plan, actor=editor, records=[record(2, "ก")],
                            source_url="https://www.angthong.go.th/ita/2566.pdf")
    plan.refresh_from_db()
    assert plan.source_url == "https://www.angthong.go.th/ita/2566.pdf"
