"""Personal data (PDPA): what the portal keeps about a person, exported or erased on request.

The portal stores only a user name, a display name, an email, positions and, when a person
uploads one, their signature image with the name and position printed under it, and, when a
person links one for notifications, their LINE user ID. Erasing keeps the account row (records
point to it) but removes everything that identifies the person; published documents are official
records and stay exactly as published."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AuditEvent, Membership, SupervisorScope
from assessments.services import audit
from library import index as library
from notifications.models import LineLink, LineLinkNonce
from people.models import EmailChange
from reports.models import UserSignature
from reports.services import signature_delete

from .audit_actions import OpsAction


def personal_data(user) -> dict:
    return {
        "exported_at": timezone.now().isoformat(),
        "user": {"username": user.get_username(), "first_name": user.first_name, "last_name": user.last_name,
                 "email": user.email, "date_joined": user.date_joined.isoformat(),
                 "last_login": user.last_login.isoformat() if user.last_login else None,
                 "is_active": user.is_active},
        "memberships": [{"org": m.org.name, "role": m.role, "position": m.position}
                        for m in Membership.objects.filter(user=user).select_related("org")],
        "email_changes": [{"email": c.email, "previous": c.previous, "requested_at": c.requested_at.isoformat(),
                           "confirmed_at": c.confirmed_at.isoformat() if c.confirmed_at else None}
                          for c in EmailChange.objects.filter(user=user)],
        "supervisor_scopes": [{"province": s.province.name, "district": s.district}
                              for s in SupervisorScope.objects.filter(user=user).select_related("province")],
        "activity": [{"at": e.created_at.isoformat(), "action": e.action, "summary": e.summary}
                     for e in AuditEvent.objects.filter(actor=user).order_by("created_at")],
        # The image itself is not exported here (a file): the person sees it on their own signature page.
        "signature": [{"name": s.name, "position": s.position, "uploaded_at": s.uploaded_at.isoformat(),
                       "sha256": s.sha256} for s in UserSignature.objects.filter(user=user)],
        # A LINE account linked for notifications: LINE's user ID of the person and when.
        "line": [{"line_user_id": link.line_user_id, "linked_at": link.linked_at.isoformat()}
                 for link in LineLink.objects.filter(user=user)],
    }


@transaction.atomic
def export_personal_data(*, users, actor) -> list[dict]:
    """What the portal keeps about each person (a PDPA access request), the export audited."""
    data = [personal_data(user) for user in users]
    audit(actor=actor, action=OpsAction.PRIVACY_EXPORT,
          summary=_("ส่งออกข้อมูลส่วนบุคคลของผู้ใช้ %(count)s บัญชี") % {"count": len(data)},
          detail={"users": [user.pk for user in users]})
    return data


@transaction.atomic
def erase_personal_data(*, user, actor) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    old_username = user.get_username()
    former_names = [user.get_full_name(), f"{user.first_name}{user.last_name}"]
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    Membership.objects.filter(user=user).update(position="")
    EmailChange.objects.filter(user=user).delete()  # addresses asked for, confirmed or not
    LineLink.objects.filter(user=user).delete()  # their LINE user ID (notifications by LINE)
    LineLinkNonce.objects.filter(user=user).delete()
    signature_delete(user=user)  # documents already approved keep the copy they were approved with
    library.person_erased(former_names)  # the measure library no longer finds a measure by their name
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=old_username).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()  # the row, and its copy in the cache (cached_db)
    audit(actor=actor, action=OpsAction.PRIVACY_ERASE,
          summary=_("ลบข้อมูลส่วนบุคคลของผู้ใช้หมายเลข %(pk)s") % {"pk": user.pk},
          detail={"user": user.pk})
