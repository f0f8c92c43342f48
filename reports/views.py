"""Public pages (no sign-in), PDF downloads, open data, and staff previews."""

import csv
import hashlib
import io
import logging
import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import selectors as assessment_selectors
from assessments.models import Organization, Province
from common import params
from common.public_cache import cached_public
from common.spreadsheet import spreadsheet_row
from measures import selectors as measure_selectors
from measures.models import ProgressRound
from measures.views import Access

from . import render as report_render
from . import selectors, services
from .forms import ReportSettingsForm
from .models import ROUND_DOCS, Doc, PublishedDocument, ReportSettings, RepublishJob

DOC_ROUNDS = {doc: months for months, doc in ROUND_DOCS.items()}
log = logging.getLogger(__name__)


def _get_org(slug):
    return get_object_or_404(Organization.objects.select_related("province"), slug=slug)


def _doc_or_404(doc):
    if doc not in Doc.values:
        raise Http404(_("ไม่มีเอกสารชนิดนี้"))
    return doc


# ---------------------------------------------------------------- public pages


@cached_public
def org_detail(request, slug):
    org = _get_org(slug)
    cards = assessment_selectors.org_scorecards(org)
    years, trend = assessment_selectors.indicator_trend(cards)
    published = selectors.published_by_year(org)
    return render(request, "assessments/org_detail.html", {
        "org": org, "cards": cards, "trend_years": years, "trend": trend,
        "published": [(year, selectors.ordered_docs(published[year])) for year in sorted(published, reverse=True)],
    })


@cached_public
def org_year(request, slug, fy):
    org = _get_org(slug)
    card = assessment_selectors.org_scorecard(org, fy)
    snapshots = selectors.latest_snapshots(org, fy)
    if card is None and not snapshots:
        raise Http404(_("ไม่พบผลการประเมินหรือเอกสารที่เผยแพร่ของปีงบประมาณนี้"))
    published = selectors.published_by_year(org, fy).get(fy, {})
    return render(request, "assessments/org_year.html", {
        "org": org, "card": card, "fiscal_year": fy,
        "sections": assessment_selectors.year_sections(card) if card else [],
        "documents": selectors.ordered_docs(published),
        "measures_snapshot": snapshots.get(Doc.MEASURES), "results_snapshots": [
            snapshots[doc] for doc in (Doc.RESULTS_6M, Doc.RESULTS_12M) if doc in snapshots],
    })


def _pdf_response(request, document: PublishedDocument):
    """Serve the stored file as it was published; never render. Cheap repeats via ETag.

    The bytes are checked against the SHA-256 recorded at publishing; a file changed on
    disk is refused and logged, never served."""
    etag = quote_etag(document.sha256)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        sendfile = settings.PUBLISHED_FILE_HEADER
        data = _verified_bytes(document, cache=bool(sendfile))
        if data is None:
            log.error("published file %s (%s) does not match its SHA-256; refused", document.pk, document.file.name)
            return HttpResponse(_("ไฟล์เอกสารนี้ไม่ตรงกับฉบับที่เผยแพร่ ระบบจึงงดให้ดาวน์โหลด ผู้ดูแลระบบได้รับแจ้งแล้ว"),
                                status=503, content_type="text/plain; charset=utf-8")
        filename = f"{document.title} {document.org.name} {document.fiscal_year} ฉบับที่ {document.version}.pdf"
        if sendfile:  # the web server sends the bytes
            response = HttpResponse(content_type="application/pdf")
            response[sendfile] = settings.PUBLISHED_FILE_PREFIX + document.file.name
        else:
            response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(document.published_at.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


_verified: dict[tuple, bool] = {}


def _verified_bytes(document, *, cache: bool) -> bytes | None:
    """The file's bytes if they still hash to the published SHA-256, else None. With a
    sendfile header the check is remembered per process while the file is unchanged."""
    try:
        stat = os.stat(document.file.path)
        key = (document.file.name, stat.st_size, stat.st_mtime_ns, document.sha256)
    except FileNotFoundError:
        return None
    except NotImplementedError:  # object storage (S3): no local path, check every time
        cache, key = False, None
    if cache and _verified.get(key):
        return b""
    with document.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        _verified.pop(key, None)
        return None
    if cache:
        _verified[key] = True
    return data


@require_GET
@cached_public
def public_pdf(request, slug, fy, doc):
    org = _get_org(slug)
    document = selectors.latest(org, fy, _doc_or_404(doc))
    if document is None:
        raise Http404(_("เอกสารนี้ยังไม่ได้เผยแพร่"))
    document.org = org
    return _pdf_response(request, document)


@require_GET
@cached_public
def public_pdf_version(request, slug, fy, doc, version):
    org = _get_org(slug)
    document = PublishedDocument.objects.filter(org=org, fiscal_year=fy, doc=_doc_or_404(doc),
                                                version=version).defer("snapshot").first()
    if document is None:
        raise Http404(_("ไม่พบเอกสารฉบับนี้"))
    document.org = org
    return _pdf_response(request, document)


def _open_data(request, org, fy):
    card = assessment_selectors.org_scorecard(org, fy)
    snapshots = selectors.latest_snapshots(org, fy)
    if card is None and not snapshots:
        raise Http404(_("ไม่มีข้อมูลที่เผยแพร่ของปีงบประมาณนี้"))
    scores = None
    if card is not None:
        result = card.result
        scores = {
            "overall": _num(result.overall.value), "level": result.level,
            "tools": {code: _num(f.value) for code, f in result.tool_totals.items()},
            "indicators": {str(i.number): _num(result.indicator(i.number).value)
                           for i in card.framework.indicators.all()},
            "discrepancies": [{"what": d.label, "published": str(d.published), "other": str(d.other)}
                              for d in result.discrepancies],
        }
    documents = [{"doc": d.doc, "title": d.title, "version": d.version, "sha256": d.sha256,
                  "published_at": d.published_at.isoformat(),
                  "url": request.build_absolute_uri(reverse("public-pdf-version", args=[org.slug, fy, d.doc,
                                                                                        d.version]))}
                 for d in snapshots.values()]
    measures = snapshots.get(Doc.MEASURES)
    results = {d: snapshots[d].snapshot["rows"] for d in (Doc.RESULTS_6M, Doc.RESULTS_12M) if d in snapshots}
    return {"org": {"slug": org.slug, "name": org.name, "kind": org.kind, "district": org.district,
                    "province": org.province.name}, "fiscal_year": fy, "scores": scores, "documents": documents,
            "measures": measures.snapshot["rows"] if measures else [], "results": results}


def _num(value):
    return float(value) if value is not None else None


@require_GET
@cached_public
def open_data_json(request, slug, fy):
    data = _open_data(request, _get_org(slug), fy)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cached_public
def open_data_csv(request, slug, fy):
    """Published measures and results, one row per measure and document."""
    data = _open_data(request, _get_org(slug), fy)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["org", "fiscal_year", "doc", "no", "title", "steps", "responsible", "period", "output",
                     "outcome", "status", "percent"])
    rows = [("measures", row) for row in data["measures"]]
    rows += [(doc, row) for doc, doc_rows in data["results"].items() for row in doc_rows]
    for doc, row in rows:
        # Titles and texts are typed by staff: a leading = + - @ must not run as a formula in Excel.
        writer.writerow(spreadsheet_row([
            slug, fy, doc, row.get("no", ""), row["title"], " | ".join(row.get("steps", [])),
            " | ".join(row.get("responsible", [])), row.get("period", ""), row.get("output", ""),
            row.get("outcome", ""), row.get("status", ""), row.get("percent", "")]))
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{fy}.csv"'
    return response


# ---------------------------------------------------------------- staff previews and settings


def _preview_objects(request, slug, fy, doc):
    access = Access(request, slug)
    plan = measure_selectors.load_plan(access.org, fy)
    if plan is None:
        raise Http404(_("ยังไม่มีแผนมาตรการของปีงบประมาณนี้"))
    progress_round = None
    if doc in DOC_ROUNDS:
        progress_round = get_object_or_404(ProgressRound, plan=plan, months=DOC_ROUNDS[doc])
    return access, plan, progress_round


def _is_draft(plan, progress_round) -> bool:
    return (progress_round or plan).status not in ("approved", "published")


@login_required
def preview(request, slug, fy, doc):
    access, plan, progress_round = _preview_objects(request, slug, fy, _doc_or_404(doc))
    context = services.document_context(plan, doc, progress_round)
    html = report_render.render_html(context, draft=_is_draft(plan, progress_round), for_pdf=False)
    return HttpResponse(html)


@login_required
def preview_pdf(request, slug, fy, doc):
    access, plan, progress_round = _preview_objects(request, slug, fy, _doc_or_404(doc))
    try:
        _context, pdf = services.render_document(plan, doc, progress_round, draft=_is_draft(plan, progress_round))
    except report_render.RenderTimeout:
        return render(request, "reports/render_timeout.html", {"access": access, "org": access.org, "plan": plan,
                                                               "doc_title": Doc(doc).label}, status=503)
    response = HttpResponse(pdf.data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draft-{doc}-{fy}.pdf"'
    return response


@login_required
def report_settings(request, slug):
    access = Access(request, slug)
    access.require_edit()
    settings_ = ReportSettings.objects.filter(org=access.org).first() or ReportSettings(org=access.org)
    if request.method == "POST":
        form = ReportSettingsForm(request.POST, request.FILES, instance=settings_, org=access.org)
        if form.is_valid():
            try:
                services.report_settings_save(form=form, actor=request.user)
            except services.ConcurrentEdit:
                form.add_error(None, _("มีผู้อื่นบันทึกการตั้งค่านี้ไปแล้วระหว่างที่คุณแก้ไข สิ่งที่คุณเลือกยังอยู่ในแบบฟอร์ม "
                                       "กรุณาเปิดหน้านี้ใหม่เพื่อดูฉบับล่าสุด แล้วแก้ไขซ้ำ"))
                return render(request, "reports/settings.html", {"access": access, "org": access.org, "form": form},
                              status=409)
            messages.success(request, _("บันทึกการตั้งค่าเอกสารแล้ว"))
            return redirect("report-settings", slug)
    else:
        form = ReportSettingsForm(instance=settings_, org=access.org)
    return render(request, "reports/settings.html", {"access": access, "org": access.org, "form": form})


def _republish_access(request, province):
    roles = assessment_selectors.request_roles(request)
    if not (request.user.is_superuser or any(p == province.pk for p, _d in roles.scopes)):
        raise PermissionDenied(_("เฉพาะผู้กำกับดูแลจังหวัดนี้หรือผู้ดูแลระบบ"))


@login_required
@require_POST
def republish(request):
    province = get_object_or_404(Province, pk=params.integer(request.POST, "province", 0))
    _republish_access(request, province)
    job = services.republish_request(province=province, actor=request.user)
    return redirect("republish-job", job.pk)


@login_required
def republish_job(request, pk):
    job = get_object_or_404(RepublishJob.objects.select_related("province"), pk=pk)
    _republish_access(request, job.province)
    return render(request, "reports/republish_job.html", {"job": job})
