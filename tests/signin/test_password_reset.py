"""Password reset: the portal's Thai pages and a Thai e-mail (text and HTML) through a real SMTP
server, end to end; a mail server that refuses or is down keeps the form with a Thai error."""

import logging
import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model

from tests.factories import APPROVER, user

RESET = "/accounts/password_reset/"
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/reset/[^\s\"<>]+/")
NEW_PASSWORD = "รหัสใหม่-ปลอดภัย-2569"


def with_email(db):
    person = user(APPROVER)
    person.email = "palad@angthong.go.th"
    person.save()
    return person


def test_the_sign_in_page_links_to_it(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in html and "ลืมรหัสผ่าน?" in html


def test_the_form_is_the_portals_thai_page(client, db):
    html = client.get(RESET).content.decode()
    assert "ลืมรหัสผ่าน" in html and "ส่งลิงก์ตั้งรหัสผ่านใหม่" in html
    assert "Django" not in html and "Password reset" not in html


def test_it_sends_a_thai_mail_whose_link_sets_a_new_password(client, smtp_server, db):
    person = with_email(db)
    response = client.post(RESET, {"email": "Palad@Angthong.go.th"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert "ตรวจสอบอีเมลของคุณ" in client.get(response["Location"]).content.decode()
    [message] = smtp_server.to("palad@angthong.go.th")
    assert smtp_server.subject(message) == "ตั้งรหัสผ่านใหม่สำหรับ ITA Portal"
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "มีผู้ขอตั้งรหัสผ่านใหม่" in text and "มีผู้ขอตั้งรหัสผ่านใหม่" in html
    assert person.get_username() in text
    [url] = set(LINK.findall(text))
    assert url in html
    form = client.get(urlsplit(url).path, follow=True)
    assert "ตั้งรหัสผ่านใหม่" in form.content.decode() and "รหัสผ่านใหม่" in form.content.decode()
    done = client.post(form.wsgi_request.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert "ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว" in client.get(done["Location"]).content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    again = client.get(urlsplit(url).path, follow=True)
    assert "ลิงก์ตั้งรหัสผ่านใหม่นี้ใช้ไม่ได้" in again.content.decode()


def test_a_weak_new_password_is_refused_in_thai(client, smtp_server, db):
    with_email(db)
    client.post(RESET, {"email": "palad@angthong.go.th"})
    [url] = set(LINK.findall(smtp_server.text(smtp_server.messages[0])))
    form = client.get(urlsplit(url).path, follow=True)
    response = client.post(form.wsgi_request.path, {"new_password1": "12345678", "new_password2": "12345678"})
    html = response.content.decode()
    assert "ตัวเลขทั้งหมด" in html and "This password" not in html


def test_a_refused_mail_keeps_the_form_with_a_thai_error_and_a_warning(client, smtp_server, caplog, db):
    with_email(db)
    smtp_server.refuse = True
    with caplog.at_level(logging.WARNING, logger="ita.mail"):
        response = client.post(RESET, {"email": "palad@angthong.go.th"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "ส่งอีเมลไม่สำเร็จ" in html and "ตรวจสอบอีเมลของคุณ" not in html
    assert any(r.levelname == "WARNING" and "password_reset" in r.getMessage() for r in caplog.records)


def test_a_closed_mail_port_keeps_the_form_with_a_thai_error(client, closed_smtp_port, db):
    with_email(db)
    response = client.post(RESET, {"email": "palad@angthong.go.th"})
    assert response.status_code == 503 and "ส่งอีเมลไม่สำเร็จ" in response.content.decode()


def test_an_unknown_address_sends_nothing_and_says_so_conditionally(client, smtp_server, db):
    response = client.post(RESET, {"email": "nobody@example.go.th"}, follow=True)
    assert "ถ้าอีเมลที่กรอกตรงกับบัญชีในระบบ" in response.content.decode()
    assert smtp_server.messages == []
    assert not get_user_model().objects.filter(email="nobody@example.go.th").exists()


def test_it_answers_404_with_the_thai_page_to_a_used_or_altered_reset_link(client, smtp_server, db):
    with_email(db)
    client.post(RESET, {"email": "palad@angthong.go.th"})
    [url] = set(LINK.findall(smtp_server.text(smtp_server.to("palad@angthong.go.th")[0])))
    path = urlsplit(url).path
    uid, token = path.rstrip("/").split("/")[-2:]
    altered = client.get(f"/accounts/reset/{uid}/{token[:-1]}{'x' if token[-1] != 'x' else 'y'}/", follow=True)
    assert altered.status_code == 404 and "ลิงก์ตั้งรหัสผ่านใหม่นี้ใช้ไม่ได้" in altered.content.decode()
    form = client.get(path, follow=True)
    assert form.status_code == 200
    client.post(form.wsgi_request.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    used = client.get(path, follow=True)
    assert used.status_code == 404 and "ลิงก์ตั้งรหัสผ่านใหม่นี้ใช้ไม่ได้" in used.content.decode()
    assert client.post(path, {"new_password1": "x", "new_password2": "x"}).status_code == 404
