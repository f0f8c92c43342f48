from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import access, score_io, services
from .forms import (
    ScoreEditForm,
    ScoreEditStartForm,
    ScoreExportForm,
    ScoreFigureForm,
    ScoreImportForm,
)
from .models import Assessment, Framework

PAGE_SIZE = 50


@login_required
def scores_import(request):
    allowed = access.require_score_editor(request)
    errors = []
    if request.method == "POST":
        form = ScoreImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.scores_import_file(
                    data=upload.read(), filename=upload.name, actor=request.user, allowed_org_ids=allowed
                )
            except score_io.ImportRejected as rejected:
                errors = rejected.errors
            else:
                messages.success(request, result.message())
                return redirect("scores-import")
    else:
        form = ScoreImportForm()
    export_form = ScoreExportForm(orgs=access.readable_orgs(request))
    editable = access.score_editable_orgs(request)
    return render(request, "app/scores_import.html", {
        "form": form, "errors": errors, "export_form": export_form, "columns": score_io.COLUMNS,
        "edit_form": ScoreEditStartForm(orgs=editable), "can_edit_scores": editable.exists(),
    }, status=(413 if any(f.size > settings.SCORE_IMPORT_MAX_BYTES for f in request.FILES.getlist("file")) else 400)
        if errors or form.errors else 200)  # a refused file (empty, unreadable, too large) is never a 200


@login_required
def scores_edit_start(request):
    """The import page's chooser: to a body's one-figure page, at the year asked for, or else the
    latest year with figures on record, or else the latest framework year."""
    access.require_score_editor(request)
    form = ScoreEditStartForm(request.GET, orgs=access.score_editable_orgs(request))
    if not form.is_valid():
        raise Http404(_("ไม่พบหน่วยงาน"))
    org, year = form.cleaned_data["org"], form.cleaned_data["fy"]
    if year is None or not Framework.objects.filter(fiscal_year=year).exists():
        year = (Assessment.objects.filter(org=org).order_by("-framework__fiscal_year")
                .values_list("framework__fiscal_year", flat=True).first()
                or Framework.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first())
    if year is None:
        raise Http404(_("ยังไม่มีกรอบการประเมินในระบบ"))
    return redirect("scores-edit", org.slug, year)


@login_required
def scores_edit(request, slug, fy):
    """A body's published figures of one year: type, correct or remove one at a time."""
    org = access.score_editor_org(request, slug)
    framework = get_object_or_404(Framework, fiscal_year=fy)
    errors = []
    if request.method == "POST":
        form = ScoreEditForm(request.POST)
        if form.is_valid():
            try:
                edited = services.score_set(org=org, fiscal_year=fy, actor=request.user, **form.cleaned_data)
            except score_io.ImportRejected as rejected:
                errors = rejected.errors
            else:
                (messages.success if edited.changed else messages.info)(request, edited.message())
                return redirect("scores-edit", org.slug, fy)
    else:
        form = ScoreEditForm(initial=_figure_initial(request.GET))
    return _scores_page(request, org, framework, form, errors)


def _figure_initial(query) -> dict:
    """The form filled from a figure's "แก้ไข" link (scope, code, part, value in the query)."""
    form = ScoreEditForm(query)
    if not query or not form.is_valid():
        return {"part": "0"}
    return form.cleaned_data


def _scores_page(request, org, framework, form, errors):
    return render(request, "app/scores_edit.html", {
        "org": org, "framework": framework, "form": form, "errors": errors,
        "figures": score_io.figures(org, framework),
        "years": Framework.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True),
        "scored_years": set(Assessment.objects.filter(org=org).values_list("framework__fiscal_year", flat=True)),
    }, status=400 if errors or form.errors else 200)


@login_required
def score_remove(request, slug, fy):
    """Confirm (GET), then remove (POST) one figure named by scope, code and part."""
    org = access.score_editor_org(request, slug)
    framework = get_object_or_404(Framework, fiscal_year=fy)
    form = ScoreFigureForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        if request.method != "POST":
            raise Http404(_("ไม่พบคะแนนนี้"))
        return _scores_page(request, org, framework, ScoreEditForm(initial={"part": "0"}),
                            [e for errors in form.errors.values() for e in errors])
    wanted = (form.cleaned_data["scope"], form.cleaned_data["code"], form.cleaned_data["part"] or "0")
    if request.method == "POST":
        try:
            removed = services.score_remove(org=org, fiscal_year=fy, actor=request.user, **form.cleaned_data)
        except score_io.ImportRejected as rejected:
            return _scores_page(request, org, framework, ScoreEditForm(initial={"part": "0"}), rejected.errors)
        messages.success(request, removed.message())
        return redirect("scores-edit", org.slug, fy)
    figure = next((f for f in score_io.figures(org, framework)
                   if (f.scope, f.code.lower(), f.part) == (wanted[0], wanted[1].lower(), wanted[2])), None)
    if figure is None:
        raise Http404(_("ไม่พบคะแนนนี้"))
    return render(request, "app/score_remove.html", {"org": org, "framework": framework, "figure": figure})


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
