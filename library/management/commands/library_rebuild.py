"""Build the measure library's rows again from the latest published measures documents (after a
restore or a bulk load that stored documents without the services): `manage.py library_rebuild`."""

from django.core.management.base import BaseCommand
from django.db import connection

from library import index


class Command(BaseCommand):
    help = "สร้างข้อมูลค้นหาของคลังมาตรการใหม่จากเอกสารมาตรการที่เผยแพร่ฉบับล่าสุด"

    def handle(self, *args, **options):
        count = index.rebuild()
        if connection.vendor == "postgresql":
            # Fresh planner statistics (the words' frequencies): the search's plans rely on them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE reports_libraryentry, reports_libraryindicator")
        self.stdout.write(f"คลังมาตรการ: {count:,} มาตรการ")
