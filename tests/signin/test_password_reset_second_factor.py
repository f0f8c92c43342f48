"""A password reset never signs a person in past the second factor (issue 27 point 1, ASVS 6.4.3):
after the reset link and the new password, one whose sign-in needs a code is at the code step (or
the enrolment), not verified; anyone else is not signed in at all."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY

from signin import otp
from tests.factories import APPROVER, DEMO_PASSWORD, EDITOR, user
from tests.otp_codes import code_for, enrol

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "รหัสใหม่-ปลอดภัย-2569"
VERIFY = "/accounts/otp/"
SETUP = "/app/security/setup/"


def reset(client, username):
    """Open the e-mailed link and set a new password: the answer to the form."""
    person = user(username)
    uid, token = urlsafe_base64_encode(force_bytes(person.pk)), default_token_generator.make_token(person)
    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    assert form.status_code == 200, form.status_code
    return client.post(form.wsgi_request.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_it_leaves_an_enrolled_person_at_the_code_step_not_verified(client, required):
    device, _codes = enrol(user(APPROVER))
    response = reset(client, APPROVER)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2Fapp%2F"
    assert DEVICE_ID_SESSION_KEY not in client.session
    for path in ["/app/", "/app/security/", "/app/dashboard/"]:
        assert client.get(path)["Location"].startswith(VERIFY), path
    page = client.get(response["Location"])
    assert page.status_code == 200 and not otp.verified(page.wsgi_request)
    assert "ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว กรุณายืนยันตัวตนขั้นที่สอง" in page.content.decode()
    assert client.post(VERIFY, {"code": code_for(device, ahead=1)}).status_code == 302
    assert client.get("/app/").status_code == 200
    assert user(APPROVER).check_password(NEW_PASSWORD)


def test_it_leaves_one_who_must_enrol_at_the_enrolment(client, required):
    response = reset(client, EDITOR)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert client.get("/app/")["Location"].startswith(SETUP)


def test_it_does_not_keep_a_verified_session_of_this_browser_verified(client, required):
    device, _codes = enrol(user(APPROVER))
    client.post("/accounts/login/", {"username": APPROVER, "password": DEMO_PASSWORD})
    client.post(VERIFY, {"code": code_for(device, ahead=1)})
    assert client.get("/app/").status_code == 200  # verified
    response = reset(client, APPROVER)
    assert response["Location"].startswith(VERIFY)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/app/")["Location"].startswith(VERIFY)


def test_it_signs_in_nobody_whose_sign_in_asks_no_code(client, settings):
    settings.OTP_REQUIRED = False
    response = reset(client, EDITOR)
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    assert "_auth_user_id" not in client.session
    assert client.get("/app/")["Location"].startswith("/accounts/login/")
    other = Client()
    assert other.post("/accounts/login/", {"username": EDITOR, "password": NEW_PASSWORD})["Location"] == "/app/"


def test_another_browser_signed_in_before_the_reset_is_signed_out(required):
    device, _codes = enrol(user(APPROVER))
    before = Client()
    before.post("/accounts/login/", {"username": APPROVER, "password": DEMO_PASSWORD})
    before.post(VERIFY, {"code": code_for(device, ahead=1)})
    assert before.get("/app/").status_code == 200
    reset(Client(), APPROVER)
    assert before.get("/app/")["Location"].startswith("/accounts/login/")
