"""`manage.py send_reminders`: one pass (the real queue, worker and SMTP server); run twice on
the same day it sends each reminder once; Thai dates in พ.ศ. and the document's name."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Kind, Notification
from tests.factories import EDITOR, SUPERVISOR, build_plan
from tests.notifying import DB_TASKS, address, give_emails, run_worker


@pytest.fixture
def plan(angthong, settings):
    settings.TASKS = DB_TASKS
    give_emails(EDITOR, SUPERVISOR)
    return build_plan(angthong, 2570, measures=1)


def test_it_sends_each_reminder_once_when_run_twice_on_the_same_day(plan, smtp_server, monkeypatch, capsys,
                                                                     django_capture_on_commit_callbacks):
    day = plan.rounds.get(months=6).due_date - datetime.timedelta(days=1)  # 29 April 2027
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", day.isoformat())
    assert "อีเมลรอส่ง" in capsys.readouterr().out
    run_worker(monkeypatch)
    first = Counter(m["X-ITA-Notification"] for m in smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", day.isoformat())
    run_worker(monkeypatch)
    again = Counter(m["X-ITA-Notification"] for m in smtp_server.messages)
    assert first == again and max(again.values()) == 1
    [reminder] = [m for m in smtp_server.to(address(EDITOR)) if "ครบกำหนดส่งในอีก 1 วัน" in smtp_server.subject(m)]
    text = smtp_server.text(reminder)
    assert "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส รอบ 6 เดือน ปี ๒๕๗๐" in text
    assert "๓๐ เมษายน ๒๕๗๐" in text and "๓๐ เมษายน ๒๕๗๐" in smtp_server.html(reminder)
    row = Notification.objects.get(kind=Kind.DUE_SOON, round__plan=plan, recipient__username=EDITOR)
    assert row.key.endswith(":d1") and row.sent_at is not None


def test_the_weekly_digest_reaches_the_supervisor_with_a_link_to_the_dashboard(plan, smtp_server, monkeypatch,
                                                                               settings,
                                                                               django_capture_on_commit_callbacks):
    settings.NOTIFY_DIGEST_WEEKDAY = 0
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2027-06-07")  # a Monday, 6-month round late
    run_worker(monkeypatch)
    [digest] = [m for m in smtp_server.to(address(SUPERVISOR)) if "ส่งรายงานล่าช้า" in smtp_server.subject(m)]
    text = smtp_server.text(digest)
    assert "เทศบาลเมืองอ่างทอง อำเภอ" in text and "เลยกำหนด" in text
    assert "http://127.0.0.1:8000/app/dashboard/?status=late&sort=-late" in text


def test_a_bad_date_is_a_thai_error(db):
    with pytest.raises(CommandError, match="วันที่ต้องอยู่ในรูปแบบ"):
        call_command("send_reminders", "--date", "30/04/2570")


def test_the_dry_run_counts_emails_and_line_messages_against_the_quota_and_writes_nothing(plan, line_api, capsys):
    from notifications import line
    from tests.factories import user

    from .conftest import link_line

    link_line(user(EDITOR))  # every kind by LINE
    with line.Client() as client:
        client.push("U" + "1" * 32, "ITA Portal", key=line.key_of("earlier this month"))
    line_api.quota = 1
    day = plan.rounds.get(months=6).due_date - datetime.timedelta(days=1)
    before = Notification.objects.count()
    call_command("send_reminders", "--date", day.isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert Notification.objects.count() == before and len(line_api.pushes) == 1
    assert "ทดลองนับ (ไม่บันทึกและไม่ส่งสิ่งใด)" in out
    from notifications import services

    counted = services.reminders_preview(today=day)
    assert counted["line"] >= 1 and counted["line_total"] == counted["line"]  # the editor's reminders
    assert f"ข้อความ LINE ที่จะส่ง {counted['line']} ข้อความ (ใหม่ {counted['line']}," in out
    assert f"อีเมลที่จะส่ง {counted['email_total']} ฉบับ" in out
    after = 1 + counted["line"]
    assert f"LINE เดือนนี้ใช้ไปแล้ว 1 จากโควตา 1 ข้อความ (ตัวเลขจาก LINE); หลังรอบนี้ {after}" in out
    assert "คำเตือน: รอบนี้จะเกินโควตาข้อความ LINE ของเดือน" in out
