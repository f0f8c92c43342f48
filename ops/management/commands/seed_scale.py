import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ops import scale


class Command(BaseCommand):
    help = "Build a synthetic national dataset (bodies, users, scores, plans, progress, published documents)."

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, default=7850)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--published", type=int, default=None,
                            help="bodies with a published measures document (default: 40%% of --bodies)")
        parser.add_argument("--reset", action="store_true", help="remove earlier synthetic data first")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="processes that build and store the published documents (PostgreSQL; default: "
                                 "the machine's cores)")

    def handle(self, *args, bodies, years, published, reset, workers, **options):
        if bodies < 1 or years < 1 or workers < 1:
            raise CommandError(_("--bodies, --years และ --workers ต้องมากกว่า 0"))
        if scale.scale_exists():
            if not reset:
                raise CommandError(_("มีข้อมูลจำลอง (scale-…) อยู่แล้ว ใช้ --reset เพื่อลบแล้วสร้างใหม่"))
            self.stdout.write(_("ลบข้อมูลจำลองเดิม…"))
            scale.reset()
        try:
            if published is None:
                published = scale.default_published(bodies)
            result = scale.seed(bodies=bodies, years=years, published=min(published, bodies),
                                write=self.stdout.write, workers=workers)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            _("เสร็จใน %(seconds)s วินาที: หน่วยงาน %(bodies)s แห่ง, ผู้ใช้ %(users)s, คะแนน %(score_rows)s แถว, "
              "แผน %(plans)s, มาตรการ %(measures)s, ผลการดำเนินงาน %(entries)s, เอกสารที่เผยแพร่ %(published)s")
            % {"seconds": f"{result['seconds']:.1f}", "bodies": f"{result['bodies']:,}",
               "users": f"{result['users']:,}", "score_rows": f"{result['score_rows']:,}",
               "plans": f"{result['plans']:,}", "measures": f"{result['measures']:,}",
               "entries": f"{result['entries']:,}", "published": f"{result['published']:,}"}))
