"""Template filters for Thai formatting; all logic lives in common.thai."""

from django import template

from common import thai

register = template.Library()


@register.filter
def thai_digits(value):
    return thai.to_thai_digits(value)


@register.filter
def score(value, thai_digits: bool = False):
    return thai.format_score(value, thai_digits=bool(thai_digits))


@register.filter
def fiscal_year(value, thai_digits: bool = False):
    return thai.format_fiscal_year(value, thai_digits=bool(thai_digits))


@register.filter
def thai_date(value, thai_digits: bool = True):
    return thai.format_date(value, thai_digits=bool(thai_digits))


@register.filter
def thai_datetime(value):
    return thai.format_datetime(value)


@register.filter
def readable_url(value):
    """An address with its percent-encoded Thai decoded, for reading (common.text.readable_url)."""
    from common.text import readable_url as readable

    return readable(value)
