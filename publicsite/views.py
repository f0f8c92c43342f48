"""The public pages of a body (its page, a year's page, its published PDFs), its open data, and /verify/."""

import csv
import io
import logging

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from assessments import fiscal_years
from assessments import selectors as assessment_selectors
from assessments.forms import OrganizationSearchForm
from assessments.models import Organization, OrganizationName
from common import params, thai
from common.public_cache import cached_public
from common.spreadsheet import spreadsheet_row
from oit import selectors as oit_selectors
from reports import documents, downloads, selectors
from reports.documents import OPEN_DATA_FIELDS, ROUND_DOCS, Doc
from reports.forms import VERIFY_MAX_BYTES, HashingUploadHandler, VerifyForm
from reports.models import PublishedDocument

log = logging.getLogger(__name__)
PAGE_SIZE = 50  # bodies per page of the home search


def _get_org(slug):
    return get_object_or_404(Organization.objects.select_related("province"), slug=slug)


def _get_org_for_page(slug):
    """The body with its other names (one query more), for the public pages that show them."""
    names = Prefetch("names", queryset=OrganizationName.objects.order_by("name"))
    return get_object_or_404(Organization.objects.select_related("province").prefetch_related(names), slug=slug)


# ---------------------------------------------------------------- public pages


def home(request):
    form = OrganizationSearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.has_query():
        bodies = assessment_selectors.search_organizations(
            q=form.cleaned_data["q"], district=form.cleaned_data["district"], **form.province_filter(),
        )
        page = Paginator(bodies, PAGE_SIZE).get_page(params.text(request.GET, "page"))
    return render(request, "publicsite/home.html", {"form": form, "page": page,
                                                     "overview_year": fiscal_years.latest_result_year()})




@cached_public
def org_detail(request, slug):
    org = _get_org_for_page(slug)
    cards = assessment_selectors.org_scorecards(org)
    years, trend = assessment_selectors.indicator_trend(cards)
    published = selectors.published_by_year(org)
    return render(request, "publicsite/org_detail.html", {
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
    return render(request, "publicsite/org_year.html", {
        "org": org, "card": card, "fiscal_year": fy,
        "sections": sections, "unscored_items": assessment_selectors.unscored_items(sections),
        "facts": assessment_selectors.year_facts(card) if card else None,
        "documents": selectors.ordered_docs(published),
        "measures_snapshot": snapshots.get(Doc.MEASURES), "results_snapshots": [
            snapshots[doc] for doc in ROUND_DOCS.values() if doc in snapshots],
        "overview_year": fy in fiscal_years.framework_years(),  # the province's overview of the year exists
    })


@require_GET
@cached_public
def public_pdf(request, slug, fy, doc):
    org = _get_org(slug)
    document = selectors.latest(org, fy, documents.doc_or_404(doc))
    if document is None:
        raise Http404(_("เอกสารนี้ยังไม่ได้เผยแพร่"))
    document.org = org
    return downloads.pdf_response(request, document)


@require_GET
@cached_public
def public_pdf_version(request, slug, fy, doc, version):
    org = _get_org(slug)
    document = PublishedDocument.objects.filter(org=org, fiscal_year=fy, doc=documents.doc_or_404(doc),
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
        if not found:
            # The OIT evidence files a body published (oit/, docs/OIT.md): one query more, only when
            # the file is not one of the published documents (their check stays one query).
            found = oit_selectors.verified_files(digest, request.build_absolute_uri)
    response = render(request, "publicsite/verify.html", {"form": form, "digest": digest, "found": found},
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
