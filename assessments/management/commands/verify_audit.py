"""manage.py verify_audit: walk the audit log's hash chain (assessments/audit_chain.py) and fail,
naming the first bad row in Thai, when a row was changed or deleted in the database. Exit code 0:
every row holds; 1: the chain is broken (CommandError). Run it daily (docs/DEPLOYMENT.md) and
after every restore."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments import audit_chain


class Command(BaseCommand):
    help = "ตรวจห่วงโซ่ค่าแฮชของบันทึกการใช้งาน: แจ้งแถวแรกที่ถูกแก้ไขหรือถูกลบ"

    def handle(self, *args, **options):
        count, broken = audit_chain.verify()
        if broken is not None:
            raise CommandError(_("ห่วงโซ่บันทึกการใช้งานไม่ครบถ้วน: %(message)s (ตรวจแล้ว %(count)s แถว)") % {
                "message": broken.message, "count": count})
        self.stdout.write(_("บันทึกการใช้งานครบถ้วน ตรวจแล้ว %(count)s แถว ไม่มีแถวใดถูกแก้ไขหรือถูกลบ") % {"count": count})
