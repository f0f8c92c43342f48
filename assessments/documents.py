"""The portal's documents by name: the one list of them, low enough for every app to read.

``Doc`` is each document's key (stored with every published version, used in the public
addresses /orgs/<slug>/<fy>/<doc>.pdf and in a framework's ``documents``) and its printed title;
``ROUND_MONTHS`` says which progress round a round's document reports. How a document is built,
printed and published is reports/documents.py's ``REGISTRY``, which builds on this list (one
entry per ``Doc``, checked at import). assessments (framework files), notifications (the titles
in messages) and reports alike read it here, so a new kind of document is one line in ``Doc``
(and in ``ROUND_MONTHS`` when a round publishes it), no migration: the stored key has no
database choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Doc(models.TextChoices):
    ANALYSIS = "analysis", _("รายงานการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส")
    MEASURES = "measures", _("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน")
    RESULTS_6M = "results-6m", _("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส รอบ 6 เดือน")
    RESULTS_12M = "results-12m", _("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส รอบ 12 เดือน")


# The progress round (in months) each round's document reports; a document not named here is one
# of the plan's own (approved and published with the plan).
ROUND_MONTHS = {Doc.RESULTS_6M: 6, Doc.RESULTS_12M: 12}
ROUND_DOCS = {months: doc for doc, months in ROUND_MONTHS.items()}


def round_doc(months: int) -> str | None:
    """The document a progress round of ``months`` publishes (None: a round with no document)."""
    return ROUND_DOCS.get(months)
