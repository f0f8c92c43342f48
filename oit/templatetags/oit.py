"""The OIT coverage columns of pages other apps own (the supervisors' dashboard in measures, the
province overview): a template asks here, so measures never imports oit (the way measures' pages
ask reports for a round's document). ``{% oit_coverage rows fiscal_year as coverage %}`` reads the
rows' bodies in three queries (oit.selectors.coverage); ``{% include "oit/_coverage_cell.html"
with c=coverage|coverage_of:row.slug %}`` prints one cell."""

from django import template

from oit import selectors

register = template.Library()


@register.simple_tag
def oit_coverage(rows, fiscal_year):
    """{slug: coverage} of the rows' bodies (rows with ``.slug``, or ``.org``)."""
    slugs = [getattr(row, "slug", None) or row.org.slug for row in rows]
    return selectors.coverage(slugs, int(fiscal_year), by="slug")


@register.filter
def coverage_of(coverage, slug):
    return (coverage or {}).get(slug)
