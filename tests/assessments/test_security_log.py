"""The security log (assessments/security_log.py): sign-ins, failures, lockouts, refused access
(403 anywhere, 404 on /app/), role grants and removals, second-factor removal and exports of
personal data each become an audit row with who, what, when and the client's address."""

import pytest

from assessments import audit_chain
from assessments.models import AuditEvent, Membership
from tests.factories import ADMIN, ANGTHONG, APPROVER, DEMO_PASSWORD, EDITOR, OTHER_EDITOR, login, user

LOGIN = "/accounts/login/"
FROM = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture(autouse=True)
def _password_only(settings):
    settings.OTP_REQUIRED = False


def rows(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_it_records_a_sign_in_and_a_sign_out_with_the_address(client, db):
    client.post(LOGIN, {"username": EDITOR, "password": DEMO_PASSWORD}, **FROM)
    [event] = rows("security.signin")
    assert event.actor == user(EDITOR) and event.client_ip == "203.0.113.7" and event.created_at is not None
    assert EDITOR in event.summary
    client.post("/accounts/logout/", **FROM)
    assert rows("security.signout")[0].actor == user(EDITOR)


def test_it_records_each_failure_and_the_lockout(client, db):
    for _ in range(5):
        client.post(LOGIN, {"username": EDITOR, "password": "wrong"}, **FROM)
    failures = rows("security.signin_failed")
    assert len(failures) == 5 and failures[0].actor is None
    assert failures[0].detail["username"] == EDITOR and failures[0].client_ip == "203.0.113.7"
    assert "wrong" not in str(failures[0].detail) + failures[0].summary  # the password is never kept
    response = client.post(LOGIN, {"username": EDITOR, "password": DEMO_PASSWORD}, **FROM)
    assert response.status_code == 429
    assert len(rows("security.signin_failed")) == 6  # the attempt refused while locked out too
    locked = rows("security.locked_out")[-1]
    assert locked.detail["username"] == EDITOR and locked.client_ip == "203.0.113.7"
    assert audit_chain.verify()[1] is None


def test_it_records_a_refusal_and_a_missing_staff_page(client, db):
    login(client, EDITOR)
    assert client.get(f"/app/orgs/{ANGTHONG}/people/", **FROM).status_code == 403
    [forbidden] = rows("security.forbidden")
    assert forbidden.actor == user(EDITOR) and forbidden.detail["path"] == f"/app/orgs/{ANGTHONG}/people/"
    assert forbidden.client_ip == "203.0.113.7" and forbidden.detail["status"] == 403
    assert client.get("/app/orgs/abt-bo-kaeo/2569/plan/", **FROM).status_code == 404
    [missing] = rows("security.not_found")
    assert missing.actor == user(EDITOR) and missing.detail["path"] == "/app/orgs/abt-bo-kaeo/2569/plan/"


def test_a_refusal_of_nobody_signed_in_goes_to_the_log_file_not_the_audit_chain(db, caplog):
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/verify/", {"sha256": "0" * 64}, **FROM).status_code == 403  # no CSRF token
    assert not rows("security.forbidden")
    assert "for nobody signed in" in caplog.text


def test_a_missing_public_page_is_not_a_security_event(client, db):
    assert client.get("/orgs/no-such-body/").status_code == 404
    assert not rows("security.not_found")


def test_a_role_removed_through_the_page_carries_the_address(client, db):
    login(client, APPROVER)
    membership = Membership.objects.get(org__slug=ANGTHONG, user__username=EDITOR)
    response = client.post(f"/app/orgs/{ANGTHONG}/people/{membership.pk}/remove/", **FROM)
    assert response.status_code == 302
    [removed] = rows("people.remove")
    assert removed.actor == user(APPROVER) and removed.client_ip == "203.0.113.7"


def test_an_export_of_personal_data_is_recorded(client, db):
    login(client, ADMIN)
    person = user(OTHER_EDITOR)
    response = client.post("/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [person.pk]},
                           **FROM)
    assert response.status_code == 200
    [export] = rows("privacy.export")
    assert export.actor == user(ADMIN) and export.detail == {"users": [person.pk]}
    assert export.client_ip == "203.0.113.7"


def test_a_second_factor_removed_by_the_admin_is_recorded_with_the_address(client, db):
    login(client, ADMIN)
    person = user(EDITOR)
    client.post("/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [person.pk]}, **FROM)
    [reset] = [e for e in AuditEvent.objects.filter(action__startswith="otp.") if e.client_ip == "203.0.113.7"]
    assert reset.actor == user(ADMIN)
