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


# What a cell the document leaves empty prints: a mark, never a blank and never invented text
# (a body entering a document it published years ago copies what the source says).
EMPTY_CELL = "–"


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)
    return False


@register.simple_tag
def cell(row, column):
    """One table cell of a document: ``column`` from ``documents.shown_columns``. An empty
    cell prints ``EMPTY_CELL`` in the markup of its kind; a cell with text prints as before."""
    value = row.get(column["field"], "")
    kind = column["cell"]
    if is_empty(value):
        return format_html('<td class="num">{}</td>' if kind == "num" else "<td>{}</td>", EMPTY_CELL)
    if kind == "lines":
        return format_html("<td>{}</td>", format_html_join("", "<div>{}</div>", ((v,) for v in value or [])))
    if kind == "steps":
        steps = format_html_join("", "<li>{}</li>", ((text_blocks(s),) for s in value or []))
        return format_html("<td><ol>{}</ol></td>", steps)
    if kind in ("title", "text"):
        value = text_blocks(value)
    return format_html(CELLS[kind], value)
