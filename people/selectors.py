"""The reads of the people pages, each a fixed number of queries whatever the number of people."""

from django.db.models import Prefetch

from assessments.models import AuditEvent, Membership, SupervisorScope

from .models import EmailChange, Invitation, InvitedRole

PEOPLE_ACTIONS_PREFIX = "people."
LOG_LENGTH = 50


def body_people(org) -> list[Membership]:
    """The body's roles with their person and when each was given: one query."""
    return list(Membership.objects.filter(org=org).select_related("user", "grant").order_by(
        "role", "user__first_name", "user__last_name", "user__username"))


def body_invitations(org) -> list[Invitation]:
    """Pending invitations (expired ones included: they can be sent again): one query."""
    return list(Invitation.objects.pending().filter(org=org).select_related("invited_by", "replaces__user")
                .order_by("-created_at"))


def body_log(org, limit: int = LOG_LENGTH) -> list[AuditEvent]:
    """The latest people changes of the body: one query."""
    return list(AuditEvent.objects.filter(org=org, action__startswith=PEOPLE_ACTIONS_PREFIX)
                .select_related("actor").order_by("-created_at")[:limit])


def with_approvers(orgs):
    """Bodies with their approvers and pending approver invitations: three queries for a page."""
    return orgs.select_related("province").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(role=Membership.Role.APPROVER)
                 .select_related("user").order_by("user__first_name"), to_attr="approvers"),
        Prefetch("invitations", queryset=Invitation.objects.pending().filter(role=Membership.Role.APPROVER)
                 .order_by("-created_at"), to_attr="approver_invitations"),
    ).order_by("province__name", "district", "name")


def supervisors():
    """Every supervisor's area with its person: one query."""
    return list(SupervisorScope.objects.select_related("user", "province").order_by(
        "province__name", "district", "user__first_name"))


def supervisor_invitations():
    return list(Invitation.objects.pending().filter(role=InvitedRole.SUPERVISOR).select_related(
        "province", "invited_by").order_by("-created_at"))


def supervisor_log(limit: int = LOG_LENGTH):
    """Supervisor appointments, invitations and removals (people changes outside any body)."""
    return list(AuditEvent.objects.filter(org__isnull=True, action__startswith=PEOPLE_ACTIONS_PREFIX)
                .exclude(action__startswith="people.profile").select_related("actor").order_by("-created_at")[:limit])


def pending_email(user) -> EmailChange | None:
    """The new address a person asked for and has not confirmed yet: one query."""
    return EmailChange.objects.pending().filter(user=user).first()
