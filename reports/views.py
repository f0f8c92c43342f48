"""Staff pages of the documents: previews (PDF, Word), a body's report settings, a person's
signature, and province-wide re-publishing."""

import base64
import logging
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.access import request_roles
from common import params
from common.errors import Refusal
from common.text import clean_text
from measures.access import Access, plan_or_404, province_for_supervisor, round_or_404

from . import documents, docx, previews, services
from .documents import Doc
from .forms import ReportSettingsForm, SignatureForm
from .models import PreviewRender, ReportSettings, RepublishJob, UserSignature

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- staff previews and settings


def _preview_objects(request, slug, fy, doc):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    months = documents.kind_of(doc).months
    return access, plan, round_or_404(plan, months) if months else None


@login_required
@require_GET
def preview_pdf(request, slug, fy, doc):
    """The document as it prints now, a draft marked ร่าง. Kept by content (reports/previews.py): a
    render of the same content is answered at once; a long document is rendered by the worker
    while this address answers with a progress page that opens the PDF when it is ready."""
    access, plan, progress_round = _preview_objects(request, slug, fy, documents.doc_or_404(doc))
    preview = previews.preview_of(plan, doc, progress_round)
    found = previews.answer(preview, retry=request.GET.get("retry") == "1")
    if found.state == "ready":
        response = HttpResponse(found.data, content_type="application/pdf")
        # A draft is named as one; an approved (or published) document is not.
        name = f"draft-{doc}-{fy}.pdf" if preview.draft else f"{doc}-{fy}-approved.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    page = {"access": access, "org": access.org, "plan": plan, "doc_title": Doc(doc).label,
            "back_url": _back_url(plan, progress_round), "pdf_url": request.path,
            "back_label": _("กลับไปที่รายงานผลการดำเนินงาน") if progress_round else _("กลับไปที่แผนมาตรการ")}
    if found.state == "failed":
        template = ("reports/render_timeout.html" if found.row.failure == PreviewRender.Failure.TIMEOUT
                    else "reports/preview_failed.html")
        return render(request, template, {**page, "retry_url": f"{request.path}?retry=1"}, status=503)
    status = previews.status(found.row)
    return render(request, "reports/preview_progress.html", {
        **page, "message": _status_message(status),
        "status_url": reverse("report-preview-status", args=[access.org.slug, plan.fiscal_year, doc, found.row.key])},
        status=202)


KEY = re.compile(r"[0-9a-f]{64}")


@login_required
@require_GET
def preview_status(request, slug, fy, doc, key):
    """The state of one preview render, for its progress page's script (JSON). The same access as
    the preview: the body's people, its supervisors and the administrator; the render must be of
    this body, year and document."""
    _access, plan, _round = _preview_objects(request, slug, fy, documents.doc_or_404(doc))
    row = None
    if KEY.fullmatch(key):
        row = (PreviewRender.objects.filter(key=key, org=plan.org, fiscal_year=plan.fiscal_year, doc=doc)
               .defer("context").first())
    status = previews.status(row)
    status["message"] = _status_message(status)
    return JsonResponse(status, status=200 if row is not None else 404)


def _back_url(plan, progress_round) -> str:
    if progress_round is not None:
        return reverse("round-detail", args=[plan.org.slug, plan.fiscal_year, progress_round.months])
    return reverse("plan-detail", args=[plan.org.slug, plan.fiscal_year])


# After this long in the queue the page says the worker may be busy or not running.
SLOW_QUEUE_SECONDS = 60


def _status_message(status: dict) -> str:
    state, waited = status.get("state"), status.get("waited", 0)
    if state == PreviewRender.State.QUEUED:
        if waited >= SLOW_QUEUE_SECONDS:
            return _("ยังรอคิวอยู่ (รอมาแล้ว %(seconds)s วินาที) ระบบงานเบื้องหลังอาจมีงานมากหรือยังไม่ได้เปิด "
                     "หากรอนานเกินไป กรุณาแจ้งผู้ดูแลระบบ") % {"seconds": waited}
        return _("รอคิวจัดทำเอกสาร…")
    if state == PreviewRender.State.RUNNING:
        return _("กำลังจัดทำเอกสาร… (ผ่านไป %(seconds)s วินาที)") % {"seconds": waited}
    if state == PreviewRender.State.READY:
        return _("เอกสารเสร็จแล้ว กำลังเปิด…")
    if state == PreviewRender.State.FAILED:
        return _("จัดทำเอกสารไม่สำเร็จ")
    return _("เนื้อหาของเอกสารเปลี่ยนไป กำลังจัดทำฉบับล่าสุด…")


@login_required
@require_GET
def report_docx(request, slug, fy, doc):
    """The document as a Word file, for a body to adjust before it prints and signs: the same
    context as the PDF preview (what was approved, once approved), a draft marked ร่าง."""
    _access, plan, progress_round = _preview_objects(request, slug, fy, documents.doc_or_404(doc))
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
            except Refusal as error:
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
    if not request_roles(request).may_keep_signature:
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
            except Refusal as error:
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


# ---------------------------------------------------------------- province-wide re-publishing


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
