"""Reads of the notification pages: a fixed number of queries whatever the number of rows."""

from django.db.models import Q

from .models import Follow, Notification

BELL_CAP = 99  # the bell shows "99+" beyond this


def unread_count(user) -> int:
    """The bell: one query (an index on recipient and read_at), capped so a person with years
    of unread notifications costs the same as one with two."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[:BELL_CAP + 1].count()


def notifications_for(user, *, unread_only=False):
    rows = Notification.objects.filter(recipient=user).select_related("org").order_by("-created_at", "-pk")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def notification_for_user(user, pk):
    return Notification.objects.filter(Q(pk=pk) & Q(recipient=user)).first()


def follows_of(user):
    return list(Follow.objects.filter(user=user).select_related("org", "org__province").order_by("org__name"))
