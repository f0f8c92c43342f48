"""Staff pages for plans, measures, progress and review.

Every view: load what the user may see (404 otherwise) -> check the action (403) ->
bind a form -> call a service -> redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import fiscal_years
from assessments import selectors as assessment_selectors
from assessments.models import Organization, Province
from common import params, public_cache
from common.errors import ConcurrentEdit, Refusal
from common.redirects import safe_url
from common.thai import fiscal_year_of

from . import cards, checks, selectors, services, suggestions
from .access import (
    Access,
    evidence_for_user,
    measure_or_404,
    plan_or_404,
    request_roles,
    require_area_overview,
    round_or_404,
)
from .forms import (
    AnalysisForm,
    CommentForm,
    DueDateForm,
    EntryReportForm,
    MeasureForm,
    RecordedAfterForm,
    RecordSourceForm,
    TransitionForm,
    VersionedForm,
)
from .models import ProgressEntry, Status

# The states in which "check before sending" applies: being written, or in review.
OPEN_STATUSES = {Status.DRAFT, Status.RETURNED, Status.SUBMITTED}
DASHBOARD_PAGE = 50  # rows per page; sorting and filtering cover the whole area

def _plan_url(plan):
    return reverse("plan-detail", args=[plan.org.slug, plan.fiscal_year])


def _round_url(plan, months):
    return reverse("round-detail", args=[plan.org.slug, plan.fiscal_year, months])


def _service_errors(request, error):
    if isinstance(error, services.NameMissing):
        # The signer's Thai name is missing: a link to their profile, then back to this page.
        back = safe_url(request, request.META.get("HTTP_REFERER", ""))
        link = reverse("profile") + (f"?{urlencode({'next': back})}" if back else "")
        for message in error.messages:
            messages.error(request, format_html('{} <a href="{}" class="alert-link">{}</a>', message, link,
                                                _("บันทึกชื่อและตำแหน่ง")))
        return
    for message in error.messages:
        messages.error(request, message)


# ---------------------------------------------------------------- home and dashboard


@login_required
def app_home(request):
    roles = request_roles(request)
    today = timezone.localdate()
    context = {"roles": roles, "memberships": list(assessment_selectors.user_memberships(request.user)),
               "current_fy": fiscal_year_of(today), "plan_years": selectors.years_of_plans()}
    if roles.editor_of:
        context["tasks"] = selectors.editor_tasks(roles, today)
    if roles.approver_of:
        context["queue_plans"], context["queue_rounds"] = selectors.review_queue(roles)
    # Each body's plan button opens the year with work due (first in ``due`` wins), not an empty next year.
    tasks = context.get("tasks") or {}
    due = [*context.get("queue_rounds", []), *context.get("queue_plans", []), *tasks.get("returns", []),
           *tasks.get("open_rounds", []), *tasks.get("draft_plans", [])]
    years = selectors.years_to_open({m.org_id for m in context["memberships"]}, context["current_fy"], due)
    for membership in context["memberships"]:
        membership.open_year = years[membership.org_id]
    return render(request, "app/home.html", context)


def _latest_plan_year(orgs):
    return selectors.MeasurePlan.objects.filter(org__in=orgs).order_by("-fiscal_year").values_list(
        "fiscal_year", flat=True).first()


@login_required
def dashboard(request):
    roles = require_area_overview(request)
    filters = _dashboard_filters(request)  # a bad value is a 400 before anything is looked up
    # The page is kept per person and session until any body of their area changes
    # (every audited write bumps its province's version); the superuser's is not cached.
    slugs = Organization.objects.filter(pk__in=roles.approver_of).values_list("slug", flat=True) \
        if settings.DASHBOARD_CACHE_SECONDS else ()
    return public_cache.kept_for_person(request, lambda: _dashboard(request, roles, **filters),
                                        seconds=settings.DASHBOARD_CACHE_SECONDS, slugs=slugs,
                                        province_ids=roles.area.province_ids)


def _dashboard_filters(request):
    """The filters as given. An odd value (a year without plans, an unknown sort) falls back to
    the default; a NUL byte or an overlong value is a 400 (common/params.py)."""
    fiscal_year = params.text(request.GET, "fy").strip()
    return {"fiscal_year": int(fiscal_year) if fiscal_year.isascii() and fiscal_year.isdigit() else None,
            "district": params.text(request.GET, "district"), "status": params.text(request.GET, "status"),
            "sort": params.text(request.GET, "sort", "name"), "page": params.text(request.GET, "page")}


def _dashboard(request, roles, *, fiscal_year, district, status, sort, page):
    today = timezone.localdate()
    orgs = roles.overview_bodies()
    # Plan years follow the frameworks on record (a plan for N+1 answers year N's result).
    years = sorted({fy + 1 for fy in fiscal_years.framework_years()} | {fiscal_year_of(today)}, reverse=True)
    if fiscal_year not in years:
        fiscal_year = _latest_plan_year(orgs) or fiscal_year_of(today)
    district = district.strip()
    if district:
        orgs = orgs.filter(district=district)
    rows = selectors.dashboard_rows(orgs, fiscal_year, today)
    if status in Status.values:
        rows = [r for r in rows if status in (r.plan_status, r.round_status(6), r.round_status(12))]
    elif status == "none":
        rows = [r for r in rows if not r.plan_status]
    elif status == "late":
        rows = [r for r in rows if r.days_late]
    selectors.sort_rows(rows, sort)
    page = Paginator(rows, DASHBOARD_PAGE).get_page(page)
    districts = selectors.area_districts(roles)
    context = {"rows": page.object_list, "page": page, "total": len(rows), "years": years,
               "fiscal_year": fiscal_year, "district": district, "status": status,
               "sort": sort, "districts": districts, "statuses": Status.choices, "roles": roles,
               "republish_provinces": Province.objects.filter(pk__in=roles.area.whole_provinces)}
    if roles.approver_of:
        context["queue_plans"], context["queue_rounds"] = selectors.review_queue(roles)
    return render(request, "measures/dashboard.html", context)


# ---------------------------------------------------------------- plan


@login_required
def plan_detail(request, slug, fy):
    access = Access(request, slug)
    # The editor's busiest page, kept per person until anything of the body changes.
    return public_cache.kept_for_person(request, lambda: _plan_detail(request, access, fy),
                                        seconds=settings.PLAN_PAGE_CACHE_SECONDS, slugs=[access.org.slug])


def _plan_detail(request, access, fy):
    plan = selectors.load_plan(access.org, fy)
    years = selectors.years_of_plans()
    if plan is None:
        return render(request, "measures/plan_missing.html", {
            "access": access, "org": access.org, "fiscal_year": fy, "plan_years": years,
            "has_previous": selectors.MeasurePlan.objects.filter(org=access.org, fiscal_year=fy - 1).exists(),
            # A year already over is most likely entered from documents published back then.
            "past_year": fy < fiscal_year_of(timezone.localdate()),
        }, status=404 if not access.can_edit else 200)
    measures_state = selectors.plan_measures_state(plan)
    measures = selectors.kept_plan_measures(plan, state=measures_state)
    scorecard = selectors.plan_scorecard(plan)
    findings = checks.plan_findings(plan, measures, scorecard)
    rounds = selectors.plan_rounds(plan)
    rounds_in_review = [r.months for r in rounds if r.status in services.IN_REVIEW]
    history = selectors.document_history(plan)
    measures_open = access.can_edit and plan.is_editable and not rounds_in_review
    return render(request, "measures/plan_detail.html", {
        # A resubmission: what the editor changed since the return, for the approver to read first.
        "revisions": selectors.changes_since_return(plan, history),
        "access": access, "org": access.org, "plan": plan, "measures": measures, "scorecard": scorecard,
        "findings": findings, "gaps": [f for f in findings if f.needs_confirmation],
        "status_open": plan.status in OPEN_STATUSES,
        "rounds": rounds, "rounds_in_review": rounds_in_review,
        "measures_open": measures_open,
        "measure_cards": cards.measure_cards(request, measures, org=access.org, plan=plan,
                                             measures_open=measures_open, state=measures_state),
        "history": history, "confirmed_gaps": selectors.confirmed_gaps(history), "plan_years": years,
        "past_year": fy < fiscal_year_of(timezone.localdate()),
        "returned": selectors.latest_return(plan) if plan.status == Status.RETURNED else None,
        "actions": services.allowed_actions(plan.status, access.roles, access.org.pk),
        "comments": list(plan.comments.filter(round=None).select_related("author")),
        "comment_form": CommentForm(),
    })


@login_required
@require_POST
def plan_recorded_after(request, slug, fy):
    """The plan's "recorded after the fact from published documents" mark."""
    access = Access(request, slug)
    access.require_decide()
    plan = plan_or_404(access, fy)
    form = RecordedAfterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("คำขอไม่ถูกต้อง"))
        return redirect(_plan_url(plan))
    try:
        services.plan_set_recorded_after(plan=plan, actor=request.user,
                                         recorded_after=form.cleaned_data["recorded_after"],
                                         reason=form.cleaned_data["reason"],
                                         expected_version=form.cleaned_data["version"])
    except Refusal as error:
        _service_errors(request, error)
    else:
        messages.success(request, _("บันทึกแล้ว: มาตรการปีนี้บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว ไม่นับว่าล่าช้า")
                         if form.cleaned_data["recorded_after"] else
                         _("บันทึกแล้ว: มาตรการปีนี้ไม่ได้บันทึกย้อนหลัง"))
    return redirect(_plan_url(plan))


@login_required
def record_source(request, slug, fy, months=None):
    """What the published source of a record after the fact says (the plan's, or a round's):
    its address, approval date and signers, each only if the source gives it."""
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months) if months is not None else None
    document = progress_round or plan
    back = _round_url(plan, months) if progress_round is not None else _plan_url(plan)
    if not plan.recorded_after:
        raise Http404(_("แผนนี้ไม่ได้บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว"))
    status = 200
    if request.method == "POST":
        form = RecordSourceForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.record_source_save(plan=plan, progress_round=progress_round, actor=request.user,
                                            data=data, expected_version=data.pop("version"))
            except Refusal as error:
                form.add_error(None, " ".join(error.messages))
                status = 409 if isinstance(error, ConcurrentEdit) else 400
            else:
                messages.success(request, _("บันทึกข้อมูลเอกสารต้นฉบับแล้ว"))
                return redirect(back)
        else:
            status = 400
    else:
        form = RecordSourceForm(initial={**{name: getattr(document, name) for name in services.RECORD_FIELDS},
                                         "version": document.version})
    return render(request, "measures/record_source.html", {
        "access": access, "org": access.org, "plan": plan, "round": progress_round, "form": form, "back": back,
        "editable": document.is_editable,
    }, status=status)


@login_required
@require_POST
def plan_create(request, slug, fy):
    access = Access(request, slug)
    access.require_edit()
    form = RecordedAfterForm(request.POST)
    valid = form.is_valid()
    recorded_after = valid and form.cleaned_data["recorded_after"]
    try:
        services.plan_create(org=access.org, fiscal_year=fy, actor=request.user, recorded_after=recorded_after,
                             reason=form.cleaned_data["reason"] if valid else "")
    except Refusal as error:
        _service_errors(request, error)
    return redirect("plan-detail", slug, fy)


@login_required
@require_POST
def plan_duplicate(request, slug, fy):
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    form = VersionedForm(request.POST)
    try:
        copied = services.plan_duplicate_previous(
            plan=plan, actor=request.user, expected_version=form.cleaned_data["version"] if form.is_valid() else -1)
    except Refusal as error:
        _service_errors(request, error)
    else:
        messages.success(request, _("คัดลอกมาตรการจากปีที่แล้ว %(n)s รายการ") % {"n": copied})
    return redirect(_plan_url(plan))


@login_required
def plan_analysis(request, slug, fy):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    scorecard = selectors.plan_scorecard(plan)
    keys = suggestions.note_keys(scorecard)
    notes = {n.key: n.text for n in plan.notes.all()}
    status = 200
    if request.method == "POST":
        access.require_edit()
        form = AnalysisForm(request.POST, note_keys=keys)
        status = 400
        if form.is_valid():
            try:
                services.plan_update_analysis(
                    plan=plan, actor=request.user, summary=form.cleaned_data["analysis_summary"],
                    recommendations=form.cleaned_data["recommendations"], notes=form.notes(),
                    expected_version=form.cleaned_data["version"])
            except Refusal as error:
                _service_errors(request, error)
                # Someone saved first, or the plan went to review: the text stays in the form.
                if isinstance(error, (ConcurrentEdit, services.NotEditable)):
                    status = 409
            else:
                messages.success(request, _("บันทึกผลการวิเคราะห์แล้ว"))
                return redirect(_plan_url(plan))
    else:
        initial = {"analysis_summary": plan.analysis_summary, "recommendations": plan.recommendations,
                   "version": plan.version, **{f"note_{k}": v for k, v in notes.items()}}
        form = AnalysisForm(initial=initial, note_keys=keys)
    return render(request, "measures/plan_analysis.html", {
        "access": access, "org": access.org, "plan": plan, "form": form, "scorecard": scorecard,
        "points": suggestions.analysis_points(access.org, scorecard), "editable": access.can_edit and plan.is_editable,
    }, status=status)


@login_required
@require_POST
def plan_transition(request, slug, fy):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    return _transition(request, access, plan, None, _plan_url(plan))


def _transition(request, access, plan, progress_round, next_url):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("คำขอไม่ถูกต้อง"))
        return redirect(next_url)
    document = progress_round or plan
    if form.cleaned_data["action"] not in services.allowed_actions(document.status, access.roles, access.org.pk):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ดำเนินการนี้"))
    try:
        services.document_transition(plan=plan, progress_round=progress_round, actor=request.user,
                                     action=form.cleaned_data["action"], comment=form.cleaned_data["comment"],
                                     confirmed=form.cleaned_data["confirm"])
    except Refusal as error:
        _service_errors(request, error)
    else:
        if form.cleaned_data["action"] == "publish":
            # Where the approver goes next: the public address and the ITAS button, on this page.
            messages.success(request, _("เผยแพร่เรียบร้อยแล้ว ที่อยู่สาธารณะและปุ่มคัดลอกลิงก์สำหรับ ITAS อยู่ในกล่อง "
                                        "“เอกสารที่เผยแพร่แล้ว” ด้านล่าง"))
            return redirect(next_url + "#published")
        messages.success(request, _("ดำเนินการเรียบร้อย: %(a)s") % {"a": services.ACTION_LABELS[
            form.cleaned_data["action"]]})
    return redirect(next_url)


@login_required
@require_POST
def comment_add(request, slug, fy):
    access = Access(request, slug)
    access.require_comment()
    plan = plan_or_404(access, fy)
    form = CommentForm(request.POST)
    progress_round = None
    if form.is_valid():
        if form.cleaned_data["round"]:
            progress_round = round_or_404(plan, form.cleaned_data["round"])
        try:
            services.comment_add(plan=plan, progress_round=progress_round, actor=request.user,
                                 text=form.cleaned_data["text"], create_token=form.cleaned_data["create_token"])
        except Refusal as error:
            _service_errors(request, error)
        else:
            messages.success(request, _("บันทึกความเห็นแล้ว"))
    else:
        messages.error(request, _("กรุณาพิมพ์ความเห็น (ไม่เกิน 5,000 ตัวอักษร)"))
    return redirect(_round_url(plan, progress_round.months) if progress_round else _plan_url(plan))


# ---------------------------------------------------------------- measures


@login_required
def measure_edit(request, slug, fy, pk=None):
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    measure = measure_or_404(plan, pk) if pk is not None else None  # measures/0/ is a 404, not a new one
    try:
        services.require_measures_open(plan)
    except Refusal as error:
        _service_errors(request, error)
        return redirect(_plan_url(plan))
    framework = selectors.plan_framework(plan)
    scorecard = selectors.plan_scorecard(plan)
    form_kwargs = {"plan": plan, "framework": framework, "scorecard": scorecard, "instance": measure}
    status = 200
    if request.method == "POST":
        form = MeasureForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                saved = services.measure_save(plan=plan, actor=request.user, data=data, measure=measure,
                                              expected_version=data.pop("version"),
                                              create_token=data.pop("create_token"))
            except Refusal as error:
                form.add_error(None, " ".join(error.messages))
                status = 409 if isinstance(error, ConcurrentEdit) else 400
            else:
                messages.success(request, _("บันทึกมาตรการ “%(t)s” แล้ว") % {"t": saved.title})
                return redirect(_plan_url(plan))
        else:
            status = 400
    else:
        form = MeasureForm(**form_kwargs)
    return render(request, "measures/measure_form.html", {
        "access": access, "org": access.org, "plan": plan, "form": form, "measure": measure,
    }, status=status)


@login_required
def measure_delete(request, slug, fy, pk):
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    measure = measure_or_404(plan, pk)
    if request.method == "POST":
        try:
            services.measure_delete(measure=measure, actor=request.user)
        except Refusal as error:
            _service_errors(request, error)
        else:
            messages.success(request, _("ลบมาตรการ “%(t)s” แล้ว") % {"t": measure.title})
        return redirect(_plan_url(plan))
    return render(request, "measures/measure_delete.html", {"access": access, "org": access.org, "plan": plan,
                                                             "measure": measure})


@login_required
@require_POST
def measure_move(request, slug, fy, pk):
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    measure = measure_or_404(plan, pk)
    try:
        services.measure_move(measure=measure, actor=request.user,
                              direction="up" if request.POST.get("direction") == "up" else "down")
    except Refusal as error:
        _service_errors(request, error)
    return redirect(_plan_url(plan) + f"#measure-{measure.pk}")


@login_required
def measure_history(request, slug, fy, pk):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    measure = measure_or_404(plan, pk)
    changes = selectors.history_changes(selectors.measure_with_history(measure))
    entry_changes = selectors.history_changes(selectors.entry_history(measure))
    return render(request, "measures/measure_history.html", {
        "access": access, "org": access.org, "plan": plan, "measure": measure, "changes": changes,
        "entry_changes": entry_changes,
    })


# ---------------------------------------------------------------- progress rounds


@login_required
def round_detail(request, slug, fy, months):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months)
    measures = selectors.plan_measures(plan)
    entries = selectors.round_entries(progress_round)
    today = timezone.localdate()
    rows = [(m, entries.get(m.pk)) for m in measures]
    findings = checks.round_findings(progress_round, measures, entries, today)
    history = selectors.document_history(plan, progress_round)
    return render(request, "measures/round_detail.html", {
        # The approver (and the supervisor) reads every measure's results and evidence on this page;
        # on a resubmission, what changed since the return first.
        "reading": not (access.can_edit and progress_round.is_editable),
        "revisions": selectors.changes_since_return(plan, history, progress_round, measures, entries),
        "access": access, "org": access.org, "plan": plan, "round": progress_round, "rows": rows,
        "findings": findings, "gaps": [f for f in findings if f.needs_confirmation],
        "status_open": progress_round.status in OPEN_STATUSES,
        "history": history, "confirmed_gaps": selectors.confirmed_gaps(history),
        "returned": selectors.latest_return(plan, progress_round)
        if progress_round.status == Status.RETURNED else None,
        "actions": services.allowed_actions(progress_round.status, access.roles, access.org.pk),
        "due_form": DueDateForm(initial={"due_date": progress_round.due_date, "version": progress_round.version}),
        "comments": list(progress_round.comments.select_related("author")),
        "comment_form": CommentForm(initial={"round": months}),
        "done_count": sum(1 for _m, e in rows if e and e.state == "done"),
        # What an approver (and the editor sending it) should know before deciding: measures with no
        # result in this round, and a plan that is not approved itself.
        "unreported": [m for m, e in rows if e is None],
        # The 12-month report can start from the 6-month one while some measure is not reported yet.
        "can_carry": (access.can_edit and progress_round.is_editable and progress_round.months == 12
                      and any(e is None for _m, e in rows)
                      and ProgressEntry.objects.filter(round__plan=plan, round__months=6).exists()),
    })


@login_required
@require_POST
def round_carry(request, slug, fy, months):
    """Start this round from the 6-month one: every measure not yet reported gets its 6-month text
    and evidence as a draft to carry on from."""
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months)
    try:
        count = services.round_carry_forward(progress_round=progress_round, actor=request.user, from_months=6)
    except Refusal as error:
        _service_errors(request, error)
    else:
        messages.success(request, _("เริ่มรายงานรอบนี้จากผลรอบ 6 เดือนแล้ว %(n)s มาตรการ กรุณาตรวจและแก้ไขให้เป็นผลของทั้งปี")
                         % {"n": count})
    return redirect(_round_url(plan, months))


@login_required
@require_POST
def round_due(request, slug, fy, months):
    access = Access(request, slug)
    access.require_decide()
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months)
    form = DueDateForm(request.POST)
    if form.is_valid():
        try:
            services.round_set_due(progress_round=progress_round, due_date=form.cleaned_data["due_date"],
                                   actor=request.user, reason=form.cleaned_data["reason"],
                                   expected_version=form.cleaned_data["version"])
        except Refusal as error:
            _service_errors(request, error)
        else:
            messages.success(request, _("บันทึกกำหนดส่งแล้ว"))
    else:
        for message in [*form.errors.get("due_date", []), *form.errors.get("reason", [])] or [_("วันที่ไม่ถูกต้อง")]:
            messages.error(request, message)
    return redirect(_round_url(plan, months))


@login_required
@require_POST
def round_transition(request, slug, fy, months):
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months)
    return _transition(request, access, plan, progress_round, _round_url(plan, months))


@login_required
def entry_edit(request, slug, fy, months, pk):
    """A measure's results and evidence in one form and one save; after saving, the editor stays on
    the measure, with a step to the next one."""
    access = Access(request, slug)
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months)
    measure = measure_or_404(plan, pk)
    entry = progress_round.entries.filter(measure=measure).first()
    editable = access.can_edit and progress_round.is_editable
    posted = request.method == "POST"
    # What a save needs no query for is read only for the page (a save on deadline day stays cheap).
    order = list(plan.measures.order_by("order", "pk").values_list("pk", flat=True)) \
        if not posted or "next" in request.POST else [measure.pk]
    place = order.index(measure.pk)
    previous_pk = order[place - 1] if place > 0 else None
    next_pk = order[place + 1] if place + 1 < len(order) else None
    # The 6-month result, on the 12-month form of a measure not yet reported.
    earlier = selectors.earlier_entry(progress_round, measure) \
        if entry is None and progress_round.months > 6 and (not posted or "carry" in request.POST) else None
    earlier_evidence = list(earlier.evidence.all()) if earlier is not None else []
    status = 200
    if posted:
        access.require_edit()
        form = EntryReportForm(request.POST, request.FILES, instance=entry, earlier_evidence=earlier_evidence)
        if form.is_valid():
            data = dict(form.cleaned_data)
            links, uploads, carried = data.pop("links"), data.pop("files"), form.carried()
            data.pop("carry", None)
            try:
                services.entry_report(progress_round=progress_round, measure=measure, actor=request.user, data=data,
                                      links=links, uploads=uploads, carried=carried,
                                      save_token=data.pop("save_token"), expected_version=data.pop("version"))
            except Refusal as error:
                form.add_error(None, " ".join(error.messages))
                status = 409 if isinstance(error, ConcurrentEdit) else 400
            else:
                messages.success(request, _("บันทึกผลการดำเนินงานและหลักฐานของ “%(t)s” แล้ว") % {
                    "t": measure.title[:80]})
                if "next" in request.POST and next_pk is not None:
                    return redirect("entry-edit", slug, fy, months, next_pk)
                return redirect("entry-edit", slug, fy, months, pk)
        else:
            status = 400
        if status != 200 and request.FILES:
            form.add_error(None, _("ข้อความที่พิมพ์ยังอยู่ครบ แต่เบราว์เซอร์ไม่เก็บไฟล์ที่เลือกไว้ "
                                   "กรุณาเลือกไฟล์หลักฐานอีกครั้งก่อนบันทึก"))
    else:
        initial = {}
        if entry is None and earlier is not None and request.GET.get("carry") == str(earlier.round.months):
            initial = {name: getattr(earlier, name) for name in services.CARRIED_FIELDS}
        form = EntryReportForm(instance=entry, initial=initial, earlier_evidence=earlier_evidence)
    return render(request, "measures/entry_form.html", {
        "access": access, "org": access.org, "plan": plan, "round": progress_round, "measure": measure,
        "entry": entry, "form": form, "editable": editable, "earlier": earlier,
        "evidence": list(entry.evidence.all()) if entry else [], "number": place + 1, "total": len(order),
        "previous_pk": previous_pk, "next_pk": next_pk,
    }, status=status)


@login_required
def evidence_download(request, token):
    _access, evidence = evidence_for_user(request, token)
    if not evidence.file:
        raise Http404
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type,
                            as_attachment=evidence.content_type == "application/pdf",
                            filename=evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@require_POST
def evidence_delete(request, token):
    access, evidence = evidence_for_user(request, token)
    access.require_edit()
    entry = evidence.entry
    try:
        services.evidence_delete(evidence=evidence, actor=request.user)
    except Refusal as error:
        _service_errors(request, error)
    plan = entry.round.plan
    return redirect("entry-edit", plan.org.slug, plan.fiscal_year, entry.round.months, entry.measure_id)
