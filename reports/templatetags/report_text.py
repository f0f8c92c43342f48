"""Text people typed, as the report templates print it."""

from django import template
from django.utils.html import format_html_join

from reports import render

register = template.Library()


@register.filter
def text_blocks(value, limit=None):
    """A long text as blocks of bounded length, each escaped (``render.text_pieces``: WeasyPrint's
    time grows with the square of a paragraph's length); a text that fits is returned as it is.
    ``limit``: the longest block, ``render.PIECE_CHARS`` unless given ("wide": text as wide as the page)."""
    limit = render.WIDE_PIECE_CHARS if limit == "wide" else int(limit or render.PIECE_CHARS)
    if not isinstance(value, str) or len(value) <= limit:
        return value
    pieces = render.text_pieces(value, limit)
    return format_html_join("", '<span class="piece">{}</span>', ((piece,) for piece in pieces))
