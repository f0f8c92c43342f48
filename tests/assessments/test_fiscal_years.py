"""The fiscal years with pages: every framework year and the year after it, kept in each process
and read again only after a framework changes (assessments/fiscal_years.py)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import resolve

from assessments import fiscal_years
from assessments.models import Framework
from tests.factories import ANGTHONG, EDITOR, login


@pytest.fixture(autouse=True)
def _in_fiscal_year_2569(monkeypatch):
    monkeypatch.setattr(fiscal_years, "_today", lambda: datetime.date(2025, 12, 1))


def test_it_knows_every_framework_year_and_the_year_after(db):
    recorded = set(Framework.objects.values_list("fiscal_year", flat=True))
    assert fiscal_years.framework_years() == recorded
    assert fiscal_years.plan_years() == recorded | {year + 1 for year in recorded}


def test_it_keeps_the_current_fiscal_year_before_its_framework_is_loaded(client, db, monkeypatch):
    monkeypatch.setattr(fiscal_years, "_today", lambda: datetime.date(2029, 10, 1))  # FY 2573
    assert 2573 in fiscal_years.plan_years() and 2572 not in fiscal_years.plan_years()
    login(client, EDITOR)
    assert client.get(f"/app/orgs/{ANGTHONG}/2573/plan/").status_code == 200  # a plan can be started


def test_it_resolves_a_year_without_a_query_in_the_steady_state(db, django_assert_num_queries):
    fiscal_years.plan_years()
    with django_assert_num_queries(0):
        assert resolve(f"/orgs/{ANGTHONG}/2568/").kwargs["fy"] == 2568
    cache.clear()  # an emptied or evicted cache is not a change of frameworks
    with django_assert_num_queries(0):
        assert resolve(f"/app/orgs/{ANGTHONG}/2570/plan/").kwargs["fy"] == 2570


def test_it_opens_a_plan_year_as_soon_as_its_framework_is_recorded(client, db):
    login(client, EDITOR)
    assert client.get(f"/app/orgs/{ANGTHONG}/2571/plan/").status_code == 404
    framework = Framework.objects.create(fiscal_year=2570, name="ITA 2570")
    assert client.get(f"/app/orgs/{ANGTHONG}/2571/plan/").status_code == 200
    framework.delete()
    assert client.get(f"/app/orgs/{ANGTHONG}/2571/plan/").status_code == 404


def test_it_reads_the_years_again_after_another_process_changed_a_framework(db):
    fiscal_years.plan_years()
    Framework.objects.bulk_create([Framework(fiscal_year=2575, name="ITA 2575")])  # no signal in this process
    assert 2576 not in fiscal_years.plan_years()
    cache.set(fiscal_years.TOKEN_KEY, "another process's change", None)
    assert 2576 in fiscal_years.plan_years()
    Framework.objects.filter(fiscal_year=2575).delete()
    assert 2576 not in fiscal_years.plan_years()


def test_the_process_that_changed_a_framework_reads_the_years_once_at_the_commit(
        db, django_capture_on_commit_callbacks, django_assert_num_queries):
    framework = Framework.objects.get(fiscal_year=2569)
    with django_capture_on_commit_callbacks(execute=True):
        framework.name = "ITA 2569 (แก้ไข)"
        framework.save()
    with django_assert_num_queries(0):
        assert 2570 in fiscal_years.plan_years()


def test_a_framework_change_rolled_back_does_not_linger_in_the_process(db):
    """What the process read inside the rolled-back transaction (the years, a framework's catalogue)
    is not kept: the token changes again at the next read (common/memo.py)."""
    from django.db import transaction

    from assessments.selectors import frameworks_with_catalogue

    framework = Framework.objects.get(fiscal_year=2569)
    with pytest.raises(RuntimeError), transaction.atomic():
        Framework.objects.create(fiscal_year=2575, name="ITA 2575")
        framework.name = "ITA 2569 (ไม่ได้บันทึก)"
        framework.save()
        assert 2576 in fiscal_years.plan_years()  # the transaction sees its own change
        assert frameworks_with_catalogue([framework.pk])[framework.pk].name == "ITA 2569 (ไม่ได้บันทึก)"
        raise RuntimeError
    assert 2576 not in fiscal_years.plan_years()
    assert frameworks_with_catalogue([framework.pk])[framework.pk].name != "ITA 2569 (ไม่ได้บันทึก)"
