"""The national overview /overview/<fy>/: published figures only, against the year before,
drawn as SVG with the same figures in tables, a fixed number of queries, cached."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Membership
from measures import services as measure_services
from tests.factories import APPROVER, EDITOR, build_plan, import_records, make_body, user


def scores(org, year, overall, indicator_1=None, level=None):
    records = [{"org": org.slug, "fiscal_year": str(year), "scope": "overall", "value": overall}]
    if indicator_1 is not None:
        records.append({"org": org.slug, "fiscal_year": str(year), "scope": "indicator", "code": "1",
                        "value": indicator_1})
    if level is not None:
        records.append({"org": org.slug, "fiscal_year": str(year), "scope": "level", "value": level})
    import_records(records)


@pytest.fixture
def bodies(db):
    """Three bodies beside the demo's: one rose since 2567, one fell, one is new in 2568. With the
    demo's เทศบาลเมืองอ่างทอง (95.08) four bodies have a published overall score in 2568."""
    rose, fell, new = (make_body(slug) for slug in ("ov-rose", "ov-fell", "ov-new"))
    scores(rose, 2567, "80.00", "80.01")
    scores(rose, 2568, "90.00", "90.00", level="ผ่าน")
    scores(fell, 2567, "75.00")
    scores(fell, 2568, "70.00", "70.00")
    scores(new, 2568, "84.99")
    return rose, fell, new


def page(client, url="/overview/2568/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def table(html, testid):
    found = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S)
    assert found, testid
    return found.group(0)


def cells(html):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>.*?</t[dh]>", html, re.S)]


def test_it_counts_the_published_overall_scores_and_their_bands(client, bodies):
    html = page(client)
    assert 'data-testid="bodies">8<' in html  # the five demo bodies and three more
    assert "มีคะแนนรวมที่ประกาศ 4 แห่ง" in html  # ดงขวาง's 2568 overall is the portal's own: not counted
    assert 'data-testid="average">85.02<' in html  # (95.08 + 90 + 70 + 84.99) / 4
    assert "ร้อยละ 50.00" in html and "2 จาก 4 แห่ง" in html
    bands = cells(table(html, "bands-table"))
    assert bands[4:] == ["95.00–100.00", "ผ่านดีเยี่ยม", "1", "25.00", "85.00–94.99", "ผ่านดี, ผ่าน", "1", "25.00",
                         "70.00–84.99", "ต้องปรับปรุง", "2", "50.00", "0.00–69.99", "ต้องปรับปรุงโดยด่วน", "0", "0.00"]
    assert cells(table(html, "levels-table"))[2:] == ["ผ่านดี", "1", "ผ่าน", "1"]


def test_it_compares_with_the_year_before(client, bodies):
    html = page(client)
    # the bodies with a published overall in both years only: 80 -> 90 and 75 -> 70
    assert "+2.50 คะแนน เทียบกับปีงบประมาณ พ.ศ. 2567 (เฉลี่ยของ 2 แห่งที่มีคะแนนรวมที่ประกาศทั้งสองปี)" in html
    assert "คะแนนเพิ่มขึ้น 1 แห่ง ลดลง 1 แห่ง จาก 2 แห่ง" in html
    indicators = cells(table(html, "indicators-table"))
    first = indicators[indicators.index("1. การปฏิบัติหน้าที่"):][:5]
    # 2568: อ่างทอง 100.00, ดงขวาง 92.89, 90.00, 70.00; 2567: ดงขวาง 99.11, 80.01
    assert first == ["1. การปฏิบัติหน้าที่", "88.22", "4", "89.56", "-1.34"]


def staff(org):
    """The demo editor and approver of ANGTHONG act for ``org`` too."""
    Membership.objects.create(user=user(EDITOR), org=org, role="editor")
    Membership.objects.create(user=user(APPROVER), org=org, role="approver")


def test_it_counts_only_published_documents(client, bodies, django_capture_on_commit_callbacks):
    rose = bodies[0]
    staff(rose)
    documents = cells(table(page(client), "documents-table"))
    assert documents[3:6] == ["รายงานการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส", "1", "12.50"]
    assert documents[6:9] == ["มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "2", "25.00"]
    plan = build_plan(rose, 2568)
    with django_capture_on_commit_callbacks(execute=True):
        for action, actor in (("submit", EDITOR), ("approve", APPROVER)):
            measure_services.document_transition(plan=plan, actor=user(actor), action=action)
    assert cells(table(page(client), "documents-table"))[6:9][1] == "2"  # approved is not published
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.document_transition(plan=plan, actor=user(APPROVER), action="publish")
    assert cells(table(page(client), "documents-table"))[6:9][1:] == ["3", "37.50"]


def test_the_charts_are_svg_images_with_a_text_alternative_and_the_same_figures(client, bodies):
    html = page(client)
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(charts) == 3
    for chart in charts:
        chart_id = re.search(r'aria-labelledby="([\w-]+)-title \1-desc"', chart).group(1)
        assert 'role="img"' in chart
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', chart)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', chart)
    bands = charts[0]
    assert "ช่วงคะแนน 70.00–84.99: 2 แห่ง" in bands and ">2 (50.00%)<" in bands  # as in the table
    assert "ตัวชี้วัดที่ 1: เฉลี่ย 88.22 คะแนน" in charts[1] and ">88.22<" in charts[1]
    assert "<caption>" in table(html, "bands-table") and 'scope="col"' in html and 'scope="row"' in html


def test_it_links_every_province_and_the_open_data(client, bodies):
    html = page(client)
    provinces = table(html, "provinces-table")
    assert provinces.count('href="/provinces/') == 77
    row = re.search(r'<tr>\s*<th scope="row"[^>]*><a href="/provinces/NMA/2568/">นครราชสีมา</a>.*?</tr>', provinces,
                    re.S).group(0)
    assert cells(row)[:5] == ["นครราชสีมา", "4", "3", "81.66", "33.33"]  # จอหอ and the three new bodies
    assert 'href="/data/2568.json"' in html and 'href="/data/2568.csv"' in html


def count_queries(client, url):
    client.get(url)  # what each process keeps (fiscal years, the provinces' codes) is loaded
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_its_query_count_does_not_grow_with_the_bodies(client, bodies, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    before = count_queries(client, "/overview/2568/")
    for n in range(6):
        body = make_body(f"ov-more-{n}", province="อ่างทอง" if n % 2 else "นครราชสีมา")
        scores(body, 2567, "81.00", "82.00")
        scores(body, 2568, f"{80 + n}.00", "88.00")
    assert count_queries(client, "/overview/2568/") == before <= 11


def test_it_is_served_from_the_cache_until_a_body_changes(client, bodies, settings,
                                                          django_capture_on_commit_callbacks):
    settings.PUBLIC_CACHE_SECONDS = 300
    assert client.get("/overview/2568/")["X-Public-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/overview/2568/")
    assert len(ctx.captured_queries) == 0 and response["X-Public-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        scores(make_body("ov-late", province="ภูเก็ต"), 2568, "99.00")
    html = page(client)
    assert "มีคะแนนรวมที่ประกาศ 5 แห่ง" in html


@pytest.mark.parametrize("url", ["/overview/2599/", "/overview/2570/", "/overview/abc/"])
def test_a_year_without_a_framework_is_a_thai_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_a_plan_year_without_a_framework_says_why(client, db):
    response = client.get("/overview/2570/")  # the year after the last framework: plans, no results
    assert "ยังไม่มีกรอบการประเมิน ITA ของปีงบประมาณนี้" in response.content.decode()


def test_the_home_page_links_the_overview(client, db):
    assert 'href="/overview/' in client.get("/").content.decode()
