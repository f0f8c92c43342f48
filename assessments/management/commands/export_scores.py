from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments import score_io
from assessments.models import Organization


class Command(BaseCommand):
    help = "Export published ITA scores in the import format (CSV or XLSX by the file's ending)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="FILE.csv or FILE.xlsx")
        parser.add_argument("--org", help="body slug (default: every body)")
        parser.add_argument("--year", type=int, help="fiscal year in พ.ศ.")

    def handle(self, *args, output, org=None, year=None, **options):
        org_ids = None
        if org:
            found = Organization.objects.filter(slug=org).values_list("pk", flat=True)
            if not found:
                raise CommandError(_("ไม่พบหน่วยงาน %(slug)s") % {"slug": org})
            org_ids = list(found)
        rows = score_io.export_rows(score_io.assessments_for_export(org_ids=org_ids, fiscal_year=year))
        path = Path(output)
        data = score_io.rows_to_xlsx(rows) if path.suffix.lower() == ".xlsx" else score_io.rows_to_csv(rows)
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(
            _("ส่งออก %(rows)s แถว ไปที่ %(path)s") % {"rows": len(rows) - 1, "path": path}))
