"""Text people typed, as the report templates print it."""

from django import template
from django.utils.html import format_html, format_html_join

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


# How each kind of cell of the column catalogue (reports/documents.py) prints.
CELLS = {
    "num": '<td class="num">{}</td>',
    "plain": "<td>{}</td>",
    "title": "<td>{}</td>",
    "text": '<td class="pre">{}</td>',
}


@register.simple_tag
def cell(row, column):
    """One table cell of a document: ``column`` from ``documents.shown_columns``."""
    value = row.get(column["field"], "")
    kind = column["cell"]
    if kind == "lines":
        return format_html("<td>{}</td>", format_html_join("", "<div>{}</div>", ((v,) for v in value or [])))
    if kind == "steps":
        steps = format_html_join("", "<li>{}</li>", ((text_blocks(s),) for s in value or []))
        return format_html("<td><ol>{}</ol></td>", steps) if value else format_html("<td></td>")
    if kind in ("title", "text"):
        value = text_blocks(value)
    return format_html(CELLS[kind], value)
