import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.models import Organization
from measures.models import MeasurePlan, ProgressRound
from reports import documents, docx, render, services
from reports.models import Doc, PublishedDocument


class Command(BaseCommand):
    help = ("Render a document to PDF from the current data (a draft is watermarked ร่าง), "
            "or write a published version with --published N. An output named *.docx is a Word file "
            "of the same document (an approved one as approved; --published N: that version's words).")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("fy", type=int, help="fiscal year in พ.ศ.")
        parser.add_argument("doc", choices=Doc.values)
        parser.add_argument("-o", "--output", required=True, help="FILE.pdf, or FILE.docx for a Word file")
        parser.add_argument("--published", type=int, metavar="N", help="write published version N as stored")

    def handle(self, *args, slug, fy, doc, output, published=None, **options):
        version = published
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(_("ไม่พบหน่วยงาน %(slug)s") % {"slug": slug})
        path = Path(output)
        word = path.suffix.lower() == ".docx"
        if version is not None:
            stored_doc = PublishedDocument.objects.filter(org=org, fiscal_year=fy, doc=doc, version=version).first()
            if stored_doc is None:
                raise CommandError(_("ไม่พบเอกสาร %(doc)s ปี %(year)s ฉบับที่ %(version)s") % {
                    "doc": doc, "year": fy, "version": version})
            if word:
                snapshot = stored_doc.snapshot
                data = docx.render_docx(snapshot, draft=False, logo=services.document_logo(snapshot, org))
                path.write_bytes(data)
                self.stdout.write(_("%(path)s: ไฟล์ Word ของฉบับที่ %(version)s ที่เผยแพร่, %(bytes)s ไบต์") % {
                    "path": path, "version": version, "bytes": f"{len(data):,}"})
                return
            with stored_doc.file.open("rb") as stored:
                path.write_bytes(stored.read())
            self.stdout.write(_("%(path)s: ฉบับที่ %(version)s ที่เผยแพร่ (%(pages)s หน้า, sha256 %(sha256)s)") % {
                "path": path, "version": version, "pages": stored_doc.pages, "sha256": stored_doc.sha256})
            return
        plan = MeasurePlan.objects.filter(org=org, fiscal_year=fy).select_related("org", "org__province").first()
        if plan is None:
            raise CommandError(_("ไม่พบแผนมาตรการของ %(org)s ปี %(year)s") % {"org": org.name, "year": fy})
        progress_round = None
        months = documents.kind_of(doc).months
        if months:
            progress_round = ProgressRound.objects.filter(plan=plan, months=months).first()
            if progress_round is None:
                raise CommandError(_("ไม่พบรอบรายงาน %(months)s เดือน") % {"months": months})
        draft = documents.is_draft(plan, progress_round)
        started = time.perf_counter()
        if word:
            context = services.document_context(plan, doc, progress_round)
            data = docx.render_docx(context, draft=draft, logo=services.document_logo(context, org))
            path.write_bytes(data)
            values = {"path": path, "bytes": f"{len(data):,}", "seconds": f"{time.perf_counter() - started:.2f}"}
            if draft:
                self.stdout.write(_("%(path)s: ไฟล์ Word, %(bytes)s ไบต์, ร่าง, %(seconds)s วินาที") % values)
            else:
                self.stdout.write(_("%(path)s: ไฟล์ Word, %(bytes)s ไบต์, ฉบับจริง, %(seconds)s วินาที") % values)
            return
        try:
            _context, pdf = services.render_document(plan, doc, progress_round, draft=draft)
        except render.RenderTimeout:
            raise CommandError(_("สร้างเอกสารไม่เสร็จภายในเวลาที่กำหนด (RENDER_TIMEOUT_SECONDS)")) from None
        path.write_bytes(pdf.data)
        values = {"path": path, "pages": pdf.pages, "bytes": f"{len(pdf.data):,}",
                  "seconds": f"{time.perf_counter() - started:.2f}"}
        if draft:
            self.stdout.write(_("%(path)s: %(pages)s หน้า, %(bytes)s ไบต์, ร่าง, %(seconds)s วินาที") % values)
        else:
            self.stdout.write(_("%(path)s: %(pages)s หน้า, %(bytes)s ไบต์, ฉบับจริง, %(seconds)s วินาที") % values)
