"""The score engine, pinned on the real figures of seeds 002 and 004."""

from decimal import Decimal as D

import pytest

from assessments import scoring, selectors
from assessments.models import Framework, Organization
from tests.factories import ANGTHONG, import_records


@pytest.fixture
def seed002(db):
    return selectors.org_scorecard(Organization.objects.get(slug=ANGTHONG), 2568).result


def test_it_reproduces_seed_002_tools_overall_and_level(seed002):
    assert seed002.tool("IIT").value == D("98.19")
    assert seed002.tool("EIT", 1).computed == D("93.20")
    assert seed002.tool("EIT", 2).computed == D("87.61")
    assert seed002.tool("OIT").value == D("96.25")
    assert seed002.overall.computed == D("95.08")
    assert seed002.overall.published == D("95.08")
    assert seed002.level_computed == "ผ่านดี"
    assert seed002.level == "ผ่านดี"


def test_it_computes_eit_indicators_part_by_part(seed002):
    assert seed002.indicator(6, 1).computed == D("95.45")
    assert seed002.indicator(6, 2).computed == D("90.30")
    assert seed002.indicator(6).computed == D("92.88")  # mean of 95.45 and 90.30, half up
    assert seed002.indicator(8, 2).computed == D("84.24")


def test_it_computes_oit_indicator_9_from_its_groups(seed002):
    assert seed002.group("9.3").computed == D("75.00")
    assert seed002.group("9.5").computed == D("87.50")
    assert seed002.indicator(9).computed == D("92.50")
    assert seed002.indicator(10).computed == D("100.00")


def test_it_reports_indicator_4_published_against_computed(seed002):
    found = [d for d in seed002.discrepancies if d.scope == "indicator" and d.key == "4"]
    assert len(found) == 1
    assert (found[0].published, found[0].other, found[0].kind) == (D("95.05"), D("94.19"), "computed")
    assert seed002.indicator(4).value == D("95.05")  # the published figure is what is used


def test_it_reports_indicator_1_where_the_seeds_two_tables_disagree(seed002):
    found = [d for d in seed002.discrepancies if d.key == "1"]
    assert [(d.published, d.other, d.kind) for d in found] == [(D("100.00"), D("97.63"), "conflicting")]


def test_it_reports_no_discrepancy_where_figures_agree(seed002):
    assert {d.key for d in seed002.discrepancies} == {"1", "2", "4"}


def test_seed_004_overall_80_gives_letter_grade_b(db):
    result = selectors.org_scorecard(Organization.objects.get(slug="thesaban-tambon-phok-noi"), 2563).result
    assert result.overall.published == D("80.00")
    assert result.level_computed == "B"
    assert result.level == "B"


def test_it_never_overwrites_a_published_figure(db):
    org = Organization.objects.get(slug=ANGTHONG)
    import_records([{"org": org.slug, "fiscal_year": "2568", "scope": "tool", "code": "IIT", "value": "50.00"}])
    result = selectors.org_scorecard(org, 2568).result
    assert result.tool("IIT").published == D("50.00")
    assert result.tool("IIT").computed == D("98.19")
    assert result.overall.published == D("95.08")
    assert ("tool", "IIT") in result.discrepancy_keys()


def test_it_leaves_a_figure_unknown_when_something_below_is_missing(db):
    framework = selectors.frameworks_with_catalogue([Framework.objects.get(fiscal_year=2568).pk]).popitem()[1]
    published = scoring.PublishedScores(indicators={(n, 0): D("90") for n in range(1, 10)})  # no indicator 10
    result = scoring.evaluate(framework, published)
    assert result.tool("IIT").computed == D("90.00")
    assert result.tool("OIT").computed is None
    assert result.overall.value is None
    assert result.level is None


RULE_2568 = [
    {"label": "ผ่านดีเยี่ยม", "min_total": "95.00", "min_each_tool": "95.00"},
    {"label": "ผ่านดี", "min_total": "85.00", "min_each_tool": "85.00"},
    {"label": "ผ่าน", "min_total": "85.00"},
    {"label": "ต้องปรับปรุง", "min_total": "70.00"},
    {"label": "ต้องปรับปรุงโดยด่วน", "min_total": "0.00"},
]


@pytest.mark.parametrize("total, tools, level", [
    (D("95.08"), [D("98.19"), D("90.41"), D("96.25")], "ผ่านดี"),
    (D("96"), [D("96"), D("95"), D("99")], "ผ่านดีเยี่ยม"),
    (D("94.64"), [D("99"), D("84.99"), D("99")], "ผ่าน"),  # one tool below 85 drops ผ่านดี
    (D("84.99"), [D("90"), D("90"), D("80")], "ต้องปรับปรุง"),
    (D("69.99"), [D("70"), D("70"), D("70")], "ต้องปรับปรุงโดยด่วน"),
    (D("90"), [None, D("90"), D("90")], None),  # cannot tell ผ่านดี from ผ่าน without every tool
])
def test_the_level_rule_is_data_applied_best_band_first(total, tools, level):
    assert scoring.level_for(RULE_2568, total, tools) == level


@pytest.mark.parametrize("total, grade", [(D("95"), "AA"), (D("94.99"), "A"), (D("80"), "B"), (D("49.99"), "F")])
def test_letter_grades_up_to_2565(db, total, grade):
    rule = Framework.objects.get(fiscal_year=2563).level_rule
    assert scoring.level_for(rule, total, []) == grade
