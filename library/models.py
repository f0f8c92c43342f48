"""The measure library's rows: one per measure of the latest published measures document
(library/index.py writes them, /measures/ searches them)."""

from django.db import models

from assessments.models import Organization, Province, score_field
from reports.models import PublishedDocument


class LibraryEntry(models.Model):
    """One measure of the latest published version of a body-year's measures document, as the
    measure library (/measures/) searches and shows it (library/index.py). Written in the
    transaction that publishes the version, from what was approved (the published snapshot
    and its approval), never from the live measures; a new version replaces the rows.

    ``terms`` (all the measure's search terms) and ``title_terms`` are common/thai_search.py's
    ``index_terms``, space-joined. On PostgreSQL the generated tsvector columns ``search`` (all
    terms) and ``title_search`` (the title's), GIN-indexed, are what a query matches, and an
    index on the static order makes a broad search read only the rows it shows (reports' migration
    0007, which made the tables).
    A row carries everything a result shows (the body's slug, the document's version), so a
    page reads no other table."""

    document = models.ForeignKey(PublishedDocument, on_delete=models.CASCADE, related_name="library_entries",
                                 db_index=False)  # the unique (document, position) serves it
    version = models.PositiveIntegerField()  # the document's (a published version never changes)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                            db_index=False)  # the (org, fiscal_year) index serves it
    fiscal_year = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()  # the row of the measure in the document, from 1
    # The body as shown (kept in step with a rename or a move: library/index.py, org_changed)
    org_slug = models.CharField(max_length=100)
    org_name = models.CharField(max_length=200)
    org_kind = models.CharField(max_length=32)
    province = models.ForeignKey(Province, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 db_index=False)  # the (province, fiscal_year) index serves it
    province_name = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=500)
    # [{"number", "name", "score", "change"}]: the indicators the measure names, the body's score
    # on each in the year the plan is based on, and its change in the plan's own ITA year.
    indicators = models.JSONField(default=list)
    # The approved measure as plain data (title, guideline, analysis, steps, period, monitoring,
    # target): what "copy into my plan" copies.
    content = models.JSONField(default=dict)
    # The static part of the ranking: the best change of the measure's indicators the next year.
    best_change = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)

    class Meta:
        db_table = "reports_libraryentry"  # made by reports (migration 0007) before the library had its own app
        ordering = ["-fiscal_year", "org_name", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="library_unique_position")]
        indexes = [models.Index(fields=["org", "fiscal_year"]), models.Index(fields=["fiscal_year"]),
                   models.Index(fields=["province", "fiscal_year"]), models.Index(fields=["org_kind"])]

    def __str__(self):
        return f"{self.org_name} {self.fiscal_year}: {self.title[:60]}"


class LibraryIndicator(models.Model):
    """An indicator a library entry names, for the indicator and "score rose" filters."""

    entry = models.ForeignKey(LibraryEntry, on_delete=models.CASCADE, related_name="indicator_rows",
                              db_index=False)  # the unique (entry, number) serves it
    number = models.PositiveSmallIntegerField()
    score = score_field(null=True, blank=True)
    change = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "reports_libraryindicator"
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="library_indicator_unique")]
        indexes = [models.Index(fields=["number", "change"])]

    def __str__(self):
        return f"{self.entry_id} #{self.number}"
