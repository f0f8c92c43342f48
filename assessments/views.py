from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common import params

from . import access, fiscal_years, score_io, selectors, services
from .forms import OrganizationSearchForm, ScoreExportForm, ScoreImportForm

PAGE_SIZE = 50


def home(request):
    form = OrganizationSearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.has_query():
        bodies = selectors.search_organizations(
            q=form.cleaned_data["q"], district=form.cleaned_data["district"], **form.province_filter(),
        )
        page = Paginator(bodies, PAGE_SIZE).get_page(params.text(request.GET, "page"))
    return render(request, "assessments/home.html", {"form": form, "page": page,
                                                     "overview_year": fiscal_years.latest_result_year()})


@login_required
def scores_import(request):
    allowed = access.require_score_editor(request)
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
    export_form = ScoreExportForm(orgs=access.readable_orgs(request))
    return render(request, "app/scores_import.html", {
        "form": form, "errors": errors, "export_form": export_form, "columns": score_io.COLUMNS,
    }, status=400 if errors else 200)


@login_required
def scores_export(request):
    form = ScoreExportForm(request.GET, orgs=access.readable_orgs(request))
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
