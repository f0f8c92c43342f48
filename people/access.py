"""Who may open the people pages (in the manner of assessments/access.py): a body someone may
not see does not exist for them (404); a body they may see but whose people they may not
manage is refused (403)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.access import request_roles
from assessments.models import Membership, Organization, SupervisorScope

from .models import Invitation


@dataclass
class PeopleAccess:
    org: Organization
    is_admin: bool
    is_approver: bool
    is_supervisor: bool

    def may(self, role: str) -> bool:
        """May the user invite, change, remove or hand over ``role`` in this body?"""
        return self.is_admin or self.is_approver or (self.is_supervisor and role == Membership.Role.APPROVER)

    @property
    def roles(self) -> list[str]:
        """The roles the user may give, for the forms."""
        return [r for r in Membership.Role.values if self.may(r)]

    def require(self, role: str):
        if not self.may(role):
            raise PermissionDenied(_("ผู้กำกับดูแลพื้นที่จัดการได้เฉพาะผู้บริหารผู้รับรองของหน่วยงาน"))


def people_access(request, slug) -> PeopleAccess:
    org = get_object_or_404(Organization.objects.select_related("province"), slug=slug)
    roles = request_roles(request)
    is_admin = request.user.is_superuser
    is_supervisor = roles.area.contains(org)
    if not (is_admin or roles.member_of(org.pk) or is_supervisor):
        raise Http404(_("ไม่พบหน่วยงาน"))
    access = PeopleAccess(org=org, is_admin=is_admin, is_approver=org.pk in roles.approver_of,
                          is_supervisor=is_supervisor)
    if not (is_admin or access.is_approver or is_supervisor):
        raise PermissionDenied(_("หน้านี้สำหรับผู้บริหารของหน่วยงาน ผู้กำกับดูแลพื้นที่ และผู้ดูแลระบบ"))
    return access


def membership_or_404(access: PeopleAccess, membership_id) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "org"), pk=membership_id, org=access.org)


def invitation_or_404(access: PeopleAccess, invitation_id) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("org"), pk=invitation_id, org=access.org)


def require_area_supervisor(request):
    """The area people page: supervisors (and the administrator, who sees every province)."""
    roles = request_roles(request)
    if not (roles.scopes or request.user.is_superuser):
        raise PermissionDenied(_("หน้านี้สำหรับผู้กำกับดูแลพื้นที่และผู้ดูแลระบบ"))
    return roles


def require_admin(request):
    if not request.user.is_superuser:
        raise PermissionDenied(_("หน้านี้สำหรับผู้ดูแลระบบเท่านั้น"))


def scope_or_404(scope_id) -> SupervisorScope:
    return get_object_or_404(SupervisorScope.objects.select_related("user", "province"), pk=scope_id)


def supervisor_invitation_or_404(invitation_id) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("province"), pk=invitation_id, org__isnull=True)
