from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common import params

from . import score_io, selectors, services
from .forms import OrganizationSearchForm, ScoreExportForm, ScoreImportForm
from .models import Organization

PAGE_SIZE = 50


def home(request):
    form = OrganizationSearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.has_query():
        bodies = selectors.search_organizations(
            q=form.cleaned_data["q"], province_id=getattr(form.cleaned_data["province"], "pk", None),
            district=form.cleaned_data["district"],
        )
        page = Paginator(bodies, PAGE_SIZE).get_page(params.text(request.GET, "page"))
    return render(request, "assessments/home.html", {"form": form, "page": page})


@login_required
def scores_import(request):
    roles = selectors.request_roles(request)
    if not roles.editor_of and not request.user.is_superuser:
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่นำเข้าคะแนนได้"))
    allowed = None if request.user.is_superuser else roles.editor_of
    errors = []
    if request.method == "POST":
        form = ScoreImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                counts = services.scores_import_file(
                    data=upload.read(), filename=upload.name, actor=request.user, allowed_org_ids=allowed
                )
            except score_io.ImportRejected as rejected:
                errors = rejected.errors
            else:
                messages.success(request, _("นำเข้าคะแนน %(n)s รายการเรียบร้อยแล้ว") % {"n": sum(counts.values())})
                return redirect("scores-import")
    else:
        form = ScoreImportForm()
    export_form = ScoreExportForm(orgs=_exportable_orgs(request.user, roles))
    return render(request, "app/scores_import.html", {
        "form": form, "errors": errors, "export_form": export_form, "columns": score_io.COLUMNS,
    }, status=400 if errors else 200)


def _exportable_orgs(user, roles):
    orgs = Organization.objects.order_by("name")
    return orgs if user.is_superuser else orgs.filter(pk__in=roles.editor_of | roles.approver_of)


@login_required
def scores_export(request):
    roles = selectors.request_roles(request)
    form = ScoreExportForm(request.GET, orgs=_exportable_orgs(request.user, roles))
    if not form.is_valid():
        raise Http404(_("ไม่พบหน่วยงาน"))
    org = form.cleaned_data["org"]
    rows = score_io.export_rows(score_io.assessments_for_export(org_ids=[org.pk]))
    if form.cleaned_data["format"] == "xlsx":
        data = score_io.rows_to_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = score_io.rows_to_csv(rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="scores-{org.slug}.{form.cleaned_data["format"]}"'
    return response
