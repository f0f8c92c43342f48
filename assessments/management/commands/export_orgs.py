from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments import register_io
from assessments.models import Organization


class Command(BaseCommand):
    help = ("Export the register of bodies in the format import_orgs reads (docs/REGISTER.md): CSV or XLSX by "
            "the file's ending, CSV on standard output without -o. Bodies without a DLA code come last, "
            "with an empty code.")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="FILE.csv or FILE.xlsx (default: CSV on standard output)")

    def handle(self, *args, output=None, **options):
        rows = register_io.export_rows()
        path = Path(output) if output else None
        if path is not None and path.suffix.lower() == ".xlsx":
            data = register_io.rows_to_xlsx(rows)
        else:
            data = register_io.rows_to_csv(rows)
        if path is None:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
        else:
            path.write_bytes(data)
            self.stdout.write(self.style.SUCCESS(
                _("ส่งออกทะเบียนหน่วยงาน %(rows)s แห่ง ไปที่ %(path)s") % {"rows": len(rows) - 1, "path": path}))
        without = Organization.objects.filter(dla_code__isnull=True).count()
        if without:
            self.stderr.write(_("หน่วยงาน %(count)s แห่งยังไม่มีรหัส อปท. อยู่ท้ายไฟล์โดยช่องรหัสว่าง "
                                "(เติมรหัสแล้วนำเข้า ระบบจับคู่ด้วยชื่อ จังหวัด และอำเภอ)") % {"count": without})
