"""One reminder pass (or, with --loop, one every --every seconds, like a small scheduler); with
--dry-run, what a pass would record and send now, by channel, and the month's LINE quota, writing
nothing.

Every pass is safe to repeat and to run on several servers at once: what it records is unique
per person, kind and due date (or week), so a second pass finds it there and adds nothing."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications import services


class Command(BaseCommand):
    help = ("Record and queue due-date reminders, review reminders, supervisors' weekly digests and the day's "
            "LINE digests (exactly once); --dry-run counts the e-mails and LINE messages a pass would send.")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, one pass every --every seconds")
        parser.add_argument("--every", type=int, default=600, help="seconds between passes with --loop (600)")
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today; for tests)")
        parser.add_argument("--dry-run", action="store_true",
                            help="count what a pass would record and send (e-mail, LINE), the month's LINE quota; "
                                 "write and send nothing")

    def handle(self, *args, loop, every, date, dry_run, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(_("วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2026-04-29")) from None
        if every < 1:
            raise CommandError(_("--every ต้องมากกว่า 0 วินาที"))
        if dry_run:
            self.preview(today)
            return
        while True:
            counts = services.reminders_run(today=today)
            self.stdout.write(_("บันทึกการเตือนกำหนดส่ง %(due)s, เตือนผู้บริหาร %(review)s, สรุปรายสัปดาห์ %(digest)s "
                                "รายการ (ที่มีอยู่แล้วไม่บันทึกซ้ำ), สรุปประจำวันทาง LINE %(line_daily)s; "
                                "อีเมลรอส่ง %(email_queued)s ฉบับ, LINE รอส่ง %(line_queued)s ข้อความ; "
                                "คืนคิว %(requeued)s") % counts)
            if not loop:
                return
            time.sleep(every)

    def preview(self, today):
        """The administrator's count before a run: nothing is written or sent."""
        p = services.reminders_preview(today=today)
        self.stdout.write(_("ทดลองนับ (ไม่บันทึกและไม่ส่งสิ่งใด): การแจ้งเตือนใหม่ %(new)s รายการ") % p)
        self.stdout.write(_("  อีเมลที่จะส่ง %(email_total)s ฉบับ (ใหม่ %(email)s, รอส่งอยู่แล้ว %(queued_email)s)") % p)
        self.stdout.write(_("  ข้อความ LINE ที่จะส่ง %(line_total)s ข้อความ (ใหม่ %(line)s, สรุปประจำวัน %(line_daily)s, "
                            "รอส่งอยู่แล้ว %(queued_line)s); เก็บรอสรุปประจำวัน %(line_held)s เรื่อง") % p)
        self.stdout.write(_("  แจ้งในระบบเท่านั้น (ไม่มีช่องทางส่ง) %(in_app_only)s รายการ") % p)
        source = _("ตัวเลขจาก LINE") if p["line_quota_source"] == "line" else _("นับจากระบบนี้")
        if p["line_quota"]:
            self.stdout.write(_("  LINE เดือนนี้ใช้ไปแล้ว %(used)s จากโควตา %(quota)s ข้อความ (%(source)s); "
                                "หลังรอบนี้ %(after)s") % {"used": p["line_month_used"], "quota": p["line_quota"],
                                                           "source": source, "after": p["line_after"]})
            if p["line_over_quota"]:
                self.stdout.write(self.style.WARNING(_(
                    "  คำเตือน: รอบนี้จะเกินโควตาข้อความ LINE ของเดือน ข้อความที่เกินจะส่งไม่ได้และระบบจะส่งทางอีเมลแทน "
                    "พิจารณาให้ผู้รับเลือกสรุปประจำวัน หรือปรับแพ็กเกจของบัญชีทางการ")))
        else:
            self.stdout.write(_("  LINE เดือนนี้ใช้ไปแล้ว %(used)s ข้อความ (%(source)s; ไม่ทราบโควตา)") % {
                "used": p["line_month_used"], "source": source})
