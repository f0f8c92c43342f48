"""How a notification is sent is decided when it is recorded: LINE for a kind the person chose LINE
for while their link works, e-mail otherwise; the daily digest holds a person's LINE rows and
sends them as one message a day; the dry run counts a pass's e-mails and LINE messages and the
month's quota without writing anything."""

import datetime

import pytest
from django.utils import timezone

from measures import services as measure_services
from notifications import selectors, services
from notifications.models import Channel, Kind, LineLink, MailState, Notification, Preference
from tests.factories import APPROVER, EDITOR, SUPERVISOR, build_plan, user
from tests.notifying import give_emails

from .conftest import link_line


@pytest.fixture
def plan(angthong):
    give_emails(EDITOR, APPROVER, SUPERVISOR)
    return build_plan(angthong, 2570, measures=1)


def comment(plan, text="โปรดเร่งรัด"):
    measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text=text)
    return Notification.objects.filter(kind=Kind.COMMENT, plan=plan, recipient__username=EDITOR).latest("pk")


def choose_line(person, *kinds, digest=False):
    services.preference_save(user=person, email_enabled=True, off_kinds=[], email_off_kinds=[],
                             line_kinds=list(kinds), line_digest=digest)


def at(hour, day=datetime.date(2026, 3, 2)):  # a day gone by: what it queues is due now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def test_line_is_chosen_per_kind_and_only_while_the_link_works(plan, editor):
    choose_line(editor, Kind.COMMENT)
    assert comment(plan, "ยังไม่ได้เชื่อม").channel == Channel.EMAIL  # chose LINE, not linked: e-mail
    link_line(editor)
    choose_line(editor, Kind.COMMENT)  # linking first time sets every kind; the person narrows it again
    assert comment(plan, "เชื่อมแล้ว").channel == Channel.LINE
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=user(APPROVER), action="return", comment="แก้")
    assert Notification.objects.get(kind=Kind.RETURNED, recipient=editor, plan=plan).channel == Channel.EMAIL
    LineLink.objects.filter(user=editor).update(failed_at=timezone.now())
    assert comment(plan, "ส่งไม่ถึง").channel == Channel.EMAIL


def test_the_daily_digest_holds_the_days_line_rows_and_sends_them_as_one_message(plan, editor, line_api):
    line_user = link_line(editor)
    choose_line(editor, Kind.COMMENT, Kind.RETURNED, digest=True)
    rows = [comment(plan, f"ความเห็นที่ {n}") for n in range(1, 4)]
    assert {r.state for r in rows} == {MailState.HELD} and all(r.next_attempt_at is None for r in rows)
    services.send_queued()  # the approver's e-mails; nothing of the editor's is due yet
    assert line_api.pushes == []
    assert services.line_digests_run(now=at(7)) == 0  # before LINE_DIGEST_HOUR (8)
    assert services.line_digests_run(now=at(8)) == 1
    digest = Notification.objects.get(kind=Kind.LINE_DAILY, recipient=editor)
    assert (digest.channel, digest.state, digest.key, digest.context["count"]) == (
        Channel.LINE, MailState.QUEUED, "line_daily:2026-03-02", 3)
    assert digest.read_at is not None  # the bell counts the rows it names, not the digest
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", "digest")) == {
        (MailState.DIGESTED, digest.pk)}
    assert services.line_digests_run(now=at(9)) == 0  # one a day
    assert services.send_queued() == 1
    [push] = line_api.to(line_user)
    assert push["text"].startswith("ITA Portal: การแจ้งเตือนของคุณวันนี้ 3 เรื่อง\n•")
    assert push["text"].count("\n• ") == 3 and push["text"].endswith("/app/notifications/?unread=1")
    assert not selectors.notifications_for(editor).filter(kind=Kind.LINE_DAILY).exists()
    comment(plan, "วันรุ่งขึ้น")
    assert services.line_digests_run(now=at(8, datetime.date(2026, 3, 3))) == 1


def test_rows_held_for_a_digest_turned_off_go_out_at_the_next_pass(plan, editor):
    link_line(editor)
    choose_line(editor, Kind.COMMENT, digest=True)
    row = comment(plan)
    choose_line(editor, Kind.COMMENT, digest=False)
    services.line_digests_run(now=at(6))
    row.refresh_from_db()
    assert (row.state, row.channel) == (MailState.QUEUED, Channel.LINE) and row.next_attempt_at is not None


def test_the_dry_run_counts_each_channel_and_the_quota_and_writes_nothing(plan, editor, line_api):
    link_line(editor)
    choose_line(editor, Kind.DUE_SOON)
    day = plan.rounds.get(months=6).due_date - datetime.timedelta(days=1)
    before = Notification.objects.count()
    preview = services.reminders_preview(today=day, now=at(6, day))
    assert Notification.objects.count() == before
    counts = services.reminders_run(today=day, now=at(6, day))
    new = Notification.objects.filter(pk__gt=Notification.objects.order_by("pk")[before - 1].pk if before else 0)
    assert preview["new"] == counts["due"] + counts["review"] + counts["digest"] == new.count()
    assert preview["line"] == new.filter(channel=Channel.LINE, state=MailState.QUEUED).count() >= 1
    assert preview["email"] == new.filter(channel=Channel.EMAIL, state=MailState.QUEUED).count()
    assert preview["in_app_only"] == new.filter(state=MailState.SKIPPED).count()
    assert (preview["line_quota"], preview["line_month_used"], preview["line_quota_source"]) == (1000, 0, "line")
    assert services.reminders_preview(today=day, now=at(6, day))["new"] == 0  # recorded now
    line_api.server.shutdown()  # LINE unreachable: the portal's own count and LINE_MONTHLY_QUOTA
    line_api.server.server_close()
    assert services.line_month_use()["line_quota_source"] == "portal"


def test_a_person_who_chose_line_gets_email_when_line_is_not_set_up(plan, editor, settings):
    link_line(editor)
    settings.LINE_CHANNEL_SECRET = ""
    assert comment(plan).channel == Channel.EMAIL
    assert Preference.objects.get(user=editor).line_kinds  # kept for when it is set up again


def test_it_imports_line_bot_sdk_only_when_line_is_used():
    """line-bot-sdk's models take 1 to 2 s to import: a process that never talks to LINE (each test
    worker, each manage.py command) must not pay for them at start."""
    import subprocess
    import sys
    from pathlib import Path

    probe = ("import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ita_portal.settings'); "
             "django.setup(); from django.urls import get_resolver; get_resolver().url_patterns; "
             "import notifications.services, notifications.linking, notifications.line_views, notifications.tasks; "
             "print(sorted(m for m in sys.modules if m.startswith('linebot')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[2], check=True,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "DEBUG": "1"}).stdout
    assert out.strip().splitlines()[-1] == "[]"
