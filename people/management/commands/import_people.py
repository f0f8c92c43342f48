from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.spreadsheet import nothing_imported, read_command_file
from people import importing, invitations, people_io, services


class Command(BaseCommand):
    help = ("Invite people to bodies from a CSV or XLSX file (columns name, position, email, body, role; "
            "format: people/people_io.py). All or nothing; re-running it invites nobody twice.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        data = read_command_file(file, max_bytes=people_io.MAX_BYTES)
        try:
            rows = people_io.check_rows(people_io.read_rows(data))
            results = services.people_import(rows=rows)
        except people_io.PeopleFileRejected as rejected:
            raise nothing_imported(self.stderr, rejected.errors) from None
        except services.PeopleError as refused:
            raise nothing_imported(self.stderr, refused.messages) from None
        # The rows are saved; now the mail (an invitation whose mail fails stays "ยังส่งไม่สำเร็จ":
        # running the same file again sends it again).
        mailed = importing.send_mail(rows, results, actor=None, base=invitations.base_url())
        counts, failed = mailed.counts, mailed.failed
        self.stdout.write(self.style.SUCCESS(_(
            "นำเข้า %(rows)s แถว: เชิญใหม่ %(invited)s คน, ส่งคำเชิญที่ยังส่งไม่สำเร็จอีกครั้ง %(resent)s คน, "
            "ไม่เปลี่ยนแปลง %(unchanged)s แถว") % {
                "rows": len(rows), **counts}))
        if failed:
            for line in failed:
                self.stderr.write(line)
            raise CommandError(_("บันทึกข้อมูลแล้ว แต่ส่งอีเมลไม่สำเร็จ %(count)s ฉบับ (ระบบยังไม่ได้ส่งอีเมลเหล่านั้น) "
                                 "ตรวจการตั้งค่าอีเมลแล้วรันคำสั่งเดิมอีกครั้งเพื่อส่งใหม่") % {"count": len(failed)})
