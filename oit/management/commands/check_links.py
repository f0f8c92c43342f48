from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.models import Organization
from oit import links


class Command(BaseCommand):
    help = ("Check every external address bodies gave as OIT evidence (oit/links.py: timeout, redirects checked "
            "hop by hop, 4xx/5xx, sign-in pages, HTML where a file was expected; private addresses refused); a "
            "newly broken link tells the body's editors once. Run daily (cron), or --org SLUG for one body.")

    def add_arguments(self, parser):
        parser.add_argument("--org", help="only this body's addresses (its slug)")

    def handle(self, *args, org=None, **options):
        org_ids = None
        if org:
            found = Organization.objects.filter(slug=org).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(_("ไม่พบหน่วยงาน %(slug)s") % {"slug": org})
            org_ids = [found]
        counts = links.check_all(org_ids=org_ids)
        self.stdout.write(_("ตรวจลิงก์ %(checked)s รายการ: เปิดได้ %(ok)s เปิดไม่ได้ %(broken)s") % counts)
