"""Home search, body page and year page: content, 404s, and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.thai import to_arabic_digits
from tests.factories import ANGTHONG, add_indicator_year, make_body


def count_queries(client, url):
    """Queries of a page in the steady state (what each process keeps, e.g. the frameworks'
    catalogue, already loaded by an earlier request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_year_page_shows_angthong_2568_at_95_08_and_pass_good(client, db):
    response = client.get(f"/orgs/{ANGTHONG}/2568/")
    html = to_arabic_digits(response.content.decode())  # the body's pages use its Thai digits (issue 22)
    assert response.status_code == 200
    assert "เทศบาลเมืองอ่างทอง" in html
    assert 'data-testid="overall"' in html and "95.08" in html
    assert '<span class="badge text-bg-primary level-badge" data-testid="level">ผ่านดี</span>' in html
    assert "พ.ศ. 2568" in html


def test_the_year_page_marks_discrepancies(client, db):
    html = to_arabic_digits(client.get(f"/orgs/{ANGTHONG}/2568/").content.decode())
    assert "ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ: ประกาศ 95.05 แต่คำนวณจากคะแนนย่อยได้ 94.19" in html
    assert "เอกสารประกาศไว้สองค่า คือ 100.00 และ 97.63" in html
    assert "≠ 94.19" in html


def test_the_year_page_shows_every_item_and_both_eit_parts(client, db):
    html = to_arabic_digits(client.get(f"/orgs/{ANGTHONG}/2568/").content.decode())
    for code in ["i1", "i15", "e9", "o1", "o20", "o28"]:
        assert f'<td class="item-code">{code}</td>' in html
    assert "EIT Public" in html and "EIT Survey" in html
    assert "86.67" in html  # e1, EIT Survey


def test_the_body_page_lists_years_and_the_indicator_table_across_years(client, db):
    html = to_arabic_digits(client.get("/orgs/abt-dong-khwang/").content.decode())
    assert "ผลการประเมินรายตัวชี้วัด ปี 2567 – 2568" in html
    assert "79.29" in html and "41.50" in html  # indicator 9 in 2567 and 2568 (seed 000)
    assert reverse("org-year", args=["abt-dong-khwang", 2567]) in html


def test_a_body_without_scores_says_so(client, db):
    html = client.get("/orgs/abt-bo-kaeo/").content.decode()
    assert "ยังไม่มีผลการประเมิน ITA ของหน่วยงานนี้ในระบบ" in html


@pytest.mark.parametrize("url", ["/orgs/no-such-body/", f"/orgs/{ANGTHONG}/2567/", "/orgs/abt-bo-kaeo/2567/",
                                 f"/orgs/{ANGTHONG}/1999/", f"/orgs/{ANGTHONG}/abc/"])
def test_it_returns_404_for_what_does_not_exist(client, db, url):
    assert client.get(url).status_code == 404


def found_slugs(client, params):
    html = client.get("/", params).content.decode()
    return {slug for slug in ["abt-dong-khwang", "abt-bo-kaeo", ANGTHONG, "abt-cho-ho", "thesaban-tambon-phok-noi"]
            if f'href="/orgs/{slug}/"' in html}


@pytest.mark.parametrize("params, expected", [
    ({"q": "อ่างทอง"}, {ANGTHONG}),
    ({"q": "อบต.ดงขวาง"}, {"abt-dong-khwang"}),
    ({"q": "องค์การบริหารส่วนตำบลดงขวาง"}, {"abt-dong-khwang"}),
    ({"q": "อบต. ดงขวาง"}, {"abt-dong-khwang"}),
    ({"q": "อบต. นครราชสีมา"}, {"abt-cho-ho"}),
    ({"q": "องค์การบริหารส่วนตำบล นครราชสีมา"}, {"abt-cho-ho"}),
    ({"q": "อบต.จอหอ จ.นครราชสีมา"}, {"abt-cho-ho"}),
    ({"q": "อบต."}, {"abt-dong-khwang", "abt-bo-kaeo", "abt-cho-ho"}),
    ({"q": "ทต.พอกน้อย"}, {"thesaban-tambon-phok-noi"}),
    ({"q": "  เทศบาล   "}, {ANGTHONG, "thesaban-tambon-phok-noi"}),
    ({"district": "นาคู"}, {"abt-bo-kaeo"}),
    ({"district": "อ.นาคู"}, {"abt-bo-kaeo"}),
    ({"district": " อำเภอนาคู "}, {"abt-bo-kaeo"}),
    ({"q": "นครราชสีมา"}, {"abt-cho-ho"}),
])
def test_home_search_finds_bodies_by_name_abbreviation_district_and_province(client, db, params, expected):
    assert found_slugs(client, params) == expected


def test_home_search_by_province_select(client, db, angthong):
    assert found_slugs(client, {"province": angthong.province_id}) == {ANGTHONG}


def test_home_search_with_no_match_says_so_in_thai(client, db):
    html = client.get("/", {"q": "ไม่มีหน่วยงานนี้"}).content.decode()
    assert "ไม่พบหน่วยงานที่ตรงกับคำค้น" in html


def test_home_search_with_a_bad_province_is_not_an_error(client, db):
    assert client.get("/", {"province": "abc"}).status_code == 200


def test_pages_are_thai_and_load_nothing_from_a_cdn(client, db):
    html = client.get(f"/orgs/{ANGTHONG}/2568/").content.decode()
    assert '<html lang="th">' in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_body_page_runs_the_same_number_of_queries_whatever_the_number_of_years(client, db):
    body = make_body("test-years")
    add_indicator_year(body, 2566)
    url = f"/orgs/{body.slug}/"
    one_year = count_queries(client, url)
    for year in (2563, 2564, 2565, 2567, 2568):
        add_indicator_year(body, year)
    assert count_queries(client, url) == one_year


def test_the_year_page_runs_the_same_number_of_queries_whatever_else_is_stored(client, db):
    url = f"/orgs/{ANGTHONG}/2568/"
    before = count_queries(client, url)
    angthong_like = make_body("test-more")
    for year in (2566, 2567, 2568):
        add_indicator_year(angthong_like, year)
    assert count_queries(client, url) == before


@pytest.mark.parametrize("url", ["/?q=อบต.", "/?q=อบต. นครราชสีมา", "/?q=หนอง บัว", "/?q=อบต.จอหอ อ.เมือง",
                                 "/?district=อ.เมืองนครราชสีมา"])
def test_home_search_runs_the_same_number_of_queries_whatever_the_number_of_bodies(client, db, url):
    before = count_queries(client, url)
    for n in range(30):
        make_body(f"test-search-{n}")
    assert count_queries(client, url) == before


@pytest.mark.parametrize("typed, normalised", [
    ("อบต.บ้านนา", "องค์การบริหารส่วนตำบลบ้านนา"),
    ("อบต. บ้านนา", "องค์การบริหารส่วนตำบล บ้านนา"),
    ("  ทต.พอกน้อย ", "เทศบาลตำบลพอกน้อย"),
    ("อบต.จอหอ อ.เมือง จ.นครราชสีมา", "องค์การบริหารส่วนตำบลจอหอ เมือง นครราชสีมา"),
    ("อ.เมือง", "เมือง"),
    ("หนอง  บัว", "หนอง บัว"),
    ("ตํ\u0e32บล", "ตำบล"),
])
def test_search_writes_out_abbreviations_word_by_word(typed, normalised):
    from assessments.selectors import normalise_query

    assert normalise_query(typed) == normalised


def test_a_name_typed_with_its_kind_is_matched_from_the_start_of_the_name(client, db):
    make_body("abt-ban-na", name="องค์การบริหารส่วนตำบลบ้านนา")
    make_body("abt-na-ban", name="องค์การบริหารส่วนตำบลนาบ้าน")
    html = client.get("/", {"q": "อบต.บ้าน"}).content.decode()
    assert 'href="/orgs/abt-ban-na/"' in html and 'href="/orgs/abt-na-ban/"' not in html


def test_search_results_are_in_thai_dictionary_order_on_postgresql(client, db):
    from django.db import connection

    make_body("test-kha", name="องค์การบริหารส่วนตำบลขาม")
    make_body("test-kai", name="องค์การบริหารส่วนตำบลไก่ป่า")  # ไ comes after ข in Unicode
    html = client.get("/", {"q": "อบต.", "district": "เมืองนครราชสีมา"}).content.decode()
    order = [slug for slug in ("test-kai", "test-kha") if f'href="/orgs/{slug}/"' in html]
    order.sort(key=lambda slug: html.index(f'href="/orgs/{slug}/"'))
    expected = ["test-kai", "test-kha"] if connection.vendor == "postgresql" else ["test-kha", "test-kai"]
    assert order == expected
