"""The score engine: from whatever figures were published, compute the rest bottom-up.

Rules (ITA.md, checked against every figure of seed 002):
- a group is the mean of its items; an indicator is the mean of its groups, or of its
  items when it has no groups;
- a tool scored in parts (EIT 2568) is worked part by part: each part of an indicator
  from the same part of its items, the indicator as the mean of its parts, each part of
  the tool as the mean of the indicators' parts, the tool as the mean of its parts;
- any other tool is the mean of its indicators;
- overall is the weighted mean of the tools; the level comes from the year's rule.

Levels come in two scales, and sources print either for any year, sometimes both: letter
grades (AA–F by the overall score; the NACC's scale to FY 2565) and pass labels (ผ่านดีเยี่ยม
… ต้องปรับปรุงโดยด่วน, which also need every tool's score; from FY 2566), plus the bare pass
flag ไม่ผ่าน. A published label is kept as published; each is compared with what its own
scale gives for the scores (a disagreement is a discrepancy). What was published is the
level, whatever its scale (both labels when both were published, the year's own scale
first); the portal computes a level only when nothing was published, and only on the scale
in force that year (``Framework.level_rule``), marked as computed (docs/DOMAIN.md).

Every computed figure is rounded to two decimals (half up) before it is used above it,
as the NACC's own tables are. A published figure is always the one used above it; where
both exist and differ, that is a discrepancy. Nothing here writes to the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

TWO_PLACES = Decimal("0.01")
WHOLE = 0


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The rounded mean, or None when any value is missing (or there are none)."""
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return q2(sum(values) / len(values))


GRADE_SCALE, PASS_SCALE = "grade", "pass"  # the two scales, as open data names them


@dataclass(frozen=True)
class Figure:
    published: Decimal | None = None
    computed: Decimal | None = None

    @property
    def value(self) -> Decimal | None:
        return self.published if self.published is not None else self.computed

    @property
    def is_computed(self) -> bool:
        return self.published is None and self.computed is not None

    @property
    def differs(self) -> bool:
        return self.published is not None and self.computed is not None and q2(self.published) != self.computed


@dataclass(frozen=True)
class Discrepancy:
    scope: str  # overall | level | tool | group | indicator
    key: str  # "IIT", "EIT/1", "4", "9.3", …
    label: str  # for people, in the active language (Thai by default)
    published: object
    other: object  # the computed figure, or a second published one
    kind: str = "computed"  # computed | conflicting


@dataclass
class PublishedScores:
    """Published figures of one assessment, keyed as the engine looks them up."""

    overall: Decimal | None = None
    grade: str = ""  # the letter grade as published
    pass_label: str = ""  # the pass label as published
    tools: dict[tuple[str, int], Decimal] = field(default_factory=dict)  # (code, part)
    groups: dict[tuple[str, int], Decimal] = field(default_factory=dict)  # (group code, part)
    indicators: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (number, part)
    indicator_alts: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    items: dict[tuple[str, int], Decimal] = field(default_factory=dict)  # (item code, part)


@dataclass
class Result:
    overall: Figure
    level: str | None  # what a page leads with: the first published label, else computed; None when unknown
    level_computed: str | None  # on the year's own scale, whatever was published (for comparisons)
    level_is_computed: bool  # ``level`` is the portal's: nothing was published
    grade: str  # as published ("" when not)
    grade_computed: str | None  # on the letter scale, to compare with a published grade only
    pass_label: str  # as published ("" when not)
    pass_computed: str | None  # on the pass scale, to compare with a published label only
    tools: dict[tuple[str, int], Figure]
    groups: dict[tuple[str, int], Figure]
    indicators: dict[tuple[int, int], Figure]
    items: dict[tuple[str, int], Decimal]
    discrepancies: list[Discrepancy]
    levels_published: list[str] = field(default_factory=list)  # every published label, the year's scale first
    scale: str = PASS_SCALE  # the scale in force that year: GRADE_SCALE or PASS_SCALE

    def indicator(self, number: int, part: int = WHOLE) -> Figure:
        return self.indicators.get((number, part), Figure())

    def tool(self, code: str, part: int = WHOLE) -> Figure:
        return self.tools.get((code, part), Figure())

    def group(self, code: str, part: int = WHOLE) -> Figure:
        return self.groups.get((code, part), Figure())

    @property
    def level_text(self) -> str:
        """Every published label ("ผ่าน · AA"), else the computed one; "" when unknown."""
        return " · ".join(self.levels_published) or self.level or ""

    @property
    def tool_totals(self) -> dict[str, Figure]:
        """Whole-tool figures by code, for templates."""
        return {code: figure for (code, part), figure in self.tools.items() if part == WHOLE}

    def discrepancy_keys(self) -> set[tuple[str, str]]:
        return {(d.scope, d.key) for d in self.discrepancies}


GRADE_RULE = [{"label": g, "min_total": m} for g, m in
              (("AA", "95"), ("A", "85"), ("B", "75"), ("C", "65"), ("D", "55"), ("E", "50"), ("F", "0"))]
PASS_RULE = [
    {"label": "ผ่านดีเยี่ยม", "min_total": "95", "min_each_tool": "95"},
    {"label": "ผ่านดี", "min_total": "85", "min_each_tool": "85"},
    {"label": "ผ่าน", "min_total": "85"},
    {"label": "ต้องปรับปรุง", "min_total": "70"},
    {"label": "ต้องปรับปรุงโดยด่วน", "min_total": "0"},
]
PASSING = {"ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน"}
# Spellings seen in sources, written without spaces, for the labels of both scales.
PASS_SPELLINGS = {
    "ผ่านดีเยี่ยม": "ผ่านดีเยี่ยม", "ผ่านระดับดีเยี่ยม": "ผ่านดีเยี่ยม", "ดีเยี่ยม": "ผ่านดีเยี่ยม",
    "ผ่านดี": "ผ่านดี", "ผ่านระดับดี": "ผ่านดี", "ผ่าน": "ผ่าน", "ไม่ผ่าน": "ไม่ผ่าน", "ไม่ผ่านเกณฑ์": "ไม่ผ่าน",
    "ผ่านเกณฑ์": "ผ่าน", "ต้องปรับปรุง": "ต้องปรับปรุง", "ควรปรับปรุง": "ต้องปรับปรุง",
    "ต้องปรับปรุงโดยด่วน": "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุงเร่งด่วน": "ต้องปรับปรุงโดยด่วน",
    "ต้องปรับปรุงอย่างเร่งด่วน": "ต้องปรับปรุงโดยด่วน",
}
GRADE_LETTERS = {g for g in ("AA", "A", "B", "C", "D", "E", "F")}


def parse_level(text: str) -> tuple[str, str] | None:
    """(letter grade, pass label) as a source prints them — "AA", "ระดับ A", "ผ่านดี",
    "(ผ่าน) ระดับ AA", "ผ่าน ระดับดีเยี่ยม" — either may be ""; None when it is neither."""
    text = "".join(str(text).replace("\u0e4d\u0e32", "\u0e33").split())
    for noise in ("ระดับผลการประเมิน", "ผลการประเมิน", "(", ")", "[", "]", ":", "“", "”", '"'):
        text = text.replace(noise, "")
    grade = pass_label = ""
    latin = "".join(ch for ch in text if ch.isascii() and ch.isalpha()).upper()
    if latin:
        if latin not in GRADE_LETTERS:
            return None
        grade = latin
        text = "".join(ch for ch in text if not (ch.isascii() and ch.isalpha()))
    text = text.removeprefix("ระดับ").removesuffix("ระดับ")
    if text:
        pass_label = PASS_SPELLINGS.get(text) or PASS_SPELLINGS.get(text.replace("ระดับ", ""), "")
        if not pass_label:
            return None
    return (grade, pass_label) if grade or pass_label else None


def scale_of(level_rule) -> str:
    """The scale a year's rule is on: letter grades (to FY 2565) or pass labels (from FY 2566)."""
    return GRADE_SCALE if level_rule and level_rule[0]["label"] in GRADE_LETTERS else PASS_SCALE


def published_levels(level_rule, grade: str, pass_label: str) -> list[str]:
    """The labels a body published, the year's own scale first: [], ["B"], ["ผ่าน", "AA"]."""
    labels = [grade, pass_label] if scale_of(level_rule) == GRADE_SCALE else [pass_label, grade]
    return [label for label in labels if label]


def pass_agrees(published: str, computed: str) -> bool:
    """ผ่าน and ไม่ผ่าน are also printed as a bare pass flag (at 85): they agree with any
    computed label on the same side; the other labels must be the computed one."""
    if published == "ผ่าน":
        return computed in PASSING
    if published == "ไม่ผ่าน":
        return computed not in PASSING
    return published == computed


def level_for(rule: list[dict], total: Decimal | None, tool_values: list[Decimal | None]) -> str | None:
    """The first band of ``rule`` (best first) whose minimums are met; None if unknown."""
    if total is None:
        return None
    total = q2(total)
    for band in rule:
        if total < Decimal(str(band["min_total"])):
            continue
        min_each = band.get("min_each_tool")
        if min_each is None:
            return band["label"]
        if any(v is None for v in tool_values) or not tool_values:
            return None  # the band depends on tool scores we do not have
        if all(q2(v) >= Decimal(str(min_each)) for v in tool_values):
            return band["label"]
    return None


class _Engine:
    def __init__(self, framework, published: PublishedScores):
        self.fw = framework
        self.pub = published
        self.tools: dict[tuple[str, int], Figure] = {}
        self.groups: dict[tuple[str, int], Figure] = {}
        self.indicators: dict[tuple[int, int], Figure] = {}
        self.discrepancies: list[Discrepancy] = []

    def _record(self, store, key, published, computed, scope, dkey, label) -> Figure:
        figure = Figure(published=published, computed=computed)
        store[key] = figure
        if figure.differs:
            self.discrepancies.append(Discrepancy(scope, dkey, label, published, computed))
        return figure

    def _item_values(self, items, part):
        return [self.pub.items.get((item.code, part)) for item in items]

    def _indicator(self, indicator, part: int) -> Figure:
        """One part of an indicator (or the whole, part 0) from its groups or items."""
        groups = list(indicator.groups.all())
        items = list(indicator.items.all())
        if groups:
            group_values = []
            for group in groups:
                group_items = [i for i in items if i.group_id == group.pk]
                figure = self._record(
                    self.groups, (group.code, part), self.pub.groups.get((group.code, part)),
                    mean(self._item_values(group_items, part)) if group_items else None,
                    "group", _key(group.code, part), _label(group.name, part),
                )
                group_values.append(figure.value)
            computed = mean(group_values)
        else:
            computed = mean(self._item_values(items, part)) if items else None
        return self._record(
            self.indicators, (indicator.number, part), self.pub.indicators.get((indicator.number, part)),
            computed, "indicator", _key(str(indicator.number), part),
            _label(_indicator_label(indicator.number, indicator.name), part),
        )

    def run(self) -> Result:
        tool_wholes = []
        weighted = []
        for tool in self.fw.tools.all():
            indicators = [i for i in self.fw.indicators.all() if i.tool_id == tool.pk]
            parts = tool.parts
            for indicator in indicators:
                if parts:
                    part_values = [self._indicator(indicator, p).value for p in parts]
                    self._record(
                        self.indicators, (indicator.number, WHOLE),
                        self.pub.indicators.get((indicator.number, WHOLE)), mean(part_values),
                        "indicator", str(indicator.number), _indicator_label(indicator.number, indicator.name),
                    )
                else:
                    self._indicator(indicator, WHOLE)
            part_figures = []
            for p in parts:
                part_figures.append(self._record(
                    self.tools, (tool.code, p), self.pub.tools.get((tool.code, p)),
                    mean(self.indicators[(i.number, p)].value for i in indicators) if indicators else None,
                    "tool", _key(tool.code, p), _label(tool.code, p),
                ))
            from_parts = mean(f.value for f in part_figures) if part_figures else None
            from_indicators = mean(self.indicators[(i.number, WHOLE)].value for i in indicators) if indicators else None
            whole = self._record(
                self.tools, (tool.code, WHOLE), self.pub.tools.get((tool.code, WHOLE)),
                from_parts if from_parts is not None else from_indicators,
                "tool", tool.code, tool.code,
            )
            tool_wholes.append(whole.value)
            weighted.append((tool.weight, whole.value))

        total_weight = sum(w for w, _value in weighted)
        computed_overall = None
        if weighted and total_weight and all(v is not None for _weight, v in weighted):
            computed_overall = q2(sum(w * v for w, v in weighted) / total_weight)
        overall = self._record({}, None, self.pub.overall, computed_overall, "overall", "overall", _("คะแนนรวม"))

        level_computed = level_for(self.fw.level_rule, overall.value, tool_wholes)
        grade_computed = level_for(GRADE_RULE, overall.value, tool_wholes)
        pass_computed = level_for(PASS_RULE, overall.value, tool_wholes)
        if self.pub.grade and grade_computed and self.pub.grade != grade_computed:
            self.discrepancies.append(
                Discrepancy("level", "grade", _("ระดับตัวอักษร"), self.pub.grade, grade_computed))
        if self.pub.pass_label and pass_computed and not pass_agrees(self.pub.pass_label, pass_computed):
            self.discrepancies.append(
                Discrepancy("level", "pass", _("ผลการประเมิน"), self.pub.pass_label, pass_computed))
        labels = published_levels(self.fw.level_rule, self.pub.grade, self.pub.pass_label)
        for (number, part), alt in sorted(self.pub.indicator_alts.items()):
            published = self.pub.indicators.get((number, part))
            if published is not None and q2(alt) != q2(published):
                indicator = next(i for i in self.fw.indicators.all() if i.number == number)
                self.discrepancies.append(Discrepancy(
                    "indicator", _key(str(number), part),
                    _label(_indicator_label(number, indicator.name), part), published, alt, kind="conflicting",
                ))
        return Result(
            overall=overall,
            level=labels[0] if labels else level_computed,
            level_computed=level_computed,
            level_is_computed=not labels and level_computed is not None,
            grade=self.pub.grade, grade_computed=grade_computed,
            pass_label=self.pub.pass_label, pass_computed=pass_computed,
            levels_published=labels, scale=scale_of(self.fw.level_rule),
            tools=self.tools,
            groups=self.groups,
            indicators=self.indicators,
            items=dict(self.pub.items),
            discrepancies=self.discrepancies,
        )


def _key(base: str, part: int) -> str:
    return f"{base}/{part}" if part else base


def _label(base: str, part: int) -> str:
    return _("%(label)s (ส่วนที่ %(part)s)") % {"label": base, "part": part} if part else base


def _indicator_label(number: int, name: str) -> str:
    return _("ตัวชี้วัดที่ %(number)s %(name)s") % {"number": number, "name": name}


def evaluate(framework, published: PublishedScores) -> Result:
    """Compute every figure of one assessment.

    ``framework`` must have ``tools``, ``indicators``, ``indicators.groups`` and
    ``indicators.items`` prefetched (selectors.frameworks_with_catalogue) or the
    engine will query for each indicator.
    """
    return _Engine(framework, published).run()
