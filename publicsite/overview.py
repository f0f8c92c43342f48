"""The public overview of a province or of the whole country for one fiscal year: how the bodies
scored, per indicator, against the year before, and which of them published their documents.

Everything is aggregated in the database (counts, averages, bands) and a page runs the same
number of queries whatever the number of bodies: the tests count them at two data sizes.

Which figures count (docs/OPEN_DATA.md, "The overviews"): a body's overall and indicator scores as
published (stored: ``Assessment.overall``, ``IndicatorScore`` of the whole indicator, part 0), never
a figure the portal computes for a body page (those are marked as the portal's own there); and of
the documents only the published versions (``PublishedDocument``), never a draft."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery

from assessments.models import Assessment, Framework, Indicator, IndicatorScore, Organization, Province
from assessments.scoring import published_levels, q2
from assessments.selectors import thai_order
from common import thai
from reports.documents import REGISTRY, Doc
from reports.models import PublishedDocument

DOCS = list(Doc.values)  # the four documents, in the registry's order
HUNDRED = Decimal("100")


@dataclass
class Band:
    """Bodies whose published overall score is in [low, high) (the top band includes 100)."""

    low: Decimal
    high: Decimal
    labels: list[str]  # the year's levels whose minimum total is ``low``
    count: int = 0
    share: Decimal | None = None  # per cent of the bodies with a published overall score

    @property
    def range_text(self) -> str:
        """'85.00–94.99' (scores have two decimals); the top band ends at 100.00."""
        high = self.high if self.high == HUNDRED else self.high - thai.TWO_PLACES
        return f"{thai.format_score(self.low)}–{thai.format_score(high)}"


@dataclass
class Summary:
    fiscal_year: int
    assessed: int  # bodies with a published overall score
    average: Decimal | None
    passing: int  # at or above the pass mark
    pass_share: Decimal | None  # per cent of ``assessed``
    scored: int = 0  # bodies with a result of the year on record (a published overall or not)


@dataclass
class IndicatorRow:
    number: int
    name: str
    average: Decimal | None
    count: int
    previous: Decimal | None  # the same indicator number's average the year before
    change: Decimal | None


@dataclass
class DocCount:
    doc: str
    label: str
    short: str  # for table headers and chart labels
    count: int  # bodies with at least one published version of the document for the year
    share: Decimal | None  # per cent of the bodies in the area


@dataclass
class AreaRow:
    """One province on the national page (``province`` None: bodies with no province on record)."""

    province: Province | None
    bodies: int
    summary: Summary
    published: list[int]  # bodies that published each document, in DOCS order


@dataclass
class BodyRow:
    """One body on a province page."""

    org: Organization
    overall: Decimal | None
    level: str  # every label the body published, the year's scale first ("ผ่าน · AA"); "" when none
    published: list[tuple[str, bool]]  # (doc, published for the year), in DOCS order

    @property
    def has_year(self) -> bool:
        """The body's year page exists: a result or a published document of the year."""
        return self.overall is not None or self.scored or any(published for _doc, published in self.published)

    scored: bool = False  # an assessment of the year is on record (with or without a published overall)


@dataclass
class Overview:
    fiscal_year: int
    framework: Framework
    province: Province | None
    bodies: int  # every body of the area, scored or not
    current: Summary
    previous: Summary | None  # the year before, when a framework and scores are on record
    change: Decimal | None  # the average change of the published overall of the ``both_years`` bodies
    improved: int  # bodies scored both years whose published overall rose
    declined: int
    both_years: int
    bands: list[Band]
    levels: list[tuple[str, int]]  # published levels in the year's own scale, best first
    indicators: list[IndicatorRow]
    documents: list[DocCount]
    areas: list[AreaRow] = field(default_factory=list)  # national page
    rows: list[BodyRow] = field(default_factory=list)  # province page

    @property
    def pass_mark(self) -> Decimal:
        return self.framework.pass_mark


def _percent(part: int, whole: int) -> Decimal | None:
    return q2(Decimal(part) * HUNDRED / whole) if whole else None


def _decimal(value) -> Decimal | None:
    """An average as the database gives it (a float on SQLite), rounded like every score."""
    return None if value is None else q2(Decimal(str(value)))


def bands_of(framework: Framework) -> list[Band]:
    """Score bands from the year's level rule, best first: one band per distinct minimum total
    (ผ่านดี and ผ่าน share 85; AA … F each have their own), the labels that start at it."""
    lows: dict[Decimal, list[str]] = {}
    for band in framework.level_rule or []:
        lows.setdefault(q2(Decimal(str(band["min_total"]))), []).append(band["label"])
    if not lows or min(lows) > 0:
        lows.setdefault(Decimal("0.00"), [])
    ordered = sorted(lows, reverse=True)
    return [Band(low=low, high=ordered[i - 1] if i else HUNDRED, labels=lows[low]) for i, low in enumerate(ordered)]


def _band_filter(band: Band, top: bool) -> Q:
    condition = Q(overall__gte=band.low)
    return condition & (Q(overall__lte=HUNDRED) if top else Q(overall__lt=band.high))


def _frameworks(fiscal_year: int) -> tuple[Framework | None, Framework | None]:
    """This year's framework and the year before's (one query)."""
    found = {f.fiscal_year: f for f in Framework.objects.filter(fiscal_year__in=[fiscal_year, fiscal_year - 1])}
    return found.get(fiscal_year), found.get(fiscal_year - 1)


def province_by_code(code: str) -> Province | None:
    return Province.objects.filter(code=code).first()


def _summaries(assessments, framework, previous, bands) -> tuple[dict[int, Summary], list[int]]:
    """Count, average, passing and the bands of both years (one query, grouped by framework)."""
    aggregates = {
        "assessed": Count("overall"), "average": Avg("overall"), "scored": Count("pk"),
        "passing": Count("pk", filter=Q(overall__gte=framework.pass_mark)),
    }
    for i, band in enumerate(bands):
        aggregates[f"band{i}"] = Count("pk", filter=_band_filter(band, i == 0))
    years = [f.pk for f in (framework, previous) if f is not None]
    summaries, counts = {}, [0] * len(bands)
    for row in (assessments.filter(framework_id__in=years).values("framework_id").order_by()
                .annotate(**aggregates)):
        fiscal_year = framework.fiscal_year if row["framework_id"] == framework.pk else previous.fiscal_year
        summaries[fiscal_year] = Summary(fiscal_year, row["assessed"], _decimal(row["average"]), row["passing"],
                                         _percent(row["passing"], row["assessed"]), row["scored"])
        if row["framework_id"] == framework.pk:
            counts = [row[f"band{i}"] for i in range(len(bands))]
    return summaries, counts


def _movement(assessments, framework, previous) -> dict:
    """Bodies with a published overall in both years: how many, how many rose or fell, and their
    average change (one query). The change is only ever told of these bodies: two years' averages
    of different sets of bodies say nothing about a change."""
    if previous is None:
        return {"improved": 0, "declined": 0, "both": 0, "change": None}
    # One join of each body's assessment with its previous year's (unique: org, framework), not a
    # subquery per body: 40 ms against 700 ms for the country on PostgreSQL.
    both = assessments.filter(framework=framework, overall__isnull=False, org__assessments__framework=previous,
                              org__assessments__overall__isnull=False)
    before = F("org__assessments__overall")
    return both.aggregate(both=Count("pk"), improved=Count("pk", filter=Q(overall__gt=before)),
                          declined=Count("pk", filter=Q(overall__lt=before)), change=Avg(F("overall") - before))


def _levels(assessments, framework) -> list[tuple[str, int]]:
    """Bodies per published level in the year's own scale (letters to 2565, pass labels after),
    the other scale when only that was published (scoring.published_levels), in the rule's
    order (one query). Never a computed level: nothing published, not counted."""
    counts: dict[str, int] = {}
    for grade, pass_label, n in (assessments.filter(framework=framework).values_list("grade", "pass_label")
                                 .order_by().annotate(n=Count("pk"))):
        for level in published_levels(framework.level_rule, grade, pass_label)[:1]:
            counts[level] = counts.get(level, 0) + n
    order = [band["label"] for band in framework.level_rule or []]
    return sorted(counts.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order),
                                                    item[0]))


def _indicators(framework, previous, province) -> list[IndicatorRow]:
    """Each indicator's published average this year and the year before, matched by number
    (two queries: the indicators, the averages)."""
    indicators = list(Indicator.objects.filter(framework__in=[f for f in (framework, previous) if f])
                      .values_list("pk", "framework_id", "number", "name"))
    scores = IndicatorScore.objects.filter(part=0, indicator_id__in=[pk for pk, *_rest in indicators])
    if province is not None:
        scores = scores.filter(assessment__org__province=province)
    averages = {pk: (_decimal(avg), n) for pk, avg, n in scores.values_list("indicator_id").order_by()
                .annotate(avg=Avg("score"), n=Count("pk"))}
    before = {number: averages.get(pk, (None, 0))[0] for pk, fw, number, _name in indicators
              if previous is not None and fw == previous.pk}
    rows = []
    for pk, fw, number, name in sorted(indicators, key=lambda i: i[2]):
        if fw != framework.pk:
            continue
        average, count = averages.get(pk, (None, 0))
        prior = before.get(number)
        rows.append(IndicatorRow(number, name, average, count, prior,
                                 average - prior if average is not None and prior is not None else None))
    return rows


def _doc_counts(counts: dict[str, int], bodies: int) -> list[DocCount]:
    return [DocCount(doc, Doc(doc).label, str(REGISTRY[doc].short), counts.get(doc, 0),
                     _percent(counts.get(doc, 0), bodies)) for doc in DOCS]


def overview(fiscal_year: int, province: Province | None = None) -> Overview | None:
    """The national overview (``province`` None) or one province's; None when the year has no
    framework. National: 10 queries; a province: 11 (its bodies and their documents too)."""
    framework, previous = _frameworks(fiscal_year)
    if framework is None:
        return None
    assessments = Assessment.objects.all()
    bodies = Organization.objects.all()
    if province is not None:
        assessments = assessments.filter(org__province=province)
        bodies = bodies.filter(province=province)
    bands = bands_of(framework)
    summaries, band_counts = _summaries(assessments, framework, previous, bands)
    current = summaries.get(fiscal_year) or Summary(fiscal_year, 0, None, 0, None)
    for band, count in zip(bands, band_counts, strict=True):
        band.count, band.share = count, _percent(count, current.assessed)
    prior = summaries.get(fiscal_year - 1)
    movement = _movement(assessments, framework, previous)
    result = Overview(
        fiscal_year=fiscal_year, framework=framework, province=province, bodies=0, current=current,
        previous=prior, change=_decimal(movement["change"]) if movement["both"] else None,
        improved=movement["improved"], declined=movement["declined"], both_years=movement["both"],
        bands=bands, levels=_levels(assessments, framework), indicators=_indicators(framework, previous, province),
        documents=[])
    if province is None:
        _national(result, fiscal_year, framework)
    else:
        _provincial(result, fiscal_year, framework, bodies)
    return result


def _national(result: Overview, fiscal_year: int, framework: Framework) -> None:
    """Per province: bodies, scores and published documents (four queries)."""
    provinces = list(Province.objects.order_by("name"))
    bodies = dict(Organization.objects.values_list("province_id").order_by().annotate(n=Count("pk")))
    scores = {row["org__province_id"]: row for row in (
        Assessment.objects.filter(framework=framework).values("org__province_id").order_by()
        .annotate(assessed=Count("overall"), average=Avg("overall"),
                  passing=Count("pk", filter=Q(overall__gte=framework.pass_mark))))}
    published: dict[int | None, dict[str, int]] = {}
    for province_id, doc, n in (PublishedDocument.objects.filter(fiscal_year=fiscal_year)
                                .values_list("org__province_id", "doc").order_by()
                                .annotate(n=Count("org_id", distinct=True))):
        published.setdefault(province_id, {})[doc] = n
    totals = dict.fromkeys(DOCS, 0)
    for by_doc in published.values():
        for doc, n in by_doc.items():
            totals[doc] = totals.get(doc, 0) + n
    for province in [*provinces, None]:
        key = province.pk if province is not None else None
        if province is None and not bodies.get(None):
            continue
        row = scores.get(key, {"assessed": 0, "average": None, "passing": 0})
        result.areas.append(AreaRow(province, bodies.get(key, 0), Summary(
            fiscal_year, row["assessed"], _decimal(row["average"]), row["passing"],
            _percent(row["passing"], row["assessed"])),
            [published.get(key, {}).get(doc, 0) for doc in DOCS]))
    result.bodies = sum(bodies.values())
    result.documents = _doc_counts(totals, result.bodies)


def _provincial(result: Overview, fiscal_year: int, framework: Framework, bodies) -> None:
    """Every body of the province with its published overall, level and documents (two queries)."""
    scored = Assessment.objects.filter(org_id=OuterRef("pk"), framework=framework)
    orgs = list(bodies.annotate(overall=Subquery(scored.values("overall")[:1]),
                                grade=Subquery(scored.values("grade")[:1]),
                                pass_label=Subquery(scored.values("pass_label")[:1]), scored=Exists(scored))
                .order_by(*thai_order("name")))
    published: dict[int, set[str]] = {}
    for org_id, doc in (PublishedDocument.objects.filter(fiscal_year=fiscal_year, org__province=result.province)
                        .values_list("org_id", "doc").distinct().order_by()):
        published.setdefault(org_id, set()).add(doc)
    counts = dict.fromkeys(DOCS, 0)
    for org in orgs:
        docs = published.get(org.pk, set())
        for doc in docs:
            counts[doc] = counts.get(doc, 0) + 1
        level = " · ".join(published_levels(framework.level_rule, org.grade or "", org.pass_label or ""))
        result.rows.append(BodyRow(org, org.overall, level, [(doc, doc in docs) for doc in DOCS], org.scored))
    result.bodies = len(orgs)
    result.documents = _doc_counts(counts, result.bodies)
