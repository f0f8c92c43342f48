"""Who may see and do what: the one place views ask. What a user may not see does not exist
for them (404); what they may see but not do is refused (403). In the manner of healthchecks'
``_get_x_for_user`` helpers: views load through these, never with their own role checks.

The measures app adds its objects (plan, round, measure, evidence) in measures/access.py,
on top of ``Access`` here."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Membership, Organization, Province, SupervisorScope


@dataclass
class UserRoles:
    editor_of: set[int]
    approver_of: set[int]
    scopes: list[tuple[int, str]]  # (province id, district or "")

    @property
    def is_member(self) -> bool:
        return bool(self.editor_of or self.approver_of)

    def member_of(self, org_id: int) -> bool:
        return org_id in self.editor_of or org_id in self.approver_of

    def supervises(self, org: Organization) -> bool:
        return any(p == org.province_id and (not d or d == org.district) for p, d in self.scopes)


def user_roles(user) -> UserRoles:
    """A user's roles: two queries (none for anonymous users)."""
    if not user.is_authenticated:
        return UserRoles(set(), set(), [])
    editor_of, approver_of = set(), set()
    for org_id, role in Membership.objects.filter(user=user).values_list("org_id", "role"):
        (editor_of if role == Membership.Role.EDITOR else approver_of).add(org_id)
    scopes = list(SupervisorScope.objects.filter(user=user).values_list("province_id", "district"))
    return UserRoles(editor_of, approver_of, scopes)


def request_roles(request) -> UserRoles:
    """The roles of the request's user, queried once per request (views and templates share it)."""
    cached = getattr(request, "_ita_roles", None)
    if cached is None or cached[0] != request.user.pk:
        cached = request._ita_roles = (request.user.pk, user_roles(request.user))
    return cached[1]


class Access:
    """The body a page is about, and what the signed-in user may do there: 404 when they may
    not see it at all (someone else's drafts do not exist for them)."""

    def __init__(self, request, slug):
        self.user = request.user
        self.org = get_object_or_404(Organization.objects.select_related("province"), slug=slug)
        self.roles = request_roles(request)
        self.can_view = (request.user.is_superuser or self.roles.member_of(self.org.pk)
                         or self.roles.supervises(self.org))
        if not self.can_view:
            raise Http404(_("ไม่พบหน่วยงาน"))
        self.can_edit = self.org.pk in self.roles.editor_of
        self.can_review = self.org.pk in self.roles.approver_of
        self.can_comment = self.roles.supervises(self.org) or self.can_review

    def require_edit(self):
        if not self.can_edit:
            raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่แก้ไขได้"))

    def require_comment(self):
        if not self.can_comment:
            raise PermissionDenied(_("เฉพาะผู้กำกับดูแลและผู้บริหารเท่านั้นที่แสดงความเห็นได้"))


def require_score_editor(request) -> set[int] | None:
    """The bodies whose scores the user may import (None: every body, the administrator)."""
    if request.user.is_superuser:
        return None
    roles = request_roles(request)
    if not roles.editor_of:
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่นำเข้าคะแนนได้"))
    return roles.editor_of


def readable_orgs(request):
    """The bodies whose scores the user may export: their own, or all for the administrator."""
    orgs = Organization.objects.order_by("name")
    if request.user.is_superuser:
        return orgs
    roles = request_roles(request)
    return orgs.filter(pk__in=roles.editor_of | roles.approver_of)


def require_area_overview(request) -> UserRoles:
    """The dashboard: for supervisors, approvers and the administrator."""
    roles = request_roles(request)
    if not (roles.scopes or roles.approver_of or request.user.is_superuser):
        raise PermissionDenied(_("หน้านี้สำหรับผู้กำกับดูแลพื้นที่และผู้บริหารของหน่วยงาน"))
    return roles


def province_for_supervisor(request, province_id) -> Province:
    """A province the user supervises as a whole (or any, for the administrator)."""
    province = get_object_or_404(Province, pk=province_id)
    roles = request_roles(request)
    if not (request.user.is_superuser or any(p == province.pk for p, _d in roles.scopes)):
        raise PermissionDenied(_("เฉพาะผู้กำกับดูแลจังหวัดนี้หรือผู้ดูแลระบบ"))
    return province
