"""A second factor for every staff member (issue 27 point 1): with OTP_REQUIRED a body's editor and
approver, like the administrator and the supervisors, reach no staff page with a password only but
the guided enrolment, and once enrolled the code step."""

import pytest
from django.test import Client

from signin import otp
from tests.factories import ANGTHONG, APPROVER, DEMO_PASSWORD, EDITOR, user
from tests.ita_portal.test_url_permissions import MATRIX
from tests.otp_codes import code_for, enrol

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/otp/"
SETUP = "/app/security/setup/"
APP_PAGES = sorted((name, method, path, data) for name, (method, path, data, _expected) in MATRIX.items()
                   if path.startswith("/app/") and name != "otp-setup")


def sign_in(client, username):
    return client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})


class AnyObject(dict):
    """The ids the matrix's paths name: any will do, the second factor is asked before the page."""

    def __missing__(self, key):
        return "1"


def visit(client, method, path, data):
    url = path.format_map(AnyObject())
    data = {k: v.format_map(AnyObject()) if isinstance(v, str) else v for k, v in (data or {}).items()}
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("username", [EDITOR, APPROVER])
def test_it_requires_a_second_factor_of_a_bodys_editor_and_approver(required, username):
    person = user(username)
    assert otp.required_for(person) and otp.needs_code(person)


def test_it_does_not_require_one_with_the_setting_off(settings):
    settings.OTP_REQUIRED = False
    assert not otp.required_for(user(EDITOR)) and not otp.needs_code(user(EDITOR))


def test_it_lets_an_editor_with_a_password_only_reach_no_app_page_but_enrolment(client, required):
    response = sign_in(client, EDITOR)
    assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2Fapp%2F"
    for name, method, path, data in APP_PAGES:
        response = visit(client, method, path, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(SETUP), name
    assert client.get(SETUP).status_code == 200
    assert not otp.verified(client.get(SETUP).wsgi_request)


def test_it_lets_an_enrolled_editor_reach_app_pages_only_after_the_code_step(client, required):
    device, _codes = enrol(user(EDITOR))
    response = sign_in(client, EDITOR)
    assert response["Location"] == f"{VERIFY}?next=%2Fapp%2F"
    for name, method, path, data in APP_PAGES:
        response = visit(client, method, path, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(VERIFY), name
    # With an app, the enrolment page is no way around the code step either.
    assert client.get(SETUP)["Location"] == "/app/security/"
    assert client.get("/app/security/")["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": code_for(device, ahead=1), "next": "/app/"})
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200
    assert client.get(f"/app/orgs/{ANGTHONG}/2569/plan/").status_code == 200


def test_it_guides_the_first_enrolment_in_thai(client, required):
    sign_in(client, APPROVER)
    html = client.get(SETUP).content.decode()
    assert 'data-testid="otp-required"' in html
    # Why, what to install or use, and what recovery codes are.
    assert "ทำไมต้องยืนยันตัวตนสองขั้นตอน" in html and "ผู้ที่รู้เพียงรหัสผ่านจึงเข้าสู่ระบบแทนคุณไม่ได้" in html
    assert "Google Authenticator" in html and "Microsoft Authenticator" in html
    assert "รหัสสำรองคืออะไร" in html and "รหัสแต่ละรหัสใช้ได้ครั้งเดียว" in html


def test_it_enrols_an_editor_at_the_first_sign_in_and_lets_them_on(client, required):
    response = sign_in(client, EDITOR)
    client.get(response["Location"])
    device = otp.app_device(user(EDITOR), confirmed=False)
    response = client.post(SETUP, {"code": code_for(device), "next": "/app/"})
    assert response.status_code == 302 and response["Location"].startswith("/app/security/recovery-codes/")
    assert client.get("/app/").status_code == 200
    other = Client()
    assert sign_in(other, EDITOR)["Location"].startswith(VERIFY)  # the next sign-in asks for the code


def test_it_does_not_let_an_editor_turn_it_off_while_required(client, required):
    device, _codes = enrol(user(EDITOR))
    sign_in(client, EDITOR)
    client.post(VERIFY, {"code": code_for(device, ahead=1)})
    response = client.post("/app/security/disable/", {"code": code_for(device, ahead=-1)})
    assert response.status_code == 403 and "ปิดไม่ได้" in response.content.decode()
    assert otp.enrolled(user(EDITOR))
