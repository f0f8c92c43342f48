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


@register.filter(is_safe=True)
def screen_digits(value, thai_digits=False):
    """``{% filter screen_digits:org.thai_numerals %}…{% endfilter %}``: every digit of the text
    (never of a tag or an address) Thai or Arabic, one choice per screen (common.thai.screen_digits)."""
    from django.utils.safestring import SafeData, mark_safe

    if not isinstance(value, SafeData):
        from django.utils.html import escape

        value = escape(value)
    # Reviewed: the value is escaped (or already safe) and screen_digits only swaps digit characters
    # for digit characters in its text, which cannot make markup.
    return mark_safe(thai.screen_digits(str(value), bool(thai_digits)))  # noqa: S308  # nosec B308 B703
