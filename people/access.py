"""Who may open the people pages (in the manner of assessments/access.py, asking its ``Policy``):
a body someone may not see does not exist for them (404); a body they may see but whose people
they may not manage is refused (403)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.access import Policy, request_roles
from assessments.models import Membership, Organization, SupervisorScope

from .models import Invitation


@dataclass
class PeopleAccess:
    """A body's people page and what the user may do there: the ``Policy``'s answers for the body."""

    org: Organization
    policy: Policy

    @property
    def is_admin(self) -> bool:
        return self.policy.is_admin

    @property
    def is_approver(self) -> bool:
        return self.policy.may_review(self.org)

    @property
    def is_supervisor(self) -> bool:
        return self.policy.supervises(self.org)

    def may(self, role: str) -> bool:
        """May the user invite, change, remove or hand over ``role`` in this body?"""
        return self.policy.may_manage_people(self.org, role)

    @property
    def manages_every_role(self) -> bool:
        """Editors too (the administrator, the body's approver), not only its approvers."""
        return all(self.may(r) for r in Membership.Role.values)

    @property
    def roles(self) -> list[str]:
        """The roles the user may give, for the forms."""
        return self.policy.people_roles(self.org)

    def require(self, role: str):
        if not self.may(role):
            raise PermissionDenied(_("ผู้กำกับดูแลพื้นที่จัดการได้เฉพาะผู้บริหารผู้รับรองของหน่วยงาน"))


def people_access(request, slug) -> PeopleAccess:
    org = get_object_or_404(Organization.objects.select_related("province"), slug=slug)
    policy = request_roles(request)
    if not policy.may_view(org):
        raise Http404(_("ไม่พบหน่วยงาน"))
    if not policy.may_manage_people(org):
        raise PermissionDenied(_("หน้านี้สำหรับผู้บริหารของหน่วยงาน ผู้กำกับดูแลพื้นที่ และผู้ดูแลระบบ"))
    return PeopleAccess(org=org, policy=policy)


def membership_or_404(access: PeopleAccess, membership_id) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "org"), pk=membership_id, org=access.org)


def invitation_or_404(access: PeopleAccess, invitation_id) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("org"), pk=invitation_id, org=access.org)


def require_area_supervisor(request) -> Policy:
    """The area people page: supervisors (and the administrator, who sees every province)."""
    roles = request_roles(request)
    if not roles.may_see_area_people:
        raise PermissionDenied(_("หน้านี้สำหรับผู้กำกับดูแลพื้นที่และผู้ดูแลระบบ"))
    return roles


def require_admin(request):
    """The supervisors' pages: appointing and removing supervisors."""
    if not request_roles(request).may_appoint_supervisors:
        raise PermissionDenied(_("หน้านี้สำหรับผู้ดูแลระบบเท่านั้น"))


def scope_or_404(scope_id) -> SupervisorScope:
    return get_object_or_404(SupervisorScope.objects.select_related("user", "province"), pk=scope_id)


def supervisor_invitation_or_404(invitation_id) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("province"), pk=invitation_id, org__isnull=True)
