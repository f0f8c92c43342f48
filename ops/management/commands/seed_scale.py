from django.core.management.base import BaseCommand, CommandError

from ops import scale


class Command(BaseCommand):
    help = "Build a synthetic national dataset (bodies, users, scores, plans, progress, published documents)."

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, default=7850)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--published", type=int, default=200, help="bodies with a published measures PDF")
        parser.add_argument("--reset", action="store_true", help="remove earlier synthetic data first")

    def handle(self, *args, bodies, years, published, reset, **options):
        if bodies < 1 or years < 1:
            raise CommandError("--bodies และ --years ต้องมากกว่า 0")
        if scale.scale_exists():
            if not reset:
                raise CommandError("มีข้อมูลจำลอง (scale-…) อยู่แล้ว ใช้ --reset เพื่อลบแล้วสร้างใหม่")
            self.stdout.write("ลบข้อมูลจำลองเดิม…")
            scale.reset()
        try:
            result = scale.seed(bodies=bodies, years=years, published=min(published, bodies),
                                write=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"เสร็จใน {result['seconds']:.1f} วินาที: หน่วยงาน {result['bodies']:,} แห่ง, ผู้ใช้ {result['users']:,}, "
            f"คะแนน {result['score_rows']:,} แถว, แผน {result['plans']:,}, มาตรการ {result['measures']:,}, "
            f"ผลการดำเนินงาน {result['entries']:,}, เอกสารที่เผยแพร่ {result['published']:,}"))
