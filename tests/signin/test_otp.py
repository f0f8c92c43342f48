"""Sign-in with a one-time password (signin/otp.py): who is asked for a code, where, and what a
wrong code, a recovery code and the admin's own sign-in do."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin import otp
from tests.factories import ADMIN, DEMO_PASSWORD, EDITOR, SUPERVISOR, user
from tests.ita_portal.test_settings import manage
from tests.otp_codes import code_for, enrol, wrong_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/otp/"
SETUP = "/app/security/setup/"


def roleless(email=""):
    """An account that holds no role anywhere (a member removed from their body, say)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("former_clerk", email=email, password=DEMO_PASSWORD)


def sign_in(client, username, next_url=""):
    data = {"username": username, "password": DEMO_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_the_admin_without_an_app_is_sent_to_enrol_before_any_staff_or_admin_page(client, required):
    response = sign_in(client, ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    for path in ["/app/", "/admin/", "/admin/assessments/organization/", "/app/dashboard/",
                 "/accounts/password_change/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(SETUP), path
    assert client.post("/app/republish/", {}).status_code == 302
    assert client.get(SETUP).status_code == 200


@pytest.mark.parametrize("username", [ADMIN, SUPERVISOR])
def test_the_admin_and_a_supervisor_reach_app_and_admin_only_with_a_code(client, required, username):
    device, _codes = enrol(user(username))
    response = sign_in(client, username)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2Fapp%2F"
    for path in ["/app/", "/admin/", "/app/dashboard/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), path
    response = client.post(VERIFY, {"code": code_for(device, ahead=1), "next": "/app/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/app/dashboard/"
    assert client.get("/app/dashboard/").status_code == 200
    assert client.get("/admin/").status_code == (200 if username == ADMIN else 302)


def test_a_wrong_code_is_refused_in_thai_and_the_next_try_must_wait(client, required):
    device, _codes = enrol(user(SUPERVISOR))
    sign_in(client, SUPERVISOR)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "รหัสไม่ถูกต้องหรือหมดอายุแล้ว" in response.content.decode()
    # django-otp's throttling: right after a failure even the right code waits.
    response = client.post(VERIFY, {"code": code_for(device, ahead=1)})
    assert response.status_code == 429
    assert "ใส่รหัสผิดหลายครั้งเกินไป กรุณารอ" in response.content.decode()
    assert client.get("/app/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_code_is_not_taken_twice(client, required):
    device, _codes = enrol(user(ADMIN))
    sign_in(client, ADMIN)
    code = code_for(device, ahead=1)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    sign_in(other, ADMIN)
    assert other.post(VERIFY, {"code": code}).status_code == 400


def test_a_recovery_code_works_once_in_place_of_a_code(client, required):
    from assessments.models import AuditEvent

    _device, codes = enrol(user(ADMIN))
    sign_in(client, ADMIN)
    typed = f"{codes[0][:4]}-{codes[0][4:]}".upper()  # as printed, in capitals: still the same code
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 302
    assert "เหลืออีก 9 รหัส" in client.get("/app/").content.decode()
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="otp.recovery_used", actor__username=ADMIN).count() == 1

    again = Client()
    sign_in(again, ADMIN)
    response = again.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 400
    assert again.get("/admin/").status_code == 302
    assert again.post(VERIFY, {"code": codes[1]}).status_code == 429  # throttled after the failure


def test_it_does_not_ask_a_person_with_no_role_unless_they_turned_it_on(client, required):
    nobody = roleless()
    response = sign_in(client, nobody.username)
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200
    client.post("/accounts/logout/")

    device, _codes = enrol(nobody)
    response = sign_in(client, nobody.username)
    assert response["Location"].startswith(VERIFY)
    assert client.get("/app/").status_code == 302
    assert client.post(VERIFY, {"code": code_for(device, ahead=1)}).status_code == 302
    assert client.get("/app/").status_code == 200


def test_an_editor_who_turned_it_on_is_asked_with_the_setting_off_too(client, settings):
    settings.OTP_REQUIRED = False
    enrol(user(EDITOR))
    assert sign_in(client, EDITOR)["Location"].startswith(VERIFY)


def test_with_the_setting_off_nobody_is_asked(client, settings):
    settings.OTP_REQUIRED = False
    html = client.get(LOGIN).content.decode()
    assert 'data-testid="otp-not-required"' in html
    for username in [ADMIN, SUPERVISOR]:
        response = sign_in(client, username)
        assert response.status_code == 302 and response["Location"] == "/app/"
        assert client.get("/app/").status_code == 200
        client.post("/accounts/logout/")
    sign_in(client, ADMIN)
    assert client.get("/admin/").status_code == 200


def test_the_sign_in_page_says_nothing_of_a_demo_when_codes_are_required(client, required):
    assert 'data-testid="otp-not-required"' not in client.get(LOGIN).content.decode()


def test_the_password_lockout_still_applies_with_codes_required(client, required):
    for _ in range(5):
        client.post(LOGIN, {"username": ADMIN, "password": "wrong"})
    response = sign_in(client, ADMIN)
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_follows_the_configured_number_of_failures(client, required):
    required.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(LOGIN, {"username": SUPERVISOR, "password": "wrong"})
    assert sign_in(client, SUPERVISOR).status_code == 429


def test_the_admin_sign_in_page_is_no_way_around_the_portal_sign_in(client, required):
    response = client.get("/admin/login/?next=/admin/assessments/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fassessments%2F"
    response = client.post("/admin/login/", {"username": ADMIN, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_a_signed_in_editor_at_the_admin_sign_in_gets_a_thai_refusal_not_a_loop(client):
    sign_in(client, EDITOR)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "หน้าผู้ดูแลระบบใช้ได้เฉพาะผู้ดูแลระบบ" in response.content.decode()


def test_someone_who_knows_only_the_password_cannot_set_up_another_app(client, required):
    enrol(user(SUPERVISOR))
    sign_in(client, SUPERVISOR)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user__username=SUPERVISOR).count() == 1


def test_a_session_from_before_the_check_is_checked_on_its_first_page(client, required):
    client.force_login(user(ADMIN), backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    del session[otp.NEEDS_CODE]
    session.save()
    assert client.get("/app/")["Location"].startswith(SETUP)


def test_a_verified_session_is_kept_across_pages(client, required, django_assert_max_num_queries):
    device, _codes = enrol(user(ADMIN))
    sign_in(client, ADMIN)
    client.post(VERIFY, {"code": code_for(device, ahead=1)})
    assert client.get("/app/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/app/security/").status_code == 200


def test_the_code_step_is_a_fixed_number_of_queries(client, required, django_assert_max_num_queries):
    enrol(user(ADMIN))
    sign_in(client, ADMIN)
    with django_assert_max_num_queries(8):
        assert client.get(VERIFY).status_code == 200


def test_by_default_codes_are_required_in_production_and_not_in_debug():
    code = "from django.conf import settings; print(settings.OTP_REQUIRED)"
    secret = "x" * 50

    def printed(**env):
        return manage("shell", "-c", code, **env).stdout.strip().splitlines()[-1]

    assert printed(DEBUG="1") == "False"
    assert printed(DEBUG="0", SECRET_KEY=secret) == "True"
    assert printed(DEBUG="1", OTP_REQUIRED="1") == "True"
    assert printed(DEBUG="0", SECRET_KEY=secret, OTP_REQUIRED="0") == "False"


def test_it_sends_a_password_only_session_that_gains_a_supervisor_role_to_the_code_step(client, required):
    from assessments.models import Province, SupervisorScope

    nobody = roleless()
    assert sign_in(client, nobody.username)["Location"] == "/app/"
    assert client.get("/app/").status_code == 200  # no role: the password is enough
    # The administrator gives them an area (the Django admin's SupervisorScope page) meanwhile.
    SupervisorScope.objects.create(user=nobody, province=Province.objects.get(name="อ่างทอง"))
    for path in ["/app/", "/app/dashboard/", "/app/area/people/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), path
    device, _codes = enrol(nobody)
    response = client.get("/app/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(device, ahead=1)})
    assert client.get("/app/dashboard/").status_code == 200


def test_it_asks_for_the_code_after_a_supervisor_invitation_accepted_in_a_password_only_session(client, required):
    from assessments.models import Province
    from people import services as people_services
    from people.models import new_token

    nobody = roleless(email="former.clerk@angthong.go.th")
    sign_in(client, nobody.username)
    assert client.get("/app/").status_code == 200
    invited = people_services.supervisor_appoint(email="former.clerk@angthong.go.th",
                                                 province=Province.objects.get(name="อ่างทอง"), actor=user(ADMIN))
    link = new_token()
    people_services.invitation_mark_sent(invitation=invited.invitation, token=link, actor=None)
    assert client.post(f"/invite/{link}/")["Location"] == "/app/"
    response = client.get("/app/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


@pytest.mark.parametrize("next_url", ["x", "dashboard", "//evil.example/"])
def test_it_goes_to_the_staff_home_when_the_code_steps_next_is_not_an_address_here(client, next_url):
    """Someone with no app and no code required opens the code step: it sends them on, to
    ``next`` only when that is an address of this site (a bare word was a NoReverseMatch 500)."""
    client.force_login(user(EDITOR), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(VERIFY, {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert client.get(VERIFY, {"next": "/app/dashboard/"})["Location"] == "/app/dashboard/"
