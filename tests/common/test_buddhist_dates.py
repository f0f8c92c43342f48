"""Dates are typed and shown in the Buddhist era (issue 22 point 2): 30/09/2569 is 30 September 2026,
a Christian year is refused with a Thai message, a measure's period lies within its plan's fiscal
year (or the next, when the measure says so), and dates stored in the wrong era are repaired."""

import datetime
import importlib

import pytest
from django.apps import apps

from assessments.models import Organization
from common import thai
from common.errors import Refusal
from measures import services
from measures.models import Measure, ProgressRound
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, login, user

repair = importlib.import_module("measures.migrations.0011_repair_buddhist_years").repair


@pytest.fixture
def plan2570(db):
    return build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=1)


def post_measure(client, plan, **dates):
    return client.post(f"/app/orgs/{ANGTHONG}/{plan.fiscal_year}/measures/new/", {
        "title": "มาตรการวันที่", "steps": "ขั้นหนึ่ง", **dates})


@pytest.mark.parametrize("typed", ["30/09/2570", "๓๐/๙/๒๕๗๐", "30 ก.ย. 2570", "30 กันยายน 2570", "30/9/70"])
def test_a_date_typed_in_the_buddhist_era_is_stored_as_that_day(client, plan2570, typed):
    login(client, EDITOR)
    response = post_measure(client, plan2570, period_start="01/10/2569", period_end=typed)
    assert response.status_code == 302
    measure = Measure.objects.get(plan=plan2570, title="มาตรการวันที่")
    assert measure.period_end == datetime.date(2027, 9, 30) and measure.period_start == datetime.date(2026, 10, 1)
    form = client.get(f"/app/orgs/{ANGTHONG}/2570/measures/{measure.pk}/").content.decode()
    assert 'value="30/09/2570"' in form and 'type="date"' not in form


def test_a_christian_year_is_refused_under_the_field_and_nothing_is_stored(client, plan2570):
    login(client, EDITOR)
    response = post_measure(client, plan2570, period_end="30/09/2027")
    assert response.status_code == 400
    assert "ปี 2027 ไม่ใช่ปี พ.ศ." in response.content.decode()
    assert not Measure.objects.filter(title="มาตรการวันที่").exists()


def test_a_period_outside_the_plans_fiscal_year_is_refused_unless_the_measure_goes_on(client, plan2570):
    login(client, EDITOR)
    response = post_measure(client, plan2570, period_start="01/10/2570", period_end="31/03/2571")
    assert response.status_code == 400
    assert "ช่วงระยะเวลาต้องอยู่ในปีงบประมาณ 2570" in response.content.decode()
    response = post_measure(client, plan2570, period_start="01/10/2570", period_end="31/03/2571",
                            spans_next_year="on")
    assert response.status_code == 302
    with pytest.raises(Refusal, match="ช่วงระยะเวลาต้องอยู่ในปีงบประมาณ"):
        services.measure_save(plan=plan2570, actor=user(EDITOR), data={
            "title": "ผ่านบริการ", "period_end": datetime.date(2569, 9, 30)})


def test_a_due_date_is_typed_in_the_buddhist_era(client, plan2570):
    login(client, APPROVER)
    round6 = plan2570.rounds.get(months=6)
    response = client.post(f"/app/orgs/{ANGTHONG}/2570/rounds/6/due/",
                           {"due_date": "15/05/2570", "version": round6.version, "reason": "ขยายเวลา"})
    assert response.status_code == 302
    assert ProgressRound.objects.get(pk=round6.pk).due_date == datetime.date(2027, 5, 15)


def test_the_repair_moves_buddhist_years_stored_as_christian_back_and_reports_it(plan2570, capsys):
    measure = plan2570.measures.get()
    round6 = plan2570.rounds.get(months=6)
    Measure.objects.filter(pk=measure.pk).update(period_start=datetime.date(2569, 10, 1),
                                                 period_end=datetime.date(9999, 12, 31))
    ProgressRound.objects.filter(pk=round6.pk).update(due_date=datetime.date(2570, 4, 30))
    repair(apps, None)
    measure.refresh_from_db()
    round6.refresh_from_db()
    assert measure.period_start == datetime.date(2026, 10, 1) and measure.period_end is None
    assert round6.due_date == datetime.date(2027, 4, 30)
    out = capsys.readouterr().out
    assert f"measure {measure.pk} period_start: 2569-10-01 -> 2026-10-01" in out
    assert f"round {round6.pk} due_date: 2570-04-30 -> 2027-04-30" in out
    repair(apps, None)
    assert capsys.readouterr().out == ""  # nothing left to repair


def test_the_thai_date_reader_names_what_is_wrong():
    assert thai.parse_thai_date("30/09/2569") == datetime.date(2026, 9, 30)
    assert thai.parse_thai_date("2026-09-30") == datetime.date(2026, 9, 30)
    with pytest.raises(thai.DateNotRead, match="ไม่มีวันที่"):
        thai.parse_thai_date("31/02/2569")
    with pytest.raises(thai.DateNotRead, match="อ่านวันที่"):
        thai.parse_thai_date("เดือนหน้า")
