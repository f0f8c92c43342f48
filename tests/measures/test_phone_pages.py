"""A phone is a first-class screen (issue 22, point 7): the plan page leads with the rounds and folds
the rest, delete is away from edit and asks, the staff home opens the year with work due, long forms
summarise their errors at the top. (How the pages look at 390 px: tests/ita_portal/test_browser_phone.py.)"""

import datetime
import re

import pytest
from django.utils import timezone

from assessments.models import Organization
from measures.models import MeasurePlan
from tests.factories import ANGTHONG, EDITOR, login

PLAN = f"/app/orgs/{ANGTHONG}/2569"


@pytest.fixture
def org(db):
    return Organization.objects.get(slug=ANGTHONG)


def test_the_plan_page_puts_the_rounds_before_the_measures_and_folds_each_measure(client, org):
    login(client, EDITOR)
    html = client.get(f"{PLAN}/plan/").content.decode()
    main = html.split("<main", 1)[1]
    first = MeasurePlan.objects.get(org=org, fiscal_year=2569).measures.order_by("order", "pk").first()
    assert main.index(f"{PLAN}/rounds/6/") < main.index(f'id="measure-{first.pk}"')
    assert main.index(f"{PLAN}/rounds/12/") < main.index(f'id="measure-{first.pk}"')
    # A card: the title and a status line show, the details open on a tap.
    card = re.search(rf'<details class="card measure-card[^"]*" id="measure-{first.pk}">(.*?)</details>', main, re.S)
    assert card, "each measure is a folded card"
    summary = card.group(1).split("</summary>")[0]
    assert first.title in summary and "ตัวชี้วัดที่ 1" in summary and "5 ขั้นตอน" in summary
    # The documents and tools are folded into one place, before the first measure.
    tools = main.split('data-testid="plan-tools"')[1].split("</details>")[0]
    for link in ("/plan/analysis/", "/reports/measures.pdf", "/reports/measures.docx", "/reports/settings/",
                 "/plan/duplicate/"):
        assert link in tools, link
    # The decision comes after the content it is about; the top says where it is.
    assert main.index(f'id="measure-{first.pk}"') < main.index('name="action" value="submit"')
    assert 'href="#review"' in main.split(f'id="measure-{first.pk}"')[0]


def test_delete_is_not_next_to_edit_but_at_the_end_of_the_measures_own_page_and_asks(client, org):
    login(client, EDITOR)
    measure = MeasurePlan.objects.get(org=org, fiscal_year=2569).measures.order_by("order", "pk").first()
    assert f"/measures/{measure.pk}/delete/" not in client.get(f"{PLAN}/plan/").content.decode()
    html = client.get(f"{PLAN}/measures/{measure.pk}/").content.decode()
    delete = re.search(rf'<a [^>]*href="{PLAN}/measures/{measure.pk}/delete/"[^>]*>', html)
    assert delete and "data-confirm=" in delete.group(0)
    assert html.index("</form>") < delete.start()  # after the form and its save button
    assert "/delete/" not in client.get(f"{PLAN}/measures/new/").content.decode()


def test_the_measure_forms_checkboxes_are_bootstrap_rows_with_a_label_to_tap(client, org):
    login(client, EDITOR)
    html = client.get(f"{PLAN}/measures/new/").content.decode()
    boxes = re.findall(r'<input type="checkbox" name="(?:indicators|responsible_units)"[^>]*>', html)
    assert boxes and all('class="form-check-input"' in box for box in boxes)
    assert '<div class="form-check"><input type="checkbox" name="indicators"' in html


def test_a_refused_measure_form_lists_its_errors_at_the_top(client, org):
    login(client, EDITOR)
    response = client.post(f"{PLAN}/measures/new/", {"title": " ", "period_start": "31/02/2569", "steps": "ก"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert "ยังบันทึกไม่ได้ กรุณาแก้ไขตามข้อความต่อไปนี้" in summary
    assert 'href="#id_title"' in summary and 'href="#id_period_start"' in summary
    assert html.index('data-testid="error-summary"') < html.index('id="id_title"')


def test_a_refused_analysis_form_lists_its_errors_at_the_top(client, org):
    login(client, EDITOR)
    plan = MeasurePlan.objects.get(org=org, fiscal_year=2569)
    response = client.post(f"{PLAN}/plan/analysis/", {"analysis_summary": "ก" * 10_001, "version": plan.version})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_analysis_summary"' in summary and "10000 ตัวอักษร" in summary
    assert "ก" * 10_001 in html  # the text stays


def test_the_staff_home_opens_the_year_with_work_due_not_an_empty_next_year(client, org, monkeypatch):
    # December 2026 is fiscal year 2570, of which the body has no plan; its 2569 rounds are still due.
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 12, 8))
    assert not MeasurePlan.objects.filter(org=org, fiscal_year=2570).exists()
    login(client, EDITOR)
    html = client.get("/app/").content.decode()
    mine = html.split("หน่วยงานของฉัน")[1]
    assert f'href="/app/orgs/{ANGTHONG}/2569/plan/">มาตรการปี 2569</a>' in mine
    assert "มาตรการปี 2570</a>" not in mine
    assert 'aria-current="page">2569</a>' in mine


def test_the_staff_home_opens_this_year_when_nothing_is_due(client, org, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 12, 8))
    MeasurePlan.objects.filter(org=org).delete()
    login(client, EDITOR)
    assert f'href="/app/orgs/{ANGTHONG}/2570/plan/">มาตรการปี 2570</a>' in client.get("/app/").content.decode()


def test_the_to_do_rows_read_as_links(client, org):
    login(client, EDITOR)
    html = client.get("/app/").content.decode()
    todo = html.split('class="list-group mb-4 todo-list"')[1].split("</div>")[0]
    assert todo.count('class="fw-bold link-primary"') >= 2 and "›" in todo


def test_sign_in_shows_in_the_header_of_a_phone_without_opening_the_menu(client, db):
    html = client.get("/").content.decode()
    header = html.split('<div class="collapse navbar-collapse"')[0]
    assert re.search(r'<a class="btn [^"]*d-md-none[^"]*" href="/accounts/login/">เข้าสู่ระบบ</a>', header)
    assert "d-md-none header-sign-in" not in client.get("/accounts/login/").content.decode()


def test_the_last_measures_form_leads_to_sending_the_report(client, org):
    login(client, EDITOR)
    last = MeasurePlan.objects.get(org=org, fiscal_year=2569).measures.order_by("order", "pk").last()
    html = client.get(f"{PLAN}/rounds/6/measures/{last.pk}/").content.decode()
    assert f'href="{PLAN}/rounds/6/#review" data-testid="to-review"' in html
    assert 'data-testid="next-measure"' not in html
