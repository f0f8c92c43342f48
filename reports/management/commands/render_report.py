import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Organization
from measures.models import MeasurePlan, ProgressRound
from reports import documents, render, services
from reports.models import Doc, PublishedDocument


class Command(BaseCommand):
    help = ("Render a document to PDF from the current data (a draft is watermarked ร่าง), "
            "or write a published version with --published N.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("fy", type=int, help="fiscal year in พ.ศ.")
        parser.add_argument("doc", choices=Doc.values)
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--published", type=int, metavar="N", help="write published version N as stored")

    def handle(self, *args, slug, fy, doc, output, published=None, **options):
        version = published
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"ไม่พบหน่วยงาน {slug}")
        path = Path(output)
        if version is not None:
            stored_doc = PublishedDocument.objects.filter(org=org, fiscal_year=fy, doc=doc, version=version).first()
            if stored_doc is None:
                raise CommandError(f"ไม่พบเอกสาร {doc} ปี {fy} ฉบับที่ {version}")
            with stored_doc.file.open("rb") as stored:
                path.write_bytes(stored.read())
            self.stdout.write(f"{path}: ฉบับที่ {version} ที่เผยแพร่ ({stored_doc.pages} หน้า, sha256 {stored_doc.sha256})")
            return
        plan = MeasurePlan.objects.filter(org=org, fiscal_year=fy).select_related("org", "org__province").first()
        if plan is None:
            raise CommandError(f"ไม่พบแผนมาตรการของ {org.name} ปี {fy}")
        progress_round = None
        months = documents.kind_of(doc).months
        if months:
            progress_round = ProgressRound.objects.filter(plan=plan, months=months).first()
            if progress_round is None:
                raise CommandError(f"ไม่พบรอบรายงาน {months} เดือน")
        draft = documents.is_draft(plan, progress_round)
        started = time.perf_counter()
        try:
            _context, pdf = services.render_document(plan, doc, progress_round, draft=draft)
        except render.RenderTimeout:
            raise CommandError("สร้างเอกสารไม่เสร็จภายในเวลาที่กำหนด (RENDER_TIMEOUT_SECONDS)") from None
        path.write_bytes(pdf.data)
        state = "ร่าง" if draft else "ฉบับจริง"
        self.stdout.write(f"{path}: {pdf.pages} หน้า, {len(pdf.data):,} ไบต์, {state}, "
                          f"{time.perf_counter() - started:.2f} วินาที")
