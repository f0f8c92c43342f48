"""One reminder pass (or, with --loop, one every --every seconds, like a small scheduler).

Every pass is safe to repeat and to run on several servers at once: what it records is unique
per person, kind and due date (or week), so a second pass finds it there and adds nothing."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications import services


class Command(BaseCommand):
    help = "Record and queue due-date reminders, review reminders and supervisors' weekly digests (exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, one pass every --every seconds")
        parser.add_argument("--every", type=int, default=600, help="seconds between passes with --loop (600)")
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today; for tests)")

    def handle(self, *args, loop, every, date, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(_("วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2026-04-29")) from None
        if every < 1:
            raise CommandError(_("--every ต้องมากกว่า 0 วินาที"))
        while True:
            counts = services.reminders_run(today=today)
            self.stdout.write(_("บันทึกการเตือนกำหนดส่ง %(due)s, เตือนผู้บริหาร %(review)s, สรุปรายสัปดาห์ %(digest)s "
                                "รายการ (ที่มีอยู่แล้วไม่บันทึกซ้ำ); อีเมลรอส่ง %(queued)s ฉบับ; คืนคิว %(requeued)s")
                              % counts)
            if not loop:
                return
            time.sleep(every)
