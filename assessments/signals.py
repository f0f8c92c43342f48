"""Admin actions land in the portal's audit log too (Django admin keeps its own LogEntry), and
make every cached public page and dashboard stale (an admin may rename a body or correct a
framework that every page shows)."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from ita_portal import public_cache

from .models import AuditEvent

ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(post_save, sender=LogEntry)
def audit_admin_action(sender, instance, created, raw=False, **kwargs):
    if not created or raw:  # raw: loaddata (restore) brings its own audit rows
        return
    what = f"{instance.get_action_flag_display()} {instance.content_type} “{instance.object_repr}”"
    AuditEvent.objects.create(
        actor_id=instance.user_id, action=ACTIONS.get(instance.action_flag, "admin.other"),
        summary=f"ผู้ดูแลระบบ: {what}"[:300],
        detail={"content_type": instance.content_type_id, "object_id": instance.object_id,
                "change": instance.get_change_message()},
    )
    transaction.on_commit(public_cache.bump_all)
