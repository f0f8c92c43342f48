"""The e-mails of people changes, sent in the request through common/mail.py.

An invitation is saved first (people/services.py); its mail goes after. When the mail server
refuses or cannot be reached the invitation is kept, marked "ยังส่งไม่สำเร็จ" (``sent_at`` empty,
``send_failed_at`` set), the link it would have carried never works, and the people page offers
"ส่งอีกครั้ง". Every sending makes a new token: the link of an earlier mail stops working.

A new address asked for on the profile page gets the link that confirms it, and the old address
is told (``send_email_change``); a request whose mail did not go is dropped."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from common import thai
from common.mail import MailNotSent, send_template_mail

from . import services
from .models import InvitedRole, new_token
from .names import signing_name

__all__ = ["MailNotSent", "email_confirm_url", "invitation_url", "send_email_change", "send_email_removed",
           "send_invitation"]


def base_url(request=None) -> str:
    """The portal's address for links in e-mails: the request's, else PORTAL_URL (commands)."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.PORTAL_URL.rstrip("/")


def invitation_url(token: str, base: str) -> str:
    return base + reverse("invitation-accept", args=[token])


def _inviter(invitation) -> str:
    person = invitation.invited_by
    if person is None:
        return ""
    return signing_name(person) or person.email


def send_invitation(*, invitation, actor, base: str):
    """Mail the invitation with a new link; MailNotSent (logged, Thai message) if it did not go."""
    token = new_token()
    expires = timezone.now() + timezone.timedelta(days=settings.INVITATION_DAYS)
    context = {
        "invitation": invitation, "place": invitation.place, "role": invitation.get_role_display(),
        "is_supervisor": invitation.role == InvitedRole.SUPERVISOR,
        # An account with this address accepts signed in (the mail says so); nobody is told which.
        "has_account": get_user_model().objects.filter(email__iexact=invitation.email).exists(),
        "inviter": _inviter(invitation), "url": invitation_url(token, base),
        "expires": thai.format_datetime(expires), "days": settings.INVITATION_DAYS, "base": base,
    }
    try:
        send_template_mail("invitation", invitation.email, context)
    except MailNotSent:
        services.invitation_mark_failed(invitation=invitation)
        raise
    return services.invitation_mark_sent(invitation=invitation, token=token, actor=actor)


def email_confirm_url(token: str, base: str) -> str:
    return base + reverse("email-confirm", args=[token])


def _account_context(user, base: str) -> dict:
    return {"name": signing_name(user) or user.get_username(), "username": user.get_username(),
            "login_url": base + reverse("login")}


def send_email_change(*, user, change, token: str, base: str):
    """The link that confirms a new address, to that address; a notice to the old one (if any).
    MailNotSent when either did not go: the request is dropped (``services.email_change_discard``)."""
    context = {**_account_context(user, base), "email": change.email, "previous": change.previous,
               "url": email_confirm_url(token, base), "expires": thai.format_datetime(change.expires_at),
               "hours": services.EMAIL_CHANGE_HOURS}
    try:
        send_template_mail("email_change_confirm", change.email, context)
        if change.previous:
            send_template_mail("email_change_notice", change.previous, context)
    except MailNotSent:
        services.email_change_discard(change=change)
        raise


def send_email_removed(*, user, previous: str, base: str):
    """Tell an address it was taken off the account."""
    send_template_mail("email_change_notice", previous, {**_account_context(user, base), "previous": previous,
                                                         "removed": True})
