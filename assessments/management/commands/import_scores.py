from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments import score_io, services


class Command(BaseCommand):
    help = "Import published ITA scores from a CSV or XLSX file (format: assessments/score_io.py). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("ไม่พบไฟล์ %(file)s") % {"file": file})
        if path.stat().st_size > settings.SCORE_IMPORT_MAX_BYTES:
            raise CommandError(_("ไฟล์มีขนาดเกิน 5 MB"))
        try:
            counts = services.scores_import_file(data=path.read_bytes(), filename=path.name)
        except score_io.ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(error)
            raise CommandError(_("ไม่ได้นำเข้าข้อมูลใด ๆ: พบข้อผิดพลาด %(count)s รายการ") % {
                "count": len(rejected.errors)}) from None
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(_("นำเข้าคะแนน %(total)s รายการ จาก %(orgs)s หน่วยงาน") % {
            "total": total, "orgs": len(counts)}))
