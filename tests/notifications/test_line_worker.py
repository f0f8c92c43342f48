"""LINE messages leave from the background worker (the real django_tasks_db queue and worker, the
Messaging API's stand-in on 127.0.0.1): a linked editor gets one push when their plan is returned,
none after blocking the Official Account (e-mail instead); a 500 is retried with back-off, a 429
waits for its Retry-After, a permanent refusal falls back to e-mail; a push repeated after a crash
is refused by LINE as already accepted. Two worker processes pushing each message once:
test_notification_worker.py (one queue of e-mails and LINE messages)."""

import datetime
import json

import pytest
from django.utils import timezone

from measures import services as measure_services
from notifications import line, services
from notifications.models import Channel, Kind, LineLink, MailState, Notification
from tests import line_stub
from tests.factories import ANGTHONG, APPROVER, EDITOR, SUPERVISOR, build_plan, user
from tests.notifying import address, give_emails, run_worker

from .conftest import link_line


@pytest.fixture
def plan(angthong):
    give_emails(EDITOR, APPROVER, SUPERVISOR)
    return build_plan(angthong, 2570, measures=1)


def return_plan(plan, capture, reason="เพิ่มงบประมาณ"):
    with capture(execute=True):
        measure_services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
        measure_services.document_transition(plan=plan, actor=user(APPROVER), action="return", comment=reason)


def returned(plan):
    return Notification.objects.filter(kind=Kind.RETURNED, plan=plan, recipient__username=EDITOR).latest("pk")


def test_a_linked_editor_gets_one_push_when_the_plan_is_returned_and_email_after_blocking(
        client, plan, queue, line_api, smtp_server, monkeypatch, settings, django_capture_on_commit_callbacks):
    line_user = link_line(user(EDITOR))
    return_plan(plan, django_capture_on_commit_callbacks)
    run_worker(monkeypatch)
    [push] = line_api.to(line_user)
    assert push["text"].startswith("ITA Portal: มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ปี 2570 ของ")
    assert "“เพิ่มงบประมาณ”" in push["text"]
    assert push["text"].endswith(f"http://127.0.0.1:8000/app/orgs/{ANGTHONG}/2570/plan/")
    assert push["text"].count("http") == 1  # one link, to the page to act on
    row = returned(plan)
    assert (row.channel, row.state, row.attempts) == (Channel.LINE, MailState.SENT, 1)
    assert push["key"] == line.retry_key(row.pk)
    assert smtp_server.to(address(EDITOR)) == []  # LINE instead of e-mail
    run_worker(monkeypatch)
    assert len(line_api.to(line_user)) == 1
    # The editor blocks the Official Account: LINE's unfollow event, signed with the channel secret.
    body = json.dumps({"destination": "U" + "f" * 32, "events": [{
        "type": "unfollow", "mode": "active", "timestamp": 1, "webhookEventId": "01H", "source": {
            "type": "user", "userId": line_user}, "deliveryContext": {"isRedelivery": False}}]}).encode()
    response = client.post("/line/webhook/", body, content_type="application/json",
                           HTTP_X_LINE_SIGNATURE=line_stub.sign(body, settings.LINE_CHANNEL_SECRET))
    assert response.status_code == 200 and not LineLink.objects.filter(user__username=EDITOR).exists()
    return_plan(plan, django_capture_on_commit_callbacks, reason="แก้ไขอีกครั้ง")
    run_worker(monkeypatch)
    assert len(line_api.to(line_user)) == 1  # none after the unfollow
    [mail] = smtp_server.to(address(EDITOR))
    assert "แก้ไขอีกครั้ง" in smtp_server.text(mail)
    assert returned(plan).channel == Channel.EMAIL


def test_a_server_error_is_retried_with_back_off_under_the_same_retry_key(
        plan, queue, line_api, monkeypatch, django_capture_on_commit_callbacks):
    line_user = link_line(user(EDITOR))
    line_api.fail = [(500, {}, {"message": "Internal error"})]
    return_plan(plan, django_capture_on_commit_callbacks)
    run_worker(monkeypatch)
    row = returned(plan)
    assert (row.state, row.attempts) == (MailState.QUEUED, 1) and "LINE 500" in row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)  # one minute's back-off
    assert line_api.to(line_user) == []
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    services.enqueue_sending(1)  # as the next reminder pass does
    run_worker(monkeypatch)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.channel) == (MailState.SENT, 2, Channel.LINE)
    assert len(line_api.to(line_user)) == 1 and line_api.attempts[line.retry_key(row.pk)] == 2


def test_a_429_waits_for_its_retry_after_and_holds_back_the_rest_of_the_batch(
        plan, queue, line_api, monkeypatch, django_capture_on_commit_callbacks):
    editor_line, approver_line = link_line(user(EDITOR), 1), link_line(user(APPROVER), 2)
    line_api.fail = [(429, {"Retry-After": "120"}, {"message": "The API rate limit has been exceeded."})]
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text="โปรดเร่งรัด")
    run_worker(monkeypatch)
    rows = list(Notification.objects.filter(kind=Kind.COMMENT, plan=plan).order_by("pk"))
    assert [r.state for r in rows] == [MailState.QUEUED, MailState.QUEUED] and line_api.pushes == []
    soon = timezone.now() + datetime.timedelta(seconds=100)
    assert all(r.next_attempt_at > soon for r in rows)  # neither is tried before LINE said
    assert [r.attempts for r in rows] == [1, 0]  # the second was never tried
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=timezone.now())
    services.enqueue_sending(2)
    run_worker(monkeypatch)
    assert sorted(p["to"] for p in line_api.pushes) == sorted([editor_line, approver_line])
    assert set(Notification.objects.filter(kind=Kind.COMMENT, plan=plan).values_list("state", flat=True)) == {
        MailState.SENT}


def test_a_permanent_refusal_falls_back_to_email_and_the_link_stops_counting(
        plan, queue, line_api, smtp_server, monkeypatch, django_capture_on_commit_callbacks):
    link_line(user(EDITOR))
    line_api.fail = [(400, {}, {"message": "The property, 'to', in the request body is invalid"})]
    return_plan(plan, django_capture_on_commit_callbacks)
    run_worker(monkeypatch)
    row = returned(plan)
    assert (row.channel, row.state, row.fell_back) == (Channel.EMAIL, MailState.SENT, True)
    assert len(smtp_server.to(address(EDITOR))) == 1 and line_api.pushes == []
    link = LineLink.objects.get(user__username=EDITOR)
    assert link.failed_at is not None and "LINE 400" in link.last_error
    return_plan(plan, django_capture_on_commit_callbacks, reason="อีกครั้ง")  # recorded as e-mail from the start
    assert returned(plan).channel == Channel.EMAIL


def test_a_push_repeated_after_a_crash_is_refused_by_line_and_counted_sent_once(
        plan, queue, line_api, monkeypatch, django_capture_on_commit_callbacks):
    line_user = link_line(user(EDITOR))
    return_plan(plan, django_capture_on_commit_callbacks)
    [row] = [r for r in services.claim(limit=10) if r.recipient.username == EDITOR]
    with line.Client() as client:  # the worker pushed it, then died before marking it sent
        client.push(line_user, "ITA Portal", key=line.retry_key(row.pk))
    later = timezone.now() + services.CLAIM_LEASE + datetime.timedelta(minutes=1)
    assert services.requeue_stale(now=later) >= 1  # as the next reminder pass does
    services.enqueue_sending(1)
    run_worker(monkeypatch)
    row.refresh_from_db()
    assert row.state == MailState.SENT
    assert len(line_api.to(line_user)) == 1 and line_api.attempts[line.retry_key(row.pk)] == 2  # the 409
