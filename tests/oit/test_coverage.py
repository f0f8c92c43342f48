"""Coverage for supervisors (issue 25 point 5): the dashboard and the province overview show each
body's answered items and broken links in a fixed number of queries; the reminder before the
OIT window goes once to the bodies with unanswered items."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from oit import selectors, services
from oit.models import ItemAnswer
from tests.factories import ANGTHONG, SUPERVISOR, login

from .helpers import angthong, publish, save_url


def test_the_coverage_counts_published_items_and_broken_links(db):
    save_url("o1", "https://www.angthong.go.th/a")
    save_url("o3", "https://www.angthong.go.th/b")
    publish(codes=["o1"])
    ItemAnswer.objects.filter(item__code="o3").update(link_state="broken")
    covered = selectors.coverage([angthong().pk], 2569)
    assert covered[angthong().pk] == {"answered": 1, "items": 26, "broken": 1}


def test_the_dashboard_shows_coverage_in_a_fixed_number_of_queries(client, db):
    login(client, SUPERVISOR)
    url = "/app/dashboard/?fy=2569"

    def count():
        from django.core.cache import cache

        cache.clear()  # the dashboard is kept per person: measure a page built afresh
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return len(queries), page

    client.get(url)
    few, page = count()
    assert 'data-testid="oit-coverage">0/26<' in page
    for code in ("o1", "o3", "o4", "o8"):
        save_url(code, f"https://www.angthong.go.th/{code}")
    publish()
    many, page = count()
    assert many == few and 'data-testid="oit-coverage">4/26<' in page


def test_the_province_overview_shows_coverage(client, db):
    from assessments.models import Organization

    province = Organization.objects.get(slug=ANGTHONG).province
    url = f"/provinces/{province.code}/2569/"
    login(client, SUPERVISOR)  # not served from the public cache
    response = client.get(url)
    if response.status_code == 404:  # no overview of a year without results here
        url = f"/provinces/{province.code}/2568/"
        response = client.get(url)
    assert response.status_code == 200

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count()
    save_url("o1", "https://www.angthong.go.th/a", year=2568)
    save_url("o2", "https://www.angthong.go.th/b", year=2568)
    publish(year=2568)
    assert count() == few
    if url.endswith("/2568/"):
        assert 'data-testid="oit-coverage">2/28<' in client.get(url).content.decode()


def test_the_window_reminder_goes_once_to_bodies_with_unanswered_items(db, settings):
    settings.OIT_WINDOW_OPENS, settings.OIT_WINDOW_REMIND_DAYS = "03-01", 14
    assert services.window_reminders_run(today=datetime.date(2026, 2, 1)) == 0  # too early
    reminded = services.window_reminders_run(today=datetime.date(2026, 2, 20))  # ITA 2569, 9 days before
    assert reminded >= 1
    assert services.window_reminders_run(today=datetime.date(2026, 2, 21)) == reminded
    told = Notification.objects.filter(kind="oit_window", org=angthong())
    assert told.count() == 1 and "26" in told.get().headline and told.get().due_date == datetime.date(2026, 3, 1)
    assert services.window_reminders_run(today=datetime.date(2026, 3, 1)) == 0  # the window is open
