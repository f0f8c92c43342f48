"""/app/profile/: a person's Thai name, e-mail and position in each of their bodies; a new
address counts once the link mailed to it is opened (/app/profile/email/<token>/)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from assessments.models import AuditEvent, Membership
from people.models import EmailChange
from tests.factories import ANGTHONG, EDITOR, OTHER_EDITOR, SQUATTED, SUPERVISOR, login, user

URL = "/app/profile/"
LINK = re.compile(r"https?://[^\s\"<>]+/app/profile/email/[A-Za-z0-9_-]+/")


def test_it_saves_the_name_and_position_and_asks_to_confirm_a_new_email(client, db):
    person = login(client, EDITOR)
    org_id = Membership.objects.get(user=person).org_id
    response = client.post(URL, {"first_name": "สมหญิง", "last_name": "รักงาน", "email": "somying@example.go.th",
                                 f"position_{org_id}": "นักวิเคราะห์นโยบายและแผนชำนาญการ"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.email) == ("สมหญิง", "รักงาน", "")
    assert Membership.objects.get(user=person).position == "นักวิเคราะห์นโยบายและแผนชำนาญการ"
    assert AuditEvent.objects.filter(action="people.profile", actor=person).exists()
    html = client.get(URL).content.decode()
    assert 'data-testid="pending-email"' in html and "somying@example.go.th" in html


def confirm_link(smtp_server, address):
    [message] = [m for m in smtp_server.to(address) if "ยืนยันอีเมลใหม่" in smtp_server.subject(m)]
    [url] = set(LINK.findall(smtp_server.text(message)))
    assert url in smtp_server.html(message)
    return urlsplit(url).path


def change_email(client, address):
    return client.post(URL, {"first_name": "สมหญิง", "last_name": "รักงาน", "email": address})


def test_it_keeps_the_address_until_the_link_mailed_to_the_new_one_is_opened(client, smtp_server, db):
    login(client, EDITOR)
    change_email(client, "old@example.go.th")
    client.post(confirm_link(smtp_server, "old@example.go.th"))
    assert user(EDITOR).email == "old@example.go.th"

    response = change_email(client, "new@example.go.th")
    assert response.status_code == 302
    assert user(EDITOR).email == "old@example.go.th"  # not yet
    [notice] = [m for m in smtp_server.to("old@example.go.th") if "ขอเปลี่ยนอีเมล" in smtp_server.subject(m)]
    assert "new@example.go.th" in smtp_server.text(notice)
    path = confirm_link(smtp_server, "new@example.go.th")
    page = client.get(path)
    assert page.status_code == 200 and "ยืนยันอีเมลนี้" in page.content.decode()
    assert user(EDITOR).email == "old@example.go.th"  # opening is not confirming
    assert client.post(path)["Location"] == URL
    assert user(EDITOR).email == "new@example.go.th"
    assert AuditEvent.objects.filter(action="people.profile_email_confirm", actor=user(EDITOR)).count() == 2
    again = client.post(path)
    assert again.status_code == 410 and "ใช้ได้ครั้งเดียว" in again.content.decode()


def test_it_confirms_the_link_only_for_the_account_that_asked(client, smtp_server, db):
    # The squatter types someone else's address; its owner, signed in, opens the link they get.
    login(client, OTHER_EDITOR)
    change_email(client, SQUATTED)
    path = confirm_link(smtp_server, SQUATTED)
    login(client, EDITOR)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403 and "กรุณาออกจากระบบ" in response.content.decode()
    assert user(OTHER_EDITOR).email != SQUATTED and user(EDITOR).email != SQUATTED
    client.logout()
    assert client.get(path)["Location"].startswith("/accounts/login/")


def test_it_drops_the_request_and_says_so_when_the_mail_server_is_down(client, closed_smtp_port, db):
    login(client, EDITOR)
    response = change_email(client, "new@example.go.th")
    assert response.status_code == 302
    html = client.get(URL).content.decode()
    assert "ส่งอีเมลยืนยันไปที่ new@example.go.th ไม่สำเร็จ" in html and 'data-testid="pending-email"' not in html
    assert not EmailChange.objects.exists() and user(EDITOR).email == ""


def test_it_answers_an_unknown_or_expired_link_with_a_thai_page(client, smtp_server, db):
    login(client, EDITOR)
    assert client.get("/app/profile/email/not-a-token/").status_code == 404
    change_email(client, "new@example.go.th")
    EmailChange.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    path = confirm_link(smtp_server, "new@example.go.th")
    response = client.post(path)
    assert response.status_code == 410 and "หมดอายุแล้ว" in response.content.decode()
    assert user(EDITOR).email == ""


def test_it_shows_the_current_values_and_the_login_name(client, db):
    login(client, EDITOR)
    html = client.get(URL).content.decode()
    assert "เจ้าหน้าที่เทศบาลเมืองอ่างทอง" in html and "นักวิเคราะห์นโยบายและแผน" in html
    assert EDITOR in html and "ไม่พิมพ์ชื่อผู้ใช้" in html


def test_a_missing_last_name_or_a_taken_email_is_a_thai_error(client, db):
    login(client, SUPERVISOR)
    other = user(EDITOR)
    other.email = "taken@example.go.th"
    other.save()
    missing = client.post(URL, {"first_name": "สมชาย", "last_name": ""})
    assert missing.status_code == 400 and "นามสกุล" in missing.content.decode()
    taken = client.post(URL, {"first_name": "สมชาย", "last_name": "ดี", "email": "TAKEN@example.go.th"})
    assert taken.status_code == 400 and "เป็นของบัญชีอื่นแล้ว" in taken.content.decode()
    assert user(SUPERVISOR).last_name == ""


def test_it_returns_to_the_page_that_asked_for_the_name_and_nowhere_else(client, db):
    login(client, SUPERVISOR)
    data = {"first_name": "สมชาย", "last_name": "ดี"}
    back = client.post(URL, {**data, "next": f"/app/orgs/{ANGTHONG}/2569/plan/"})
    assert back["Location"] == f"/app/orgs/{ANGTHONG}/2569/plan/"
    elsewhere = client.post(URL, {**data, "next": "https://evil.example/"})
    assert elsewhere["Location"] == URL


def test_the_page_needs_a_sign_in(client, db):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_it_goes_back_to_the_profile_when_next_is_a_bare_word(client, db):
    """``?next=x`` was looked up as a URL name after the save (NoReverseMatch, a 500)."""
    login(client, EDITOR)
    response = client.post(URL + "?next=x", {"first_name": "สมหญิง", "last_name": "รักงาน", "email": ""})
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL + "?next=x").content.decode()
    assert 'name="next" value="x"' not in page
