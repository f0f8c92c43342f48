"""Who may see and do what: the one place views ask. What a user may not see does not exist
for them (404); what they may see but not do is refused (403). In the manner of healthchecks'
``_get_x_for_user`` helpers: views load through these, never with their own role checks.

The measures app adds its objects (plan, round, measure, evidence) in measures/access.py,
on top of ``Access`` here."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Membership, Organization, Province, SupervisorScope


@dataclass(frozen=True)
class Area:
    """A supervisor's area, the one definition of it: the union of their ``SupervisorScope`` rows,
    each a whole province (district "": ท้องถิ่นจังหวัด) or one district of it (ท้องถิ่นอำเภอ).
    A district supervisor's area is their district, everywhere: pages (``Access``, the people
    pages, the dashboard), services (``people.services.may_manage``), selectors and the weekly
    digest all ask this value. Acts on a whole province (re-publishing it) need ``covers_province``.
    The system administrator is not an area: callers check ``is_superuser`` themselves."""

    scopes: frozenset[tuple[int, str]] = frozenset()  # (province id, district or "")

    @classmethod
    def of(cls, user) -> "Area":
        """A user's area: one query (none for anonymous or deactivated users, whose area is empty)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls()
        return cls(frozenset(SupervisorScope.objects.filter(user=user).values_list("province_id", "district")))

    def __bool__(self) -> bool:
        return bool(self.scopes)

    def contains_place(self, province_id, district: str) -> bool:
        """Is a body of this province and district inside the area?"""
        return province_id is not None and (
            (province_id, "") in self.scopes or (bool(district) and (province_id, district) in self.scopes))

    def contains(self, org: Organization) -> bool:
        return self.contains_place(org.province_id, org.district)

    def q(self, prefix: str = "") -> Q:
        """The bodies inside the area as a filter (``prefix``: the path to a body, e.g. "org__");
        an empty area matches nothing."""
        area = Q(**{f"{prefix}pk__in": []})
        for province_id, district in sorted(self.scopes):
            place = {f"{prefix}province_id": province_id}
            if district:
                place[f"{prefix}district"] = district
            area |= Q(**place)
        return area

    def bodies(self):
        return Organization.objects.filter(self.q())

    def covers_province(self, province_id) -> bool:
        """The whole province is in the area (a district supervisor's is not)."""
        return (province_id, "") in self.scopes

    @property
    def whole_provinces(self) -> set[int]:
        return {p for p, d in self.scopes if not d}

    @property
    def province_ids(self) -> set[int]:
        """Every province the area touches, whole or in part."""
        return {p for p, _d in self.scopes}


def supervisors_of(org: Organization):
    """The users whose area contains ``org`` (the other side of ``Area.contains``): a
    province-wide supervisor of its province, or the supervisor of its district."""
    if org.province_id is None:
        return SupervisorScope.objects.none().values_list("user_id", flat=True)
    return (SupervisorScope.objects.filter(province_id=org.province_id)
            .filter(Q(district="") | Q(district=org.district)).values_list("user_id", flat=True).distinct())


@dataclass
class UserRoles:
    editor_of: set[int]
    approver_of: set[int]
    scopes: list[tuple[int, str]]  # (province id, district or ""); ask ``area`` what they cover

    @property
    def is_member(self) -> bool:
        return bool(self.editor_of or self.approver_of)

    def member_of(self, org_id: int) -> bool:
        return org_id in self.editor_of or org_id in self.approver_of

    @property
    def area(self) -> Area:
        return Area(frozenset(self.scopes))


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
        supervises = self.roles.area.contains(self.org)
        self.can_view = request.user.is_superuser or self.roles.member_of(self.org.pk) or supervises
        if not self.can_view:
            raise Http404(_("ไม่พบหน่วยงาน"))
        self.can_edit = self.org.pk in self.roles.editor_of
        self.can_review = self.org.pk in self.roles.approver_of
        self.can_comment = supervises or self.can_review
        # Decisions that change what counts late (recorded after the fact, a round's due date): the
        # body's executive or the area's supervisor, never the clerk whose lateness it is.
        self.can_decide = self.can_review or supervises or request.user.is_superuser

    def require_edit(self):
        if not self.can_edit:
            raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่แก้ไขได้"))

    def require_decide(self):
        if not self.can_decide:
            raise PermissionDenied(_("เฉพาะผู้บริหารของหน่วยงานหรือผู้กำกับดูแลพื้นที่เท่านั้นที่ตัดสินใจเรื่องนี้ได้"))

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


def score_editor_org(request, slug) -> Organization:
    """A body whose published figures the user may type, correct or remove one by one: the same
    people as the score import (the body's editors, the administrator). 404 for a body the user
    may not see at all, 403 for one they see but whose scores they may not change."""
    access = Access(request, slug)
    if not (request.user.is_superuser or access.org.pk in access.roles.editor_of):
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่แก้ไขคะแนนได้"))
    return access.org


def score_editable_orgs(request):
    """The bodies whose scores the user may change: their own as editor, or all for the administrator."""
    orgs = Organization.objects.order_by("name")
    if request.user.is_superuser:
        return orgs
    return orgs.filter(pk__in=request_roles(request).editor_of)


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
    """A province the user supervises as a whole (or any, for the administrator): a district
    supervisor's area is their district, so a province-wide act is not theirs."""
    province = get_object_or_404(Province, pk=province_id)
    roles = request_roles(request)
    if not (request.user.is_superuser or roles.area.covers_province(province.pk)):
        raise PermissionDenied(_("เฉพาะผู้กำกับดูแลจังหวัดนี้หรือผู้ดูแลระบบ"))
    return province
