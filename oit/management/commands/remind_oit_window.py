from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from oit import services


class Command(BaseCommand):
    help = ("Before the OIT window (OIT_WINDOW_OPENS, default 03-01; OIT_WINDOW_REMIND_DAYS ahead) tell the "
            "editors of every body with OIT items still unpublished, once per body and year. Run daily (cron).")

    def handle(self, *args, **options):
        reminded = services.window_reminders_run()
        self.stdout.write(_("แจ้งเตือนหน่วยงานที่ยังเผยแพร่หลักฐาน OIT ไม่ครบ %(n)s แห่ง") % {"n": reminded})
