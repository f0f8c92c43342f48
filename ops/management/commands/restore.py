from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ops.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database, and check every published file's SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="load even if the database is not empty")

    def handle(self, *args, file, force=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("ไม่พบไฟล์ %(file)s") % {"file": file})
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = restore(path, force=force)
        except RestoreError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            _("กู้คืนแล้ว: %(objects)s รายการ, เอกสารที่เผยแพร่ %(published)s ฉบับ ตรงกับ SHA-256 ทุกฉบับ")
            % {"objects": manifest["objects"], "published": len(manifest["published"])}))
