"""The year picker's addresses (measures/templatetags/workflow.py ``plan_year_links``): one
``reverse`` and the year put in its place, the same address ``reverse`` gives for every year."""

import pytest
from django.urls import reverse

from assessments import fiscal_years
from assessments.models import Organization
from measures.templatetags.workflow import plan_year_items, plan_year_links
from tests.factories import ANGTHONG, EDITOR, login


@pytest.mark.parametrize("slug", [ANGTHONG, "2569"])  # a slug that is itself a year, too
def test_it_gives_each_year_the_address_reverse_gives(slug):
    org, years = Organization(slug=slug), [2569, 2567, 2570, 2568]
    assert plan_year_links(org, years) == [(year, reverse("plan-detail", args=[slug, year])) for year in years]


def test_it_gives_no_links_for_no_years():
    assert plan_year_links(Organization(slug=ANGTHONG), []) == []
    assert plan_year_links(Organization(slug=ANGTHONG), iter(())) == []


def test_the_plan_pages_picker_links_every_year_with_pages(client, db):
    login(client, EDITOR)
    html = client.get(f"/app/orgs/{ANGTHONG}/2569/plan/").content.decode()
    picker = html.split('class="year-picker"', 1)[1].split("</nav>", 1)[0]
    for year in fiscal_years.plan_years():
        assert f'href="{reverse("plan-detail", args=[ANGTHONG, year])}"' in picker


def test_it_marks_only_the_selected_year_as_the_current_page():
    html = str(plan_year_items(Organization(slug=ANGTHONG), [2570, 2569, 2568], 2569))
    assert html.count("<li ") == 3 and html.count(" active") == 1 and html.count('aria-current="page"') == 1
    assert f'<li class="page-item active"><a class="page-link" href="/app/orgs/{ANGTHONG}/2569/plan/" ' \
           f'aria-current="page">2569</a></li>' in html
