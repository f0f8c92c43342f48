"""The measure library: every published measure, searchable (/measures/?q=…).

What is searched is ``LibraryEntry`` (library/models.py): one row per measure of the **latest
published version** of each body-year's measures document, written in the transaction that
publishes the version (``index_documents``, through reports/services.py ``version_hooks``), from
what was approved: the texts of the published snapshot (the approved context the PDF was
rendered from) and the approval's own plain data of the measures (steps, period, monitoring,
indicator numbers), never from the live Measure rows. A new version replaces the rows of the
old one; a draft, a return or a correction (published → draft) changes nothing until the next
publish, as the public pages keep showing the published version until then.

The rows stay in step, in the same transaction, with:
- publishing and a new version (``index_documents``);
- a body's rename, move or change of kind (``org_changed``, a post_save signal of Organization,
  so the admin, the register import and ``organization_upsert`` alike), a province renamed
  (``province_changed``);
- a score import of the body (``refresh_scores``, on the import's audit row): the score of each
  indicator in the year the plan is based on and its change in the plan's own ITA year;
- an erasure under PDPA (``person_erased``, from ops/privacy.py): a person's former name is
  no longer a search term of any row (the published text itself stays as published).

Search (``search``): every query word (common/thai_search.py ``query_words``) must be among a
row's terms. PostgreSQL matches the generated ``search`` tsvector (GIN index, migration 0007);
SQLite matches the space-padded terms with LIKE. The count is capped (``Results``: exact up to
CAP, "more than CAP" beyond). The ranking is the title flag (every query word in the title's
terms: the generated ``title_search`` on PostgreSQL) and then the static order: the improvement
of the indicator the next year (the filtered indicator's, else the best of the measure's; when
known), the year, the body and the row. No ts_rank: no row's tsvector is unpacked to rank it.
Each page is two queries (the count and the page); the rows carry what the page shows."""

import hashlib
import re
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, DecimalField, F, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat

from assessments.models import Assessment, Indicator
from assessments.selectors import scorecards
from common import public_cache
from common.thai_search import index_terms, query_words
from reports.documents import Doc
from reports.models import PublishedDocument

from .models import LibraryEntry, LibraryIndicator

VERSION_KEY = "libver"  # bumped after every change of the library's rows (the cached pages go stale)
CAP = 1000  # rows a search shows at most: counted exactly up to it, "more than" beyond
DEFERRED = ("content", "terms", "title_terms")  # what a result page never shows
NO_CHANGE = Decimal("-10000")  # below any change of a score (0–100): an unknown change orders last
CONTENT_TEXT = ("guideline", "analysis", "target")  # searched besides the title and the steps
INDICATOR_LABEL = re.compile(r"ตัวชี้วัดที่\s*([0-9๐-๙]+)")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


# ---------------------------------------------------------------- versions (cache)


def _bump() -> None:
    def incr():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, None)

    transaction.on_commit(incr)


def cache_version() -> str:
    """Changes whenever the library's rows, or anything every public page shows, change."""
    versions = cache.get_many([public_cache.ALL, VERSION_KEY])
    return f"{versions.get(public_cache.ALL, 0)}.{versions.get(VERSION_KEY, 0)}"


def cache_key(query_string: str) -> str:
    digest = hashlib.sha256(query_string.encode()).hexdigest()[:32]
    return f"lib:{cache_version()}:{digest}"  # kept as public_cache.serve_kept keeps a page


# ---------------------------------------------------------------- writing the rows


def _numbers_from_labels(labels) -> list[int]:
    numbers = []
    for label in labels or ():
        match = INDICATOR_LABEL.search(str(label))
        if match:
            numbers.append(int(match.group(1).translate(THAI_DIGITS)))
    return numbers


def _content(row: dict, raw: dict | None) -> dict:
    """The measure as plain data: the approval's own values when they belong to this row, else
    what the printed row gives (a document published before the approval kept plain data)."""
    if raw is not None:
        steps = raw.get("steps") or []
        return {"title": row.get("title") or raw.get("title", ""), "guideline": raw.get("guideline", ""),
                "analysis": raw.get("analysis", ""),
                "steps": steps if isinstance(steps, list) else str(steps).splitlines(),
                "period_text": raw.get("period_text", ""), "period_start": raw.get("period_start"),
                "period_end": raw.get("period_end"), "monitoring_rounds": raw.get("monitoring_rounds") or [],
                "target": raw.get("target", ""), "indicators": [int(n) for n in raw.get("indicators") or []]}
    return {"title": row.get("title", ""), "guideline": row.get("guideline", ""),
            "analysis": row.get("analysis", ""), "steps": list(row.get("steps") or []),
            "period_text": row.get("period", ""), "period_start": None, "period_end": None,
            "monitoring_rounds": [], "target": row.get("target", ""),
            "indicators": _numbers_from_labels(row.get("indicators"))}


def _raw_for(rows, measures) -> list[dict | None]:
    """The approval's plain data per printed row, when it is the same list of measures."""
    if not measures or len(measures) != len(rows):
        return [None] * len(rows)
    return [raw if isinstance(raw, dict) and raw.get("title") == row.get("title") else None
            for row, raw in zip(rows, measures, strict=True)]


def _figures(org_years: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """{(org id, ITA year): scoring result} for these bodies and years (nine queries)."""
    if not org_years:
        return {}
    org_ids = {org_id for org_id, _year in org_years}
    years = {year for _org, year in org_years}
    assessments = [a for a in Assessment.objects.filter(org_id__in=org_ids, framework__fiscal_year__in=years)
                   .select_related("framework") if (a.org_id, a.framework.fiscal_year) in org_years]
    return {(card.assessment.org_id, card.fiscal_year): card.result for card in scorecards(assessments)}


def _indicator_names(years) -> dict[tuple[int, int], str]:
    return {(year, number): name for year, number, name in Indicator.objects.filter(
        tool__framework__fiscal_year__in=set(years)).values_list("tool__framework__fiscal_year", "number", "name")}


def _indicator_data(org_id, fiscal_year, numbers, figures, names) -> list[dict]:
    """Each indicator: its name, the body's score in the ITA year the plan is based on (the year
    before, which the document prints) and its change in the plan's own ITA year."""
    before, after = figures.get((org_id, fiscal_year - 1)), figures.get((org_id, fiscal_year))
    data = []
    for number in dict.fromkeys(numbers):
        score = before.indicator(number).value if before is not None else None
        later = after.indicator(number).value if after is not None else None
        change = (later - score) if score is not None and later is not None else None
        name = names.get((fiscal_year, number)) or names.get((fiscal_year - 1, number)) or ""
        data.append({"number": number, "name": name, "score": str(score) if score is not None else None,
                     "change": str(change) if change is not None else None})
    return data


def _best_change(indicators) -> Decimal | None:
    changes = [Decimal(i["change"]) for i in indicators if i.get("change") is not None]
    return max(changes) if changes else None


def _terms(content: dict) -> tuple[str, str]:
    title_terms = index_terms(content["title"])
    text = "\n".join([content["title"], *content["steps"], *(content.get(k) or "" for k in CONTENT_TEXT)])
    return " ".join(title_terms), " ".join(index_terms(text))


def index_documents(documents, measures=None) -> int:
    """Make these published versions the library's rows of their body-years (the measures
    documents among them; a version replaces the rows of any other version of its body-year).
    ``measures``: {document pk: the approval's plain data of the measures}; without it, a
    re-rendered version keeps the plain data its previous rows had. Returns the rows written."""
    documents = [d for d in documents if d.doc == Doc.MEASURES]
    if not documents:
        return 0
    measures = measures or {}
    keys = {(d.org_id, d.fiscal_year) for d in documents}
    existing = LibraryEntry.objects.filter(_keys_condition(keys))
    previous = {(e.org_id, e.fiscal_year, e.position): e for e in existing.only(
        "org_id", "fiscal_year", "position", "title", "content")}
    existing.delete()
    figures = _figures({(org_id, year) for org_id, fy in keys for year in (fy - 1, fy)})
    names = _indicator_names({year for _org, fy in keys for year in (fy - 1, fy)})
    entries, indicator_rows = [], []
    for document in documents:
        org = document.org
        rows = (document.snapshot or {}).get("rows") or []
        for position, (row, raw) in enumerate(zip(rows, _raw_for(rows, measures.get(document.pk)), strict=True),
                                              start=1):
            if raw is None:
                kept = previous.get((document.org_id, document.fiscal_year, position))
                if kept is not None and kept.title == row.get("title") and kept.content:
                    raw = kept.content
            content = _content(row, raw)
            indicators = _indicator_data(org.pk, document.fiscal_year, content["indicators"], figures, names)
            title_terms, terms = _terms(content)
            entry = LibraryEntry(
                document=document, version=document.version, org=org, fiscal_year=document.fiscal_year,
                position=position, org_slug=org.slug, org_name=org.name, org_kind=org.kind, province_id=org.province_id,
                province_name=org.province.name if org.province_id else "", title=content["title"][:500],
                indicators=indicators, content=content, best_change=_best_change(indicators),
                title_terms=title_terms, terms=terms)
            entries.append(entry)
            indicator_rows.append(indicators)
    LibraryEntry.objects.bulk_create(entries, batch_size=2000)
    LibraryIndicator.objects.bulk_create([
        LibraryIndicator(entry=entry, number=i["number"], score=i["score"], change=i["change"])
        for entry, indicators in zip(entries, indicator_rows, strict=True) for i in indicators], batch_size=5000)
    _bump()
    return len(entries)


def _keys_condition(keys) -> Q:
    condition = Q(pk__in=[])
    by_year: dict[int, set[int]] = {}
    for org_id, year in keys:
        by_year.setdefault(year, set()).add(org_id)
    for year, org_ids in by_year.items():
        condition |= Q(fiscal_year=year, org_id__in=org_ids)
    return condition


def rebuild(*, org_ids=None) -> int:
    """Rows again from the latest published version of every measures document (or of these
    bodies'): after a restore, or a bulk load that stored documents without the services."""
    documents = PublishedDocument.objects.filter(doc=Doc.MEASURES).select_related("org", "org__province")
    if org_ids is not None:
        documents = documents.filter(org_id__in=org_ids)
    latest = {}
    for document in documents.order_by("org_id", "fiscal_year", "-version").iterator(chunk_size=500):
        latest.setdefault((document.org_id, document.fiscal_year), document)
    total = 0
    batch = list(latest.values())
    for start in range(0, len(batch), 1000):
        with transaction.atomic():
            total += index_documents(batch[start:start + 1000])
    return total


def refresh_scores(org) -> None:
    """The scores and changes of a body's rows again (after its scores were imported)."""
    entries = list(LibraryEntry.objects.filter(org=org))
    if not entries:
        return
    years = {e.fiscal_year for e in entries}
    figures = _figures({(org.pk, year) for fy in years for year in (fy - 1, fy)})
    names = _indicator_names({year for fy in years for year in (fy - 1, fy)})
    rows = []
    for entry in entries:
        entry.indicators = _indicator_data(org.pk, entry.fiscal_year, entry.content.get("indicators") or [],
                                           figures, names)
        entry.best_change = _best_change(entry.indicators)
        rows += [LibraryIndicator(entry=entry, number=i["number"], score=i["score"], change=i["change"])
                 for i in entry.indicators]
    LibraryEntry.objects.bulk_update(entries, ["indicators", "best_change"])
    LibraryIndicator.objects.filter(entry__in=entries).delete()
    LibraryIndicator.objects.bulk_create(rows)
    _bump()


def org_changed(org) -> None:
    """A body renamed (so perhaps a new slug), moved or of another kind: the rows show it as it is now."""
    province_name = org.province.name if org.province_id else ""
    shown = {"org_slug": org.slug, "org_name": org.name, "org_kind": org.kind, "province_id": org.province_id,
             "province_name": province_name}
    changed = LibraryEntry.objects.filter(org_id=org.pk).exclude(**shown).update(**shown)
    if changed:
        _bump()


def province_changed(province) -> None:
    if LibraryEntry.objects.filter(province=province).exclude(province_name=province.name).update(
            province_name=province.name):
        _bump()


def person_erased(names) -> int:
    """A person erased under PDPA: their former name (as typed in a measure) is no longer a
    search term of any row; the published words themselves stay as published. Returns the rows
    changed."""
    changed = 0
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        words = query_words(name)
        if not words:
            continue
        for entry in search_queryset(words).only("pk", "title", "content", "title_terms", "terms"):
            content = entry.content or {}
            text = "\n".join([entry.title, *content.get("steps", []), *(content.get(k) or "" for k in CONTENT_TEXT)])
            if name not in text:
                continue
            scrubbed = {**content, "title": entry.title.replace(name, " "),
                        "steps": [s.replace(name, " ") for s in content.get("steps", [])],
                        **{k: (content.get(k) or "").replace(name, " ") for k in CONTENT_TEXT}}
            entry.title_terms, entry.terms = _terms(scrubbed)
            entry.save(update_fields=["title_terms", "terms"])
            changed += 1
    if changed:
        _bump()
    return changed


# ---------------------------------------------------------------- searching


def _tsquery(words) -> str:
    return " & ".join("'" + w.replace("\\", "").replace("'", "''") + "'" for w in words)


def _match(rows, words):
    """(these rows having every word among their terms, the condition "every word is in the title")."""
    if connection.vendor == "postgresql":
        query = _tsquery(words)
        found = RawSQL('"reports_libraryentry"."search" @@ %s::tsquery', [query], output_field=BooleanField())
        titled = RawSQL('"reports_libraryentry"."title_search" @@ %s::tsquery', [query],
                        output_field=BooleanField())
        return rows.filter(found), titled
    rows = rows.annotate(padded=Concat(Value(" "), "terms", Value(" "), output_field=TextField()),
                         padded_title=Concat(Value(" "), "title_terms", Value(" "), output_field=TextField()))
    for word in words:
        rows = rows.filter(padded__contains=f" {word} ")
    return rows, Q(*(Q(padded_title__contains=f" {word} ") for word in words))


def search_queryset(words):
    """The rows having every word among their terms (unordered; PDPA erasure reads them)."""
    rows = LibraryEntry.objects.all()
    return _match(rows, words)[0] if words else rows


class Results:
    """What a search found, as a page reads it (a Paginator takes it as its object list).

    ``count()`` is exact up to CAP and CAP beyond it (``more`` then says there were more): one
    query, ``COUNT(*)`` over the first CAP + 1 matching rows, so a word in every row costs no
    more than a rarer one (on PostgreSQL the same query counts the title-flag rows as well, also
    up to CAP + 1). ``[a:b]`` is one query for the rows of a page in rank order: the title flag
    (every query word in the title) first, then the static order (the improvement, the newest
    year, the body, the row).

    How the page query reads (PostgreSQL): a set of more than CAP rows is read in the static
    order from its index (``reports_library_order``), stopping after the page; a set of at most
    CAP rows is sorted (its order key is written so that the index cannot serve it, so the
    planner fetches the few rows through the GIN indexes instead of walking the index in the
    hope of meeting them). A broad word search reads each flag's rows apart (the counts say
    which flag a page's rows have; both in a UNION ALL when the page holds both). SQLite
    always sorts: the same rows in the same order."""

    def __init__(self, rows, titled, change, words, filtered=None):
        self.rows, self.titled, self.change, self.words = rows, titled, change, words
        # The rows the filters keep, before the word match: a title-flag row matches anyway
        # (the title's terms are among the terms), so the flag's rows are read from these.
        self.filtered = rows if filtered is None else filtered
        self._counts = None

    def _keys(self, walk: bool) -> list:
        """The static order. ``walk``: as the index has it; else an equal order it cannot serve
        (a change is within ±100, so −10000 puts the unknown ones last)."""
        change = self.change.desc(nulls_last=True) if walk else Coalesce(
            self.change, Value(NO_CHANGE), output_field=DecimalField(max_digits=7, decimal_places=2)).desc()
        return [change, F("fiscal_year").desc(), F("org_name").asc(), F("position").asc(), F("pk").asc()]

    def _capped(self) -> tuple[int, int | None]:
        """(matching rows, title-flag rows among them), each counted up to CAP + 1."""
        if self._counts is None:
            # Ordered by id: a broad count reads the primary key (the rows' physical order) and
            # stops after CAP + 1 rows; a narrow one sorts the few ids the GIN index gives. The
            # title rows of several words are left unordered: the planner guesses their number
            # as if the words were independent (two words of different titles: a few percent,
            # in truth none), and would walk the whole key hoping to meet them; unordered, it
            # intersects the words' GIN entries.
            matching = self.rows.order_by("pk").values("pk")[:CAP + 1]
            if self.words and connection.vendor == "postgresql":
                titled = self.filtered.filter(self.titled).order_by(*(["pk"] if len(self.words) == 1 else []))
                titled = titled.values("pk")[:CAP + 1]
                (sql, params), (titled_sql, titled_params) = (
                    matching.query.sql_with_params(), titled.query.sql_with_params())
                # One round trip; both parts compiled by the ORM, every value a parameter.
                both = f"SELECT (SELECT COUNT(*) FROM ({sql}) m), (SELECT COUNT(*) FROM ({titled_sql}) t)"  # noqa: S608  # nosec B608
                with connection.cursor() as cursor:
                    cursor.execute(both, (*params, *titled_params))
                    self._counts = tuple(cursor.fetchone())
            else:
                self._counts = (matching.count(), None)
        return self._counts

    def counted(self) -> int:
        """The matching rows, counted up to CAP + 1."""
        return self._capped()[0]

    def count(self) -> int:
        return min(self.counted(), CAP)

    @property
    def more(self) -> bool:
        return self.counted() > CAP

    def __len__(self):
        return self.count()

    def _page(self, start: int, stop: int) -> list:
        stop = min(stop, self.count())
        if start >= stop:
            return []
        rows = self.rows.defer(*DEFERRED)
        if not self.words:
            return list(rows.order_by(*self._keys(walk=self.more))[start:stop])
        if connection.vendor != "postgresql" or not self.more:
            flag = Case(When(self.titled, then=Value(1)), default=Value(0), output_field=IntegerField())
            return list(rows.annotate(flag=flag).order_by(F("flag").desc(), *self._keys(walk=False))[start:stop])
        titled = self._capped()[1]  # broad: each flag's rows apart
        parts = []
        if start < titled:
            parts.append(self.filtered.defer(*DEFERRED).filter(self.titled).annotate(flag=Value(1)).order_by(
                *self._keys(walk=titled > CAP))[start:min(stop, titled)])
        if stop > titled:
            parts.append(rows.exclude(self.titled).annotate(flag=Value(0)).order_by(
                *self._keys(walk=True))[max(0, start - titled):stop - titled])
        if len(parts) == 1:
            return list(parts[0])
        return list(parts[0].union(parts[1], all=True).order_by(F("flag").desc(), *self._keys(walk=True)))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._page(key.start or 0, CAP if key.stop is None else key.stop)
        page = self._page(key, key + 1)
        if not page:
            raise IndexError(key)
        return page[0]

    def __iter__(self):
        return iter(self._page(0, CAP))


def search(*, q: str = "", indicator: int | None = None, fiscal_year: int | None = None,
           province_id: int | None = None, kind: str = "", rose: bool = False):
    """The rows a library search finds, best first (``Results``: the page counts and slices
    it). Returns (results, the query's words). The filters come before the word match in the
    SQL, so a row the filters leave out is never checked against the words."""
    words = query_words(q)
    conditions = Q()
    if fiscal_year:
        conditions &= Q(fiscal_year=fiscal_year)
    if province_id:
        conditions &= Q(province_id=province_id)
    if kind:
        conditions &= Q(org_kind=kind)
    change = F("best_change")
    if indicator:
        # One join (an entry has at most one row per indicator); that indicator's change orders.
        named = {"indicator_rows__number": indicator}
        if rose:
            named["indicator_rows__change__gt"] = 0
        conditions &= Q(**named)
        change = F("indicator_change")
    elif rose:
        conditions &= Q(best_change__gt=0)  # the best change rose ⇔ some indicator rose
    rows = filtered = LibraryEntry.objects.filter(conditions)
    if indicator:
        rows = filtered = rows.annotate(indicator_change=F("indicator_rows__change"))  # the filter's join
    titled = None
    if words:
        rows, titled = _match(rows, words)
    return Results(rows, titled, change, words, filtered), words


def copy_source(entry: LibraryEntry, document_url: str) -> dict:
    """What "copy into my plan" hands to measures.services.measure_copy_from_library."""
    content = entry.content or {}
    return {**{k: content.get(k) for k in ("title", "guideline", "analysis", "steps", "period_text", "period_start",
                                           "period_end", "monitoring_rounds", "target", "indicators")},
            "org_name": entry.org_name, "fiscal_year": entry.fiscal_year,
            "version": entry.version,
            "url": document_url, "entry": entry.pk}


def version_published(document, measures) -> None:
    """reports' version hook (library/apps.py): a new published version, in its transaction; the
    library shows it from now on."""
    index_documents([document], {document.pk: measures} if measures is not None else None)


# ---------------------------------------------------------------- keeping in step (signals)


SHOWN_ORG_FIELDS = {"slug", "name", "kind", "province", "province_id"}


def _on_org_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:  # loaddata (a restore) brings its own library rows
        return
    if update_fields is not None and not SHOWN_ORG_FIELDS & set(update_fields):
        return  # e.g. the Thai-numeral setting: nothing the library shows
    org_changed(instance)


def _on_province_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        province_changed(instance)


def _on_audit(sender, instance, created, raw=False, **kwargs):
    """A score import writes one audit row per body, in its transaction: that body's scores."""
    from assessments.models import AuditAction

    if created and not raw and instance.action == AuditAction.SCORES_IMPORT and instance.org_id:
        refresh_scores(instance.org)


def connect_signals() -> None:
    from django.db.models.signals import post_save

    from assessments.models import AuditEvent, Organization, Province

    post_save.connect(_on_org_saved, sender=Organization, dispatch_uid="library-org")
    post_save.connect(_on_province_saved, sender=Province, dispatch_uid="library-province")
    post_save.connect(_on_audit, sender=AuditEvent, dispatch_uid="library-audit")
