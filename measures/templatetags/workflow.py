"""The review status badge, as a filter (an include per table cell is too slow for 300 rows), and
the year picker's addresses."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.memo import Memo

register = template.Library()

SHORT = {"draft": _("ฉบับร่าง"), "submitted": _("รอพิจารณา"), "returned": _("ส่งกลับแก้ไข"),
         "approved": _("เห็นชอบแล้ว"), "published": _("เผยแพร่แล้ว"), "superseded": _("มีฉบับใหม่แทน")}


_badges = Memo("status badges")  # (language, status) -> HTML


@register.filter
def status_badge(status):
    return _badges.get((get_language() or "", status or ""), lambda: _badge(status))


def _badge(status):
    if not status:
        return format_html('<span class="badge text-bg-light">{}</span>', _("ยังไม่เริ่ม"))
    return format_html('<span class="badge status-{}">{}</span>', status, SHORT.get(status, status))


@register.simple_tag
def plan_year_links(org, years):
    """[(year, the address of the body's plan of that year)] for the year picker: one ``reverse``
    and the year put in its place (the picker is on the editor's busiest page; a ``{% url %}``
    per year was a twentieth of the page's work)."""
    years = list(years)
    if not years:
        return []
    head, tail = reverse("plan-detail", args=[org.slug, years[0]]).rsplit(f"/{years[0]}/", 1)
    return [(year, f"{head}/{year}/{tail}") for year in years]


@register.simple_tag
def plan_year_items(org, years, selected=None):
    """The year picker's items (``<li>`` each, the selected year marked), built here rather than by
    a template loop: a loop of eight years was a twentieth of the plan page's work."""
    return format_html_join("", '<li class="page-item{}"><a class="page-link" href="{}"{}>{}</a></li>', (
        (" active" if year == selected else "", link, mark_safe(' aria-current="page"') if year == selected else "",  # noqa: S308  # nosec B308 B703: a constant
         str(year)) for year, link in plan_year_links(org, years)))
