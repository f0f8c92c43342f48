"""Reads of the notification pages: a fixed number of queries whatever the number of rows."""

from urllib.parse import quote

from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assessments.models import Membership

from .models import Channel, Follow, Kind, LineLink, MailState, Notification

BELL_CAP = 99  # the bell shows "99+" beyond this


def unread_count(user) -> int:
    """The bell: one query (an index on recipient and read_at), capped so a person with years
    of unread notifications costs the same as one with two."""
    if not user.is_authenticated:
        return 0
    # In SQL: every staff page asks, and the ORM spent five times the work of the query on building it.
    table, recipient, read_at = (Notification._meta.db_table, Notification._meta.get_field("recipient").column,
                                 Notification._meta.get_field("read_at").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {recipient} = %s AND {read_at} IS NULL "  # noqa: S608  # nosec B608: names from the model
                       f"LIMIT %s) unread", [user.pk, BELL_CAP + 1])
        return cursor.fetchone()[0]


def notifications_for(user, *, unread_only=False):
    """A person's notifications, newest first; LINE's daily digests are not listed (the rows they
    carried are)."""
    rows = (Notification.objects.filter(recipient=user).exclude(kind=Kind.LINE_DAILY).select_related("org")
            .order_by("-created_at", "-pk"))
    return rows.filter(read_at__isnull=True) if unread_only else rows


def notification_for_user(user, pk):
    return Notification.objects.filter(Q(pk=pk) & Q(recipient=user)).first()


def follows_of(user):
    return list(Follow.objects.filter(user=user).select_related("org", "org__province").order_by("org__name"))


def line_link_of(user):
    return LineLink.objects.filter(user=user).first()


def line_add_friend_url(oa_id: str) -> str:
    """LINE's "add friend" address of the Official Account (its ID, e.g. @123abcde), or ""."""
    oa_id = (oa_id or "").strip()
    return f"https://line.me/R/ti/p/{quote(oa_id, safe='')}" if oa_id else ""


# ---------------------------------------------------------------- who can be reached (supervisors)


def _reach_rows(orgs):
    """The bodies' people (active accounts, a row per role held), each with what reaches them:
    ``email_on`` (e-mail not turned off), ``last_email`` (the state of the last e-mail that was
    sent or failed for good), ``line_linked`` and ``line_works``; and ``reachable``, whether any
    channel works: an address, e-mail on and its last e-mail not failed for good, or a LINE link
    LINE has not refused."""
    last_email = (Notification.objects.filter(recipient=OuterRef("user_id"), channel=Channel.EMAIL,
                                              state__in=[MailState.SENT, MailState.FAILED])
                  .order_by("-pk").values("state")[:1])
    email_works = (~Q(user__email="") & Q(email_on=True)
                   & (Q(last_email__isnull=True) | Q(last_email=MailState.SENT)))
    line_works = Q(line_works=True)
    return (Membership.objects.filter(org__in=orgs, user__is_active=True)
            .annotate(email_on=Coalesce("user__notification_preference__email_enabled", Value(True)),
                      last_email=Subquery(last_email),
                      line_linked=Exists(LineLink.objects.filter(user=OuterRef("user_id"))),
                      line_works=Exists(LineLink.objects.filter(user=OuterRef("user_id"), failed_at__isnull=True)))
            .annotate(reachable=ExpressionWrapper(email_works | line_works, output_field=BooleanField())))


def area_reach(orgs, *, everyone=False):
    """The page's rows: the people no channel reaches (everyone with ``everyone``), by body and
    name, with their user and body (one query per page, one to count)."""
    rows = _reach_rows(orgs).select_related("user", "org")
    if not everyone:
        rows = rows.filter(reachable=False)
    return rows.order_by("org__name", "user__first_name", "user__username", "role", "pk")


def area_reach_counts(orgs) -> dict:
    """How many of the area's people (a row per role held) no channel reaches: one query."""
    return _reach_rows(orgs).aggregate(people=Count("pk"), unreachable=Count("pk", filter=Q(reachable=False)))


def reach_reasons(row) -> list[str]:
    """Why a row's channels do not work, as short Thai labels."""
    reasons = []
    if not (row.user.email or "").strip():
        reasons.append(_("ไม่มีอีเมล"))
    elif not row.email_on:
        reasons.append(_("ปิดรับอีเมล"))
    elif row.last_email == MailState.FAILED:
        reasons.append(_("อีเมลล่าสุดส่งไม่ถึง"))
    if not row.line_linked:
        reasons.append(_("ไม่ได้เชื่อม LINE"))
    elif not row.line_works:
        reasons.append(_("LINE ส่งไม่ถึง"))
    return reasons
