"""The measures' objects for a user, on top of assessments.access.Access: each loader answers
404 for what the user may not see (a plan, round or measure of a body they cannot see, or one
that does not exist), so views never load these objects any other way."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.access import Access, province_for_supervisor, request_roles, require_area_overview

from . import selectors
from .models import Evidence, Measure, ProgressRound

__all__ = ["Access", "evidence_for_user", "measure_or_404", "plan_or_404", "province_for_supervisor", "request_roles",
           "require_area_overview", "round_or_404"]


def plan_or_404(access: Access, fy: int):
    plan = selectors.load_plan(access.org, fy)
    if plan is None:
        raise Http404(_("ยังไม่มีแผนมาตรการของปีงบประมาณนี้"))
    return plan


def round_or_404(plan, months: int) -> ProgressRound:
    progress_round = get_object_or_404(ProgressRound, plan=plan, months=months)
    progress_round.plan = plan  # already loaded, with its body
    return progress_round


def measure_or_404(plan, pk: int) -> Measure:
    measure = get_object_or_404(Measure, plan=plan, pk=pk)
    measure.plan = plan
    return measure


def evidence_for_user(request, token: str) -> tuple[Access, Evidence]:
    evidence = get_object_or_404(Evidence.objects.select_related("entry__round__plan__org"), token=token)
    return Access(request, evidence.entry.round.plan.org.slug), evidence
