"""The review cycle in Chromium: an editor adds a measure, fills the 6-month round and
submits; the approver returns it; the editor fixes and resubmits; the approver approves;
the supervisor sees it approved on the dashboard."""

import pytest

from measures.models import ProgressRound, Transition
from tests.browser import browser, demo_live_server  # noqa: F401 (fixtures)
from tests.factories import APPROVER, DEMO_PASSWORD, EDITOR, SUPERVISOR

pytestmark = pytest.mark.browser
PLAN = "/app/orgs/thesaban-mueang-ang-thong/2569"


def sign_in(browser, server, username, width=1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(server.url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/app/")
    return page


def test_the_6_month_round_goes_round_the_review_cycle(browser, demo_live_server):  # noqa: F811
    server = demo_live_server
    editor = sign_in(browser, server, EDITOR, width=390)  # on a phone
    editor.goto(server.url + PLAN + "/plan/")
    editor.get_by_role("link", name="+ เพิ่มมาตรการ").click()
    editor.locator("#id_title").fill("โครงการประชาสัมพันธ์ช่องทางร้องเรียนออนไลน์")
    editor.locator("#id_steps").fill("จัดทำสื่อประชาสัมพันธ์\nเผยแพร่ทางเว็บไซต์และ Facebook")
    editor.get_by_label("งานประชาสัมพันธ์").check()
    editor.get_by_role("button", name="บันทึก", exact=True).click()
    editor.wait_for_url("**/plan/")
    assert editor.get_by_text("โครงการประชาสัมพันธ์ช่องทางร้องเรียนออนไลน์").first.is_visible()

    editor.goto(server.url + PLAN + "/rounds/6/")
    editor.get_by_role("link", name="โครงการประชาสัมพันธ์ช่องทางร้องเรียนออนไลน์").click()
    editor.locator("#id_state").select_option("in_progress")
    editor.locator("#id_percent").fill("50")
    editor.locator("#id_output").fill("สื่อประชาสัมพันธ์ 2 ชิ้น")
    editor.get_by_role("button", name="บันทึก", exact=True).click()  # results and evidence: one save (issue 22)
    editor.wait_for_url("**/rounds/6/measures/*/")
    editor.goto(server.url + PLAN + "/rounds/6/")
    editor.get_by_role("button", name="ส่งให้ผู้บริหารพิจารณา").click()
    assert editor.get_by_text("ดำเนินการเรียบร้อย: ส่งให้ผู้บริหารพิจารณา").is_visible()

    approver = sign_in(browser, server, APPROVER)
    assert approver.get_by_text("รอการพิจารณาของท่าน").is_visible()
    approver.goto(server.url + PLAN + "/rounds/6/")
    approver.locator("#wf-comment").fill("กรุณาแนบภาพกิจกรรมเป็นหลักฐาน")
    approver.get_by_role("button", name="ส่งกลับให้แก้ไข").click()
    assert approver.get_by_text("ดำเนินการเรียบร้อย: ส่งกลับให้แก้ไข").is_visible()

    editor.goto(server.url + "/app/")
    assert editor.get_by_text("กรุณาแนบภาพกิจกรรมเป็นหลักฐาน").is_visible()
    editor.goto(server.url + PLAN + "/rounds/6/")
    editor.get_by_role("link", name="โครงการประชาสัมพันธ์ช่องทางร้องเรียนออนไลน์").click()
    editor.locator("#id_links").fill("https://www.angthongcity.go.th/news/1")
    editor.get_by_role("button", name="บันทึก", exact=True).click()
    assert editor.get_by_text("บันทึกผลการดำเนินงานและหลักฐานของ").is_visible()
    editor.goto(server.url + PLAN + "/rounds/6/")
    editor.get_by_role("button", name="ส่งให้ผู้บริหารพิจารณา").click()
    assert editor.get_by_text("ดำเนินการเรียบร้อย").is_visible()

    approver.goto(server.url + PLAN + "/rounds/6/")
    approver.get_by_role("button", name="เห็นชอบ", exact=True).click()
    assert approver.get_by_text("ดำเนินการเรียบร้อย: เห็นชอบ").is_visible()

    supervisor = sign_in(browser, server, SUPERVISOR)
    supervisor.goto(server.url + "/app/dashboard/?fy=2569")
    row = supervisor.locator('tr[data-org="thesaban-mueang-ang-thong"]')
    assert "เห็นชอบแล้ว" in row.inner_text()

    progress_round = ProgressRound.objects.get(plan__org__slug="thesaban-mueang-ang-thong", plan__fiscal_year=2569,
                                               months=6)
    assert progress_round.status == "approved"
    assert list(Transition.objects.filter(round=progress_round).values_list("action", flat=True)) == [
        "submit", "return", "submit", "approve"]
