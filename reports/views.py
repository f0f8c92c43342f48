"""Public pages (no sign-in), PDF downloads, open data, and staff previews."""

import base64
import csv
import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import fiscal_years
from assessments import selectors as assessment_selectors
from assessments.access import request_roles
from assessments.models import Organization, OrganizationName
from common import params, thai
from common.public_cache import cached_public
from common.spreadsheet import spreadsheet_row
from common.text import clean_text
from measures import services as measure_services
from measures.access import Access, plan_or_404, province_for_supervisor, round_or_404

from . import documents, docx, downloads, selectors, services
from . import render as report_render
from .documents import OPEN_DATA_FIELDS, Doc
from .forms import VERIFY_MAX_BYTES, HashingUploadHandler, ReportSettingsForm, SignatureForm, VerifyForm
from .models import PublishedDocument, ReportSettings, RepublishJob, UserSignature

log = logging.getLogger(__name__)


def _get_org(slug):
    return get_object_or_404(Organization.objects.select_related("province"), slug=slug)


def _get_org_for_page(slug):
    """The body with its other names (one query more), for the public pages that show them."""
    names = Prefetch("names", queryset=OrganizationName.objects.order_by("name"))
    return get_object_or_404(Organization.objects.select_related("province").prefetch_related(names), slug=slug)


def _doc_or_404(doc):
    if documents.kind_of(doc) is None:
        raise Http404(_("ไม่มีเอกสารชนิดนี้"))
    return doc


# ---------------------------------------------------------------- public pages


@cached_public
def org_detail(request, slug):
    org = _get_org_for_page(slug)
    cards = assessment_selectors.org_scorecards(org)
    years, trend = assessment_selectors.indicator_trend(cards)
    published = selectors.published_by_year(org)
    return render(request, "assessments/org_detail.html", {
        "org": org, "cards": cards, "trend_years": years, "trend": trend,
        "published": [(year, selectors.ordered_docs(published[year])) for year in sorted(published, reverse=True)],
    })


@cached_public
def org_year(request, slug, fy):
    org = _get_org_for_page(slug)
    card = assessment_selectors.org_scorecard(org, fy)
    snapshots = selectors.latest_snapshots(org, fy)
    if card is None and not snapshots:
        raise Http404(_("ไม่พบผลการประเมินหรือเอกสารที่เผยแพร่ของปีงบประมาณนี้"))
    published = selectors.published_by_year(org, fy).get(fy, {})
    sections = assessment_selectors.year_sections(card) if card else []
    return render(request, "assessments/org_year.html", {
        "org": org, "card": card, "fiscal_year": fy,
        "sections": sections, "unscored_items": assessment_selectors.unscored_items(sections),
        "facts": assessment_selectors.year_facts(card) if card else None,
        "documents": selectors.ordered_docs(published),
        "measures_snapshot": snapshots.get(Doc.MEASURES), "results_snapshots": [
            snapshots[doc] for doc in (Doc.RESULTS_6M, Doc.RESULTS_12M) if doc in snapshots],
        "overview_year": fy in fiscal_years.framework_years(),  # the province's overview of the year exists
    })


@require_GET
@cached_public
def public_pdf(request, slug, fy, doc):
    org = _get_org(slug)
    document = selectors.latest(org, fy, _doc_or_404(doc))
    if document is None:
        raise Http404(_("เอกสารนี้ยังไม่ได้เผยแพร่"))
    document.org = org
    return downloads.pdf_response(request, document)


@require_GET
@cached_public
def public_pdf_version(request, slug, fy, doc, version):
    org = _get_org(slug)
    document = PublishedDocument.objects.filter(org=org, fiscal_year=fy, doc=_doc_or_404(doc),
                                                version=version).defer("snapshot").first()
    if document is None:
        raise Http404(_("ไม่พบเอกสารฉบับนี้"))
    document.org = org
    return downloads.pdf_response(request, document)


def _open_data(request, org, fy):
    data = selectors.open_data(org, fy, address=lambda doc, version: request.build_absolute_uri(
        reverse("public-pdf-version", args=[org.slug, fy, doc, version])))
    if data is None:
        raise Http404(_("ไม่มีข้อมูลที่เผยแพร่ของปีงบประมาณนี้"))
    return data


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
    writer.writerow(["org", "fiscal_year", "doc", *OPEN_DATA_FIELDS])
    for doc, cells in selectors.open_data_rows(data):
        # Titles and texts are typed by staff: a leading = + - @ must not run as a formula in Excel.
        writer.writerow(spreadsheet_row([slug, fy, doc, *cells]))
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{fy}.csv"'
    return response


@require_GET
@cached_public
def open_data_scores_csv(request, slug, fy):
    """The body's scores of the year as one CSV row (selectors.score_header); 404 without a result."""
    org = _get_org(slug)
    card = assessment_selectors.org_scorecard(org, fy)
    if card is None:
        raise Http404(_("ไม่มีผลการประเมินของปีงบประมาณนี้"))
    record = selectors.open_data_record(org, fy, card, {}, address=None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(selectors.score_header(card.framework))
    writer.writerow(spreadsheet_row(selectors.score_cells(record, card.framework)))
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{fy}-scores.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# ---------------------------------------------------------------- staff previews and settings


def _preview_objects(request, slug, fy, doc):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    months = documents.kind_of(doc).months
    return access, plan, round_or_404(plan, months) if months else None


@login_required
def preview(request, slug, fy, doc):
    access, plan, progress_round = _preview_objects(request, slug, fy, _doc_or_404(doc))
    context = services.document_context(plan, doc, progress_round)
    html = report_render.render_html(context, draft=documents.is_draft(plan, progress_round), for_pdf=False)
    return HttpResponse(html)


@login_required
def preview_pdf(request, slug, fy, doc):
    access, plan, progress_round = _preview_objects(request, slug, fy, _doc_or_404(doc))
    try:
        _context, pdf = services.render_document(plan, doc, progress_round,
                                                 draft=documents.is_draft(plan, progress_round))
    except report_render.RenderTimeout:
        return render(request, "reports/render_timeout.html", {"access": access, "org": access.org, "plan": plan,
                                                               "doc_title": Doc(doc).label}, status=503)
    response = HttpResponse(pdf.data, content_type="application/pdf")
    # A draft is named as one; an approved (or published) document is not.
    name = f"draft-{doc}-{fy}.pdf" if documents.is_draft(plan, progress_round) else f"{doc}-{fy}-approved.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_GET
def report_docx(request, slug, fy, doc):
    """The document as a Word file, for a body to adjust before it prints and signs: the same
    context as the PDF preview (what was approved, once approved), a draft marked ร่าง."""
    _access, plan, progress_round = _preview_objects(request, slug, fy, _doc_or_404(doc))
    context = services.document_context(plan, doc, progress_round)
    draft = documents.is_draft(plan, progress_round)
    data = docx.render_docx(context, draft=draft, logo=services.document_logo(context, plan.org))
    response = HttpResponse(data, content_type=docx.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, docx.filename(context, draft=draft))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
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
                data = form.cleaned_data
                logo = data["logo"]
                services.report_settings_save(
                    org=access.org, actor=request.user, measure_columns=data["measure_columns"],
                    result_columns=data["result_columns"], thai_numerals=data["thai_numerals"],
                    preparer_name=data["preparer_name"], preparer_position=data["preparer_position"],
                    approver_name=data["approver_name"], approver_position=data["approver_position"],
                    logo=False if logo is False else (logo if logo and "logo" in request.FILES else None),
                    expected_version=data["expected_version"], margins=data["margins"] or None,
                    header=data["header"] or None, body_font_pt=data["body_font_pt"] or None)
            except services.ConcurrentEdit:
                form.add_error(None, _("มีผู้อื่นบันทึกการตั้งค่านี้ไปแล้วระหว่างที่คุณแก้ไข สิ่งที่คุณเลือกยังอยู่ในแบบฟอร์ม "
                                       "กรุณาเปิดหน้านี้ใหม่เพื่อดูฉบับล่าสุด แล้วแก้ไขซ้ำ"))
                return render(request, "reports/settings.html", {"access": access, "org": access.org, "form": form},
                              status=409)
            except measure_services.ServiceError as error:
                form.add_error(None, " ".join(error.messages))
                return render(request, "reports/settings.html", {"access": access, "org": access.org, "form": form},
                              status=400)
            messages.success(request, _("บันทึกการตั้งค่าเอกสารแล้ว"))
            return redirect("report-settings", slug)
    else:
        form = ReportSettingsForm(instance=settings_, org=access.org)
    return render(request, "reports/settings.html", {"access": access, "org": access.org, "form": form},
                  status=400 if form.errors else 200)


# ---------------------------------------------------------------- signatures


@login_required
def signature(request):
    """A person's own signature image, for the documents they submit or approve. Only its owner
    ever sees it (a preview inside this page, never an address of its own)."""
    if not request_roles(request).is_member:
        raise PermissionDenied(_("เฉพาะผู้จัดทำและผู้บริหารของหน่วยงานเท่านั้นที่บันทึกลายมือชื่อได้"))
    current = UserSignature.objects.filter(user=request.user).first()
    status = 200
    if request.method == "POST" and "remove" in request.POST:
        services.signature_delete(user=request.user)
        messages.success(request, _("ลบลายมือชื่อแล้ว เอกสารที่เห็นชอบไปแล้วยังคงมีลายมือชื่อเดิม"))
        return redirect("signature")
    if request.method == "POST":
        form = SignatureForm(request.POST, request.FILES, signature=current)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.signature_save(user=request.user, image=data["image"], name=data["name"],
                                        position=data["position"])
            except measure_services.ServiceError as error:
                form.add_error("image" if data["image"] else None, " ".join(error.messages))
            else:
                messages.success(request, _("บันทึกลายมือชื่อแล้ว จะใช้กับเอกสารที่คุณส่งหรือเห็นชอบต่อจากนี้"))
                return redirect("signature")
        status = 400
    else:
        form = SignatureForm(signature=current)
    response = render(request, "reports/signature.html", {
        "form": form, "signature": current, "preview": _signature_preview(current)}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _signature_preview(signature) -> str:
    """The owner's image as a data: address inside their own page (no URL serves it)."""
    if signature is None:
        return ""
    try:
        with signature.image.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        log.warning("signature image of user %s is missing: %s", signature.user_id, signature.image.name)
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------- /verify/: is this copy one we published?


VERIFY_FORM_OVERHEAD = 64 * 1024  # the multipart envelope and the other fields around the file


@csrf_exempt  # checked in _verify, once the hashing upload handler is in place (csrf_protect)
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """ตรวจสอบเอกสาร: anyone drops a PDF (hashed as it arrives, nothing kept) or pastes its SHA-256
    and learns whether the portal published it: which body, document, version, when, and whether
    a newer version exists. A GET with ?sha256= answers the same, as a link to share."""
    if request.method != "POST":
        return _verify(request, None)
    if _content_length(request) > VERIFY_MAX_BYTES + VERIFY_FORM_OVERHEAD:
        # Refused unread: nothing of the request is parsed or done, so there is no token to check.
        return _verify_page(request, VerifyForm(data={}, too_large=True), status=413)
    handler = HashingUploadHandler(request)
    request.upload_handlers = [handler]
    return _verify(request, handler)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_protect
def _verify(request, handler):
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES, too_large=handler.too_large)
    else:
        form = VerifyForm(request.GET) if "sha256" in request.GET else VerifyForm()
    status = 200 if not form.is_bound or form.is_valid() else (413 if form.too_large else 400)
    return _verify_page(request, form, status=status)


def _verify_page(request, form, *, status):
    digest, found = "", None
    if form.is_valid():
        digest = form.cleaned_data["digest"]
        found = _verified_documents(request, selectors.published_with_sha256(digest))
    response = render(request, "reports/verify.html", {"form": form, "digest": digest, "found": found},
                      status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _verified_documents(request, matches) -> list[dict]:
    """The matching versions grouped by document: a document re-rendered without a change has
    the same bytes in several versions, and a newer version exists only past the last of them."""
    grouped = {}
    for match in matches:
        grouped.setdefault((match.org_id, match.fiscal_year, match.doc), []).append(match)
    found = []
    for versions in grouped.values():
        first, last = versions[0], versions[-1]
        address = [first.org.slug, first.fiscal_year, first.doc]
        found.append({
            "org": first.org, "title": first.title, "fiscal_year": first.fiscal_year,
            "versions": [{"version": v.version,
                          "published_on": thai.format_date(timezone.localtime(v.published_at), False),
                          "url": request.build_absolute_uri(reverse("public-pdf-version", args=[*address, v.version]))}
                         for v in versions],
            "newest_version": first.newest_version, "newer": first.newest_version > last.version,
            "newest_url": reverse("public-pdf-version", args=[*address, first.newest_version]),
        })
    return found


@login_required
@require_POST
def republish(request):
    province = province_for_supervisor(request, params.integer(request.POST, "province", 0))
    reason = clean_text(request.POST.get("reason", ""))[:500].strip()
    if not reason:
        messages.error(request, _("กรุณาระบุเหตุผลที่สร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด"))
        return redirect("dashboard")
    job = services.republish_request(province=province, actor=request.user, reason=reason)
    return redirect("republish-job", job.pk)


@login_required
def republish_job(request, pk):
    job = get_object_or_404(RepublishJob.objects.select_related("province"), pk=pk)
    province_for_supervisor(request, job.province_id)
    return render(request, "reports/republish_job.html", {"job": job})
