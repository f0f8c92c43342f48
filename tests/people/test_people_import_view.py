"""/app/people/import/: the people file (the one import_people reads) uploaded on the web by the
administrator (every body) or a supervisor (their area's approvers): a preview that writes
nothing, a signed confirmation, all or nothing, idempotent, audited, the invitations mailed."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import AuditEvent, Membership
from people import people_io
from people.models import Invitation
from tests.factories import ADMIN, ANGTHONG, EDITOR, SUPERVISOR, login, user

URL = "/app/people/import/"
HEADER = "name,position,email,body,role\n"
ADMIN_FILE = (HEADER + f"นายสมชาย ใจดี,ปลัดเทศบาล,somchai@example.go.th,{ANGTHONG},approver\n"
              "นางสาวสมศรี มีสุข,นักวิเคราะห์นโยบายและแผน,somsri@example.go.th,abt-bo-kaeo,เจ้าหน้าที่ผู้จัดทำ\n")


def upload(client, text, name="people.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def payload(response):
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def kinds(response):
    return [(int(line), kind) for line, kind in re.findall(r'data-line="(\d+)" data-kind="(\w+)"',
                                                           response.content.decode())]


def confirm(client, token):
    return client.post(URL, {"payload": token})


def people_events():
    return AuditEvent.objects.filter(action__startswith="people.").count()


def test_it_previews_what_every_row_will_do_and_writes_nothing(client, db, smtp_server):
    holder = user("angthong_approver")
    holder.email = "palad.angthong@example.go.th"
    holder.save(update_fields=["email"])
    login(client, ADMIN)
    events = people_events()
    response = upload(client, ADMIN_FILE + f"ปลัดเดิม,,palad.angthong@example.go.th,{ANGTHONG},approver\n")
    assert response.status_code == 200
    assert kinds(response) == [(2, "invited"), (3, "invited"), (4, "unchanged")]
    page = response.content.decode()
    assert "ตัวอย่างการนำเข้าไฟล์ people.csv" in page
    assert "นายสมชาย ใจดี" in page and "somsri@example.go.th" in page and "องค์การบริหารส่วนตำบลบ่อแก้ว" in page
    assert "เชิญใหม่ ส่งอีเมลคำเชิญ" in page and "มีบทบาทนี้อยู่แล้ว ไม่เปลี่ยนแปลง" in page
    assert payload(response) and 'data-testid="import-confirm"' in page
    # The preview ran the import's own calls and rolled them back: nothing stays, nothing was mailed.
    assert not Invitation.objects.exists() and people_events() == events and smtp_server.messages == []


def test_it_creates_the_invitations_once_on_confirm_and_mails_them(client, db, smtp_server):
    login(client, ADMIN)
    events = people_events()
    token = payload(upload(client, ADMIN_FILE))
    response = confirm(client, token)
    assert response.status_code == 302 and response["Location"] == URL
    invitations = {i.email: i for i in Invitation.objects.select_related("org")}
    assert set(invitations) == {"somchai@example.go.th", "somsri@example.go.th"}
    assert invitations["somchai@example.go.th"].org.slug == ANGTHONG
    assert invitations["somsri@example.go.th"].role == Membership.Role.EDITOR
    assert all(i.sent_at and i.invited_by.username == ADMIN for i in invitations.values())
    assert AuditEvent.objects.filter(action="people.invite", actor__username=ADMIN).count() == 2
    assert people_events() > events
    [message] = smtp_server.to("somchai@example.go.th")
    assert "คำเชิญเป็นผู้บริหารผู้รับรองของเทศบาลเมืองอ่างทอง" in smtp_server.subject(message)
    assert "http://testserver/invite/" in smtp_server.text(message)
    assert len(smtp_server.messages) == 2
    page = client.get(URL).content.decode()
    assert "นำเข้าไฟล์ people.csv แล้ว 2 แถว: เชิญใหม่ 2 คน" in page
    # The same confirmation sent again (a second click, a replay) imports nothing more.
    events = people_events()
    again = confirm(client, token)
    assert again.status_code == 409
    assert kinds(again) == [(2, "pending"), (3, "pending")]
    assert Invitation.objects.count() == 2 and people_events() == events and len(smtp_server.messages) == 2


def test_a_second_import_of_the_same_file_does_nothing(client, db, smtp_server):
    login(client, ADMIN)
    confirm(client, payload(upload(client, ADMIN_FILE)))
    events, mails = people_events(), len(smtp_server.messages)
    response = upload(client, ADMIN_FILE)
    assert response.status_code == 200
    assert kinds(response) == [(2, "pending"), (3, "pending")]
    page = response.content.decode()
    assert 'data-testid="import-nothing"' in page and payload(response) is None  # nothing to confirm
    assert Invitation.objects.count() == 2 and people_events() == events and len(smtp_server.messages) == mails


def test_a_supervisor_imports_the_approvers_of_their_area(client, db, smtp_server):
    login(client, SUPERVISOR)
    response = upload(client, HEADER + f"นายสมชาย ใจดี,ปลัดเทศบาล,somchai@example.go.th,{ANGTHONG},ผู้บริหาร\n")
    assert kinds(response) == [(2, "invited")]
    assert confirm(client, payload(response)).status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.org.slug, invitation.role, invitation.invited_by.username) == (ANGTHONG, "approver", SUPERVISOR)
    assert smtp_server.to("somchai@example.go.th")


def test_a_supervisor_cannot_import_into_a_body_outside_their_area(client, db, smtp_server):
    login(client, SUPERVISOR)
    events = people_events()
    response = upload(client, HEADER + f",,somchai@example.go.th,{ANGTHONG},approver\n"
                      ",,outside@example.go.th,abt-bo-kaeo,approver\n"
                      f",,editor@example.go.th,{ANGTHONG},editor\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ เพราะพบข้อผิดพลาด 2 รายการ" in page
    assert "แถวที่ 3: หน่วยงาน “abt-bo-kaeo” (องค์การบริหารส่วนตำบลบ่อแก้ว) ไม่อยู่ในพื้นที่ที่คุณกำกับดูแล" in page
    assert "แถวที่ 4: ผู้กำกับดูแลพื้นที่เชิญได้เฉพาะผู้บริหารผู้รับรอง" in page
    assert payload(response) is None
    assert not Invitation.objects.exists() and people_events() == events and smtp_server.messages == []
    # A preview the administrator signed cannot be replayed by the supervisor either.
    client.logout()
    login(client, ADMIN)
    token = payload(upload(client, HEADER + ",,outside@example.go.th,abt-bo-kaeo,approver\n"))
    login(client, SUPERVISOR)
    refused = confirm(client, token)
    assert refused.status_code == 400
    assert "ข้อมูลที่ส่งมายืนยันไม่ได้มาจากไฟล์ที่คุณตรวจ" in refused.content.decode()
    assert not Invitation.objects.exists()


def test_a_bad_row_changes_nothing(client, db, smtp_server):
    login(client, ADMIN)
    events = people_events()
    response = upload(client, HEADER + f",,good@example.go.th,{ANGTHONG},editor\n"
                      f",,not-an-address,{ANGTHONG},editor\n"
                      ",,x@example.go.th,no-such-body,editor\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "แถวที่ 3: อีเมล “not-an-address” ไม่ถูกต้อง" in page
    assert "แถวที่ 4: ไม่พบหน่วยงาน “no-such-body”" in page
    assert payload(response) is None
    assert not Invitation.objects.exists() and people_events() == events and smtp_server.messages == []


def test_an_edited_confirmation_is_refused(client, db, smtp_server):
    login(client, ADMIN)
    token = payload(upload(client, ADMIN_FILE))
    body, _sep, signature = token.rpartition(":")
    forged = f"{body}:{signature[::-1]}"
    response = confirm(client, forged)
    assert response.status_code == 400
    assert "ข้อมูลที่ส่งมายืนยันไม่ตรงกับไฟล์ที่ตรวจแล้ว กรุณาอัปโหลดไฟล์อีกครั้ง" in response.content.decode()
    assert confirm(client, "").status_code == 400
    assert not Invitation.objects.exists() and smtp_server.messages == []


def test_a_mail_that_fails_keeps_the_invitation_and_the_next_import_sends_it(client, db, smtp_server):
    login(client, ADMIN)
    smtp_server.refuse = True
    confirm(client, payload(upload(client, HEADER + f",,somchai@example.go.th,{ANGTHONG},approver\n")))
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None
    page = client.get(URL).content.decode()
    assert "ส่งอีเมลไม่สำเร็จ 1 ฉบับ" in page and "แถวที่ 2: ส่งอีเมลถึง somchai@example.go.th ไม่สำเร็จ" in page
    smtp_server.refuse = False
    response = upload(client, HEADER + f",,somchai@example.go.th,{ANGTHONG},approver\n")
    assert kinds(response) == [(2, "resend")]
    confirm(client, payload(response))
    invitation.refresh_from_db()
    assert invitation.sent_at and len(smtp_server.to("somchai@example.go.th")) == 1
    assert Invitation.objects.count() == 1


def test_a_file_over_the_web_limit_is_refused(client, db):
    login(client, ADMIN)
    rows = "".join(f",,p{n}@example.go.th,{ANGTHONG},editor\n" for n in range(people_io.WEB_MAX_ROWS + 1))
    response = upload(client, HEADER + rows)
    assert response.status_code == 400
    assert "ไฟล์มีมากกว่า 500 แถว" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_editor_is_refused(client, db):
    login(client, EDITOR)
    assert client.get(URL).status_code == 403
    assert upload(client, ADMIN_FILE).status_code == 403
    assert not Invitation.objects.exists()
