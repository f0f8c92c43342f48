"""The measure library's pages: the public search (/measures/) and an editor's "copy into my plan"."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import request_roles
from assessments.models import Organization
from common import params, public_cache
from common.errors import Refusal
from common.thai_search import highlight
from measures import selectors as measure_selectors
from measures import services as measure_services
from measures.models import EDITABLE_STATUSES, MeasurePlan

from . import index
from .forms import LibraryCopyForm, LibrarySearchForm, indicator_choices
from .models import LibraryEntry

PAGE_SIZE = 20
KIND_LABELS = dict(Organization.Kind.choices)


def _results(page, words) -> list[dict]:
    """What each result shows: the title with the query's words marked (escaped), the body,
    year, indicators with their scores, and the published PDF's address."""
    results = []
    for entry in page:
        indicators = []
        for item in entry.indicators or ():
            indicators.append({**item, "score": Decimal(item["score"]) if item.get("score") else None,
                               "change": Decimal(item["change"]) if item.get("change") else None})
        results.append({
            "entry": entry, "title": highlight(entry.title, words), "kind": KIND_LABELS.get(entry.org_kind, ""),
            "indicators": indicators,
            "pdf": reverse("public-pdf-version", args=[entry.org_slug, entry.fiscal_year, "measures",
                                                        entry.version]),
            "year_page": reverse("org-year", args=[entry.org_slug, entry.fiscal_year]),
        })
    return results


@require_GET
def measure_library(request):
    """ค้นหามาตรการ: every published measure, searchable in Thai, for anyone. Pages for visitors
    without an account are kept until the library (or anything every page shows) changes."""
    if settings.PUBLIC_CACHE_SECONDS > 0 and not request.user.is_authenticated:
        return public_cache.serve_kept(index.cache_key(request.GET.urlencode()), lambda: _library(request))[0]
    return _library(request)


def _library(request):
    form = LibrarySearchForm(request.GET or None, indicators=indicator_choices())
    page, words = None, []
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.has_query():
        data = form.cleaned_data
        rows, words = index.search(q=data["q"], indicator=data["indicator"], fiscal_year=data["fiscal_year"],
                                     province_id=getattr(data["province"], "pk", None), kind=data["kind"],
                                     rose=data["rose"])
        page = Paginator(rows, PAGE_SIZE).get_page(params.text(request.GET, "page"))  # a capped count
    roles = request_roles(request)
    return render(request, "library/library.html", {
        "form": form, "page": page, "results": _results(page, words) if page is not None else [],
        "words": words, "query_without_words": bool(form.is_bound and form.is_valid() and form.cleaned_data["q"]
                                                      and not words),
        "can_copy": roles.may_copy_from_library, "more": page is not None and page.paginator.object_list.more,
        "cap": f"{index.CAP:,}",
    }, status=status)


def _copy_plans(roles):
    """The editor's own plans that can take a measure (draft or returned), newest year first."""
    return (MeasurePlan.objects.filter(org_id__in=roles.editor_of, status__in=EDITABLE_STATUSES)
            .select_related("org", "based_on").order_by("org__name", "-fiscal_year"))


@login_required
@require_http_methods(["GET", "POST"])
def library_copy(request, pk):
    """คัดลอกไปยังแผนของฉัน: an editor copies a published measure into a draft plan of their own
    body, choosing the plan (so the fiscal year) and the indicator."""
    entry = get_object_or_404(LibraryEntry.objects.select_related("org"), pk=pk)
    roles = request_roles(request)
    if not roles.may_copy_from_library:
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่คัดลอกมาตรการไปยังแผนได้"))
    plans = _copy_plans(roles)
    indicators = indicator_choices()
    numbers = [i["number"] for i in entry.indicators or ()]
    form = LibraryCopyForm(request.POST or None, plans=plans, indicators=indicators,
                           initial={"indicator": numbers[0] if numbers else None})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            plan = form.cleaned_data["plan"]
            number = form.cleaned_data["indicator"]
            framework = measure_selectors.plan_framework(plan)
            indicator = next((i for i in framework.indicators.all() if i.number == number), None) \
                if framework is not None and number else None
            if number and indicator is None:
                form.add_error("indicator", _("เกณฑ์การประเมินที่แผนนี้ใช้ไม่มีตัวชี้วัดที่ %(n)s") % {"n": number})
            else:
                url = request.build_absolute_uri(reverse("public-pdf-version", args=[
                    entry.org.slug, entry.fiscal_year, "measures", entry.version]))
                try:
                    measure = measure_services.measure_copy_from_library(
                        plan=plan, indicator=indicator, source=index.copy_source(entry, url), actor=request.user,
                        create_token=form.cleaned_data["create_token"])
                except Refusal as error:
                    form.add_error(None, " ".join(error.messages))
                else:
                    messages.success(request, _("คัดลอกมาตรการ “%(title)s” ไปยังแผนปีงบประมาณ %(fy)s แล้ว "
                                                "กรุณาตรวจและแก้ไขให้เหมาะกับหน่วยงานของคุณ") % {
                        "title": measure.title[:100], "fy": plan.fiscal_year})
                    return redirect("measure-edit", plan.org.slug, plan.fiscal_year, measure.pk)
    return render(request, "library/library_copy.html", {
        "entry": entry, "form": form, "has_plans": plans.exists(), "content": entry.content or {},
    }, status=status)
