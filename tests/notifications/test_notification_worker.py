"""The e-mails leave from the background worker (the real django_tasks_db queue and worker,
a real SMTP server), never inside a request; a refused mail is retried with back-off and left
visible when it fails for good; two workers at once send each mail, and each LINE message, once;
a crashed worker's claims are sent later, once."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Membership, Organization
from measures import services as measure_services
from notifications import services
from notifications.models import Channel, Kind, MailState, Notification
from tests import line_stub
from tests.factories import ANGTHONG, APPROVER, EDITOR, SUPERVISOR, build_plan, login, user
from tests.notifying import DB_TASKS, address, give_emails, run_worker, worker_process

from .conftest import link_line


@pytest.fixture
def plan(angthong):
    give_emails(EDITOR, APPROVER, SUPERVISOR)
    return build_plan(angthong, 2570, measures=2)


def test_a_submit_sends_the_approvers_mail_through_the_worker_not_the_request(
        client, plan, queue, smtp_server, monkeypatch, django_capture_on_commit_callbacks):
    login(client, EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/orgs/{ANGTHONG}/2570/plan/transition/", {"action": "submit"})
    assert response.status_code == 302
    assert smtp_server.messages == []  # the request only queued it
    assert DBTaskResult.objects.filter(task_path="notifications.tasks.send_notifications").exists()
    run_worker(monkeypatch)
    [message] = smtp_server.messages
    assert message["To"] == address(APPROVER)
    assert "ส่งมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ปี 2570 ของเทศบาลเมืองอ่างทอง" in \
        smtp_server.subject(message)
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "ให้คุณพิจารณา" in text and f"/app/orgs/{ANGTHONG}/2570/plan/" in text
    assert "ปี ๒๕๗๐" in html and "/unsubscribe/" in html
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = Notification.objects.get(kind=Kind.SUBMITTED, plan=plan)
    assert (row.state, row.attempts, row.last_error) == (MailState.SENT, 1, "")
    assert message["Message-ID"] == f"<notification-{row.pk}@127.0.0.1>" and row.sent_at is not None
    run_worker(monkeypatch)
    assert len(smtp_server.messages) == 1


def test_a_refused_mail_is_retried_with_back_off_then_left_failed_for_the_admin(
        plan, queue, smtp_server, monkeypatch, settings, django_capture_on_commit_callbacks, admin_user):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    smtp_server.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    run_worker(monkeypatch)
    row = Notification.objects.get(kind=Kind.SUBMITTED, plan=plan)
    assert (row.state, row.attempts) == (MailState.QUEUED, 1)
    assert "554" in row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)  # one minute's back-off
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_run()  # a pass before the back-off is over: not tried again
    run_worker(monkeypatch)
    assert Notification.objects.get(pk=row.pk).attempts == 1
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_run()
    run_worker(monkeypatch)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (MailState.FAILED, 2, None)
    assert smtp_server.messages == []
    smtp_server.refuse = False
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue(notifications=Notification.objects.filter(pk=row.pk), actor=admin_user) == 1
    run_worker(monkeypatch)
    row.refresh_from_db()
    assert row.state == MailState.SENT and len(smtp_server.messages) == 1


def test_an_unreachable_mail_server_is_an_error_on_the_row_not_a_crash(plan, queue, closed_smtp_port, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text="โปรดเร่งรัด")
    run_worker(monkeypatch)
    rows = Notification.objects.filter(kind=Kind.COMMENT, plan=plan)
    assert {(r.state, r.attempts) for r in rows} == {(MailState.QUEUED, 1)}
    assert all(r.last_error for r in rows)
    assert not DBTaskResult.objects.filter(status="FAILED").exists()  # the task itself finished


def test_what_a_crashed_worker_claimed_is_sent_later_once(plan, queue, smtp_server, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text="โปรดเร่งรัด")
    claimed = services.claim(limit=10)  # a worker took them, then died before sending
    assert len(claimed) == 2
    run_worker(monkeypatch)
    assert smtp_server.messages == []  # still someone else's
    later = timezone.now() + services.CLAIM_LEASE + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_run(now=later)["requeued"] == 2
    run_worker(monkeypatch)
    sent = Counter(m["X-ITA-Notification"] for m in smtp_server.messages)
    assert {str(row.pk): 1 for row in claimed}.items() <= sent.items()
    assert Notification.objects.filter(pk__in=[r.pk for r in claimed], state=MailState.SENT).count() == 2


def test_two_workers_at_once_send_each_mail_and_line_message_once(demo_db, settings, smtp_server, line_api,
                                                                   monkeypatch):
    """Two real `db_worker` processes drain one queue of small tasks together: e-mails to the SMTP
    server, and LINE pushes to the Messaging API's stand-in for the people who linked LINE (it
    counts every push request per retry key, so a push sent twice shows even though LINE would
    refuse the second)."""
    settings.TASKS = DB_TASKS
    org = Organization.objects.get(slug=ANGTHONG)
    plan = build_plan(org, 2570, measures=1)
    people = [get_user_model().objects.create_user(f"many_{n}", email=f"many_{n}@example.go.th") for n in range(60)]
    Membership.objects.bulk_create([Membership(user=p, org=org, role="editor") for p in people])
    linked = {p.pk for p in people[:30]}
    for n, person in enumerate(people[:30]):
        link_line(person, 100 + n)
    monkeypatch.setattr(services, "TASK_SIZE", 5)  # many small tasks, so both workers take some
    due = plan.rounds.get(months=6).due_date
    counts = services.reminders_run(today=due - datetime.timedelta(days=1))
    queued = Notification.objects.filter(state=MailState.QUEUED)
    expected = queued.count()
    by_line = queued.filter(channel=Channel.LINE)
    assert expected >= 60 and counts["queued"] == expected
    assert set(by_line.values_list("recipient_id", flat=True)) == linked  # theirs by LINE, the rest by e-mail
    on_line, by_email = by_line.count(), expected - by_line.count()
    env = {"LINE_API_URL": line_api.url, "LINE_CHANNEL_ACCESS_TOKEN": settings.LINE_CHANNEL_ACCESS_TOKEN,
           "LINE_CHANNEL_SECRET": settings.LINE_CHANNEL_SECRET}
    workers = [worker_process(settings, worker_id=f"test-worker-{n}", env=env) for n in (1, 2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=240)
        assert worker.returncode == 0, output.decode()
    ids = Counter(m["X-ITA-Notification"] for m in smtp_server.messages)
    assert len(ids) == by_email and max(ids.values()) == 1
    assert len(line_api.pushes) == on_line and max(line_api.attempts.values()) == 1  # no push twice
    assert {p["to"] for p in line_api.pushes} == {line_stub.user_id(100 + n) for n in range(30)}
    assert not Notification.objects.exclude(state__in=[MailState.SENT, MailState.SKIPPED]).exists()
    done_by = {w for ids in DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("worker_ids", flat=True)
               for w in ids}
    assert done_by <= {"test-worker-1", "test-worker-2"} and done_by  # the tasks ran in these two workers
    services.reminders_run(today=due - datetime.timedelta(days=1))  # a pass again: nothing more
    assert Notification.objects.filter(state=MailState.QUEUED).count() == 0
