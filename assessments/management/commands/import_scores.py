from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments import score_io, services
from common.spreadsheet import nothing_imported, read_command_file


class Command(BaseCommand):
    help = "Import published ITA scores from a CSV or XLSX file (format: assessments/score_io.py). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        data = read_command_file(file, max_bytes=settings.SCORE_IMPORT_MAX_BYTES)
        try:
            counts = services.scores_import_file(data=data, filename=Path(file).name)
        except score_io.ImportRejected as rejected:
            raise nothing_imported(self.stderr, rejected.errors) from None
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(_("นำเข้าคะแนน %(total)s รายการ จาก %(orgs)s หน่วยงาน") % {
            "total": total, "orgs": len(counts)}))
