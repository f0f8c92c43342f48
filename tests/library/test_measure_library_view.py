"""/measures/: the public measure library page (search box, filters, highlighted titles, links)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Organization
from library import index as library
from library import views as library_views
from library.models import LibraryEntry
from measures import services as measure_services
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, build_plan, login, user

SEED_TITLE = "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง"  # อบต.ดงขวาง FY 2568, published in the demo


def publish_plan(titles, fiscal_year=2570):
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), fiscal_year, measures=len(titles))
    for measure, title in zip(plan.measures.order_by("order"), titles, strict=True):
        measure_services.measure_save(plan=plan, actor=user(EDITOR), measure=measure, data={"title": title},
                                      expected_version=measure.version)
    for action, who in (("submit", EDITOR), ("approve", APPROVER), ("publish", APPROVER)):
        measure_services.document_transition(plan=plan, actor=user(who), action=action)
    return plan


def page(client, **query):
    response = client.get("/measures/", query)
    return response, response.content.decode()


def test_it_shows_the_search_box_to_anyone_without_results(client, db):
    response, html = page(client)
    assert response.status_code == 200
    assert 'name="q"' in html and "คะแนนตัวชี้วัดนี้สูงขึ้นในปีถัดไป" in html
    assert "library-result" not in html


def test_it_finds_a_word_inside_a_longer_word_and_marks_it(client, db):
    response, html = page(client, q="จัดซื้อ")
    assert response.status_code == 200
    assert "มาตรการส่งเสริมความโปร่งใสในการ<mark>จัดซื้อ</mark>จัดจ้าง" in html
    assert "องค์การบริหารส่วนตำบลดงขวาง" in html and "พ.ศ. 2568" in html
    entry = LibraryEntry.objects.get(title=SEED_TITLE)
    pdf = f"/orgs/abt-dong-khwang/2568/measures/v{entry.document.version}.pdf"
    assert f'href="{pdf}"' in html
    assert client.get(pdf).status_code == 200


def test_titles_are_escaped_and_the_query_too(client, db):
    publish_plan(["<b>มาตรการ</b> ป้องกันทุจริต <script>alert(1)</script>"])
    response, html = page(client, q="ทุจริต <script>")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html and "<b>มาตรการ</b>" not in html
    assert "&lt;b&gt;มาตรการ&lt;/b&gt;" in html and "<mark>ทุจริต</mark>" in html
    assert 'value="ทุจริต &lt;script&gt;"' in html


def test_a_draft_word_is_never_shown(client, db):
    # Angthong's FY 2569 draft has "(Score Retention Plan)"; nothing published has it.
    _response, html = page(client, q="Retention")
    assert "library-result" not in html and "ไม่พบมาตรการ" in html


def test_filters_narrow_the_results(client, db):
    _response, html = page(client, q="จัดซื้อ", kind="town_municipality")
    assert SEED_TITLE.replace("จัดซื้อ", "<mark>จัดซื้อ</mark>") not in html
    _response, html = page(client, q="จัดซื้อ", kind="sao", fiscal_year="2568")
    assert "library-result" in html


def test_a_query_of_common_words_only_says_so(client, db):
    _response, html = page(client, q="การ และ")
    assert "มีแต่คำทั่วไป" in html


@pytest.mark.parametrize("query", [{"fiscal_year": "abc"}, {"indicator": "99"}, {"q": "ท\x00"}, {"kind": "x"}])
def test_bad_input_is_a_400_with_a_thai_page(client, db, query):
    response = client.get("/measures/", query)
    assert response.status_code == 400


def test_results_are_paginated(client, db):
    publish_plan([f"มาตรการกระดานดำที่ {n}" for n in range(25)])
    _response, html = page(client, q="กระดานดำ")
    assert "พบ 25 มาตรการ" in html and html.count('class="border rounded p-3 mb-2 library-result"') == 20
    _response, html = page(client, q="กระดานดำ", page="2")
    assert html.count('class="border rounded p-3 mb-2 library-result"') == 5


def queries(client, **query):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/measures/", query).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", [None, OTHER_EDITOR])
def test_the_query_count_is_fixed_whatever_the_number_of_results(client, db, who):
    if who:
        login(client, who)
    query = {"q": "มาตรการ", "indicator": "", "province": "", "rose": ""}
    queries(client, **query)  # the process's first page reads the fiscal years once
    few = queries(client, **query)
    publish_plan([f"มาตรการทดสอบจำนวนมากที่ {n}" for n in range(30)])
    assert queries(client, **query) == few
    assert queries(client, q="มาตรการ", indicator="1", rose="on") <= few + 1
    assert few <= (5 if who is None else 12)


def test_an_editor_sees_a_copy_link_and_a_visitor_does_not(client, db):
    _response, html = page(client, q="จัดซื้อ")
    assert "คัดลอกไปยังแผนของฉัน" not in html
    login(client, OTHER_EDITOR)
    _response, html = page(client, q="จัดซื้อ")
    entry = LibraryEntry.objects.get(title=SEED_TITLE)
    assert f'href="/app/library/{entry.pk}/copy/"' in html


def test_visitors_pages_are_cached_until_the_library_changes(client, db, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_CACHE_SECONDS = 300
    query = {"q": "กระดานดำ"}
    first = client.get("/measures/", query).content.decode()
    assert "ไม่พบมาตรการ" in first
    assert queries(client, **query) == 0  # answered from the cache
    with django_capture_on_commit_callbacks(execute=True):
        publish_plan(["มาตรการกระดานดำ"])
    _response, html = page(client, **query)
    assert "มาตรการ<mark>กระดานดำ</mark>" in html


def test_a_broad_search_says_more_than_the_cap_and_costs_the_same_queries(client, db, monkeypatch):
    monkeypatch.setattr(library, "CAP", 5)
    monkeypatch.setattr(library_views, "PAGE_SIZE", 2)
    publish_plan([f"มาตรการกระดานดำดินสอที่ {n}" if n < 3 else f"มาตรการกระดานดำที่ {n}"
                  for n in range(12)])
    queries(client, q="กระดานดำ")  # the process's first page reads the fiscal years once
    _response, html = page(client, q="ดินสอ")
    assert "พบ 3 มาตรการ" in html and "มากกว่า" not in html
    few = queries(client, q="ดินสอ")
    _response, html = page(client, q="กระดานดำ")
    assert "พบมากกว่า ๕ รายการ" in html and "1 / 3" in html  # 12 found, 5 shown, 2 a page
    for number in ("1", "2", "3"):
        assert queries(client, q="กระดานดำ", page=number) == few
    _response, html = page(client, q="กระดานดำ", page="3")
    assert html.count('class="border rounded p-3 mb-2 library-result"') == 1  # the 5th, not the 6th
    assert queries(client, kind="town_municipality") == few  # filters only, also more than the cap
