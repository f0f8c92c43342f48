"""A citizen finds a body and its scores in Chromium, on a PC and on a phone."""

import pytest

from tests.browser import browser, demo_live_server  # noqa: F401 (fixtures)
from tests.factories import DEMO_PASSWORD, EDITOR

pytestmark = pytest.mark.browser


def test_a_citizen_searches_opens_a_body_and_reads_its_2568_scores(browser, demo_live_server):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo_live_server.url + "/")
    page.get_by_label("ชื่อหน่วยงาน").fill("ทม.อ่างทอง")
    page.get_by_role("button", name="ค้นหา").click()
    page.get_by_role("link", name="เทศบาลเมืองอ่างทอง").click()
    # The body prints Thai digits in its documents, and its public pages follow (issue 22).
    page.get_by_role("link", name="พ.ศ. ๒๕๖๘").click()
    assert page.get_by_test_id("overall").inner_text().strip() == "๙๕.๐๘"
    assert page.get_by_test_id("level").inner_text().strip() == "ผ่านดี"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("Sarabun")
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ภาษาไทย')")


@pytest.mark.parametrize("path", ["/", "/orgs/abt-dong-khwang/", "/orgs/thesaban-mueang-ang-thong/2568/"])
def test_pages_fit_a_phone_screen_without_sideways_scrolling(browser, demo_live_server, path):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(demo_live_server.url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_an_editor_signs_in_and_sees_their_body(browser, demo_live_server):  # noqa: F811
    page = browser.new_page()
    page.goto(demo_live_server.url + "/accounts/login/")
    page.locator("#id_username").fill(EDITOR)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/app/")
    assert page.get_by_role("heading", name="งานของฉัน", exact=True).is_visible()
    assert page.get_by_role("link", name="เทศบาลเมืองอ่างทอง", exact=True).first.is_visible()
