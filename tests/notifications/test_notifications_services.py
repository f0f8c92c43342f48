"""Who is told what: the workflow's events, the reminders and the digests, each once, each to
the right people of that body only."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures import services as measure_services
from measures.models import Transition
from notifications import services
from notifications.models import Follow, Kind, MailState, Notification, Preference
from tests.factories import (
    APPROVER,
    EDITOR,
    KALASIN_SUPERVISOR,
    OTHER_APPROVER,
    OTHER_EDITOR,
    SUPERVISOR,
    build_plan,
    user,
)
from tests.notifying import give_emails


@pytest.fixture(autouse=True)
def new(db):
    """The notifications this test makes (the demo data's own workflow made some already)."""
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return Notification.objects.filter(pk__gt=before)


@pytest.fixture
def people(db):
    return give_emails(EDITOR, APPROVER, OTHER_EDITOR, OTHER_APPROVER, SUPERVISOR, KALASIN_SUPERVISOR)


@pytest.fixture
def plan(angthong, people):
    return build_plan(angthong, 2570, measures=2)


def told(new, kind):
    return sorted(new.filter(kind=kind).values_list("recipient__username", flat=True))


def test_it_tells_the_bodys_approvers_when_an_editor_submits(new, plan, editor):
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    assert told(new, Kind.SUBMITTED) == [APPROVER]
    row = new.get(kind=Kind.SUBMITTED)
    assert row.org == plan.org and row.plan == plan and row.state == MailState.QUEUED
    assert row.url == f"/app/orgs/{plan.org.slug}/2570/plan/"
    assert row.context["document"] == "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    assert "ส่งมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ปี 2570 ของเทศบาลเมืองอ่างทอง" in row.headline


def test_it_tells_the_editors_of_a_return_with_its_reason_and_of_approval_and_publishing(new, plan, editor, approver):
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=approver, action="return", comment="เพิ่มงบประมาณ")
    returned = new.get(kind=Kind.RETURNED)
    assert returned.recipient == editor and returned.reason == "เพิ่มงบประมาณ"
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=approver, action="approve")
    assert told(new, Kind.APPROVED) == [EDITOR]
    assert told(new, Kind.SUBMITTED) == [APPROVER, APPROVER]  # each submission is its own event
    # Nobody is told of their own step, and nobody of another body is told anything.
    assert not new.filter(recipient__username__in=[OTHER_EDITOR, OTHER_APPROVER]).exists()
    assert not new.filter(recipient=approver, kind=Kind.APPROVED).exists()


def test_a_round_submission_names_the_results_report(new, plan, editor):
    progress_round = plan.rounds.get(months=6)
    for measure in plan.measures.all():
        measure_services.entry_save(progress_round=progress_round, measure=measure, actor=editor,
                                    data={"state": "in_progress", "percent": 50, "done_text": "ประชุมแล้ว"})
    measure_services.document_transition(plan=plan, actor=editor, action="submit", progress_round=progress_round,
                                         today=datetime.date(2027, 3, 1))
    row = new.get(kind=Kind.SUBMITTED)
    assert row.round == progress_round
    assert row.context["document"] == "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส รอบ 6 เดือน"


def test_a_supervisors_comment_tells_the_bodys_editors_and_approvers(new, plan, supervisor):
    measure_services.comment_add(plan=plan, actor=supervisor, text="โปรดเร่งรัดรอบ 6 เดือน")
    assert told(new, Kind.COMMENT) == [APPROVER, EDITOR]
    assert set(new.filter(kind=Kind.COMMENT).values_list("reason", flat=True)) == {
        "โปรดเร่งรัดรอบ 6 เดือน"}


def test_an_approvers_comment_is_not_sent_back_to_its_author(new, plan, approver):
    measure_services.comment_add(plan=plan, actor=approver, text="ตรวจแล้ว")
    assert told(new, Kind.COMMENT) == [EDITOR]


def test_the_database_refuses_the_same_notification_twice(new, plan, editor):
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    row = new.get(kind=Kind.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=row.recipient, kind=row.kind, key=row.key)


def test_a_deactivated_account_is_told_nothing_by_mail_and_one_without_email_only_in_the_portal(new, plan, editor,
                                                                                               approver):
    approver.is_active = False
    approver.save(update_fields=["is_active"])
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    assert not new.filter(kind=Kind.SUBMITTED).exists()
    editor.email = ""
    editor.save(update_fields=["email"])
    approver.is_active = True
    approver.save(update_fields=["is_active"])
    measure_services.comment_add(plan=plan, actor=approver, text="ตรวจแล้ว")
    row = new.get(kind=Kind.COMMENT, recipient=editor)
    assert row.state == MailState.SKIPPED and row.last_error == "ผู้รับไม่มีอีเมล"


def test_a_kind_turned_off_is_not_recorded_and_email_off_keeps_the_bell(new, plan, editor, approver):
    Preference.objects.create(user=approver, off_kinds=[Kind.SUBMITTED])
    Preference.objects.create(user=editor, email_enabled=False)
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    assert not new.filter(kind=Kind.SUBMITTED).exists()
    measure_services.document_transition(plan=plan, actor=approver, action="return", comment="แก้ไข")
    assert new.get(kind=Kind.RETURNED).state == MailState.SKIPPED


# ---------------------------------------------------------------- reminders


@pytest.mark.parametrize(("days_left", "expected"), [
    (20, None), (15, None), (14, ("due_soon", "d14")), (10, ("due_soon", "d14")), (7, ("due_soon", "d7")),
    (2, ("due_soon", "d7")), (1, ("due_soon", "d1")), (0, ("due_soon", "d1")), (-1, ("overdue", "late0")),
    (-7, ("overdue", "late0")), (-8, ("overdue", "late1")), (-30, ("overdue", "late4")),
])
def test_each_day_owes_the_latest_step_before_the_due_date_then_one_a_week(days_left, expected, settings):
    settings.NOTIFY_DUE_DAYS = [14, 7, 1]
    due = datetime.date(2027, 4, 30)
    step = services.reminder_step(due, due - datetime.timedelta(days=days_left))
    if expected is None:
        assert step is None
    else:
        kind, suffix, left = step
        assert (kind, suffix.rsplit(":", 1)[1]) == expected and left == days_left


def test_a_round_due_in_seven_days_reminds_its_editors_once(new, plan, editor):
    due = plan.rounds.get(months=6).due_date
    services.reminders_run(today=due - datetime.timedelta(days=7))
    services.reminders_run(today=due - datetime.timedelta(days=6))  # the same step: nothing new
    rows = new.filter(kind=Kind.DUE_SOON, round__plan=plan)
    assert [(r.recipient.username, r.context["days_left"]) for r in rows] == [(EDITOR, 7)]
    assert rows[0].due_date == due and "ครบกำหนดส่งในอีก 7 วัน" in rows[0].headline
    services.reminders_run(today=due - datetime.timedelta(days=1))
    assert new.filter(kind=Kind.DUE_SOON, round__plan=plan).count() == 2


def test_a_new_due_date_gets_its_own_reminders_and_a_submitted_round_none(new, plan, editor):
    progress_round = plan.rounds.get(months=6)
    services.reminders_run(today=progress_round.due_date - datetime.timedelta(days=1))
    later = progress_round.due_date + datetime.timedelta(days=14)
    measure_services.round_set_due(progress_round=progress_round, due_date=later, actor=editor, reason="ขยายเวลา")
    services.reminders_run(today=later - datetime.timedelta(days=1))
    assert new.filter(kind=Kind.DUE_SOON, round=progress_round).count() == 2
    twelve = plan.rounds.get(months=12)
    for measure in plan.measures.all():
        measure_services.entry_save(progress_round=twelve, measure=measure, actor=editor,
                                    data={"state": "in_progress", "percent": 50, "done_text": "ทำแล้ว"})
    measure_services.document_transition(plan=plan, actor=editor, action="submit", progress_round=twelve,
                                         today=twelve.due_date)
    services.reminders_run(today=twelve.due_date - datetime.timedelta(days=1))
    assert not new.filter(kind=Kind.DUE_SOON, round=twelve).exists()


def test_an_overdue_round_is_reminded_weekly(new, plan, editor):
    due = plan.rounds.get(months=6).due_date
    for days in (1, 3, 7, 8, 14, 15):
        services.reminders_run(today=due + datetime.timedelta(days=days))
    rows = new.filter(kind=Kind.OVERDUE, round__plan=plan).order_by("pk")
    assert [r.context["days_late"] for r in rows] == [1, 8, 15]
    assert "เลยกำหนดส่ง" in rows[0].headline


def test_an_approver_is_reminded_once_when_a_document_waits_more_than_n_days(new, plan, editor, approver, settings):
    settings.NOTIFY_REVIEW_DAYS = 3
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    submitted = Transition.objects.get(plan=plan, action="submit")
    services.reminders_run(now=submitted.created_at + datetime.timedelta(days=2))
    assert not new.filter(kind=Kind.REVIEW_WAITING).exists()
    for days in (4, 5):
        services.reminders_run(now=submitted.created_at + datetime.timedelta(days=days))
    row = new.get(kind=Kind.REVIEW_WAITING)
    assert row.recipient == approver and row.context["days_waiting"] == 4


def test_each_supervisor_gets_a_weekly_digest_of_the_late_bodies_of_their_area(new, plan, settings):
    settings.NOTIFY_DIGEST_WEEKDAY = 0
    monday = datetime.date(2027, 6, 7)
    assert monday.weekday() == 0
    services.reminders_run(today=monday - datetime.timedelta(days=1))  # Sunday of the week before
    services.reminders_run(today=monday)
    services.reminders_run(today=monday + datetime.timedelta(days=2))  # the same week: nothing new
    mine = new.get(kind=Kind.DIGEST, recipient__username=SUPERVISOR, key="digest:2027-W23")
    names = [b["name"] for b in mine.context["bodies"]]
    assert "เทศบาลเมืองอ่างทอง" in names and mine.context["count"] == len(names)
    assert all("บ่อแก้ว" not in name for name in names)  # another province's body
    assert mine.url == "/app/dashboard/?status=late&sort=-late"
    assert new.filter(kind=Kind.DIGEST, recipient__username=SUPERVISOR).count() == 2  # W22, W23


def test_a_pass_twice_on_the_same_day_records_nothing_the_second_time(plan):
    due = plan.rounds.get(months=6).due_date
    first = services.reminders_run(today=due - datetime.timedelta(days=1))
    total = Notification.objects.count()
    second = services.reminders_run(today=due - datetime.timedelta(days=1))
    assert first["due"] >= 1 and second["due"] == 0 and second["digest"] == 0
    assert Notification.objects.count() == total


def test_followers_are_told_of_a_new_published_version(new, plan, editor, approver, people):
    follower = user(OTHER_EDITOR)
    Follow.objects.create(user=follower, org=plan.org)
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=approver, action="approve")
    measure_services.document_transition(plan=plan, actor=approver, action="publish")
    rows = new.filter(kind=Kind.NEW_VERSION)
    assert {r.recipient.username for r in rows} == {OTHER_EDITOR}
    assert {r.context["document"] for r in rows} >= {"มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"}
    assert all(r.url.startswith(f"/orgs/{plan.org.slug}/2570/") for r in rows)
    assert told(new, Kind.PUBLISHED) == [EDITOR]


def test_a_claim_takes_each_queued_row_once_and_a_stale_claim_returns_to_the_queue(new, plan, editor, supervisor):
    measure_services.comment_add(plan=plan, actor=supervisor, text="ความเห็น")
    first, second = services.claim(limit=1), services.claim(limit=5)
    assert len(first) == 1 and len(second) == 1 and first[0].pk != second[0].pk
    assert services.claim(limit=5) == []
    assert services.requeue_stale() == 0
    later = timezone.now() + services.CLAIM_LEASE + datetime.timedelta(seconds=1)
    assert services.requeue_stale(now=later) == 2
    assert new.filter(state=MailState.QUEUED).count() == 2


def test_it_names_only_their_districts_late_bodies_in_a_district_supervisors_digest(
        new, plan, settings, district_supervisor, other_district_body):
    build_plan(other_district_body, 2570, measures=1)
    settings.NOTIFY_DIGEST_WEEKDAY = 0
    services.reminders_run(today=datetime.date(2027, 6, 7))
    theirs = new.get(kind=Kind.DIGEST, recipient=district_supervisor)
    assert [b["name"] for b in theirs.context["bodies"]] == ["เทศบาลเมืองอ่างทอง"]
    province_wide = new.get(kind=Kind.DIGEST, recipient__username=SUPERVISOR)
    assert {b["name"] for b in province_wide.context["bodies"]} == {"เทศบาลเมืองอ่างทอง", other_district_body.name}
