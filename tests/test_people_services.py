"""people/services.py: roles, invitations, handovers and supervisors, each checked and audited."""

import pytest
from django.contrib.auth import get_user_model

from assessments.models import AuditEvent, Membership, Organization, Province, SupervisorScope
from people import services
from people.models import Invitation, new_token, token_digest

from .factories import ADMIN, ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, user

PASSWORD = "ita-ยาวพอ-2569!"


@pytest.fixture
def org(db):
    return Organization.objects.get(slug=ANGTHONG)


def sent(invitation):
    """An invitation as its mail left: the token it carried."""
    token = new_token()
    services.invitation_mark_sent(invitation=invitation, token=token, actor=None)
    return token


def accept(token, **overrides):
    return services.invitation_accept(**{"token": token, "first_name": "สมศรี", "last_name": "ใจดี", "position": "",
                                         "password": PASSWORD, **overrides})


def test_an_invitation_is_audited_and_a_second_one_to_the_same_role_is_not_made(org):
    first = services.invitation_create(org=org, email=" New@Example.go.th ", role="editor", actor=user(APPROVER))
    again = services.invitation_create(org=org, email="new@example.go.th", role="editor", actor=user(APPROVER))
    assert (first.kind, again.kind, again.invitation) == ("invited", "pending", first.invitation)
    assert first.invitation.email == "new@example.go.th"
    assert AuditEvent.objects.filter(action="people.invite", org=org).count() == 1


def test_an_editor_or_another_bodys_person_cannot_invite(org):
    for actor in (EDITOR, OTHER_EDITOR):
        with pytest.raises(services.PeopleError):
            services.invitation_create(org=org, email="x@example.go.th", role="editor", actor=user(actor))
    assert not Invitation.objects.exists()


def test_a_supervisor_manages_approvers_only(org):
    with pytest.raises(services.PeopleError):
        services.invitation_create(org=org, email="x@example.go.th", role="editor", actor=user(SUPERVISOR))
    assert services.invitation_create(org=org, email="x@example.go.th", role="approver",
                                      actor=user(SUPERVISOR)).kind == "invited"


def test_the_link_works_once_even_if_two_requests_race(org):
    token = sent(services.invitation_create(org=org, email="new@example.go.th", role="editor",
                                            actor=user(APPROVER)).invitation)
    person = accept(token)
    assert person.memberships.get().role == "editor"
    with pytest.raises(services.PeopleError):
        accept(token, first_name="อีกคน")
    assert get_user_model().objects.filter(email="new@example.go.th").count() == 1
    # The database enforces it too: an accepted invitation is never pending again.
    assert Invitation.objects.pending().count() == 0


def test_an_unsent_invitation_has_no_working_link(org):
    invitation = services.invitation_create(org=org, email="new@example.go.th", role="editor",
                                            actor=user(APPROVER)).invitation
    assert not invitation.is_usable
    token = new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_digest(token))
    with pytest.raises(services.PeopleError):
        accept(token)  # never marked sent


def test_the_last_approver_can_be_neither_removed_nor_changed(org):
    approver = Membership.objects.get(org=org, role="approver")
    with pytest.raises(services.PeopleError, match="คนสุดท้าย"):
        services.membership_remove(membership=approver, actor=user(APPROVER))
    with pytest.raises(services.PeopleError, match="อย่างน้อยหนึ่งคน"):
        services.membership_role_change(membership=approver, role="editor", actor=user(APPROVER))
    assert Membership.objects.filter(org=org, role="approver").count() == 1


def test_a_handover_to_a_member_passes_the_role_and_removes_the_outgoing_one(org):
    outgoing = Membership.objects.get(org=org, role="approver")
    editor = user(EDITOR)
    result = services.membership_handover(membership=outgoing, actor=user(ADMIN), successor=editor)
    assert result.kind == "added"
    assert list(Membership.objects.filter(org=org, role="approver").values_list("user", flat=True)) == [editor.pk]
    assert result.membership.position == outgoing.position
    event = AuditEvent.objects.get(action="people.handover")
    assert event.detail["from"]["user"] == user(APPROVER).pk and event.detail["to"]["user"] == editor.pk


def test_a_handover_to_a_new_address_waits_for_the_invitation_then_removes_the_outgoing_one(org):
    outgoing = Membership.objects.get(org=org, role="approver")
    result = services.membership_handover(membership=outgoing, actor=user(APPROVER), email="next@example.go.th",
                                          position="ปลัดเทศบาล")
    assert result.kind == "invited" and result.invitation.replaces == outgoing
    assert Membership.objects.filter(pk=outgoing.pk).exists()  # no gap: the outgoing one still approves
    successor = accept(sent(result.invitation))
    approvers = Membership.objects.filter(org=org, role="approver")
    assert [m.user_id for m in approvers] == [successor.pk] and approvers.get().position == "ปลัดเทศบาล"
    assert AuditEvent.objects.filter(action="people.handover", org=org).exists()


def test_handing_over_to_oneself_is_refused(org):
    outgoing = Membership.objects.get(org=org, role="approver")
    with pytest.raises(services.PeopleError):
        services.membership_handover(membership=outgoing, actor=user(APPROVER), successor=user(APPROVER))


def test_a_role_change_to_a_role_already_held_is_refused(org):
    editor = Membership.objects.get(org=org, role="editor")
    services.role_add(user=editor.user, org=org, role="approver", actor=user(APPROVER))
    with pytest.raises(services.PeopleError, match="อยู่แล้ว"):
        services.membership_role_change(membership=editor, role="approver", actor=user(APPROVER))


def test_the_administrator_appoints_and_removes_a_supervisor(db):
    province = Province.objects.get(name="อ่างทอง")
    person = get_user_model().objects.create_user("amphoe", email="amphoe@example.go.th", first_name="ท้องถิ่นอำเภอ")
    result = services.supervisor_appoint(email="amphoe@example.go.th", province=province, district="เมืองอ่างทอง",
                                         actor=user(ADMIN))
    assert result.kind == "added"
    scope = SupervisorScope.objects.get(user=person)
    assert scope.district == "เมืองอ่างทอง"
    assert services.supervisor_appoint(email="amphoe@example.go.th", province=province, district="เมืองอ่างทอง",
                                       actor=user(ADMIN)).kind == "unchanged"
    with pytest.raises(services.PeopleError):
        services.supervisor_appoint(email="x@example.go.th", province=province, actor=user(SUPERVISOR))
    with pytest.raises(services.PeopleError, match="ไม่พบอำเภอ"):
        services.supervisor_appoint(email="x@example.go.th", province=province, district="ไม่มีอำเภอนี้",
                                    actor=user(ADMIN))
    services.supervisor_remove(scope=scope, actor=user(ADMIN))
    assert not SupervisorScope.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action__in=["people.supervisor_appoint", "people.supervisor_remove"]).count() == 2


def test_an_invited_supervisor_gets_their_area_on_accepting(db):
    province = Province.objects.get(name="อ่างทอง")
    result = services.supervisor_appoint(email="sup@example.go.th", province=province, actor=user(ADMIN))
    person = accept(sent(result.invitation))
    assert list(person.supervisor_scopes.values_list("province__name", "district")) == [("อ่างทอง", "")]


def test_two_accounts_with_one_address_are_an_error_not_a_guess(org):
    for name in ("a", "b"):
        get_user_model().objects.create_user(name, email="shared@example.go.th")
    with pytest.raises(services.PeopleError, match="มากกว่าหนึ่งบัญชี"):
        services.invitation_create(org=org, email="shared@example.go.th", role="editor", actor=user(APPROVER))
