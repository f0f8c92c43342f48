"""Admin actions land in the portal's audit log too (Django admin keeps its own LogEntry), and
make every cached public page and dashboard stale (an admin may rename a body or correct a
framework that every page shows)."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from common import public_cache

from . import audit_chain
from .audit_actions import AssessmentAction
from .models import AuditEvent

ACTIONS = {ADDITION: AssessmentAction.ADMIN_ADD, CHANGE: AssessmentAction.ADMIN_CHANGE,
           DELETION: AssessmentAction.ADMIN_DELETE}


def record_admin_entries(entries) -> None:
    """The portal's audit rows for admin LogEntry rows; every cached page becomes stale."""
    audit_chain.append([
        AuditEvent(
            actor_id=entry.user_id, action=ACTIONS.get(entry.action_flag, AssessmentAction.ADMIN_OTHER),
            summary=(_("ผู้ดูแลระบบ: %(what)s %(type)s “%(name)s”") % {
                "what": entry.get_action_flag_display(), "type": entry.content_type,
                "name": entry.object_repr})[:300],
            detail={"content_type": entry.content_type_id, "object_id": entry.object_id,
                    "change": entry.get_change_message()},
        )
        for entry in entries
    ])
    transaction.on_commit(public_cache.bump_all)


def audit_admin_action(sender, instance, created, raw=False, **kwargs):
    """One admin action at a time (several deletions at once: see ops.admin)."""
    if not created or raw:  # raw: loaddata (restore) brings its own audit rows
        return
    record_admin_entries([instance])


def connect() -> None:
    """Connected by assessments/apps.py (ready), so that admin actions are audited however the
    admin was loaded (not only because ops/admin.py imports ``record_admin_entries``)."""
    post_save.connect(audit_admin_action, sender=LogEntry, dispatch_uid="assessments-audit-admin-action")
