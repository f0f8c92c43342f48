"""Reads for the public pages: published documents only, a fixed number of queries."""

import uuid
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery

from assessments import fiscal_years
from assessments import selectors as assessment_selectors
from assessments.models import Assessment, Organization
from common import public_cache
from common.thai import to_arabic_digits

from .documents import OPEN_DATA_FIELDS, ROUND_DOCS, Doc, ita_answers, ita_items
from .models import PublishedDocument


def published_by_year(org, fiscal_year=None) -> dict[int, dict[str, list[PublishedDocument]]]:
    """{year: {doc: [versions, newest first]}} for a body (one query, no file contents)."""
    documents = PublishedDocument.objects.filter(org_id=org.pk).defer("snapshot").order_by("fiscal_year", "doc",
                                                                                      "-version")
    if fiscal_year is not None:
        documents = documents.filter(fiscal_year=fiscal_year)
    result: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    answers = None
    for document in documents:
        answers = ita_answers() if answers is None else answers  # only when there is a document
        document.ita_items = ita_items(document.doc, document.fiscal_year, answers)  # the ITA items it answers
        result[document.fiscal_year][document.doc].append(document)
    return {year: dict(docs) for year, docs in result.items()}


# The staff pages of a plan and its rounds list the body's published versions on every request
# (the editor's busiest pages). A body's published set changes only when one of its documents is
# published (services._adopt, after commit) or an admin changes the rows (the admin generation,
# also moved by a restore); the frameworks' token covers the ITA items each version answers.
PUBLISHED_TOKEN = "published-token:{org_id}"
KEPT_PUBLISHED_SECONDS = 60 * 60


def published_changed(org_id: int) -> None:
    """A document of the body was published: what is kept of its published versions is stale
    (a new random token: a token evicted from the cache and made again can never be an old one)."""
    cache.set(PUBLISHED_TOKEN.format(org_id=org_id), uuid.uuid4().hex, None)


def published_state(org, fiscal_year) -> str | None:
    """A string that changes whenever the body's published versions of the year may have (None
    when the cache cannot keep a token: then nothing is kept)."""
    token_key = PUBLISHED_TOKEN.format(org_id=org.pk)
    found = cache.get_many([token_key, public_cache.ALL])
    token = found.get(token_key)
    if token is None:
        cache.add(token_key, uuid.uuid4().hex, None)
        token = cache.get(token_key)
    if token is None:
        return None
    return f"{org.pk}:{fiscal_year}:{token}:{found.get(public_cache.ALL, 0)}:{fiscal_years.token()}"


def kept_published_by_year(org, fiscal_year, *, state=None) -> dict[int, dict[str, list[PublishedDocument]]]:
    """``published_by_year(org, fiscal_year)``, kept in the shared cache until the body publishes
    again: no query in the steady state."""
    state = state or published_state(org, fiscal_year)
    kept = cache.get("published:" + state) if state else None
    if kept is None:
        kept = published_by_year(org, fiscal_year)
        if state:
            cache.set("published:" + state, kept, KEPT_PUBLISHED_SECONDS)
    return kept


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


def open_data_all(fiscal_year, *, address, chunk: int = OPEN_DATA_CHUNK, documents_only: bool = False,
                  scores_only: bool = False):
    """Every body's open data of a year, one ``open_data`` dict at a time (exactly what the
    body's own file holds), by slug: the bodies with a result or a published document that year,
    read with ``.iterator()`` and loaded ``chunk`` bodies at a time (about ten queries a chunk),
    so memory stays the same whatever the number of bodies. ``address(org, doc, version)``.
    ``documents_only``: the bodies with a published document only, and no scores (``scores``
    None): what the CSV needs, whose rows are the published tables. ``scores_only``: the bodies
    with a result only, and no documents: what the scores CSV needs."""
    scored = Assessment.objects.filter(org=OuterRef("pk"), framework__fiscal_year=fiscal_year)
    published = PublishedDocument.objects.filter(org=OuterRef("pk"), fiscal_year=fiscal_year)
    condition = (Exists(published) if documents_only else Exists(scored) if scores_only
                 else Exists(scored) | Exists(published))
    bodies = Organization.objects.filter(condition).select_related("province").order_by("slug")
    batch = []
    for org in bodies.iterator(chunk_size=chunk):
        batch.append(org)
        if len(batch) >= chunk:
            yield from _open_data_chunk(batch, fiscal_year, address, scores=not documents_only,
                                        documents=not scores_only)
            batch = []
    if batch:
        yield from _open_data_chunk(batch, fiscal_year, address, scores=not documents_only, documents=not scores_only)


def _open_data_chunk(orgs, fiscal_year, address, *, scores=True, documents=True):
    ids = [org.pk for org in orgs]
    assessments = list(Assessment.objects.filter(org_id__in=ids, framework__fiscal_year=fiscal_year)
                       .select_related("framework")) if scores else []
    cards = {card.assessment.org_id: card for card in assessment_selectors.scorecards(assessments)}
    snapshots: dict[int, dict[str, PublishedDocument]] = {}
    for document in PublishedDocument.objects.filter(org_id__in=ids, fiscal_year=fiscal_year).order_by(
            "org_id", "doc", "-version") if documents else []:
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
            "overall": _num(result.overall.value),
            "overall_source": _source(result.overall.value, result.overall.is_computed),
            # What the body published and what the portal computed, apart (docs/OPEN_DATA.md): a
            # computed level only when nothing was published, on the scale in force that year.
            "level_published": {"grade": result.grade or None, "pass_label": result.pass_label or None},
            "level_computed": ({"scale": result.scale, "value": result.level} if result.level_is_computed
                               else None),
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
                  "ita_items": [item.as_data() for item in ita_items(d.doc, d.fiscal_year, answers)],
                  **_record_data(d.snapshot)}
                 for d in snapshots.values()]
    measures = snapshots.get(Doc.MEASURES)
    results = {doc: data_rows(snapshots[doc].snapshot["rows"]) for doc in ROUND_DOCS.values() if doc in snapshots}
    province = org.province.name if org.province_id else None
    return {"org": {"slug": org.slug, "name": org.name, "kind": org.kind, "district": org.district,
                    "province": province}, "fiscal_year": fiscal_year, "scores": scores,
            "documents": published, "measures": data_rows(measures.snapshot["rows"]) if measures else [],
            "results": results}


def _record_data(snapshot) -> dict:
    """A document recorded after the fact says so, with its published source's address and
    (when the source gives it) its approval date (ISO); the portal issued none of it."""
    record = (snapshot or {}).get("record")
    if not record:
        return {"recorded_after": False, "source_url": None, "source_approved_on": None}
    return {"recorded_after": True, "source_url": record.get("source_url") or None,
            "source_approved_on": record.get("approved_on_iso") or None}


# Open data is for machines: the numbers the portal printed (in Thai digits when the body chose
# them) are given as numbers, and the text it made around numbers in Arabic digits. What people
# typed (titles, steps, outputs, …) is kept as typed (docs/OPEN_DATA.md).
DATA_NUMBERS = ("no", "percent", "budget")  # "๑", "๕๐%", "๑๒,๐๐๐.๐๐ บาท" -> 1, 50, 12000.0
DATA_DIGITS = ("indicators", "period", "monitoring")  # "ตัวชี้วัดที่ ๘ … ๘๕.๑๕ คะแนน" -> "ตัวชี้วัดที่ 8 … 85.15 คะแนน"


def data_rows(rows) -> list[dict]:
    """A published table's rows as open data gives them (the snapshot itself is not changed)."""
    return [_data_row(row) for row in rows]


def _data_row(row: dict) -> dict:
    row = dict(row)
    for key in DATA_NUMBERS:
        if key in row:
            row[key] = _data_number(row[key])
    for key in DATA_DIGITS:
        value = row.get(key)
        if isinstance(value, list):
            row[key] = [to_arabic_digits(v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            row[key] = to_arabic_digits(value)
    return row


def _data_number(value):
    """A printed number as a number: "๑" -> 1, "๕๐%" -> 50, "๑๒,๕๐๐.๕๐ บาท" -> 12500.5; None when empty."""
    if isinstance(value, (int, float)) or value is None:
        return value
    text = to_arabic_digits(str(value)).replace("%", "").replace("บาท", "").replace(",", "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return to_arabic_digits(str(value))  # not a number after all: the text, in Arabic digits
    return int(number) if number == number.to_integral_value() and "." not in text else float(number)


# The scores CSV: one row per body and year, the figures of the JSON's ``scores`` (docs/OPEN_DATA.md).
SCORE_FIELDS = ["overall", "overall_source", "grade_published", "pass_label_published", "level_computed_scale",
                "level_computed", "change_published", "rank_district", "rank_province", "note", "source_url"]


def score_header(framework) -> list[str]:
    """The scores CSV's columns for a year: the body, the fields, then each tool and indicator of
    the year's framework (``IIT``, ``EIT``, ``OIT``, ``indicator_1`` …); catalogue prefetched."""
    return ["org", "fiscal_year", *SCORE_FIELDS, *[t.code for t in framework.tools.all()],
            *[f"indicator_{i.number}" for i in framework.indicators.all()]]


def score_cells(record, framework) -> list:
    """One body-year's scores CSV row from its open data dict (``scores`` not None): scores with
    two decimals, an unknown figure or a fact not published an empty cell."""
    scores = record["scores"]
    published, computed = scores["level_published"], scores["level_computed"] or {}
    values = {**scores, "grade_published": published["grade"], "pass_label_published": published["pass_label"],
              "level_computed_scale": computed.get("scale"), "level_computed": computed.get("value")}
    figures = [scores["tools"].get(t.code) for t in framework.tools.all()]
    figures += [scores["indicators"].get(str(i.number)) for i in framework.indicators.all()]
    cells = [record["org"]["slug"], record["fiscal_year"]]
    cells += [_cell(values[name], score=name in ("overall", "change_published")) for name in SCORE_FIELDS]
    cells += [_cell(value, score=True) for value in figures]
    return cells


def _cell(value, *, score=False):
    if value is None:
        return ""
    return f"{value:.2f}" if score else value


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
