"""manage.py export_audit: the audit log as JSON lines (one row a line, with its hashes), to ship
it to a store the portal's database account cannot change (docs/SECURITY.md, "The security log").
``--after ID`` writes only the rows after that id, so a daily job appends what is new:

    last=$(tail -n1 audit.jsonl 2>/dev/null | jq -r '.id // 0'); last=${last:-0}
    manage.py export_audit --after "$last" >> audit.jsonl

Each line holds ``prev_hash`` and ``row_hash``: the copy can be checked against the database
(``verify_audit``) and on its own."""

import json

from django.core.management.base import BaseCommand

from assessments.models import AuditEvent


class Command(BaseCommand):
    help = "ส่งออกบันทึกการใช้งานเป็น JSON Lines (หนึ่งแถวต่อบรรทัด) เพื่อเก็บสำเนาไว้นอกระบบ"

    def add_arguments(self, parser):
        parser.add_argument("--after", type=int, default=0, help="ส่งออกเฉพาะแถวที่หมายเลขมากกว่านี้")

    def handle(self, *args, after=0, **options):
        rows = (AuditEvent.objects.filter(pk__gt=after).order_by("pk")
                .values("pk", "created_at", "actor_id", "actor__username", "org_id", "action", "summary", "detail",
                        "client_ip", "prev_hash", "row_hash").iterator(chunk_size=2000))
        for row in rows:
            line = {"id": row.pop("pk"), "at": row.pop("created_at").isoformat(),
                    "username": row.pop("actor__username"), **row}
            self.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True))
