"""/invite/<token>/: the invitee sets their name, position and password from the link in the
e-mail (sent to a real SMTP server), is signed in and lands on their home page; the link works
once, expires, and says in Thai whom to ask when it no longer works."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import AuditEvent, Membership
from people.models import Invitation
from tests.factories import ANGTHONG, APPROVER, OTHER_EDITOR, SQUATTED, login

INVITE = f"/app/orgs/{ANGTHONG}/people/invite/"
NEWCOMER = "somsri.jaidee@example.go.th"
PASSWORD = "ita-ยาวพอ-2569!"
LINK = re.compile(r"https?://[^\s\"<>]+/invite/[A-Za-z0-9_-]+/")


def invite(client, smtp_server, email=NEWCOMER, role="editor"):
    login(client, APPROVER)
    response = client.post(INVITE, {"email": email, "role": role, "position": "นักวิเคราะห์นโยบายและแผน"})
    assert response.status_code == 302
    [message] = smtp_server.to(email)
    return message


def link_path(smtp_server, message):
    [url] = set(LINK.findall(smtp_server.text(message)))
    assert url in smtp_server.html(message)
    return urlsplit(url).path


def accept(client, path, **overrides):
    data = {"first_name": "สมศรี", "last_name": "ใจดี", "position": "นักวิเคราะห์นโยบายและแผนชำนาญการ",
            "password1": PASSWORD, "password2": PASSWORD, **overrides}
    return client.post(path, data)


def test_it_mails_a_thai_invitation_whose_link_sets_a_password_and_signs_in(client, smtp_server, db):
    message = invite(client, smtp_server)
    assert "คำเชิญเป็นเจ้าหน้าที่ผู้จัดทำของเทศบาลเมืองอ่างทอง" in smtp_server.subject(message)
    assert "ลิงก์ใช้ได้ครั้งเดียว" in smtp_server.text(message)
    assert "ตอบรับคำเชิญและตั้งรหัสผ่าน" in smtp_server.html(message)
    path = link_path(smtp_server, message)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "ตอบรับคำเชิญ" in page.content.decode() and NEWCOMER in page.content.decode()
    response = accept(client, path)
    assert response.status_code == 302 and response["Location"] == "/app/"
    newcomer = get_user_model().objects.get(email=NEWCOMER)
    assert (newcomer.first_name, newcomer.last_name, newcomer.username) == ("สมศรี", "ใจดี", NEWCOMER)
    assert newcomer.check_password(PASSWORD)
    membership = Membership.objects.get(user=newcomer)
    assert (membership.org.slug, membership.role, membership.position) == (
        ANGTHONG, "editor", "นักวิเคราะห์นโยบายและแผนชำนาญการ")
    home = client.get("/app/")
    assert home.wsgi_request.user == newcomer and "เทศบาลเมืองอ่างทอง" in home.content.decode()
    assert AuditEvent.objects.filter(action="people.invite_accept", actor=newcomer).exists()


def test_a_second_use_of_the_link_fails_with_a_thai_page(client, smtp_server, db):
    path = link_path(smtp_server, invite(client, smtp_server))
    client.logout()
    accept(client, path)
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "ถูกใช้ตอบรับคำเชิญไปแล้ว" in again.content.decode()
    posted = accept(client, path, first_name="ผู้บุกรุก")
    assert posted.status_code == 410
    assert get_user_model().objects.filter(email=NEWCOMER).count() == 1


def test_an_expired_link_fails_and_says_whom_to_ask(client, smtp_server, db):
    path = link_path(smtp_server, invite(client, smtp_server))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 410 and "หมดอายุแล้ว" in html
    assert "กรุณาติดต่อผู้เชิญ" in html and "ปลัดเทศบาลเมืองอ่างทอง" in html
    assert accept(client, path).status_code == 410
    assert not get_user_model().objects.filter(email=NEWCOMER).exists()


def test_a_cancelled_invitation_and_a_resent_ones_old_link_no_longer_work(client, smtp_server, db):
    first = link_path(smtp_server, invite(client, smtp_server))
    invitation = Invitation.objects.get(email=NEWCOMER)
    client.post(f"/app/orgs/{ANGTHONG}/people/invitations/{invitation.pk}/resend/")
    second = link_path(smtp_server, smtp_server.to(NEWCOMER)[-1])
    assert first != second
    assert client.get(first).status_code == 404  # the first mail's link was replaced
    client.post(f"/app/orgs/{ANGTHONG}/people/invitations/{invitation.pk}/cancel/")
    client.logout()
    page = client.get(second)
    assert page.status_code == 410 and "ถูกยกเลิกแล้ว" in page.content.decode()


def test_a_weak_password_is_refused_in_thai_and_nothing_is_created(client, smtp_server, db):
    path = link_path(smtp_server, invite(client, smtp_server))
    client.logout()
    response = accept(client, path, password1="12345678", password2="12345678")
    html = response.content.decode()
    assert response.status_code == 400
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in html or "ใช้กันทั่วไป" in html
    assert "This password" not in html
    mismatch = accept(client, path, password2="อย่างอื่น-2569!")
    assert "รหัสผ่านทั้งสองช่องไม่ตรงกัน" in mismatch.content.decode()
    no_name = accept(client, path, last_name="")
    assert no_name.status_code == 400
    assert not get_user_model().objects.filter(email=NEWCOMER).exists()
    assert Invitation.objects.get(email=NEWCOMER).accepted_at is None


def test_an_unknown_token_is_a_thai_404(client, db):
    response = client.get("/invite/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/")
    assert response.status_code == 404 and "ไม่พบคำเชิญของลิงก์นี้" in response.content.decode()


def test_it_gives_an_existing_accounts_address_no_role_until_that_account_accepts_signed_in(
        client, smtp_server, db):
    existing = get_user_model().objects.create_user("somchai", email="Somchai@Example.go.th", first_name="สมชาย",
                                                    last_name="มีบัญชี", password=PASSWORD)
    message = invite(client, smtp_server, email="somchai@example.go.th", role="approver")
    assert not Membership.objects.filter(user=existing).exists()  # inviting gives nothing
    assert "คุณมีบัญชี ITA Portal ที่ใช้อีเมลนี้อยู่แล้ว" in smtp_server.text(message)
    path = link_path(smtp_server, message)
    # Signed in as someone else (the inviter here): a Thai refusal to sign out first.
    other = client.get(path)
    assert other.status_code == 403 and "กรุณาออกจากระบบ" in other.content.decode()
    assert client.post(path).status_code == 403
    client.logout()
    anonymous = client.get(path)
    assert anonymous.status_code == 200 and "เข้าสู่ระบบเพื่อตอบรับคำเชิญ" in anonymous.content.decode()
    signed_in = client.post("/accounts/login/", {"username": "somchai", "password": PASSWORD, "next": path})
    assert signed_in["Location"] == path
    page = client.get(path)
    assert page.status_code == 200 and "ตอบรับคำเชิญนี้ด้วยบัญชี somchai" in page.content.decode()
    assert not Membership.objects.filter(user=existing).exists()  # opening it is not accepting it
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert Membership.objects.get(user=existing).role == "approver"
    assert AuditEvent.objects.filter(action="people.invite_accept", actor=existing).exists()
    assert client.get(path).status_code == 410


def test_it_gives_the_squatter_signed_in_with_the_link_no_role(client, smtp_server, squatter):
    path = link_path(smtp_server, invite(client, smtp_server, email=SQUATTED, role="approver"))
    login(client, OTHER_EDITOR)
    for response in (client.get(path), client.post(path), accept(client, path)):
        assert response.status_code == 403
    assert not Membership.objects.filter(user=squatter, org__slug=ANGTHONG).exists()
    assert Invitation.objects.get(email=SQUATTED).accepted_at is None


@pytest.mark.parametrize("state", ["accepted", "cancelled"])
def test_the_database_lets_an_invitation_end_only_one_way(db, state):
    from django.db import IntegrityError, transaction

    from assessments.models import Organization
    from people.models import token_digest

    invitation = Invitation.objects.create(email="x@example.go.th", org=Organization.objects.get(slug=ANGTHONG),
                                           role="editor", token_hash=token_digest("t"), expires_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), cancelled_at=timezone.now())
