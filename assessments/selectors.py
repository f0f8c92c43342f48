"""Reads for pages: every function runs a fixed number of queries, whatever the data size."""

import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, DecimalField, F, Prefetch, Q, Value
from django.db.models.functions import Cast, Collate

from assessments import fiscal_years
from common.memo import Memo
from common.text import readable_url

from . import scoring
from .models import (
    Assessment,
    Framework,
    GroupScore,
    Indicator,
    IndicatorScore,
    ItemScore,
    Membership,
    Organization,
    OrganizationName,
    Province,
    ToolScore,
    name_key,
)

ABBREVIATIONS = {
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "อบต.": "องค์การบริหารส่วนตำบล",
    "ทน.": "เทศบาลนคร",
    "ทม.": "เทศบาลเมือง",
    "ทต.": "เทศบาลตำบล",
    "อ.": "",
    "จ.": "",
}


_catalogues = Memo("framework catalogues", version=fiscal_years.token)  # framework id -> framework


def frameworks_with_catalogue(framework_ids) -> dict[int, Framework]:
    """Frameworks with their tools, indicators, groups and items: five queries, or none when
    this process holds them already (kept until any framework changes; read-only objects)."""
    token = fiscal_years.token()
    wanted = set(framework_ids)
    found = {pk: kept for pk in wanted if (kept := _catalogues.kept(pk, token)) is not None}
    if missing := wanted - found.keys():
        indicators = Indicator.objects.prefetch_related("groups", "items")
        for fw in Framework.objects.filter(pk__in=missing).prefetch_related(
                "tools", Prefetch("indicators", queryset=indicators)):
            _catalogues.put(fw.pk, fw, version=token)
            found[fw.pk] = fw
    return found


def published_scores(assessments) -> dict[int, scoring.PublishedScores]:
    """The published figures of several assessments: one query (the four kinds of score row in
    one UNION ALL; the plan page and the public pages read them on every request)."""
    by_id = {a.pk: scoring.PublishedScores(overall=a.overall, grade=a.grade, pass_label=a.pass_label)
             for a in assessments}
    ids = list(by_id)
    if not ids:
        return by_id

    def rows(model, code, kind, alt=None):
        # Every column an annotation, so that each part of the union has them in this order.
        return model.objects.filter(assessment_id__in=ids).annotate(
            row_kind=Value(kind), row_assessment=F("assessment_id"), row_code=Cast(code, CharField()),
            row_part=F("part"), row_score=F("score"),
            row_alt=F(alt) if alt else Cast(Value(None), DecimalField(max_digits=6, decimal_places=2)),
        ).values_list("row_kind", "row_assessment", "row_code", "row_part", "row_score", "row_alt").order_by()

    parts = rows(ToolScore, "tool__code", "tool").union(
        rows(GroupScore, "group__code", "group"), rows(IndicatorScore, "indicator__number", "indicator", "alt_score"),
        rows(ItemScore, "item__code", "item"), all=True)
    for kind, aid, code, part, score, alt in parts:
        figures = by_id[aid]
        if kind == "tool":
            figures.tools[(code, part)] = score
        elif kind == "group":
            figures.groups[(code, part)] = score
        elif kind == "item":
            figures.items[(code, part)] = score
        else:
            figures.indicators[(int(code), part)] = score
            if alt is not None:
                figures.indicator_alts[(int(code), part)] = alt
    return by_id


@dataclass
class Scorecard:
    assessment: Assessment
    framework: Framework
    result: scoring.Result

    @property
    def fiscal_year(self) -> int:
        return self.framework.fiscal_year


def scorecards(assessments: list[Assessment]) -> list[Scorecard]:
    """Evaluate assessments (framework already selected): six queries in all."""
    if not assessments:
        return []
    frameworks = frameworks_with_catalogue(a.framework_id for a in assessments)
    published = published_scores(assessments)
    return [
        Scorecard(a, frameworks[a.framework_id], scoring.evaluate(frameworks[a.framework_id], published[a.pk]))
        for a in assessments
    ]


# A body's result as the plan page shows it on every request (on deadline day, thousands a
# minute). An evaluation depends only on the assessment's row, its figures and the frameworks;
# every write of a figure gives its assessment a new ``updated_at`` (assessments/services.py
# ``touch_assessments``, and assessments/admin.py ``ScoreRowAdmin`` for the admin), so a result kept under
# (assessment, updated_at, the frameworks' token) is never out of date, and one read inside a
# transaction that is rolled back is kept under a key nothing will ask for again.
_kept_results = Memo("evaluated results", max_size=2000)


def kept_scorecard(assessment: Assessment) -> Scorecard:
    """``scorecards([assessment])[0]`` (framework already selected), evaluated once per process
    for each state of the assessment: no query in the steady state."""
    # The key first: outside a request the token is not held, and a catalogue read after it can
    # only be newer (kept under an older key, which is harmless), never older.
    key = (assessment.pk, assessment.updated_at, fiscal_years.token())
    framework = frameworks_with_catalogue([assessment.framework_id])[assessment.framework_id]
    if not Assessment.framework.is_cached(assessment):
        assessment.framework = framework  # the catalogue's (read-only) rather than a query for it
    result = _kept_results.peek(key)
    if result is None:
        result = scoring.evaluate(framework, published_scores([assessment])[assessment.pk])
        _kept_results.put(key, result)
    return Scorecard(assessment, framework, result)


def org_scorecards(org: Organization) -> list[Scorecard]:
    """Every year on record for a body, newest first."""
    assessments = list(
        Assessment.objects.filter(org=org).select_related("framework").order_by("-framework__fiscal_year")
    )
    return scorecards(assessments)


def org_scorecard(org: Organization, fiscal_year: int) -> Scorecard | None:
    assessments = Assessment.objects.filter(org=org, framework__fiscal_year=fiscal_year)
    assessment = assessments.select_related("framework").first()
    if assessment is None:
        return None
    return scorecards([assessment])[0]


@dataclass
class IndicatorTrendRow:
    number: int
    name: str
    cells: list  # (scoring.Figure, pass mark) per year, in the order of the years


def indicator_trend(cards: list[Scorecard]) -> tuple[list[int], list[IndicatorTrendRow]]:
    """The seeds' "ผลการประเมินรายตัวชี้วัด ปี 2564 … 2568" table: oldest year first."""
    cards = sorted(cards, key=lambda c: c.fiscal_year)
    names: dict[int, str] = {}
    for card in cards:  # the newest year's names win
        for indicator in card.framework.indicators.all():
            names[indicator.number] = indicator.name
    rows = [
        IndicatorTrendRow(number, names[number],
                          [(card.result.indicator(number), card.framework.pass_mark) for card in cards])
        for number in sorted(names)
    ]
    return [card.fiscal_year for card in cards], rows


KINDS = tuple(full for full in ABBREVIATIONS.values() if full)


def normalise_query(text: str) -> str:
    """Spaces squeezed, ํ + า written as ำ, and each abbreviation written out where a word
    starts with it: "อบต.บ้านนา อ.เมือง" -> "องค์การบริหารส่วนตำบลบ้านนา เมือง"."""
    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    words = []
    for word in text.split():
        for short, full in ABBREVIATIONS.items():
            if word.startswith(short):
                word = full + word[len(short):]
                break
        if word:
            words.append(word)
    return " ".join(words)


def search_organizations(*, q: str = "", province_id: int | None = None, district: str = "",
                         no_province: bool = False):
    """Bodies matching a name (Thai abbreviations like อบต. expanded), province and district.

    Every word must match, each through an index on PostgreSQL: a word that starts with a kind
    ("องค์การบริหารส่วนตำบลบ้านนา", or the kind alone) is the start of the name (btree); a
    province's whole name picks its bodies; any other word is looked for inside the name
    (trigram), at the start of the district (btree) or in the province's name (ids worked out
    from the 77 provinces, so no join). ``no_province``: only the bodies recorded without one."""
    bodies = Organization.objects.select_related("province")
    words = normalise_query(q).split()
    if words:
        condition = Q()
        provinces = None
        for word in words:
            if word.startswith(KINDS):
                condition &= Q(name__istartswith=word)
                continue
            if provinces is None:
                provinces = list(Province.objects.values_list("pk", "name"))
            exact = [pk for pk, name in provinces if word == name]
            if exact:  # a province's whole name: its bodies (a body named after it is in it)
                condition &= Q(province_id=exact[0])
                continue
            in_provinces = [pk for pk, name in provinces if word.casefold() in name.casefold()]
            condition &= Q(name__icontains=word) | Q(district__istartswith=word) | Q(province_id__in=in_provinces)
        # Or the whole query as one name, spaces and hyphens ignored, in the body's name or any
        # other name it is known by (a former name, a short form): trigram indexes on PostgreSQL.
        key = name_key(" ".join(words))
        if len(key) >= 3:
            condition |= Q(search_key__contains=key) | Q(
                pk__in=OrganizationName.objects.filter(key__contains=key).values("org_id"))
        bodies = bodies.filter(condition)
    if province_id:
        bodies = bodies.filter(province_id=province_id)
    elif no_province:
        bodies = bodies.filter(province__isnull=True)
    district = normalise_query(district.strip().removeprefix("อำเภอ"))  # "อ.เมือง", "อำเภอเมือง" -> "เมือง"
    if district:
        bodies = bodies.filter(district__istartswith=district)
    return bodies.order_by(*thai_order("province__name", "district", "name"))


def thai_order(*fields):
    """Order by these text fields in Thai dictionary order on PostgreSQL (its ICU collation);
    SQLite, for development, orders by code point."""
    if connection.vendor != "postgresql":
        return fields
    return [Collate(field, "th-TH-x-icu") for field in fields]


@dataclass
class YearFacts:
    """What a source published about a body's year beyond its scores, and the change against
    the year before: as published, and as computed when both years are on record."""

    change_published: object
    change_computed: object
    rank_district: str
    rank_province: str
    note: str
    source_url: str

    @property
    def changes_differ(self) -> bool:
        return (self.change_published is not None and self.change_computed is not None
                and self.change_published != self.change_computed)

    @property
    def any(self) -> bool:
        return any([self.change_published is not None, self.change_computed is not None, self.rank_district,
                    self.rank_province, self.note, self.source_url])

    @property
    def source_url_text(self) -> str:
        """The source's address as people read it (common.text.readable_url)."""
        return readable_url(self.source_url)


def year_facts(card) -> YearFacts:
    """One query: the previous year's overall score of the same body, when on record."""
    assessment = card.assessment
    previous = (Assessment.objects.filter(org_id=assessment.org_id,
                                          framework__fiscal_year=card.fiscal_year - 1)
                .select_related("framework").first())
    computed = None
    if previous is not None and card.result.overall.value is not None:
        before = scorecards([previous])[0].result.overall.value
        if before is not None:
            computed = scoring.q2(card.result.overall.value - before)
    return YearFacts(assessment.change_published, computed, assessment.rank_district, assessment.rank_province,
                     assessment.note, assessment.source_url)


def user_memberships(user):
    return Membership.objects.filter(user=user).select_related("org", "org__province").order_by("org__name", "role")


def year_sections(card):
    """Tools with their indicators, groups and items, ready for the template.

    An item without any figure is left out of its table and listed in its indicator's
    ``unscored`` (the year page folds them: a year scored by indicator only is not a page of
    empty rows), and so is a group with neither a figure nor a scored item (as a heading there)."""
    result = card.result
    flagged = result.discrepancy_keys()
    framework = card.framework
    sections = []
    for tool in framework.tools.all():
        indicators = []
        for indicator in framework.indicators.all():
            if indicator.tool_id != tool.pk:
                continue
            groups = list(indicator.groups.all())
            items = list(indicator.items.all())
            rows, unscored = [], []
            for group in groups or [None]:
                item_rows = [{"item": item, "scores": [result.items.get((item.code, p)) for p in (tool.parts or [0])]}
                             for item in items if group is None or item.group_id == group.pk]
                scored = [row for row in item_rows if any(v is not None for v in row["scores"])]
                empty = [row for row in item_rows if not any(v is not None for v in row["scores"])]
                if group is not None:
                    figures = _figures(result.group, group.code, tool)
                    if scored or any(f.value is not None for _part, f in figures):
                        rows.append({"group": group, "figures": figures})
                    if empty:
                        unscored.append({"group": group})
                rows += scored
                unscored += empty
            indicators.append({"indicator": indicator, "figures": _figures(result.indicator, indicator.number, tool),
                               "rows": rows, "unscored": unscored,
                               "flagged": ("indicator", str(indicator.number)) in flagged})
        sections.append({"tool": tool, "figures": _figures(result.tool, tool.code, tool), "indicators": indicators})
    return sections


def unscored_items(sections) -> int:
    """How many items of ``year_sections`` have no figure (the ones the year page folds)."""
    return sum(1 for section in sections for block in section["indicators"] for row in block["unscored"]
               if "item" in row)


def _figures(lookup, key, tool):
    """The whole figure first, then one per part for a tool scored in parts."""
    return [(0, lookup(key, 0))] + [(p, lookup(key, p)) for p in tool.parts]
