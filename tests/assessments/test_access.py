"""The one policy of who may see and do what (assessments.access.Policy): what it answers for each
role, per body and across bodies, and that the people services ask the same rule as the pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from assessments.access import Policy, is_admin, request_roles, user_roles
from people import services
from tests.factories import ADMIN, APPROVER, EDITOR, OUTSIDE_SUPERVISOR, SUPERVISOR, user

# What the policy answers for ANGTHONG, one column per question.
PER_BODY = ("view", "edit", "review", "comment", "decide", "manage_people", "manage_approvers",
            "manage_editors", "report_settings", "edit_scores")


def answers(policy: Policy, org) -> dict[str, bool]:
    return {
        "view": policy.may_view(org),
        "edit": policy.may_edit(org),
        "review": policy.may_review(org),
        "comment": policy.may_comment(org),
        "decide": policy.may_decide(org),
        "manage_people": policy.may_manage_people(org),
        "manage_approvers": policy.may_manage_people(org, "approver"),
        "manage_editors": policy.may_manage_people(org, "editor"),
        # The report settings page asks Access.require_edit: the body's editors.
        "report_settings": policy.may_edit(org),
        "edit_scores": policy.may_edit_scores(org),
    }


def expect(*granted: str) -> dict[str, bool]:
    assert set(granted) <= set(PER_BODY)
    return {question: question in granted for question in PER_BODY}


@pytest.mark.parametrize(("username", "granted"), [
    (EDITOR, ("view", "edit", "report_settings", "edit_scores")),
    (APPROVER, ("view", "review", "comment", "decide", "manage_people", "manage_approvers", "manage_editors")),
    (SUPERVISOR, ("view", "comment", "decide", "manage_people", "manage_approvers")),
    (OUTSIDE_SUPERVISOR, ()),
    (ADMIN, ("view", "decide", "manage_people", "manage_approvers", "manage_editors", "edit_scores")),
])
def test_it_answers_for_each_role_in_a_body(angthong, username, granted):
    assert answers(user_roles(user(username)), angthong) == expect(*granted)


def test_it_answers_for_a_district_supervisor_in_their_district_and_outside_it(angthong, district_supervisor,
                                                                             other_district_body):
    policy = user_roles(district_supervisor)
    assert answers(policy, angthong) == expect("view", "comment", "decide", "manage_people", "manage_approvers")
    assert answers(policy, other_district_body) == expect()
    assert answers(user_roles(user(SUPERVISOR)), other_district_body) == answers(policy, angthong)


def test_it_answers_nothing_for_an_anonymous_or_deactivated_user(angthong):
    assert answers(user_roles(AnonymousUser()), angthong) == expect()
    assert answers(user_roles(None), angthong) == expect()
    admin = user(ADMIN)
    admin.is_active = False
    assert not is_admin(admin)
    assert answers(user_roles(admin), angthong) == expect()


# Across bodies: the menu, the dashboard, the area people page, the supervisors' pages, the score
# import, signatures, the library and re-publishing a province.
ACROSS = ("overview", "area_people", "appoint_supervisors", "import_scores", "signature", "copy_from_library",
          "republish_province")


def across(policy: Policy, org) -> dict[str, bool]:
    return {
        "overview": policy.may_see_overview,
        "area_people": policy.may_see_area_people,
        "appoint_supervisors": policy.may_appoint_supervisors,
        "import_scores": policy.may_import_scores,
        "signature": policy.may_keep_signature,
        "copy_from_library": policy.may_copy_from_library,
        "republish_province": policy.may_republish(org.province_id),
    }


@pytest.mark.parametrize(("username", "granted"), [
    (EDITOR, ("import_scores", "signature", "copy_from_library")),
    (APPROVER, ("overview", "signature")),
    (SUPERVISOR, ("overview", "area_people", "republish_province")),
    (OUTSIDE_SUPERVISOR, ("overview", "area_people")),
    (ADMIN, ("overview", "area_people", "appoint_supervisors", "import_scores", "republish_province")),
    (None, ()),
])
def test_it_answers_for_each_role_across_bodies(angthong, username, granted):
    person = user(username) if username else AnonymousUser()
    assert across(user_roles(person), angthong) == {q: q in granted for q in ACROSS}


def test_it_keeps_a_district_supervisor_from_province_wide_acts(angthong, district_supervisor):
    policy = user_roles(district_supervisor)
    assert policy.may_see_overview and policy.may_see_area_people
    assert not policy.may_republish(angthong.province_id)


def test_it_lists_the_bodies_each_role_oversees(angthong, district_supervisor, other_district_body):
    admin, supervisor, approver = (user_roles(user(u)) for u in (ADMIN, SUPERVISOR, APPROVER))
    assert admin.overview_bodies().count() == admin.area_bodies().count() == angthong.__class__.objects.count()
    assert {angthong, other_district_body} <= set(supervisor.overview_bodies()) == set(supervisor.area_bodies())
    assert list(approver.overview_bodies()) == [angthong] and not approver.area_bodies().exists()
    district = user_roles(district_supervisor)
    assert angthong in district.area_bodies() and other_district_body not in district.area_bodies()
    assert list(user_roles(user(EDITOR)).score_bodies()) == [angthong]
    assert list(approver.readable_bodies()) == [angthong] and not approver.score_bodies().exists()


def test_it_is_asked_once_per_request(angthong, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = user(SUPERVISOR)
    with django_assert_num_queries(1):  # memberships and supervisor areas in one
        first = request_roles(request)
        assert request_roles(request) is first and first.may_view(angthong)


@pytest.mark.parametrize("username", [EDITOR, APPROVER, SUPERVISOR, OUTSIDE_SUPERVISOR, ADMIN])
@pytest.mark.parametrize("role", ["editor", "approver"])
def test_it_refuses_in_the_people_services_what_the_policy_refuses(angthong, username, role):
    actor = user(username)
    allowed = user_roles(actor).may_manage_people(angthong, role)
    try:
        result = services.invitation_create(org=angthong, email="next.person@example.go.th", role=role, actor=actor)
    except services.PeopleError:
        assert not allowed
    else:
        assert allowed and result.kind == "invited"
