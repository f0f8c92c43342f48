from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.backup import backup


class Command(BaseCommand):
    help = "Back up the database (as fixtures) and MEDIA_ROOT into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="FILE.tar.gz (default: var/backups/ita-portal-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        from django.conf import settings

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(output) if output else Path(settings.BASE_DIR) / "var" / "backups" / f"ita-portal-{stamp}.tar.gz"
        manifest = backup(path)
        self.stdout.write(self.style.SUCCESS(
            _("สำรองข้อมูลแล้ว: %(path)s (%(objects)s รายการ, ไฟล์ %(files)s ไฟล์, เอกสารที่เผยแพร่ %(published)s ฉบับ)")
            % {"path": path, "objects": manifest["objects"], "files": manifest["media_files"],
               "published": len(manifest["published"])}))
