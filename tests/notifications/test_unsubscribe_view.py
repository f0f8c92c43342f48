"""The link in every e-mail: no sign-in, one button, and that kind of e-mail stops (the bell
keeps it); a forged or damaged link changes nothing."""

import re

import pytest

from measures import services as measure_services
from notifications import services
from notifications.models import Kind, MailState, Notification, Preference
from tests.factories import APPROVER, EDITOR, SUPERVISOR, build_plan, user
from tests.notifying import DB_TASKS, address, give_emails, run_worker


@pytest.fixture
def plan(angthong, settings):
    settings.TASKS = DB_TASKS
    give_emails(EDITOR, APPROVER)
    return build_plan(angthong, 2570, measures=1)


def comment(plan, text, capture):
    with capture(execute=True):
        measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text=text)


def link_in(smtp_server, message):
    return re.search(r"http://127\.0\.0\.1:8000(/unsubscribe/[^/\s]+/)", smtp_server.text(message)).group(1)


def test_the_link_in_the_mail_unsubscribes_that_kind_without_signing_in(
        anonymous, plan, smtp_server, monkeypatch, django_capture_on_commit_callbacks, editor):
    comment(plan, "ความเห็นแรก", django_capture_on_commit_callbacks)
    run_worker(monkeypatch)
    [message] = smtp_server.to(address(EDITOR))
    path = link_in(smtp_server, message)
    assert f"http://127.0.0.1:8000{path}" in str(message["List-Unsubscribe"])
    page = anonymous.get(path)
    assert page.status_code == 200 and "ความเห็นจากผู้กำกับดูแลหรือผู้บริหาร" in page.content.decode()
    assert not Preference.objects.filter(user=editor).exists()  # opening the page changes nothing
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and 'data-testid="unsubscribed"' in response.content.decode()
    assert Preference.objects.get(user=editor).email_off_kinds == [Kind.COMMENT]
    comment(plan, "ความเห็นที่สอง", django_capture_on_commit_callbacks)
    run_worker(monkeypatch)
    assert len(smtp_server.to(address(EDITOR))) == 1  # no second comment mail
    assert len(smtp_server.to(address(APPROVER))) == 2  # someone else's choice is theirs
    second = Notification.objects.get(recipient=editor, reason="ความเห็นที่สอง")
    assert second.state == MailState.SKIPPED and second.read_at is None  # still in the bell
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.document_transition(plan=plan, actor=editor, action="submit")
        measure_services.document_transition(plan=plan, actor=user(APPROVER), action="return", comment="แก้ไข")
    run_worker(monkeypatch)
    assert len(smtp_server.to(address(EDITOR))) == 2  # other kinds still come


def test_unsubscribing_also_stops_what_is_still_queued_of_that_kind(plan, django_capture_on_commit_callbacks,
                                                                   editor, anonymous):
    comment(plan, "รอส่ง", lambda execute: django_capture_on_commit_callbacks(execute=False))
    row = Notification.objects.get(recipient=editor, kind=Kind.COMMENT, plan=plan)
    assert row.state == MailState.QUEUED
    anonymous.post(f"/unsubscribe/{services.unsubscribe_token(editor.pk, Kind.COMMENT)}/")
    row.refresh_from_db()
    assert row.state == MailState.SKIPPED


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJrIjoiY29tbWVudCJ9:forged:signature"])
def test_a_damaged_or_forged_link_changes_nothing(anonymous, token, db):
    response = anonymous.post(f"/unsubscribe/{token}/")
    assert response.status_code == 404 and "ลิงก์นี้ใช้ไม่ได้" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_token_for_an_unknown_kind_is_refused(db, editor):
    from django.core import signing

    token = signing.dumps({"u": editor.pk, "k": "everything"}, salt=services.UNSUBSCRIBE_SALT)
    assert services.read_unsubscribe_token(token) is None
