"""Remove the files no database row names (left by a crash mid-publish), once they are older
than FILE_SWEEP_MINUTES (reports/files.py). Safe to run at any time, on any server, while
people publish: a file whose transaction may still be running is never old enough."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports import files


class Command(BaseCommand):
    help = "Remove published, pending and kept files that no database row names (older than FILE_SWEEP_MINUTES)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=None,
                            help="only files older than this many minutes (default: FILE_SWEEP_MINUTES)")
        parser.add_argument("--loop", action="store_true", help="keep running, one sweep every --every seconds")
        parser.add_argument("--every", type=int, default=600, help="seconds between sweeps with --loop (600)")

    def handle(self, *args, minutes, loop, every, **options):
        if minutes is not None and minutes < 0:
            raise CommandError(_("--minutes ต้องไม่น้อยกว่า 0"))
        if every < 1:
            raise CommandError(_("--every ต้องมากกว่า 0 วินาที"))
        older_than = datetime.timedelta(minutes=minutes) if minutes is not None else None
        while True:
            removed = files.sweep(older_than=older_than)
            self.stdout.write(_("ลบไฟล์ที่ไม่มีรายการในฐานข้อมูลแล้ว %(count)s ไฟล์") % {"count": len(removed)})
            for name in removed:
                self.stdout.write(f"  {name}")
            if not loop:
                return
            time.sleep(every)
