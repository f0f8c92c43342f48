"""/app/area/reach/: the people of a supervisor's area whom no channel reaches (no working e-mail and
no working LINE link), for supervisors and the administrator; the same queries for few or many."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Membership
from notifications import services
from notifications.models import Channel, LineLink, MailState, Notification
from tests.factories import (
    APPROVER,
    DISTRICT_SUPERVISOR,
    EDITOR,
    OUTSIDE_SUPERVISOR,
    SUPERVISOR,
    login,
    make_body,
)
from tests.notifying import give_emails

from .conftest import link_line

URL = "/app/area/reach/"


def people(html):
    return sorted(part.split('"', 1)[0] for part in html.split('data-person="')[1:])


def test_a_supervisor_sees_who_no_channel_reaches_and_why(client, editor, approver):
    login(client, SUPERVISOR)
    html = client.get(URL).content.decode()
    assert people(html) == [APPROVER, EDITOR]  # the demo people have no address and no LINE
    assert "ไม่มีอีเมล" in html and "ไม่ได้เชื่อม LINE" in html and "ส่งไม่ถึง 2 จากทั้งหมด 2 รายการ" in html
    give_emails(EDITOR)
    link_line(approver)
    assert people(client.get(URL).content.decode()) == []
    LineLink.objects.filter(user=approver).update(failed_at=timezone.now())
    services.preference_save(user=editor, email_enabled=False, off_kinds=[], email_off_kinds=[])
    html = client.get(URL).content.decode()
    assert people(html) == [APPROVER, EDITOR] and "LINE ส่งไม่ถึง" in html and "ปิดรับอีเมล" in html
    assert people(client.get(URL, {"all": "1"}).content.decode()) == [APPROVER, EDITOR]


def test_an_email_that_failed_for_good_does_not_count_until_one_gets_through(client, editor):
    give_emails(EDITOR)
    login(client, SUPERVISOR)
    Notification.objects.create(recipient=editor, kind="comment", key="t:1", channel=Channel.EMAIL,
                                         state=MailState.FAILED, last_error="550 no such user")
    assert EDITOR in people(client.get(URL).content.decode())
    assert "อีเมลล่าสุดส่งไม่ถึง" in client.get(URL).content.decode()
    Notification.objects.create(recipient=editor, kind="comment", key="t:2", channel=Channel.EMAIL,
                                state=MailState.SENT)
    assert EDITOR not in people(client.get(URL).content.decode())


def test_it_runs_the_same_queries_for_few_or_many_people(client, db):
    login(client, OUTSIDE_SUPERVISOR)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"all": "1"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    User = get_user_model()
    for n in range(20):
        body = make_body(f"test-reach-{n}")
        person = User.objects.create_user(f"reach_{n}", email=f"reach_{n}@example.go.th" if n % 2 else "")
        Membership.objects.create(user=person, org=body, role="editor")
        if n % 3 == 0:
            link_line(person, 500 + n)
    assert count() == few


def test_only_supervisors_and_the_administrator_see_it(client, editor):
    login(client, EDITOR)
    assert client.get(URL).status_code == 403


def test_a_district_supervisor_sees_their_district_only(client, district_supervisor, other_district_body):
    person = get_user_model().objects.create_user("wiset_editor")
    Membership.objects.create(user=person, org=other_district_body, role="editor")
    login(client, DISTRICT_SUPERVISOR)
    assert people(client.get(URL).content.decode()) == [APPROVER, EDITOR]
    login(client, SUPERVISOR)
    assert "wiset_editor" in people(client.get(URL).content.decode())
