from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments import register_io, services
from common.spreadsheet import nothing_imported, read_command_file


class Command(BaseCommand):
    help = ("Import the register of bodies from a CSV or XLSX file (format: docs/REGISTER.md). Bodies are "
            "matched by DLA code (a row without one: by name, province and district), created or updated, "
            "never deleted. All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        data = read_command_file(file, max_bytes=register_io.MAX_BYTES)
        try:
            result = services.organizations_import_file(data=data, filename=Path(file).name)
        except register_io.ImportRejected as rejected:
            raise nothing_imported(self.stderr, rejected.errors) from None
        if options["verbosity"] > 1:
            for org in result.created:
                self.stdout.write(_("เพิ่ม %(name)s (%(slug)s)") % {"name": org.name, "slug": org.slug})
            for org, changes in result.updated:
                self.stdout.write(_("แก้ไข %(name)s: %(fields)s") % {"name": org.name, "fields": ", ".join(changes)})
        self.stdout.write(self.style.SUCCESS(_(
            "นำเข้าทะเบียนหน่วยงานแล้ว: เพิ่ม %(created)s แห่ง แก้ไข %(updated)s แห่ง ไม่เปลี่ยนแปลง %(unchanged)s แห่ง") % {
            "created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged}))
