"""Reads for the public pages: published documents only, a fixed number of queries."""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Subquery

from assessments import selectors as assessment_selectors
from assessments.models import Assessment, Organization

from .documents import OPEN_DATA_FIELDS, ROUND_DOCS, Doc, ita_answers, ita_items
from .models import PublishedDocument


def published_by_year(org, fiscal_year=None) -> dict[int, dict[str, list[PublishedDocument]]]:
    """{year: {doc: [versions, newest first]}} for a body (one query, no file contents)."""
    documents = PublishedDocument.objects.filter(org=org).defer("snapshot").order_by("fiscal_year", "doc",
                                                                                      "-version")
    if fiscal_year is not None:
        documents = documents.filter(fiscal_year=fiscal_year)
    result: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    answers = ita_answers()
    for document in documents:
        document.ita_items = ita_items(document.doc, document.fiscal_year, answers)  # the ITA items it answers
        result[document.fiscal_year][document.doc].append(document)
    return {year: dict(docs) for year, docs in result.items()}


def ordered_docs(docs: dict[str, list]) -> list[tuple[str, list]]:
    return [(doc, docs[doc]) for doc in Doc.values if doc in docs]


def latest(org, fiscal_year, doc) -> PublishedDocument | None:
    return PublishedDocument.objects.filter(org=org, fiscal_year=fiscal_year, doc=doc).order_by("-version").first()


VERIFY_MATCHES = 10  # the same bytes published more than once (a re-render that came out identical)


def published_with_sha256(sha256: str) -> list[PublishedDocument]:
    """The published versions whose file has this SHA-256, each with its body (and province)
    and ``newest_version``, the document's latest version: one query on the sha256 index (the
    newest version from the (org, fiscal_year, doc, -version) index inside it)."""
    newest = (PublishedDocument.objects.filter(org=OuterRef("org"), fiscal_year=OuterRef("fiscal_year"),
                                               doc=OuterRef("doc")).order_by("-version").values("version")[:1])
    return list(PublishedDocument.objects.filter(sha256=sha256).select_related("org", "org__province")
                .defer("snapshot").annotate(newest_version=Subquery(newest))
                .order_by("org__name", "fiscal_year", "doc", "version")[:VERIFY_MATCHES])


def latest_snapshots(org, fiscal_year) -> dict[str, PublishedDocument]:
    """The newest version of each document of a year, with its snapshot (one query)."""
    newest = {}
    for document in PublishedDocument.objects.filter(org=org, fiscal_year=fiscal_year).order_by("doc", "-version"):
        newest.setdefault(document.doc, document)
    return newest


def open_data(org, fiscal_year, *, address) -> dict | None:
    """A body-year's open data: published figures and documents only (None: nothing published).
    ``address(doc, version)`` gives a published version's absolute address."""
    card = assessment_selectors.org_scorecard(org, fiscal_year)
    snapshots = latest_snapshots(org, fiscal_year)
    if card is None and not snapshots:
        return None
    return open_data_record(org, fiscal_year, card, snapshots, address=address)


OPEN_DATA_CHUNK = 200  # bodies per round of queries in the open data of a whole year


def open_data_all(fiscal_year, *, address, chunk: int = OPEN_DATA_CHUNK, documents_only: bool = False):
    """Every body's open data of a year, one ``open_data`` dict at a time (exactly what the
    body's own file holds), by slug: the bodies with a result or a published document that year,
    read with ``.iterator()`` and loaded ``chunk`` bodies at a time (about ten queries a chunk),
    so memory stays the same whatever the number of bodies. ``address(org, doc, version)``.
    ``documents_only``: the bodies with a published document only, and no scores (``scores``
    None): what the CSV needs, whose rows are the published tables."""
    scored = Assessment.objects.filter(org=OuterRef("pk"), framework__fiscal_year=fiscal_year)
    published = PublishedDocument.objects.filter(org=OuterRef("pk"), fiscal_year=fiscal_year)
    condition = Exists(published) if documents_only else Exists(scored) | Exists(published)
    bodies = Organization.objects.filter(condition).select_related("province").order_by("slug")
    batch = []
    for org in bodies.iterator(chunk_size=chunk):
        batch.append(org)
        if len(batch) >= chunk:
            yield from _open_data_chunk(batch, fiscal_year, address, scores=not documents_only)
            batch = []
    if batch:
        yield from _open_data_chunk(batch, fiscal_year, address, scores=not documents_only)


def _open_data_chunk(orgs, fiscal_year, address, *, scores=True):
    ids = [org.pk for org in orgs]
    assessments = list(Assessment.objects.filter(org_id__in=ids, framework__fiscal_year=fiscal_year)
                       .select_related("framework")) if scores else []
    cards = {card.assessment.org_id: card for card in assessment_selectors.scorecards(assessments)}
    snapshots: dict[int, dict[str, PublishedDocument]] = {}
    for document in PublishedDocument.objects.filter(org_id__in=ids, fiscal_year=fiscal_year).order_by(
            "org_id", "doc", "-version"):
        snapshots.setdefault(document.org_id, {}).setdefault(document.doc, document)
    for org in orgs:
        found = snapshots.get(org.pk, {})
        if org.pk in cards or found:
            yield open_data_record(org, fiscal_year, cards.get(org.pk), found,
                                   address=lambda doc, version, org=org: address(org, doc, version))


def open_data_record(org, fiscal_year, card, snapshots, *, address) -> dict:
    """The open data dict of one body-year from its scorecard (or None) and its newest
    published versions by document: the one serialiser of the body's file and the year's."""
    scores = None
    if card is not None:
        result = card.result
        assessment = card.assessment
        scores = {
            "overall": _num(result.overall.value), "level": result.level,
            "level_source": _source(result.level, result.level_is_computed),
            "grade": result.grade or result.grade_computed, "grade_source": _source(
                result.grade or result.grade_computed, not result.grade),
            "pass_label": result.pass_label or result.pass_computed, "pass_label_source": _source(
                result.pass_label or result.pass_computed, not result.pass_label),
            "change_published": _num(assessment.change_published),
            "rank_district": assessment.rank_district or None, "rank_province": assessment.rank_province or None,
            "note": assessment.note or None, "source_url": assessment.source_url or None,
            "tools": {code: _num(f.value) for code, f in result.tool_totals.items()},
            "indicators": {str(i.number): _num(result.indicator(i.number).value)
                           for i in card.framework.indicators.all()},
            "discrepancies": [{"what": d.label, "published": str(d.published), "other": str(d.other)}
                              for d in result.discrepancies],
        }
    answers = ita_answers()
    published = [{"doc": d.doc, "title": d.title, "version": d.version, "sha256": d.sha256,
                  "published_at": d.published_at.isoformat(), "url": address(d.doc, d.version),
                  "ita_items": [item.as_data() for item in ita_items(d.doc, d.fiscal_year, answers)]}
                 for d in snapshots.values()]
    measures = snapshots.get(Doc.MEASURES)
    results = {doc: snapshots[doc].snapshot["rows"] for doc in ROUND_DOCS.values() if doc in snapshots}
    province = org.province.name if org.province_id else None
    return {"org": {"slug": org.slug, "name": org.name, "kind": org.kind, "district": org.district,
                    "province": province}, "fiscal_year": fiscal_year, "scores": scores,
            "documents": published, "measures": measures.snapshot["rows"] if measures else [], "results": results}


def open_data_rows(data):
    """(doc, cells) per published measure row, the cells in OPEN_DATA_FIELDS order; lists joined with " | "."""
    rows = [(Doc.MEASURES.value, row) for row in data["measures"]]
    rows += [(doc, row) for doc, doc_rows in data["results"].items() for row in doc_rows]
    for doc, row in rows:
        yield doc, [" | ".join(v) if isinstance(v := row.get(name, ""), list) else v for name in OPEN_DATA_FIELDS]


def _source(value, computed: bool) -> str | None:
    """Where a figure comes from: "published" (the source's), "computed" (the portal's), None."""
    if value is None or value == "":
        return None
    return "computed" if computed else "published"


def _num(value):
    return float(value) if value is not None else None
