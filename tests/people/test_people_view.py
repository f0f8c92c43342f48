"""/app/orgs/<slug>/people/: the body's people, pending invitations and the log of changes,
for the body's approver, the area's supervisor (approvers only) and the administrator."""

import logging

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AuditEvent, Membership, Organization
from people import services
from people.models import Invitation
from tests.factories import ADMIN, ANGTHONG, APPROVER, EDITOR, OUTSIDE_SUPERVISOR, SUPERVISOR, login, user

URL = f"/app/orgs/{ANGTHONG}/people/"


def memberships(role):
    return Membership.objects.filter(org__slug=ANGTHONG, role=role)


def test_it_lists_people_invitations_and_the_log(client, db):
    org = Organization.objects.get(slug=ANGTHONG)
    services.invitation_create(org=org, email="waiting@example.go.th", role="editor", actor=user(APPROVER))
    login(client, APPROVER)
    html = client.get(URL).content.decode()
    assert "เจ้าหน้าที่เทศบาลเมืองอ่างทอง" in html and "ปลัดเทศบาลเมืองอ่างทอง" in html
    assert "นักวิเคราะห์นโยบายและแผน" in html and "เข้าสู่ระบบล่าสุด" in html and "ตั้งแต่" in html
    assert "waiting@example.go.th" in html and "ยังส่งไม่สำเร็จ" in html
    assert "เชิญ waiting@example.go.th เป็นเจ้าหน้าที่ผู้จัดทำ" in html  # the audit log


def test_an_editor_cannot_reach_the_people_page(client, db):
    login(client, EDITOR)
    assert client.get(URL).status_code == 403
    response = client.post(f"{URL}invite/", {"email": "x@example.go.th", "role": "editor"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_page_runs_the_same_queries_for_2_or_30_people(client, db):
    org = Organization.objects.get(slug=ANGTHONG)
    login(client, APPROVER)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(14):
        person = get_user_model().objects.create_user(f"p{n}", email=f"p{n}@example.go.th", first_name=f"คน{n}")
        services.role_add(user=person, org=org, role="editor", position="ผู้ช่วย", actor=user(APPROVER))
        services.invitation_create(org=org, email=f"i{n}@example.go.th", role="approver", actor=user(APPROVER))
    assert count() == few
    assert few <= 12


def test_a_supervisor_invites_and_hands_over_the_approver_of_a_body_in_their_area(client, smtp_server, db):
    login(client, SUPERVISOR)
    html = client.get(URL).content.decode()
    assert "เฉพาะผู้บริหารผู้รับรอง" in html
    client.post(f"{URL}invite/", {"email": "new.palad@example.go.th", "role": "approver", "position": "ปลัดเทศบาล"})
    assert len(smtp_server.to("new.palad@example.go.th")) == 1
    outgoing = memberships("approver").get()
    editor = memberships("editor").get()
    assert client.post(f"{URL}{editor.pk}/remove/").status_code == 403  # editors are the approver's
    assert client.post(f"{URL}invite/", {"email": "e@example.go.th", "role": "editor"}).status_code == 403
    client.post(f"{URL}{outgoing.pk}/handover/", {"successor": editor.user_id})
    assert list(memberships("approver").values_list("user_id", flat=True)) == [editor.user_id]
    assert AuditEvent.objects.filter(action="people.handover", actor=user(SUPERVISOR)).exists()


def test_a_supervisor_elsewhere_gets_404(client, db):
    login(client, OUTSIDE_SUPERVISOR)
    assert client.get(URL).status_code == 404
    approver = memberships("approver").get()
    assert client.post(f"{URL}{approver.pk}/remove/").status_code == 404


def test_the_last_approver_cannot_be_removed(client, db):
    login(client, APPROVER)
    approver = memberships("approver").get()
    response = client.post(f"{URL}{approver.pk}/remove/", follow=True)
    assert "ผู้บริหารผู้รับรองคนสุดท้าย" in response.content.decode()
    assert memberships("approver").count() == 1


def test_a_refused_smtp_shows_the_thai_error_logs_and_keeps_the_invitation_unsent(client, smtp_server, caplog, db):
    smtp_server.refuse = True
    login(client, APPROVER)
    with caplog.at_level(logging.WARNING, logger="ita.mail"):
        response = client.post(f"{URL}invite/", {"email": "late@example.go.th", "role": "editor"}, follow=True)
    html = response.content.decode()
    assert "ส่งอีเมลไม่สำเร็จ" in html and "ส่งคำเชิญถึง" not in html.split("ส่งอีเมลไม่สำเร็จ")[0][-200:]
    assert "ส่งอีเมลคำเชิญถึง late@example.go.th แล้ว" not in html
    assert any(r.levelname == "WARNING" and "not sent" in r.getMessage() for r in caplog.records)
    invitation = Invitation.objects.get(email="late@example.go.th")
    assert invitation.sent_at is None and invitation.send_failed_at is not None
    smtp_server.refuse = False
    resent = client.post(f"{URL}invitations/{invitation.pk}/resend/", follow=True)
    assert "ส่งอีเมลคำเชิญถึง late@example.go.th แล้ว" in resent.content.decode()
    assert len(smtp_server.to("late@example.go.th")) == 1


def test_a_closed_smtp_port_shows_the_thai_error(client, closed_smtp_port, db):
    login(client, ADMIN)
    response = client.post(f"{URL}invite/", {"email": "late@example.go.th", "role": "approver"}, follow=True)
    assert "ส่งอีเมลไม่สำเร็จ" in response.content.decode()
    assert Invitation.objects.get(email="late@example.go.th").sent_at is None


def test_a_bad_address_is_a_thai_error_and_nothing_is_saved(client, db):
    login(client, APPROVER)
    response = client.post(f"{URL}invite/", {"email": "not-an-address", "role": "editor"})
    assert response.status_code == 400 and "ไม่ถูกต้อง" in response.content.decode()
    long = client.post(f"{URL}invite/", {"email": "a@example.go.th", "role": "editor", "position": "ก" * 201})
    assert long.status_code == 400 and "เกินกำหนด 200 ตัวอักษร" in long.content.decode()
    assert not Invitation.objects.exists()


def test_the_approver_changes_a_role(client, db):
    login(client, APPROVER)
    editor = memberships("editor").get()
    client.post(f"{URL}{editor.pk}/role/", {"role": "approver"})
    assert memberships("approver").count() == 2 and not memberships("editor").exists()
