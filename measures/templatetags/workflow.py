"""The review status badge, as a filter (an include per table cell is too slow for 300 rows)."""

from django import template
from django.utils.html import format_html
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
