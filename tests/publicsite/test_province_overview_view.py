"""One province's overview /provinces/<code>/<fy>/: its bodies' published scores and which of the
four documents each published (public accountability), a fixed number of queries, cached."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Membership
from measures import services as measure_services
from tests.factories import APPROVER, EDITOR, build_plan, import_records, make_body, user

from .test_overview_view import cells, table

URL = "/provinces/NMA/2568/"  # นครราชสีมา: อบต.จอหอ and the bodies make_body creates


def scored(slug, overall, year=2568):
    body = make_body(slug)
    import_records([{"org": slug, "fiscal_year": str(year), "scope": "overall", "value": overall},
                    {"org": slug, "fiscal_year": str(year), "scope": "level", "value": "ผ่าน"}])
    return body


def publish(org, fiscal_year, *, until="publish"):
    Membership.objects.get_or_create(user=user(EDITOR), org=org, role="editor")
    Membership.objects.get_or_create(user=user(APPROVER), org=org, role="approver")
    plan = build_plan(org, fiscal_year)
    for action, actor in (("submit", EDITOR), ("approve", APPROVER), ("publish", APPROVER)):
        measure_services.document_transition(plan=plan, actor=user(actor), action=action)
        if action == until:
            break
    return plan


def row_of(html, name):
    found = re.search(rf"<tr>\s*<th scope=\"row\"[^>]*><a href=\"[^\"]+\">{re.escape(name)}</a>.*?</tr>",
                      table(html, "bodies-table"), re.S)
    assert found, name
    return found.group(0)


def test_it_lists_every_body_with_its_score_and_published_documents(client, db,
                                                                     django_capture_on_commit_callbacks):
    published = scored("ov-published", "88.50")
    approved = scored("ov-approved", "72.00")
    with django_capture_on_commit_callbacks(execute=True):
        publish(published, 2568)
        publish(approved, 2568, until="approve")  # approved, never published: not public
    html = client.get(URL).content.decode()
    assert "จังหวัดนครราชสีมา" in html and 'data-testid="bodies">3<' in html
    row = row_of(html, "องค์การบริหารส่วนตำบลov-published")
    assert 'href="/orgs/ov-published/2568/"' in row  # the body's year page
    assert cells(row)[1:] == ["เมืองนครราชสีมา", "88.50", "ผ่าน", "–ยังไม่เผยแพร่", "✓เผยแพร่แล้ว",
                              "–ยังไม่เผยแพร่", "–ยังไม่เผยแพร่", "1/28"]  # OIT: O25 answered by the published measures
    assert 'href="/orgs/ov-published/2568/measures.pdf"' in row
    assert "✓" not in row_of(html, "องค์การบริหารส่วนตำบลov-approved")
    # อบต.จอหอ published a 2566 report: nothing of 2568, no 2568 score, so its body page is linked
    assert 'href="/orgs/abt-cho-ho/"' in row_of(html, "องค์การบริหารส่วนตำบลจอหอ")
    documents = cells(table(html, "documents-table"))
    assert documents[6:9] == ["มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "1", "33.33"]
    assert 'data-testid="average">80.25<' in html  # (88.50 + 72.00) / 2
    assert 'href="/overview/2568/"' in html  # back to the national overview


def test_the_figures_are_the_provinces_only(client, db):
    scored("ov-here", "90.00")
    html = client.get("/provinces/ATG/2568/").content.decode()  # อ่างทอง: เทศบาลเมืองอ่างทอง alone
    assert 'data-testid="bodies">1<' in html and 'data-testid="average">95.08<' in html
    assert "ov-here" not in html


def test_the_body_year_page_links_its_province_overview(client, db):
    html = client.get("/orgs/abt-dong-khwang/2568/").content.decode()
    assert 'href="/provinces/NPM/2568/"' in html


@pytest.mark.parametrize("url, message", [
    ("/provinces/XYZ/2568/", "ไม่พบจังหวัดรหัส “XYZ”"),
    ("/provinces/nma/2568/", "ไม่พบจังหวัดรหัส “nma”"),  # the code as stored
    ("/provinces/NMA/2570/", "ยังไม่มีกรอบการประเมิน ITA ของปีงบประมาณนี้"),
    ("/provinces/NMA/2599/", ""),
])
def test_an_unknown_province_or_year_is_a_thai_404(client, db, url, message):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 404 and "ไม่พบหน้าที่ต้องการ" in html
    assert message in html


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_the_bodies(client, db, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_CACHE_SECONDS = 0
    scored("ov-first", "90.00")
    before = count_queries(client, URL)
    for n in range(5):
        scored(f"ov-more-{n}", f"{80 + n}.00")
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_body("ov-docs"), 2568)
    html = client.get(URL).content.decode()
    assert 'data-testid="bodies">8<' in html
    assert count_queries(client, URL) == before <= 12  # 10, and 2 for the OIT coverage column (issue 25)


def test_a_change_in_the_province_rebuilds_the_cached_page(client, db, settings,
                                                           django_capture_on_commit_callbacks):
    settings.PUBLIC_CACHE_SECONDS = 300
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL)["X-Public-Cache"] == "hit"
    assert len(ctx.captured_queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        scored("ov-new", "91.00")
    response = client.get(URL)
    assert response["X-Public-Cache"] == "miss" and "ov-new" in response.content.decode()
