"""The document registry for the staff pages' templates (the measures app does not import
reports: its pages ask here which document a round publishes)."""

import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from reports import documents

register = template.Library()


@register.simple_tag
def round_document(months):
    """The document a progress round publishes ("" when it publishes none)."""
    return documents.round_doc(months) or ""


@register.simple_tag
def workflow_documents(plan, progress_round=None):
    """The documents approving and publishing this plan (or round) issues: {"docs": [label, …],
    "no_analysis": a plan based on a result whose analysis nobody wrote}. The approver sees them
    before confirming (an analysis is issued only when the body wrote one)."""
    progress_round = progress_round or None  # the plan page has no round ("")
    docs = documents.workflow_docs(plan, progress_round)
    return {"docs": [documents.Doc(doc).label for doc in docs],
            "no_analysis": progress_round is None and bool(plan.based_on_id) and documents.Doc.ANALYSIS not in docs}


def staff_published(plan, progress_round=None, *, state=None):
    """The published versions of this plan's documents (or this round's report), for its staff
    page: [(doc, [versions, newest first])], in the registry's order (kept until the body
    publishes again: selectors.kept_published_by_year)."""
    from reports import selectors

    wanted = ({documents.round_doc(progress_round.months)} if progress_round is not None
              else {kind.doc for kind in documents.REGISTRY.values() if kind.months is None})
    docs = selectors.kept_published_by_year(plan.org, plan.fiscal_year, state=state).get(plan.fiscal_year, {})
    return [(doc, versions) for doc, versions in selectors.ordered_docs(docs) if doc in wanted]


KEPT_SECTION_SECONDS = 60 * 60


@register.simple_tag(takes_context=True)
def staff_published_section(context, plan, progress_round=None):
    """The "published documents" section of a plan's (or a round's) staff page: the versions of
    ``staff_published`` in reports/_staff_published.html, the HTML kept under the same state as
    the versions (and the address it prints), since the section is the same for every reader
    until the body publishes again ("" when nothing is published)."""
    from reports import selectors

    request = context["request"]
    progress_round = progress_round or None  # the plan page has no round ("")
    state = selectors.published_state(plan.org, plan.fiscal_year)
    key = "published-section:" + hashlib.sha256(repr((
        state, progress_round.months if progress_round else None, request.scheme, request.get_host(),
        get_language())).encode()).hexdigest()[:40]
    html = cache.get(key) if state else None
    if html is None:
        published = staff_published(plan, progress_round, state=state)
        html = render_to_string("reports/_staff_published.html", {
            "published_docs": published, "org": plan.org, "fiscal_year": plan.fiscal_year, "request": request,
        }) if published else ""
        if state:
            cache.set(key, html, KEPT_SECTION_SECONDS)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703: rendered by the template, escaped there


@register.simple_tag
def mark_unprinted(form, org, table):
    """Marks the fields of a staff form (the measure form: "measures", the progress entry form:
    "results") that the body's documents do not print, by their settings' chosen columns, so that
    nobody types for a document that will not show it (one query). Renders nothing."""
    from django.utils.translation import gettext

    from reports.models import ReportSettings

    row = ReportSettings.objects.filter(org=org).values_list(
        "measure_columns" if table == "measures" else "result_columns", flat=True).first()
    note = gettext("ไม่พิมพ์ในเอกสารของหน่วยงาน (เลือกคอลัมน์ได้ที่ “ตั้งค่าเอกสาร”)")
    for name in sorted(documents.unprinted_fields(row, table)):
        field = form.fields.get(name)
        if field is not None and note not in str(field.help_text):
            field.help_text = f"{field.help_text} · {note}" if field.help_text else note
    return ""
