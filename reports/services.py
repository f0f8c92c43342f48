"""Publishing: render once, store with version, SHA-256, who and when; never change a file."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from assessments.services import audit

from . import builders, render
from .models import ROUND_DOCS, Doc, PublishedDocument, ReportSettings

log = logging.getLogger(__name__)


def document_context(plan, doc, progress_round=None) -> dict:
    return builders.build(plan, doc, progress_round)


def logo_bytes(org) -> bytes | None:
    """The body's logo, read through the storage API (MEDIA_ROOT or S3 alike); None if missing."""
    settings_ = ReportSettings.objects.filter(org=org).exclude(logo="").first()
    if settings_ is None:
        return None
    try:
        with settings_.logo.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        log.warning("logo of %s is missing from storage: %s", org.slug, settings_.logo.name)
        return None


def render_document(plan, doc, progress_round=None, *, draft: bool):
    context = document_context(plan, doc, progress_round)
    return context, render.render_pdf(context, draft=draft, logo=logo_bytes(plan.org))


def report_publish(*, plan, doc: str, actor, progress_round=None) -> PublishedDocument:
    """Render the document as it stands and store it as the next version."""
    context, pdf = render_document(plan, doc, progress_round, draft=False)
    digest = hashlib.sha256(pdf.data).hexdigest()
    with transaction.atomic():
        last = (PublishedDocument.objects.select_for_update().filter(org=plan.org, fiscal_year=plan.fiscal_year,
                                                                     doc=doc).aggregate(top=Max("version"))["top"])
        document = PublishedDocument(org=plan.org, fiscal_year=plan.fiscal_year, doc=doc, version=(last or 0) + 1,
                                     sha256=digest, size=len(pdf.data), pages=pdf.pages, snapshot=context,
                                     published_by=actor)
        document.file.save("document.pdf", ContentFile(pdf.data), save=False)
        stored = document.file.name
        try:
            document.save()
        except Exception:
            document.file.storage.delete(stored)
            raise
        audit(actor=actor, action="report.publish", org=plan.org,
              summary=f"เผยแพร่ {Doc(doc).label} ปี {plan.fiscal_year} ฉบับที่ {document.version}",
              detail={"doc": doc, "version": document.version, "sha256": digest})
    return document


def publish_from_workflow(*, plan, progress_round, actor):
    """The measures workflow's publish hook: the plan publishes its measures and analysis,
    a 6- or 12-month round its results report."""
    if progress_round is None:
        report_publish(plan=plan, doc=Doc.MEASURES, actor=actor)
        if plan.based_on_id:
            report_publish(plan=plan, doc=Doc.ANALYSIS, actor=actor)
    elif progress_round.months in ROUND_DOCS:
        report_publish(plan=plan, doc=ROUND_DOCS[progress_round.months], actor=actor, progress_round=progress_round)


class ConcurrentEdit(Exception):
    pass


@transaction.atomic
def report_settings_save(*, form, actor) -> ReportSettings:
    """Save the settings form, unless someone saved them after this form was opened."""
    current = ReportSettings.objects.select_for_update().filter(org=form.org).values_list("version", flat=True).first()
    expected = form.cleaned_data.get("expected_version")
    if expected is not None and (current or 0) != expected:
        raise ConcurrentEdit()
    settings_ = form.save(commit=False)
    settings_.version = (current or 0) + 1
    settings_.save()
    org = settings_.org
    org.thai_numerals = form.cleaned_data["thai_numerals"]
    org.save(update_fields=["thai_numerals"])
    audit(actor=actor, action="report.settings", org=org, summary="แก้ไขการตั้งค่าเอกสาร",
          detail={"measure_columns": settings_.measure_columns, "result_columns": settings_.result_columns,
                  "thai_numerals": org.thai_numerals})
    return settings_


def republish_request(*, province, actor):
    """Queue the re-rendering of a province's published documents (runs in a worker)."""
    from .models import RepublishJob
    from .tasks import republish_province

    with transaction.atomic():
        job = RepublishJob.objects.create(province=province, requested_by=actor)
        audit(actor=actor, action="report.republish", summary=f"สั่งสร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด{province.name}",
              detail={"job": job.pk})
    transaction.on_commit(lambda: republish_province.enqueue(job_id=job.pk))
    return job
