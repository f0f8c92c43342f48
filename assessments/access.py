"""Who may see and do what, the one policy: ``Policy`` answers for a user (their roles, their
supervisor's ``Area``, whether they are the system administrator) per body and across bodies,
and views, templates, services, selectors and notifications ask it. What a user may not see does
not exist for them (404); what they may see but not do is refused (403). In the manner of
healthchecks' ``_get_x_for_user`` helpers: views load through ``Access`` and the helpers below.

The measures app adds its objects (plan, round, measure, evidence) in measures/access.py,
on top of ``Access`` here."""

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
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
    pages, the dashboard), services (``Policy.may_manage_people``), selectors and the weekly
    digest all ask this value. Acts on a whole province (re-publishing it) need ``covers_province``.
    The system administrator is not an area: ``Policy`` answers for them (``is_admin``)."""

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


def is_admin(user) -> bool:
    """The system administrator: an active superuser account. The one definition of it; what it
    may do is ``Policy``'s to say (its docstring lists it)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


@dataclass
class Policy:
    """A user's roles and the one answer to what they may see and do, per body and across bodies,
    in the manner of Wagtail's permission policies and healthchecks' ``Member.is_rw``: views (through
    ``Access``, people/access.py and the ``require_*`` helpers below), templates (``my_roles``, set by
    ita_portal/context_processors.py), services (``user_roles(actor)``) and selectors ask it (the
    notifications its ``Area``) rather than read ``is_superuser`` or ``Membership`` themselves
    (what is not the policy's: docs/ARCHITECTURE.md, "The one policy").

    Per body: an editor edits it (plans, measures, entries, evidence, report settings, its scores),
    an approver reviews it and manages its people, a supervisor whose ``area`` contains it sees it,
    comments, decides and manages its approvers.

    The system administrator (``is_admin``: an active superuser) sees every body, decides (records
    after the fact, due dates), manages every body's people of both roles, imports people files
    for every body, appoints supervisors, imports, types and exports every body's scores, sees every
    body on the dashboard and the area people page, and re-publishes any province. They do not
    edit, review or comment on a body's documents, keep a signature or copy from the library unless
    they also hold the body's role: those stay the body's people's, signed by name. (Sign-in asks
    another question, which accounts must use a second factor: signin/otp.py; who may reset a
    person's lost second factor is this policy's: ``may_reset_second_factor``.)"""

    editor_of: set[int]
    approver_of: set[int]
    scopes: list[tuple[int, str]]  # (province id, district or ""); ask ``area`` what they cover
    is_admin: bool = False

    # ------------------------------------------------------------ who they are

    @property
    def is_member(self) -> bool:
        return bool(self.editor_of or self.approver_of)

    @property
    def is_supervisor(self) -> bool:
        return bool(self.scopes)

    def member_of(self, org_id: int) -> bool:
        return org_id in self.editor_of or org_id in self.approver_of

    def roles_in(self, org_id: int) -> set[str]:
        """The ``Membership`` roles the user holds in the body (the review workflow's steps are each
        one role's: measures.services.TRANSITIONS)."""
        return ({Membership.Role.EDITOR} if org_id in self.editor_of else set()) | (
            {Membership.Role.APPROVER} if org_id in self.approver_of else set())

    @property
    def area(self) -> Area:
        return Area(frozenset(self.scopes))

    def supervises(self, org: Organization) -> bool:
        return self.area.contains(org)

    # ------------------------------------------------------------ per body

    def may_view(self, org: Organization) -> bool:
        """See the body's staff pages at all (else it does not exist for them: 404)."""
        return self.is_admin or self.member_of(org.pk) or self.supervises(org)

    def may_edit(self, org: Organization) -> bool:
        """Write the body's plans, measures, progress entries, evidence and report settings."""
        return org.pk in self.editor_of

    def may_review(self, org: Organization) -> bool:
        """Approve or return the body's documents, as its executive."""
        return org.pk in self.approver_of

    def may_comment(self, org: Organization) -> bool:
        return self.may_review(org) or self.supervises(org)

    def may_decide(self, org: Organization) -> bool:
        """Decisions that change what counts as late (a plan recorded after the fact, a round's due
        date): the body's executive, its area's supervisor or the administrator, never the clerk
        whose lateness it is."""
        return self.may_review(org) or self.supervises(org) or self.is_admin

    def may_manage_people(self, org: Organization, role: str | None = None) -> bool:
        """Invite, change, remove or hand over ``role`` in the body (``None``: some role, which opens
        its people page): the administrator and the body's approver both roles, a supervisor whose
        area contains it its approvers."""
        if self.is_admin or self.may_review(org):
            return True
        return role in (None, Membership.Role.APPROVER) and self.supervises(org)

    def may_reset_second_factor(self, org: Organization, role: str) -> bool:
        """Remove the second factor (app, recovery codes, passkeys) of a person who holds ``role``
        in the body and lost both (they enrol again at their next sign-in): the administrator; the
        body's approver its editors; a supervisor whose area contains it its approvers and editors."""
        if self.is_admin:
            return True
        if role == Membership.Role.EDITOR:
            return self.may_review(org) or self.supervises(org)
        return role == Membership.Role.APPROVER and self.supervises(org)

    def may_reset_second_factor_of(self, person: "Policy", *, staff: bool = False) -> bool:
        """The same of a person as a whole (their factor opens every body of theirs): each role they
        hold must be one the user may reset; a staff account, a supervisor or an account with no
        role only the administrator. ``person`` is their ``user_roles``; one query at most."""
        if self.is_admin:
            return True
        if staff or person.is_admin or person.is_supervisor or not person.is_member:
            return False
        orgs = Organization.objects.filter(pk__in=person.editor_of | person.approver_of).only(
            "pk", "province_id", "district")
        return all(self.may_reset_second_factor(org, role) for org in orgs for role in person.roles_in(org.pk))

    def people_roles(self, org: Organization) -> list[str]:
        """The roles the user may give in the body, for the forms."""
        return [r for r in Membership.Role.values if self.may_manage_people(org, r)]

    def may_edit_scores(self, org: Organization) -> bool:
        """Import, type, correct or remove the body's published ITA figures."""
        return self.is_admin or org.pk in self.editor_of

    # ------------------------------------------------------------ across bodies

    @property
    def may_import_scores(self) -> bool:
        return self.is_admin or bool(self.editor_of)

    @property
    def may_see_overview(self) -> bool:
        """The dashboard: supervisors, approvers and the administrator."""
        return self.is_admin or self.is_supervisor or bool(self.approver_of)

    @property
    def may_see_area_people(self) -> bool:
        """The area people page and the people file upload: supervisors and the administrator."""
        return self.is_admin or self.is_supervisor

    @property
    def may_appoint_supervisors(self) -> bool:
        return self.is_admin

    @property
    def may_keep_signature(self) -> bool:
        """A signature image, for the documents they submit or approve: a body's editor or approver."""
        return self.is_member

    @property
    def may_copy_from_library(self) -> bool:
        return bool(self.editor_of)

    def may_republish(self, province_id) -> bool:
        """Re-publish a whole province: its province-wide supervisor or the administrator (a
        district supervisor's area is their district)."""
        return self.is_admin or self.area.covers_province(province_id)

    def score_bodies(self):
        """The bodies whose scores the user may change (``may_edit_scores``)."""
        orgs = Organization.objects.order_by("name")
        return orgs if self.is_admin else orgs.filter(pk__in=self.editor_of)

    def readable_bodies(self):
        """The bodies whose scores the user may export: their own, or all for the administrator."""
        orgs = Organization.objects.order_by("name")
        return orgs if self.is_admin else orgs.filter(pk__in=self.editor_of | self.approver_of)

    def overview_bodies(self):
        """The bodies on the user's dashboard: the bodies they approve for and their area (all for
        the administrator)."""
        if self.is_admin:
            return Organization.objects.all()
        return Organization.objects.filter(Q(pk__in=self.approver_of) | self.area.q())

    def area_bodies(self):
        """The bodies of the area people page: the user's area (all for the administrator)."""
        return Organization.objects.all() if self.is_admin else self.area.bodies()


@functools.cache
def _role_rows_sql() -> str:
    """Memberships (org, role) and supervisor areas (province, district) of one user, as rows of
    (kind, key, value), the names read from the models."""
    member, scope = Membership._meta, SupervisorScope._meta

    def col(meta, name):
        return meta.get_field(name).column

    # Names from the models, never from input; the user id is a parameter.
    return (f"SELECT 'member', {col(member, 'org')}, {col(member, 'role')} FROM {member.db_table} "  # noqa: S608  # nosec B608
            f"WHERE {col(member, 'user')} = %s UNION ALL "
            f"SELECT 'scope', {col(scope, 'province')}, {col(scope, 'district')} FROM {scope.db_table} "
            f"WHERE {col(scope, 'user')} = %s")


def user_roles(user) -> Policy:
    """A user's ``Policy``: one query, their memberships and supervisor areas together (none for
    anonymous or deactivated users, who hold nothing). In SQL, with the names read from the
    models: every signed-in page asks, and the ORM spent several times the query's own work on
    building two of them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Policy(set(), set(), [])
    editor_of, approver_of, scopes = set(), set(), []
    with connection.cursor() as cursor:
        cursor.execute(_role_rows_sql(), [user.pk, user.pk])
        for kind, key, value in cursor.fetchall():
            if kind == "scope":
                scopes.append((key, value))
            else:
                (editor_of if value == Membership.Role.EDITOR else approver_of).add(key)
    return Policy(editor_of, approver_of, scopes, is_admin=is_admin(user))


def request_roles(request) -> Policy:
    """The ``Policy`` of the request's user, queried once per request (views and templates share it)."""
    cached = getattr(request, "_ita_roles", None)
    if cached is None or cached[0] != request.user.pk:
        cached = request._ita_roles = (request.user.pk, user_roles(request.user))
    return cached[1]


class Access:
    """The body a page is about, and what the signed-in user may do there (the ``Policy``'s
    answers for it): 404 when they may not see it at all (someone else's drafts do not exist for
    them)."""

    def __init__(self, request, slug):
        self.user = request.user
        self.org = get_object_or_404(Organization.objects.select_related("province"), slug=slug)
        self.roles = request_roles(request)
        self.can_view = self.roles.may_view(self.org)
        if not self.can_view:
            raise Http404(_("ไม่พบหน่วยงาน"))
        self.can_edit = self.roles.may_edit(self.org)
        self.can_review = self.roles.may_review(self.org)
        self.can_comment = self.roles.may_comment(self.org)
        self.can_decide = self.roles.may_decide(self.org)

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
    roles = request_roles(request)
    if not roles.may_import_scores:
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่นำเข้าคะแนนได้"))
    return None if roles.is_admin else roles.editor_of


def score_editor_org(request, slug) -> Organization:
    """A body whose published figures the user may type, correct or remove one by one: the same
    people as the score import (the body's editors, the administrator). 404 for a body the user
    may not see at all, 403 for one they see but whose scores they may not change."""
    access = Access(request, slug)
    if not access.roles.may_edit_scores(access.org):
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่แก้ไขคะแนนได้"))
    return access.org


def score_editable_orgs(request):
    """The bodies whose scores the user may change: their own as editor, or all for the administrator."""
    return request_roles(request).score_bodies()


def readable_orgs(request):
    """The bodies whose scores the user may export: their own, or all for the administrator."""
    return request_roles(request).readable_bodies()


def require_area_overview(request) -> Policy:
    """The dashboard: for supervisors, approvers and the administrator."""
    roles = request_roles(request)
    if not roles.may_see_overview:
        raise PermissionDenied(_("หน้านี้สำหรับผู้กำกับดูแลพื้นที่และผู้บริหารของหน่วยงาน"))
    return roles


def province_for_supervisor(request, province_id) -> Province:
    """A province the user supervises as a whole (or any, for the administrator): a district
    supervisor's area is their district, so a province-wide act is not theirs."""
    province = get_object_or_404(Province, pk=province_id)
    if not request_roles(request).may_republish(province.pk):
        raise PermissionDenied(_("เฉพาะผู้กำกับดูแลจังหวัดนี้หรือผู้ดูแลระบบ"))
    return province
