"""The audit log chained by hash (ASVS V16; docs/SECURITY.md, "The security log").

Each ``AuditEvent`` stores ``prev_hash``, the ``row_hash`` of the row before it (by id; "" for
the first), and ``row_hash``, the SHA-256 of its own content with ``prev_hash`` in it. A row
changed in the database no longer matches its hash; a row deleted breaks the link of the row
after it. ``verify()`` (``manage.py verify_audit``) walks the chain and names the first bad row.

Writers append through ``append()`` only (``audit()``, the register import, the admin's rows):
on PostgreSQL it takes a transaction-level advisory lock first, so two transactions never chain
to the same row (the lock is held to the writer's commit: audited writes are serialised, a few
milliseconds each); SQLite serialises writers itself. The lock and the read of the last hash are
the two queries an audited write costs more than before (one on SQLite)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.client import client_address

LOCK_KEY = 2_026_270_016  # pg_advisory_xact_lock: the audit chain's one lock
VERSION = "v1"  # the content's shape below; a new shape is a new version, old rows keep theirs


def content(*, prev_hash, created_at, actor_id, org_id, action, summary, detail, client_ip) -> bytes:
    """The bytes a row's hash is taken of: canonical JSON of what the row says."""
    detail = json.loads(json.dumps(detail or {}))  # as the JSON column gives it back (keys as text)
    return json.dumps(
        [VERSION, prev_hash, created_at.astimezone(UTC).isoformat(), actor_id, org_id, str(action), summary, detail,
         client_ip or ""],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    ).encode("utf-8")


def row_hash(event) -> str:
    return hashlib.sha256(content(
        prev_hash=event.prev_hash, created_at=event.created_at, actor_id=event.actor_id, org_id=event.org_id,
        action=event.action, summary=event.summary, detail=event.detail, client_ip=event.client_ip,
    )).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def append(events: list):
    """Chain and save new (unsaved) ``AuditEvent`` rows, in the caller's transaction."""
    from .models import AuditEvent

    if not events:
        return events
    with transaction.atomic(savepoint=False):
        _lock()
        previous = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""
        now, address = timezone.now(), client_address()
        for event in events:
            event.created_at = event.created_at or now
            event.client_ip = event.client_ip or address
            event.prev_hash = previous
            event.row_hash = previous = row_hash(event)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=1000)
    return events


@dataclass(frozen=True)
class Broken:
    """The first row that does not hold: its id and a Thai sentence saying what is wrong."""

    pk: int
    message: str


FIELDS = ("pk", "prev_hash", "row_hash", "created_at", "actor_id", "org_id", "action", "summary", "detail",
          "client_ip")


def verify(rows=None) -> tuple[int, Broken | None]:
    """Walk the chain in id order: (rows checked, the first broken row or None)."""
    from .models import AuditEvent

    rows = rows if rows is not None else AuditEvent.objects.order_by("pk").values(*FIELDS).iterator(chunk_size=2000)
    previous, count = "", 0
    for row in rows:
        count += 1
        computed = hashlib.sha256(content(**{k: row[k] for k in FIELDS if k not in ("pk", "row_hash")})).hexdigest()
        if row["prev_hash"] != previous:
            return count, Broken(row["pk"], _(
                "บันทึกการใช้งานแถวก่อนหน้าแถวหมายเลข %(pk)s ถูกลบหรือถูกแก้ไข (ค่าแฮชที่แถวนี้อ้างถึงไม่ตรงกับแถวก่อนหน้า)"
            ) % {"pk": row["pk"]})
        if row["row_hash"] != computed:
            return count, Broken(row["pk"], _(
                "บันทึกการใช้งานแถวหมายเลข %(pk)s ถูกแก้ไขหลังบันทึก (ค่าแฮชไม่ตรงกับเนื้อหา)") % {"pk": row["pk"]})
        previous = row["row_hash"]
    return count, None


def chain_existing(model) -> None:
    """Migration assessments 0014: chain the rows written before the chain, in id order."""
    previous = ""
    for event in model.objects.order_by("pk").iterator(chunk_size=2000):
        event.prev_hash = previous
        event.row_hash = previous = row_hash(event)
        event.save(update_fields=["prev_hash", "row_hash"])
