"""One's own second factor (signin/otp.py): enrolling an authenticator app with a QR code drawn on
the server, the recovery codes shown once, new codes, turning it off, and the admin's reset."""

import re
from base64 import b32encode

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import AuditEvent
from signin.otp import recovery_digest
from tests.factories import ADMIN, DEMO_PASSWORD, EDITOR, SUPERVISOR, login, user
from tests.otp_codes import code_for, enrol, wrong_code

pytestmark = pytest.mark.django_db

SETUP = "/app/security/setup/"
CODES = "/app/security/recovery-codes/"
SETTINGS = "/app/security/"
DISABLE = "/app/security/disable/"


def shown_codes(html):
    block = re.search(r'data-testid="recovery-codes">(.*?)</ol>', html, re.S)
    return re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", block.group(1)) if block else []


def test_the_enrolment_page_draws_the_qr_code_inline_and_gives_the_secret_to_type(client):
    login(client, EDITOR)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "ตั้งค่าการยืนยันตัวตนสองขั้นตอน" in html
    assert re.search(r"<svg[^>]*>.*<path", html, re.S)  # drawn on the server, no image request
    assert "<img" not in html.split('class="otp-qr')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user__username=EDITOR, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    assert re.sub(r"\s", "", re.search(r'data-testid="otp-secret">([^<]*)<', html).group(1)) == secret
    assert "http" not in "".join(re.findall(r'<script src="([^"]*)"', html))  # no CDN
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user__username=EDITOR).count() == 1  # the same app on a reload


def test_enrolling_with_a_real_code_turns_it_on_and_shows_ten_recovery_codes_once(client):
    login(client, EDITOR)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user__username=EDITOR)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"].startswith(CODES)
    device.refresh_from_db()
    assert device.confirmed
    html = client.get(response["Location"]).content.decode()
    codes = shown_codes(html)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "แสดงเพียงครั้งเดียว" in html and "data-print" in html and "data-copy" in html
    assert shown_codes(client.get(CODES).content.decode()) == []  # shown once
    assert sorted(StaticToken.objects.filter(device__user=device.user).values_list("token", flat=True)) == \
        sorted(recovery_digest(code) for code in codes)  # kept hashed (tests/signin/test_recovery_codes.py)
    assert AuditEvent.objects.filter(action="otp.enable", actor=device.user).count() == 1
    assert "เปิดใช้อยู่" in client.get(SETTINGS).content.decode()
    assert client.get("/app/").status_code == 200  # this session is verified by the enrolment


def test_a_wrong_code_does_not_turn_it_on(client):
    login(client, EDITOR)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user__username=EDITOR)
    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "รหัสไม่ถูกต้อง" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=device.user).exists()
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 429  # throttled right after a wrong code
    assert "กรุณารอ" in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones(client, settings):
    settings.OTP_REQUIRED = True
    device, old = enrol(user(SUPERVISOR))
    client.post("/accounts/login/", {"username": SUPERVISOR, "password": DEMO_PASSWORD})
    client.post("/accounts/otp/", {"code": code_for(device, ahead=1)})
    html = client.get(CODES).content.decode()
    assert "เหลือรหัสสำรองที่ยังไม่ได้ใช้ 10 รหัส" in html and shown_codes(html) == []
    response = client.post(CODES)
    assert response.status_code == 302
    new = shown_codes(client.get(CODES).content.decode())
    assert len(new) == 10 and not set(c.replace("-", "") for c in new) & set(old)
    assert AuditEvent.objects.filter(action="otp.recovery_codes", actor__username=SUPERVISOR).count() == 1

    other = Client()
    other.post("/accounts/login/", {"username": SUPERVISOR, "password": DEMO_PASSWORD})
    assert other.post("/accounts/otp/", {"code": old[0]}).status_code == 400


def test_an_editor_turns_it_off_with_a_current_code(client):
    device, _codes = enrol(user(EDITOR))
    login(client, EDITOR)
    session = client.session
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(DISABLE).status_code == 200
    assert client.post(DISABLE, {"code": wrong_code(device)}).status_code == 400
    assert TOTPDevice.objects.filter(user__username=EDITOR).exists()
    device.throttle_reset()
    response = client.post(DISABLE, {"code": code_for(device, ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user__username=EDITOR).exists()
    assert not StaticToken.objects.filter(device__user__username=EDITOR).exists()
    assert AuditEvent.objects.filter(action="otp.disable", actor__username=EDITOR).count() == 1
    other = Client()
    response = other.post("/accounts/login/", {"username": EDITOR, "password": DEMO_PASSWORD})
    assert response["Location"] == "/app/"  # password only again


def test_those_who_must_use_it_cannot_turn_it_off(client, settings):
    settings.OTP_REQUIRED = True
    device, _codes = enrol(user(ADMIN))
    client.post("/accounts/login/", {"username": ADMIN, "password": DEMO_PASSWORD})
    client.post("/accounts/otp/", {"code": code_for(device, ahead=1)})
    assert "ปิดการยืนยันตัวตนสองขั้นตอน" not in client.get(SETTINGS).content.decode()
    response = client.post(DISABLE, {"code": "whatever"})
    assert response.status_code == 403
    assert "ปิดไม่ได้" in response.content.decode()
    assert TOTPDevice.objects.filter(user__username=ADMIN).exists()


def test_the_administrator_resets_a_lost_phone_from_the_user_admin(client, settings):
    target = user(SUPERVISOR)
    enrol(target)
    login(client, ADMIN)
    response = client.post("/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [target.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(action="otp.reset", actor__username=ADMIN).count() == 1
    settings.OTP_REQUIRED = True
    other = Client()
    response = other.post("/accounts/login/", {"username": SUPERVISOR, "password": DEMO_PASSWORD})
    assert response["Location"].startswith(SETUP)  # enrols again


def test_the_pages_are_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    login(client, EDITOR)
    with django_assert_max_num_queries(14):
        assert client.get(SETTINGS).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(SETUP).status_code == 200
