"""The plan page keeps a plan's measures in the shared cache (measures/selectors.py
``kept_plan_measures``) under the plan's ``updated_at``, the frameworks' token and the admin
generation: every way the measures change shows on the editor's plan page at once, and a progress
save (deadline day's write) leaves them kept."""

import re

import pytest

from assessments.models import Organization, OrgUnit
from library import index as library
from library.models import LibraryEntry
from measures import selectors, services
from measures.models import Measure, MeasurePlan
from tests.admin_forms import change_form_data, inline_field
from tests.factories import ADMIN, ANGTHONG, EDITOR, login, user

YEAR = 2569  # ANGTHONG's draft plan in the demo, with its measures
PAGE = f"/app/orgs/{ANGTHONG}/%s/plan/"
LIBRARY_TITLE = "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง"  # อบต.ดงขวาง FY 2568, published in the demo


@pytest.fixture
def plan(angthong):
    return MeasurePlan.objects.get(org=angthong, fiscal_year=YEAR)


@pytest.fixture
def editor_client(client, db):
    login(client, EDITOR)
    return client


def page(client, year=YEAR) -> str:
    response = client.get(PAGE % year)
    assert response.status_code == 200
    return response.content.decode()


def titles(html) -> list[str]:
    """The measures' titles as the page numbers them, in order."""
    return re.findall(r'<span class="measure-title">\d+\. ([^<]*)</span>', html)


def card(html, measure) -> str:
    """One measure's card on the page."""
    return html.split(f'id="measure-{measure.pk}"', 1)[1].split("</details>", 1)[0]


def measures_of(plan):
    return list(plan.measures.order_by("order", "pk"))


def kept(org, year=YEAR):
    """The plan's measures as the plan page reads them: the plan loaded afresh, its measures kept."""
    plan = selectors.load_plan(org, year)
    return plan, selectors.kept_plan_measures(plan)


# ---------------------------------------------------------------- kept while the plan stays as it is


def test_it_reads_the_kept_measures_of_an_unchanged_plan_without_a_query(angthong, django_assert_num_queries):
    kept(angthong)  # kept (the frameworks' token is read too)
    plan = selectors.load_plan(angthong, YEAR)
    with django_assert_num_queries(0):
        measures = selectors.kept_plan_measures(plan)
        assert [m.title for m in measures] and [u.name for m in measures for u in m.responsible_units.all()]


def test_the_kept_measures_carry_the_requests_own_plan(angthong, django_assert_num_queries):
    plan, first = kept(angthong)
    assert first and all(m.plan is plan for m in first)
    again, measures = kept(angthong)
    with django_assert_num_queries(0):
        assert all(m.plan is again for m in measures)


def test_a_progress_save_leaves_the_plan_and_its_kept_measures_as_they_are(angthong, plan,
                                                                          django_assert_num_queries):
    kept(angthong)
    services.entry_save(progress_round=plan.rounds.get(months=6), measure=measures_of(plan)[0], actor=user(EDITOR),
                        data={"state": "in_progress", "percent": 10, "done_text": "เริ่มแล้ว"})
    after = selectors.load_plan(angthong, YEAR)
    assert after.updated_at == plan.updated_at
    with django_assert_num_queries(0):
        selectors.kept_plan_measures(after)  # still kept: a progress save is no change of the measures


# ---------------------------------------------------------------- the measure services


def test_it_shows_a_measures_new_title(editor_client, plan):
    measure = measures_of(plan)[0]
    assert "ชื่อมาตรการที่แก้ไขแล้ว" not in titles(page(editor_client))
    services.measure_save(plan=plan, actor=user(EDITOR), data={"title": "ชื่อมาตรการที่แก้ไขแล้ว"}, measure=measure,
                          expected_version=measure.version)
    assert titles(page(editor_client))[0] == "ชื่อมาตรการที่แก้ไขแล้ว"


def test_it_shows_a_measures_new_responsible_units(editor_client, plan):
    measure = measures_of(plan)[0]
    assert "งานทดสอบผู้รับผิดชอบใหม่" not in page(editor_client)
    services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, expected_version=measure.version,
                          data={"responsible_units": [], "new_units": ["งานทดสอบผู้รับผิดชอบใหม่"]})
    assert "งานทดสอบผู้รับผิดชอบใหม่" in card(page(editor_client), measure)


def test_it_shows_a_measures_new_indicators(editor_client, plan):
    measure = measures_of(plan)[0]
    indicator = selectors.plan_framework(plan).indicators.exclude(
        pk__in=measure.indicators.values("pk")).order_by("number").last()
    badge = f"ตัวชี้วัดที่ {indicator.number} {indicator.name}"
    assert badge not in card(page(editor_client), measure)
    services.measure_save(plan=plan, actor=user(EDITOR), data={"indicators": [indicator]}, measure=measure,
                          expected_version=measure.version)
    assert badge in card(page(editor_client), measure)


def test_it_no_longer_shows_a_deleted_measure(editor_client, plan):
    measure = measures_of(plan)[0]
    assert measure.title in titles(page(editor_client))
    services.measure_delete(measure=measure, actor=user(EDITOR))
    html = page(editor_client)
    assert f'id="measure-{measure.pk}"' not in html and len(titles(html)) == len(measures_of(plan))


def test_it_shows_the_measures_in_their_new_order(editor_client, plan):
    first, second = measures_of(plan)[:2]
    assert titles(page(editor_client))[:2] == [first.title, second.title]
    services.measure_move(measure=second, actor=user(EDITOR), direction="up")
    assert titles(page(editor_client))[:2] == [second.title, first.title]


def test_it_shows_a_measure_copied_from_the_library(editor_client, plan):
    entry = LibraryEntry.objects.get(title=LIBRARY_TITLE)
    assert LIBRARY_TITLE not in titles(page(editor_client))
    services.measure_copy_from_library(plan=plan, indicator=None, actor=user(EDITOR),
                                       source=library.copy_source(entry, "/x.pdf"))
    assert titles(page(editor_client))[-1] == LIBRARY_TITLE


def test_it_shows_the_measures_copied_from_last_years_plan(editor_client, angthong, plan):
    services.plan_create(org=angthong, fiscal_year=YEAR + 1, actor=user(EDITOR))
    assert titles(page(editor_client, YEAR + 1)) == []
    assert services.plan_duplicate_previous(plan=selectors.load_plan(angthong, YEAR + 1), actor=user(EDITOR))
    assert titles(page(editor_client, YEAR + 1)) == [m.title for m in measures_of(plan)]


def test_it_shows_an_indicators_new_name(editor_client, plan):
    """A framework change (an indicator renamed, in the admin or by the loader) moves the frameworks' token."""
    measure = next(m for m in measures_of(plan) if m.indicators.exists())
    indicator = measure.indicators.order_by("number").first()
    page(editor_client)
    indicator.name = "ชื่อตัวชี้วัดที่แก้ไขแล้ว"
    indicator.save()
    assert f"ตัวชี้วัดที่ {indicator.number} ชื่อตัวชี้วัดที่แก้ไขแล้ว" in card(page(editor_client), measure)


# ---------------------------------------------------------------- the admin (writes the models directly)


@pytest.fixture
def admin_client(db):
    from django.test import Client

    client = Client()
    login(client, ADMIN)
    return client


def test_it_shows_a_measure_changed_in_the_admin(editor_client, admin_client, plan, django_capture_on_commit_callbacks):
    measure = measures_of(plan)[0]
    assert titles(page(editor_client))[0] == measure.title
    url = f"/admin/measures/measure/{measure.pk}/change/"
    data = change_form_data(admin_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):  # the admin's LogEntry moves the admin generation
        response = admin_client.post(url, {**data, "title": "ชื่อที่ผู้ดูแลระบบแก้"})
    assert response.status_code == 302 and Measure.objects.get(pk=measure.pk).title == "ชื่อที่ผู้ดูแลระบบแก้"
    assert titles(page(editor_client))[0] == "ชื่อที่ผู้ดูแลระบบแก้"


def test_it_shows_a_unit_renamed_in_the_admin(editor_client, admin_client, angthong, plan,
                                              django_capture_on_commit_callbacks):
    measure = next(m for m in measures_of(plan) if m.responsible_units.exists())
    unit = measure.responsible_units.first()
    assert unit.name in card(page(editor_client), measure)
    url = f"/admin/assessments/organization/{angthong.pk}/change/"
    form = admin_client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {**change_form_data(form),
                                           inline_field(form, OrgUnit, unit.pk, "name"): "งานที่ผู้ดูแลระบบเปลี่ยนชื่อ"})
    assert response.status_code == 302 and OrgUnit.objects.get(pk=unit.pk).name == "งานที่ผู้ดูแลระบบเปลี่ยนชื่อ"
    assert Organization.objects.get(pk=angthong.pk).slug == ANGTHONG  # the body itself as it was
    shown = card(page(editor_client), measure)
    assert "งานที่ผู้ดูแลระบบเปลี่ยนชื่อ" in shown and unit.name not in shown
