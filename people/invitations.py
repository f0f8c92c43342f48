"""The e-mails of people changes, sent in the request through common/mail.py.

An invitation is saved first (people/services.py); its mail goes after. When the mail server
refuses or cannot be reached the invitation is kept, marked "ยังส่งไม่สำเร็จ" (``sent_at`` empty,
``send_failed_at`` set), the link it would have carried never works, and the people page offers
"ส่งอีกครั้ง". Every sending makes a new token: the link of an earlier mail stops working."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from common import thai
from common.mail import MailNotSent, send_template_mail

from . import services
from .models import InvitedRole, new_token
from .names import signing_name

__all__ = ["MailNotSent", "invitation_url", "send_invitation", "send_role_added"]


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
        "inviter": _inviter(invitation), "url": invitation_url(token, base),
        "expires": thai.format_datetime(expires), "days": settings.INVITATION_DAYS, "base": base,
    }
    try:
        send_template_mail("invitation", invitation.email, context)
    except MailNotSent:
        services.invitation_mark_failed(invitation=invitation)
        raise
    return services.invitation_mark_sent(invitation=invitation, token=token, actor=actor)


def send_role_added(*, user, place: str, role: str, actor, base: str):
    """Tell an existing account it was given a role (or a supervisor's area)."""
    context = {"user": user, "name": signing_name(user) or user.email, "place": place, "role": role,
               "by": (signing_name(actor) or actor.email or "") if actor else "",
               "url": base + reverse("app-home"), "login_url": base + reverse("login"),
               "username": user.get_username()}
    send_template_mail("role_added", user.email, context)
