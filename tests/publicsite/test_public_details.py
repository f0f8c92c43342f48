"""Smaller things the public sees (issue 20, point 11): a body without a province, a body's other
names, source addresses as people read them, the national overview's change against the year
before, a single year of indicators, and a year page that folds the items without figures."""

import re

from assessments import services as assessment_services
from common.thai import to_arabic_digits
from tests.factories import ANGTHONG, add_indicator_year, import_records, make_body


def page(client, url):
    """The page's HTML with its digits as Arabic ones: a body's public pages use the digits of its
    documents, Thai by default (issue 22)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return to_arabic_digits(response.content.decode())


def test_a_body_without_a_province_links_its_breadcrumb_to_the_bodies_without_one(client, db):
    body = assessment_services.organization_upsert(slug="pd-nowhere", name="เทศบาลตำบลไม่ทราบจังหวัด",
                                                   kind="subdistrict_municipality", province=None)
    make_body("pd-somewhere", name="เทศบาลตำบลทราบจังหวัด")
    html = page(client, f"/orgs/{body.slug}/")
    assert "province=None" not in html
    crumb = re.search(r'<ol class="breadcrumb">.*?</ol>', html, re.S).group(0)
    assert '<a href="/?province=none">ไม่ระบุจังหวัด</a>' in crumb
    found = page(client, "/?province=none")
    assert "is-invalid" not in found and "invalid-feedback" not in found  # no form error
    assert "เทศบาลตำบลไม่ทราบจังหวัด" in found and "เทศบาลตำบลทราบจังหวัด" not in found
    assert re.search(r'<option value="none"[^>]*>ไม่ระบุจังหวัด</option>', page(client, "/"))


def test_a_body_found_by_province_still_links_to_its_province(client, db):
    body = make_body("pd-korat")
    html = page(client, f"/orgs/{body.slug}/")
    assert f'href="/?province={body.province_id}">จังหวัดนครราชสีมา</a>' in html
    assert "pd-korat" in page(client, f"/?province={body.province_id}")


def test_a_bodys_other_names_are_shown_on_its_pages(client, db):
    body = make_body("pd-renamed", name="องค์การบริหารส่วนตำบลนาเก่า")
    body.name = "เทศบาลตำบลนาใหม่"
    body = assessment_services.organization_save(org=body)  # the old name stays as another name
    import_records([{"org": body.slug, "fiscal_year": "2568", "scope": "overall", "value": "88.00"}])
    for url in (f"/orgs/{body.slug}/", f"/orgs/{body.slug}/2568/"):
        names = re.search(r'<p[^>]*data-testid="other-names">(.*?)</p>', page(client, url), re.S)
        assert names and names.group(1) == "ชื่ออื่น: องค์การบริหารส่วนตำบลนาเก่า", url


def test_a_source_address_is_shown_decoded_and_links_as_stored(client, db):
    body = make_body("pd-source")
    address = "https://www.example.go.th/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/ita-2568?id=7"
    import_records([{"org": body.slug, "fiscal_year": "2568", "scope": "overall", "value": "88.00"},
                    {"org": body.slug, "fiscal_year": "2568", "scope": "source_url", "value": address}])
    html = page(client, f"/orgs/{body.slug}/2568/")
    link = re.search(r'<a href="([^"]+)"[^>]*data-testid="source-url">([^<]+)</a>', html)
    assert link.group(1) == address  # the link works as stored
    assert link.group(2) == "https://www.example.go.th/ข่าว/ita-2568?id=7"  # read as people write it


def scores(org, year, overall):
    import_records([{"org": org.slug, "fiscal_year": str(year), "scope": "overall", "value": overall}])


def test_the_overview_compares_only_bodies_scored_in_both_years_and_says_how_many(client, db):
    one, two, three = (make_body(f"pd-cmp-{n}") for n in range(3))
    scores(one, 2567, "80.00")
    scores(one, 2568, "84.00")
    scores(two, 2567, "60.00")  # not scored in 2568: not compared
    scores(three, 2568, "70.00")  # new in 2568: not compared
    html = page(client, "/overview/2568/")
    change = re.search(r'data-testid="change">([^<]+)<', html).group(1)
    assert change == "+4.00 คะแนน เทียบกับปีงบประมาณ พ.ศ. 2567 (เฉลี่ยของ 1 แห่งที่มีคะแนนรวมที่ประกาศทั้งสองปี)"


def test_the_overview_says_no_change_when_no_body_was_scored_in_both_years(client, db):
    before, after = make_body("pd-before"), make_body("pd-after")
    scores(before, 2567, "90.00")
    scores(after, 2568, "70.00")
    html = page(client, "/overview/2568/")
    assert 'data-testid="change"' not in html and "เทียบกับปีงบประมาณ พ.ศ. 2567" not in html
    movement = re.search(r'data-testid="movement">([^<]+)<', html).group(1)
    assert movement == "ไม่มีหน่วยงานที่มีคะแนนรวมที่ประกาศทั้งสองปี จึงยังเปรียบเทียบไม่ได้"


def test_a_single_year_of_indicators_is_headed_with_that_year_once(client, db):
    body = make_body("pd-one-year")
    add_indicator_year(body, 2566)
    html = page(client, f"/orgs/{body.slug}/")
    assert "ผลการประเมินรายตัวชี้วัด ปี 2566</h2>" in html and "2566 – 2566" not in html
    add_indicator_year(body, 2568)
    assert "ผลการประเมินรายตัวชี้วัด ปี 2566 – 2568</h2>" in page(client, f"/orgs/{body.slug}/")


def test_a_year_of_indicator_scores_only_folds_the_items_without_figures(client, db):
    html = page(client, "/orgs/abt-dong-khwang/2568/")  # ten indicators, no item of FY 2568's 52
    folded = re.search(r'<details[^>]*data-testid="unscored-items">.*?</details>', html, re.S)
    assert folded and "<summary>ข้อที่ยังไม่มีคะแนน (52 ข้อ)</summary>" in folded.group(0)
    tables = html.replace(folded.group(0), "")
    assert ">o28<" not in tables and ">i1<" not in tables and ">9.1<" not in tables  # no empty rows
    assert ">o28<" in folded.group(0) and "9.1 ข้อมูลพื้นฐาน" in folded.group(0)
    assert "41.50" in tables  # indicator 9, as published
    full = page(client, f"/orgs/{ANGTHONG}/2568/")  # every item scored: nothing folded
    assert 'data-testid="unscored-items"' not in full and ">o28<" in full


def test_a_partly_scored_year_keeps_the_scored_items_in_the_table(client, db):
    body = make_body("pd-partial")
    import_records([{"org": body.slug, "fiscal_year": "2568", "scope": "item", "code": "o1", "value": "100"},
                    {"org": body.slug, "fiscal_year": "2568", "scope": "item", "code": "o2", "value": "50"}])
    html = page(client, f"/orgs/{body.slug}/2568/")
    folded = re.search(r'<details[^>]*data-testid="unscored-items">.*?</details>', html, re.S).group(0)
    tables = html.replace(folded, "")
    assert ">o1<" in tables and ">o2<" in tables and ">9.1<" in tables  # and their group
    assert ">o3<" in folded and ">o1<" not in folded
    assert "ข้อที่ยังไม่มีคะแนน (50 ข้อ)" in folded
