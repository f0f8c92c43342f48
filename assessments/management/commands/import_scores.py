from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from assessments import score_io, services
from common.spreadsheet import nothing_imported, read_command_file


class Command(BaseCommand):
    help = ("Import published ITA scores from a CSV or XLSX file (format and every scope: README.md, "
            "\"Score file format\"). All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        data = read_command_file(file, max_bytes=settings.SCORE_IMPORT_MAX_BYTES)
        try:
            result = services.scores_import_file(data=data, filename=Path(file).name)
        except score_io.ImportRejected as rejected:
            raise nothing_imported(self.stderr, rejected.errors) from None
        self.stdout.write(self.style.SUCCESS(result.message()))
