"""The administrator's page of the reminder pass: what it would send (e-mails, LINE messages, the
month's LINE quota), counted before it starts; started on request, audited."""

from django.utils import timezone

from assessments.models import AuditEvent
from measures import services as measure_services
from notifications.models import Channel, MailState, Notification
from tests.factories import ADMIN, EDITOR, SUPERVISOR, build_plan, login, user
from tests.notifying import give_emails

from .conftest import link_line

URL = "/admin/notifications/notification/reminders/"


def test_the_admin_sees_the_count_before_the_run_and_starts_it(client, angthong, line_api):
    give_emails(EDITOR, SUPERVISOR)
    link_line(user(EDITOR))
    plan = build_plan(angthong, 2570, measures=1)
    measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text="โปรดเร่งรัด")  # one LINE row queued
    login(client, ADMIN)
    assert 'href="/admin/notifications/notification/reminders/"' in client.get(
        "/admin/notifications/notification/").content.decode()
    before = Notification.objects.count()
    html = client.get(URL).content.decode()
    assert Notification.objects.count() == before
    queued_line = Notification.objects.filter(channel=Channel.LINE, state=MailState.QUEUED,
                                              next_attempt_at__lte=timezone.now()).count()
    assert queued_line >= 1
    line_total = int(html.split('data-testid="preview-line">')[1].split("<")[0])
    assert line_total >= queued_line and 'data-testid="preview-email"' in html
    assert "ตัวเลขจาก LINE" in html and 'data-testid="over-quota"' not in html
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == "/admin/notifications/notification/"
    event = AuditEvent.objects.filter(action="admin.other", actor__username=ADMIN).latest("pk")
    assert event.summary.startswith("เริ่มรอบการแจ้งเตือนจากหน้าผู้ดูแลระบบ")
    assert event.detail["line_queued"] == line_total  # what the page counted is what the run queued


def test_only_the_administrator_opens_it(client, editor):
    login(client, EDITOR)
    assert client.get(URL).status_code == 302  # the admin's own sign-in rule
    assert client.post(URL).status_code == 302
