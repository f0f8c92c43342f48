"""Losing both factors (issue 27 point 1): the body's approver (its editors), the area's supervisor
(its approvers and editors) or the administrator resets a person's second factor from the body's
people page, as the one policy answers, audited in the body's people log; the person enrols again."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.access import user_roles
from assessments.models import AuditEvent, Membership, Organization, Province, SupervisorScope
from signin import otp
from tests.factories import (
    ADMIN,
    ANGTHONG,
    APPROVER,
    DEMO_PASSWORD,
    EDITOR,
    KALASIN_SUPERVISOR,
    OTHER_EDITOR,
    SUPERVISOR,
    login,
    user,
)
from tests.otp_codes import code_for, enrol

pytestmark = pytest.mark.django_db

PEOPLE = f"/app/orgs/{ANGTHONG}/people/"


def membership(username, role=None):
    found = Membership.objects.filter(user__username=username, org__slug=ANGTHONG)
    return (found.filter(role=role) if role else found).get()


def reset_url(username):
    return f"{PEOPLE}{membership(username).pk}/second-factor/reset/"


def has_factor(username):
    return otp.has_second_factor(user(username))


def row(html, username):
    """The people table's row of a person."""
    pk = membership(username).pk
    return re.search(rf'<tr data-membership="{pk}">(.*?)</tr>', html, re.S).group(1)


def act_as(client, username):
    """Signed in as ``username``: with the password and a code when they have an app (a session
    with the password only is sent to the code step), else directly."""
    person = user(username)
    device = otp.app_device(person)
    if device is None:
        return login(client, username)
    client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert client.post("/accounts/otp/", {"code": code_for(device, ahead=1)}).status_code == 302
    return person


def test_the_policy_answers_who_may_reset_whose_second_factor(db):
    org = Organization.objects.get(slug=ANGTHONG)
    editor, approver = Membership.Role.EDITOR, Membership.Role.APPROVER
    answers = {name: (user_roles(user(name)).may_reset_second_factor(org, editor),
                      user_roles(user(name)).may_reset_second_factor(org, approver))
               for name in [EDITOR, APPROVER, SUPERVISOR, KALASIN_SUPERVISOR, OTHER_EDITOR, ADMIN]}
    assert answers == {EDITOR: (False, False), APPROVER: (True, False), SUPERVISOR: (True, True),
                       KALASIN_SUPERVISOR: (False, False), OTHER_EDITOR: (False, False), ADMIN: (True, True)}


def test_the_approver_resets_an_editors_lost_second_factor_from_the_people_page(client, settings):
    enrol(user(EDITOR))
    login(client, APPROVER)
    html = client.get(PEOPLE).content.decode()
    assert 'data-testid="otp-reset"' in row(html, EDITOR)
    assert 'data-testid="otp-reset"' not in row(html, APPROVER)  # never one's own
    assert "data-confirm=" in row(html, EDITOR)
    response = client.post(reset_url(EDITOR))
    assert response.status_code == 302 and response["Location"] == PEOPLE
    assert not has_factor(EDITOR)
    assert not TOTPDevice.objects.filter(user__username=EDITOR).exists()
    assert not StaticDevice.objects.filter(user__username=EDITOR).exists()
    event = AuditEvent.objects.get(action="people.otp_reset")
    assert event.actor == user(APPROVER) and event.org.slug == ANGTHONG and event.detail == {"user": user(EDITOR).pk}
    page = client.get(PEOPLE).content.decode()
    assert "ยกเลิกการยืนยันตัวตนสองขั้นตอนของ" in page  # the message and the body's people log
    assert 'data-testid="otp-reset"' not in row(page, EDITOR)  # nothing left to reset
    # The editor signs in with the password and enrols again.
    settings.OTP_REQUIRED = True
    other = Client()
    response = other.post("/accounts/login/", {"username": EDITOR, "password": DEMO_PASSWORD})
    assert response["Location"].startswith("/app/security/setup/")


def test_the_area_supervisor_resets_an_approvers_second_factor(client):
    enrol(user(APPROVER))
    login(client, SUPERVISOR)
    assert 'data-testid="otp-reset"' in row(client.get(PEOPLE).content.decode(), APPROVER)
    assert client.post(reset_url(APPROVER)).status_code == 302
    assert not has_factor(APPROVER)
    assert AuditEvent.objects.filter(action="people.otp_reset", actor__username=SUPERVISOR).count() == 1


@pytest.mark.parametrize("username, target, status", [
    (EDITOR, APPROVER, 403),  # an editor resets nobody's
    (APPROVER, APPROVER, 403),  # an approver not an approver's, their own neither
    (OTHER_EDITOR, EDITOR, 404),  # another body's people do not see this one
    (KALASIN_SUPERVISOR, APPROVER, 404),  # a supervisor of another area
])
def test_it_refuses_those_the_policy_does_not_allow_and_writes_nothing(client, username, target, status):
    enrol(user(target))
    act_as(client, username)
    assert client.post(reset_url(target)).status_code == status
    assert has_factor(target)
    assert not AuditEvent.objects.filter(action="people.otp_reset").exists()


def test_a_body_approver_cannot_open_a_supervisors_account(client):
    """The editor is also a supervisor somewhere: their factor opens more than this body."""
    enrol(user(EDITOR))
    SupervisorScope.objects.create(user=user(EDITOR), province=Province.objects.get(name="กาฬสินธุ์"))
    login(client, APPROVER)
    response = client.post(reset_url(EDITOR))
    assert response.status_code == 403 and "นอกความรับผิดชอบของคุณ" in response.content.decode()
    assert has_factor(EDITOR)


def test_a_body_approver_cannot_open_an_account_of_another_bodys_too(client):
    enrol(user(EDITOR))
    Membership.objects.create(user=user(EDITOR), org=Membership.objects.filter(user__username=OTHER_EDITOR)
                              .get().org, role=Membership.Role.EDITOR)
    login(client, APPROVER)
    assert client.post(reset_url(EDITOR)).status_code == 403
    assert has_factor(EDITOR)
    login(client, ADMIN)  # the administrator may
    assert client.post(reset_url(EDITOR)).status_code == 302
    assert not has_factor(EDITOR)


def test_nothing_to_reset_is_said_in_thai_and_nothing_written(client):
    login(client, APPROVER)
    response = client.post(reset_url(EDITOR), follow=True)
    assert "ยังไม่ได้ตั้งค่าการยืนยันตัวตนสองขั้นตอน ไม่มีสิ่งใดให้ยกเลิก" in response.content.decode()
    assert not AuditEvent.objects.filter(action="people.otp_reset").exists()


def test_a_session_verified_with_the_old_factor_must_enrol_again(client, settings):
    enrol(user(EDITOR))
    act_as(client, EDITOR)
    assert client.get("/app/").status_code == 200
    approver = Client()
    login(approver, APPROVER)
    assert approver.post(reset_url(EDITOR)).status_code == 302
    settings.OTP_REQUIRED = True
    assert client.get("/app/")["Location"].startswith("/app/security/setup/")


def test_it_takes_only_a_post(client):
    login(client, APPROVER)
    assert client.get(reset_url(EDITOR)).status_code == 405
