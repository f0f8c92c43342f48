"""people/services.py: roles, invitations, handovers and supervisors, each checked and audited."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.access import user_roles
from assessments.models import AuditEvent, Membership, Organization, Province, SupervisorScope
from people import services
from people.models import EmailChange, Invitation, new_token, token_digest
from tests.factories import ADMIN, ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SQUATTED, SUPERVISOR, user

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
    assert result.kind == "invited" and not SupervisorScope.objects.filter(user=person).exists()
    services.invitation_accept_signed_in(token=sent(result.invitation), user=person)
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
    assert AuditEvent.objects.filter(action__in=["people.invite", "people.invite_accept",
                                                 "people.supervisor_remove"]).count() == 3


def test_it_gives_an_existing_account_no_role_until_it_accepts_signed_in(org):
    existing = get_user_model().objects.create_user("somchai", email="Somchai@Example.go.th")
    result = services.invitation_create(org=org, email="somchai@example.go.th", role="approver", actor=user(APPROVER),
                                        name="นายสมชาย มีบัญชี")
    assert result.kind == "invited"
    assert not Membership.objects.filter(user=existing).exists()
    token = sent(result.invitation)
    with pytest.raises(services.PeopleError, match="ส่งถึง somchai@example.go.th"):
        services.invitation_accept_signed_in(token=token, user=user(OTHER_EDITOR))
    with pytest.raises(services.PeopleError, match="มีบัญชีที่ใช้อีเมล"):
        accept(token)  # a new account for an address that has one: no
    services.invitation_accept_signed_in(token=token, user=existing)
    assert Membership.objects.get(user=existing).role == "approver"
    existing.refresh_from_db()
    assert (existing.first_name, existing.last_name) == ("นายสมชาย", "มีบัญชี")  # the invitation's name, as it had none
    with pytest.raises(services.PeopleError, match="ใช้ไม่ได้แล้ว"):
        services.invitation_accept_signed_in(token=token, user=existing)


def test_it_gives_the_squatter_nothing_for_an_address_they_typed(org, squatter):
    assert squatter.email != SQUATTED  # the address waits for the link mailed to it
    result = services.invitation_create(org=org, email=SQUATTED, role="approver", actor=user(APPROVER))
    assert result.kind == "invited"
    token = sent(result.invitation)
    with pytest.raises(services.PeopleError):
        services.invitation_accept_signed_in(token=token, user=squatter)
    assert not Membership.objects.filter(user=squatter, org=org).exists()
    appointed = services.supervisor_appoint(email=SQUATTED, province=org.province, actor=user(ADMIN))
    assert appointed.kind == "invited" and not squatter.supervisor_scopes.exists()


def test_it_hands_over_to_an_address_with_an_account_only_when_that_account_accepts(org):
    outgoing = Membership.objects.get(org=org, role="approver")
    existing = get_user_model().objects.create_user("next", email="next@example.go.th")
    result = services.membership_handover(membership=outgoing, actor=user(APPROVER), email="next@example.go.th")
    assert result.kind == "invited" and Membership.objects.filter(pk=outgoing.pk).exists()
    assert not existing.memberships.exists()
    services.invitation_accept_signed_in(token=sent(result.invitation), user=existing)
    assert [m.user_id for m in Membership.objects.filter(org=org, role="approver")] == [existing.pk]
    with pytest.raises(services.PeopleError, match="คนละคน"):
        services.membership_handover(membership=Membership.objects.get(org=org, role="approver"),
                                     actor=user(ADMIN), email="NEXT@example.go.th")


def test_it_lets_a_district_supervisor_manage_approvers_of_their_district_only(org, district_supervisor,
                                                                              other_district_body):
    policy = user_roles(district_supervisor)
    assert policy.may_manage_people(org, "approver")
    assert not policy.may_manage_people(org, "editor")
    assert not policy.may_manage_people(other_district_body, "approver")
    assert user_roles(user(SUPERVISOR)).may_manage_people(other_district_body, "approver")
    with pytest.raises(services.PeopleError):
        services.invitation_create(org=other_district_body, email="x@example.go.th", role="approver",
                                   actor=district_supervisor)


def test_it_keeps_the_address_until_its_owner_confirms_it_from_the_link(db):
    person, other = user(EDITOR), user(OTHER_EDITOR)
    saved = services.profile_save(user=person, first_name="สมหญิง", last_name="รักงาน", email="New@Example.go.th",
                                  positions={})
    assert user(EDITOR).email == "" and saved.change.email == "new@example.go.th"
    with pytest.raises(services.PeopleError, match="บัญชีอื่น"):
        services.email_change_confirm(token=saved.token, user=other)
    assert user(EDITOR).email == ""
    services.email_change_confirm(token=saved.token, user=person)
    assert user(EDITOR).email == "new@example.go.th"
    with pytest.raises(services.PeopleError, match="ใช้ไปแล้ว"):
        services.email_change_confirm(token=saved.token, user=person)
    assert AuditEvent.objects.filter(action="people.profile_email_request", actor=person).count() == 1
    assert AuditEvent.objects.get(action="people.profile_email_confirm").detail["to"] == "new@example.go.th"


def test_it_rechecks_at_confirmation_that_the_address_is_still_free_and_unexpired(db):
    first, second = user(EDITOR), user(OTHER_EDITOR)
    _change, first_token = services.email_change_request(user=first, email="wanted@example.go.th")
    _change, second_token = services.email_change_request(user=second, email="wanted@example.go.th")
    services.email_change_confirm(token=second_token, user=second)
    with pytest.raises(services.PeopleError, match="เป็นของบัญชีอื่นแล้ว"):
        services.email_change_confirm(token=first_token, user=first)
    assert user(EDITOR).email == ""
    change, token = services.email_change_request(user=first, email="other@example.go.th")
    EmailChange.objects.filter(pk=change.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.PeopleError, match="หมดอายุ"):
        services.email_change_confirm(token=token, user=first)
    assert user(EDITOR).email == ""


def test_it_replaces_the_earlier_link_when_asked_again(db):
    person = user(EDITOR)
    _change, old_token = services.email_change_request(user=person, email="one@example.go.th")
    _change, new_token_ = services.email_change_request(user=person, email="two@example.go.th")
    with pytest.raises(services.PeopleError, match="ไม่ถูกต้อง"):
        services.email_change_confirm(token=old_token, user=person)
    services.email_change_confirm(token=new_token_, user=person)
    assert user(EDITOR).email == "two@example.go.th" and EmailChange.objects.pending().count() == 0


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
