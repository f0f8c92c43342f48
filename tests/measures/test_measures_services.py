"""The measures services: plans, measures, progress, evidence and the review workflow."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import AuditEvent, Organization
from common.errors import Refusal
from measures import services
from measures.models import Evidence, Measure, MeasurePlan, ProgressEntry, Status, Transition
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, make_body, user

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def org(db):
    return Organization.objects.get(slug=ANGTHONG)


@pytest.fixture
def plan(org):
    return build_plan(org, 2570, measures=3)


def test_a_new_plan_is_based_on_last_years_result_with_6_and_12_month_rounds(org):
    plan = build_plan(org, 2569 + 1, measures=0)
    assert plan.based_on is None  # no 2569 result on record
    rounds = {r.months: r.due_date for r in plan.rounds.all()}
    assert rounds == {6: datetime.date(2027, 4, 30), 12: datetime.date(2027, 10, 31)}
    assert MeasurePlan.objects.get(org=org, fiscal_year=2569).based_on.framework.fiscal_year == 2568


def test_one_plan_per_body_and_year(org, plan, editor):
    with pytest.raises(Refusal, match="มีแผนของปีงบประมาณนี้อยู่แล้ว"):
        services.plan_create(org=org, fiscal_year=2570, actor=editor)


def test_saving_a_measure_keeps_steps_one_per_line_and_audits(plan, editor):
    measure = services.measure_save(plan=plan, actor=editor, data={
        "title": "มาตรการใหม่", "steps": "  ขั้นแรก \n\n ขั้นสอง\n", "responsible_units": []})
    assert measure.step_list == ["ขั้นแรก", "ขั้นสอง"]
    assert measure.order == 4
    assert AuditEvent.objects.filter(action="measure.create", detail__measure=measure.pk).exists()


def test_a_second_save_from_a_stale_form_is_refused(plan, editor):
    measure = plan.measures.first()
    services.measure_save(plan=plan, actor=editor, data={"title": "ฉบับของคนแรก"}, measure=measure,
                          expected_version=1)
    with pytest.raises(services.ConcurrentEdit, match="มีผู้อื่นแก้ไขรายการนี้ไปแล้ว"):
        services.measure_save(plan=plan, actor=editor, data={"title": "ฉบับของคนที่สอง"}, measure=measure,
                              expected_version=1)
    assert Measure.objects.get(pk=measure.pk).title == "ฉบับของคนแรก"


def test_move_and_delete_renumber_and_record(plan, editor):
    first, second, third = plan.measures.order_by("order")
    services.measure_move(measure=third, actor=editor, direction="up")
    assert list(plan.measures.order_by("order").values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    second_pk = second.pk
    services.measure_delete(measure=second, actor=editor)
    assert plan.measures.count() == 2
    assert Measure.history.filter(id=second_pk, history_type="-", history_user=editor).exists()


def test_duplicate_copies_last_years_measures_one_year_on(org, editor):
    old = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    new = services.plan_create(org=org, fiscal_year=2570, actor=editor)
    copied = services.plan_duplicate_previous(plan=new, actor=editor)
    assert copied == old.measures.count() == 10
    first_old = old.measures.order_by("order").first()
    first_new = new.measures.order_by("order").first()
    assert first_new.title == first_old.title
    assert set(first_new.responsible_units.all()) == set(first_old.responsible_units.all())
    if first_old.period_start:
        assert first_new.period_start == first_old.period_start.replace(year=first_old.period_start.year + 1)


def test_submit_is_blocked_by_a_measure_without_responsible_unit_or_steps(org, editor):
    plan = build_plan(org, 2570, measures=1, units=())
    with pytest.raises(Refusal) as info:
        services.document_transition(plan=plan, actor=editor, action="submit")
    assert "ยังไม่ได้ระบุผู้รับผิดชอบ" in " ".join(info.value.messages)
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_the_full_review_cycle_records_who_when_and_why(plan, editor, approver):
    services.document_transition(plan=plan, actor=editor, action="submit")
    with pytest.raises(Refusal, match="กรุณาระบุเหตุผล"):
        services.document_transition(plan=plan, actor=approver, action="return")
    services.document_transition(plan=plan, actor=approver, action="return", comment="เพิ่มงบประมาณ")
    services.document_transition(plan=plan, actor=editor, action="submit")
    approval = services.document_transition(plan=plan, actor=approver, action="approve")
    steps = list(Transition.objects.filter(plan=plan, round=None).values_list("action", "actor__username", "comment"))
    assert steps == [("submit", EDITOR, ""), ("return", APPROVER, "เพิ่มงบประมาณ"),
                     ("submit", EDITOR, ""), ("approve", APPROVER, "")]
    assert [m["title"] for m in approval.snapshot["measures"]] == [f"มาตรการทดสอบที่ {n}" for n in (1, 2, 3)]
    assert MeasurePlan.objects.get(pk=plan.pk).status == Status.APPROVED


def test_editing_is_locked_while_submitted_or_approved(plan, editor):
    services.document_transition(plan=plan, actor=editor, action="submit")
    with pytest.raises(Refusal, match="แก้ไขไม่ได้"):
        services.measure_save(plan=plan, actor=editor, data={"title": "x"})


def test_nobody_approves_what_they_submitted(org, plan):
    both = user(APPROVER)
    from assessments.models import Membership

    Membership.objects.create(user=both, org=org, role=Membership.Role.EDITOR)
    services.document_transition(plan=plan, actor=both, action="submit")
    with pytest.raises(Refusal, match="ไม่สามารถพิจารณาเอกสารที่ตนเองส่งได้"):
        services.document_transition(plan=plan, actor=both, action="approve")


def test_an_editor_cannot_approve_and_a_stranger_cannot_submit(plan, editor, other_editor):
    with pytest.raises(Refusal, match="ไม่มีสิทธิ์"):
        services.document_transition(plan=plan, actor=other_editor, action="submit")
    services.document_transition(plan=plan, actor=editor, action="submit")
    with pytest.raises(Refusal, match="ไม่มีสิทธิ์"):
        services.document_transition(plan=plan, actor=editor, action="approve")


def test_a_12_month_entry_marked_done_needs_output_and_outcome(plan, editor):
    round12 = plan.rounds.get(months=12)
    for measure in plan.measures.all():
        services.entry_save(progress_round=round12, measure=measure, actor=editor, data={"state": "done"})
    with pytest.raises(Refusal, match="ยังไม่ได้ระบุผลผลิตและผลลัพธ์"):
        services.document_transition(plan=plan, progress_round=round12, actor=editor, action="submit")
    for measure in plan.measures.all():
        entry = round12.entries.get(measure=measure)
        services.entry_save(progress_round=round12, measure=measure, actor=editor, expected_version=entry.version,
                            data={"output": "ประชุม 1 ครั้ง", "outcome": "บุคลากรเข้าใจ"})
    services.document_transition(plan=plan, progress_round=round12, actor=editor, action="submit")
    assert round12.entries.first().percent == 100


def test_a_round_past_due_is_a_warning_not_a_block(plan):
    round6 = plan.rounds.get(months=6)
    late = services.findings_for(plan, round6, today=round6.due_date + datetime.timedelta(days=3))
    assert any("เลยกำหนดส่ง" in f.message and "3 วัน" in f.message and not f.blocks for f in late)


def test_evidence_is_checked_by_content_and_size_and_stored_under_a_random_name(plan, editor):
    round6, measure = plan.rounds.get(months=6), plan.measures.first()
    evidence = services.evidence_add(progress_round=round6, measure=measure, actor=editor,
                                     upload=SimpleUploadedFile("../../รายงาน ผล.png", PNG))
    assert evidence.original_name == "รายงาน ผล.png"
    assert evidence.content_type == "image/png"
    assert "รายงาน" not in evidence.file.name and evidence.file.name.startswith("evidence/")
    assert len(evidence.token) == 32
    with pytest.raises(Refusal, match="PDF, JPEG หรือ PNG"):
        services.evidence_add(progress_round=round6, measure=measure, actor=editor,
                              upload=SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"))
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(Refusal, match="เกิน 10 MB"):
        services.evidence_add(progress_round=round6, measure=measure, actor=editor, upload=big)
    assert Evidence.objects.filter(entry__round=round6).count() == 1


def test_changes_to_measures_and_entries_are_kept_with_who_made_them(plan, editor):
    measure = plan.measures.first()
    services.measure_save(plan=plan, actor=editor, data={"title": "ชื่อใหม่"}, measure=measure, expected_version=1)
    record = measure.history.filter(history_type="~", title="ชื่อใหม่").first()
    assert record.history_user == editor
    entry = services.entry_save(progress_round=plan.rounds.get(months=6), measure=measure, actor=editor,
                                data={"state": "in_progress", "percent": 40})
    assert ProgressEntry.history.filter(id=entry.id, history_user=editor, percent=40).exists()


def test_a_plan_for_a_body_without_results_still_works(admin_user):
    body = make_body("test-no-results")
    plan = services.plan_create(org=body, fiscal_year=2570, actor=admin_user)
    assert plan.based_on is None
    assert services.findings_for(plan)[0].message == "ยังไม่มีมาตรการในแผน"


def test_it_refuses_a_plan_for_a_year_without_a_framework(editor):
    from assessments.models import Organization
    from measures import services as measure_services

    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    with pytest.raises(Refusal, match="ปีงบประมาณ 2500"):
        measure_services.plan_create(org=org, fiscal_year=2500, actor=editor)


# ---------------------------------------------------------------- dates of a plan (issue 21)


def test_it_copies_last_years_measure_that_ends_on_9999_12_31_without_that_date(org, editor):
    """Such a date was accepted before the check: its copy one year on does not exist (a 500)."""
    previous = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    source = previous.measures.order_by("order").first()
    Measure.objects.filter(pk=source.pk).update(period_start=datetime.date(2024, 10, 1),
                                                period_end=datetime.date(9999, 12, 31))
    plan = build_plan(org, 2570, measures=0)
    copied = services.plan_duplicate_previous(plan=plan, actor=editor)
    assert copied == previous.measures.count()
    copy = plan.measures.get(title=source.title)
    assert (copy.period_start, copy.period_end) == (datetime.date(2025, 10, 1), None)


def test_it_moves_a_library_copys_dates_only_within_the_years_on_record(plan, editor):
    source = {"title": "มาตรการต้นแบบ", "steps": ["ขั้นแรก"], "fiscal_year": 2569, "org_name": "อบต.ต้นแบบ", "version": 1,
              "url": "/x.pdf", "period_start": "2568-10-01", "period_end": "9999-12-31"}
    copy = services.measure_copy_from_library(plan=plan, indicator=None, source=source, actor=editor)
    assert copy.period_end is None  # 9999 + 1 would overflow; 2568 (a Buddhist year typed as CE) is far out
    assert copy.period_start is None


def test_it_refuses_a_round_due_date_outside_the_fiscal_years_on_record(plan, editor):
    progress_round = plan.rounds.get(months=6)
    with pytest.raises(Refusal, match="กำหนดส่ง ต้องอยู่ระหว่างวันที่"):
        services.round_set_due(progress_round=progress_round, due_date=datetime.date(9999, 12, 31), actor=editor,
                               reason="ทดสอบ")
    progress_round.refresh_from_db()
    assert progress_round.due_date == datetime.date(2027, 4, 30)
