"""The document registry for the staff pages' templates (the measures app does not import
reports: its pages ask here which document a round publishes)."""

from django import template

from reports import documents

register = template.Library()


@register.simple_tag
def round_document(months):
    """The document a progress round publishes ("" when it publishes none)."""
    return documents.round_doc(months) or ""
