"""Public pages (no sign-in), PDF downloads, open data, and staff previews."""

import csv
import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import selectors as assessment_selectors
from assessments.models import Organization
from common import params
from common.public_cache import cached_public
from common.spreadsheet import spreadsheet_row
from measures import services as measure_services
from measures.access import Access, plan_or_404, province_for_supervisor, round_or_404

from . import documents, downloads, selectors, services
from . import render as report_render
from .documents import OPEN_DATA_FIELDS, Doc
from .forms import ReportSettingsForm
from .models import PublishedDocument, ReportSettings, RepublishJob

log = logging.getLogger(__name__)


def _get_org(slug):
    return get_object_or_404(Organization.objects.select_related("province"), slug=slug)


def _doc_or_404(doc):
    if documents.kind_of(doc) is None:
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
        "facts": assessment_selectors.year_facts(card) if card else None,
        "documents": selectors.ordered_docs(published),
        "measures_snapshot": snapshots.get(Doc.MEASURES), "results_snapshots": [
            snapshots[doc] for doc in (Doc.RESULTS_6M, Doc.RESULTS_12M) if doc in snapshots],
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
                data = form.cleaned_data
                logo = data["logo"]
                services.report_settings_save(
                    org=access.org, actor=request.user, measure_columns=data["measure_columns"],
                    result_columns=data["result_columns"], thai_numerals=data["thai_numerals"],
                    preparer_name=data["preparer_name"], preparer_position=data["preparer_position"],
                    approver_name=data["approver_name"], approver_position=data["approver_position"],
                    logo=False if logo is False else (logo if logo and "logo" in request.FILES else None),
                    expected_version=data["expected_version"])
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
    return render(request, "reports/settings.html", {"access": access, "org": access.org, "form": form})


@login_required
@require_POST
def republish(request):
    province = province_for_supervisor(request, params.integer(request.POST, "province", 0))
    job = services.republish_request(province=province, actor=request.user)
    return redirect("republish-job", job.pk)


@login_required
def republish_job(request, pk):
    job = get_object_or_404(RepublishJob.objects.select_related("province"), pk=pk)
    province_for_supervisor(request, job.province_id)
    return render(request, "reports/republish_job.html", {"job": job})
