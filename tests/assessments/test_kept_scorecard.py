"""A body's result, evaluated once per state of its assessment (assessments/selectors.py
``kept_scorecard``: kept by the assessment, its ``updated_at`` and the frameworks' token). Every
path that writes a figure gives the assessment a new ``updated_at``, so the next evaluation shows
the new figure: the services, the score import, and the admin."""

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment, GroupScore, IndicatorScore, ItemScore
from assessments.selectors import kept_scorecard
from tests.admin_forms import change_form_data, inline_field
from tests.factories import ADMIN, ANGTHONG, import_records, login

YEAR = 2568  # ANGTHONG's assessment in the demo: tools, indicators (1 and 2 with a second figure), groups, items


def assessment(org):
    """The assessment as a request reads it: from the database, its framework with it."""
    return Assessment.objects.select_related("framework").get(org=org, framework__fiscal_year=YEAR)


def evaluated(org):
    return kept_scorecard(assessment(org)).result


def figure(result, scope, code, part=0):
    if scope == "tool":
        return result.tools[(code, part)].published
    if scope == "indicator":
        return result.indicators[(int(code), part)].published
    if scope == "group":
        return result.groups[(code, part)].published
    return result.items.get((code, part))


def conflicts(result) -> dict[str, Decimal]:
    """{indicator: its second published figure} where the two figures of an indicator differ."""
    return {d.key: d.other for d in result.discrepancies if d.kind == "conflicting"}


@pytest.fixture
def kept(angthong):
    """ANGTHONG's result, evaluated once (so it is kept)."""
    return evaluated(angthong)


def test_it_evaluates_an_unchanged_assessment_once_and_then_runs_no_query(angthong, django_assert_num_queries):
    first = kept_scorecard(assessment(angthong))  # the frameworks' catalogue and token are read here
    again = assessment(angthong)  # the next request's own row, as it stands
    with django_assert_num_queries(0):
        card = kept_scorecard(again)
    assert card.result is first.result and card.assessment is again


@pytest.mark.parametrize("scope, code", [("indicator", "8"), ("tool", "IIT"), ("item", "i1")])
def test_it_shows_a_figure_typed_on_the_staff_page(angthong, kept, scope, code):
    assert figure(kept, scope, code) != Decimal("12.34")
    services.score_set(org=angthong, fiscal_year=YEAR, scope=scope, code=code, value="12.34")
    assert figure(evaluated(angthong), scope, code) == Decimal("12.34")


def test_it_shows_a_group_figure_typed_on_the_staff_page(angthong, kept):
    code = GroupScore.objects.filter(assessment=assessment(angthong)).order_by("pk").first().group.code
    services.score_set(org=angthong, fiscal_year=YEAR, scope="group", code=code, value="12.34")
    assert figure(evaluated(angthong), "group", code) == Decimal("12.34")


def test_it_shows_an_indicators_second_figure_typed_on_the_staff_page(angthong, kept):
    assert "3" not in conflicts(kept)
    services.score_set(org=angthong, fiscal_year=YEAR, scope="indicator_alt", code="3", value="11.11")
    assert conflicts(evaluated(angthong))["3"] == Decimal("11.11")


@pytest.mark.parametrize("scope, code", [("indicator", "3"), ("item", "i1")])
def test_it_shows_a_figure_removed_on_the_staff_page(angthong, kept, scope, code):
    assert figure(kept, scope, code) is not None
    services.score_remove(org=angthong, fiscal_year=YEAR, scope=scope, code=code)
    assert figure(evaluated(angthong), scope, code) is None


def test_it_shows_an_indicators_second_figure_removed(angthong, kept):
    assert conflicts(kept)["1"] == Decimal("97.63")
    services.score_remove(org=angthong, fiscal_year=YEAR, scope="indicator_alt", code="1")
    assert "1" not in conflicts(evaluated(angthong))


def test_it_shows_figures_imported_from_a_file_without_a_header_row(angthong, kept):
    imported = import_records([
        {"org": ANGTHONG, "fiscal_year": str(YEAR), "scope": "indicator", "code": "8", "value": "12.34"},
        {"org": ANGTHONG, "fiscal_year": str(YEAR), "scope": "item", "code": "i1", "value": "56.78"},
    ])
    assert imported.changed == 2
    result = evaluated(angthong)
    assert figure(result, "indicator", "8") == Decimal("12.34") and figure(result, "item", "i1") == Decimal("56.78")


def test_it_shows_an_indicators_second_figure_imported_from_a_file(angthong, kept):
    import_records([{"org": ANGTHONG, "fiscal_year": str(YEAR), "scope": "indicator_alt", "code": "3",
                     "value": "11.11"}])
    assert conflicts(evaluated(angthong))["3"] == Decimal("11.11")


# ---------------------------------------------------------------- the admin


@pytest.fixture
def admin_client(client, db):
    login(client, ADMIN)
    return client


def admin_url(row, action="change"):
    return f"/admin/assessments/{row._meta.model_name}/{row.pk}/{action}/"


@pytest.mark.parametrize("model", [GroupScore, ItemScore])
def test_a_figure_saved_in_the_admin_gives_its_assessment_a_new_time_and_shows(admin_client, angthong, kept, model):
    before = assessment(angthong)
    row = model.objects.filter(assessment=before).order_by("pk").first()
    page = admin_client.get(admin_url(row))
    response = admin_client.post(admin_url(row), {**change_form_data(page), "score": "12.34"})
    assert response.status_code == 302
    after = assessment(angthong)
    assert after.updated_at > before.updated_at
    target = row.group.code if model is GroupScore else row.item.code
    assert figure(kept_scorecard(after).result, "group" if model is GroupScore else "item", target) == Decimal("12.34")


@pytest.mark.parametrize("model", [GroupScore, ItemScore])
def test_a_figure_deleted_in_the_admin_gives_its_assessment_a_new_time_and_goes(admin_client, angthong, kept, model):
    before = assessment(angthong)
    row = model.objects.filter(assessment=before, part=0).order_by("pk").first()
    response = admin_client.post(admin_url(row, "delete"), {"post": "yes"})
    assert response.status_code == 302 and not model.objects.filter(pk=row.pk).exists()
    after = assessment(angthong)
    assert after.updated_at > before.updated_at
    result = kept_scorecard(after).result
    if model is GroupScore:
        assert result.groups[(row.group.code, 0)].published is None
    else:
        assert (row.item.code, 0) not in result.items


@pytest.mark.parametrize("model", [GroupScore, ItemScore])
def test_figures_deleted_from_the_admin_list_give_their_assessment_a_new_time_and_go(admin_client, angthong, kept,
                                                                                     model):
    before = assessment(angthong)
    rows = list(model.objects.filter(assessment=before).order_by("pk")[:2])
    response = admin_client.post(f"/admin/assessments/{model._meta.model_name}/", {
        "action": "delete_selected", "_selected_action": [row.pk for row in rows], "post": "yes"})
    assert response.status_code == 302 and not model.objects.filter(pk__in=[row.pk for row in rows]).exists()
    after = assessment(angthong)
    assert after.updated_at > before.updated_at
    result = kept_scorecard(after).result
    for row in rows:
        if model is GroupScore:
            assert result.groups[(row.group.code, row.part)].published is None
        else:
            assert (row.item.code, row.part) not in result.items


def test_a_figure_changed_on_the_assessments_own_admin_page_shows(admin_client, angthong, kept):
    """The tool and indicator rows are inlines of the assessment's page, which saves the assessment."""
    before = assessment(angthong)
    row = IndicatorScore.objects.get(assessment=before, indicator__number=8, part=0)
    page = admin_client.get(admin_url(before))
    response = admin_client.post(admin_url(before), {
        **change_form_data(page), inline_field(page, IndicatorScore, row.pk, "score"): "12.34"})
    assert response.status_code == 302
    after = assessment(angthong)
    assert after.updated_at > before.updated_at
    assert figure(kept_scorecard(after).result, "indicator", "8") == Decimal("12.34")
