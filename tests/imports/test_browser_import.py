"""In Chromium: an editor opens the import from the plan page, uploads a .docx, changes one column's
field in the preview (a page with no WCAG 2 AA violation), and imports; the measures are the file's,
with the column where they chose."""

import pytest

from measures.models import MeasurePlan
from tests.browser import axe_report, axe_violations, browser, demo_live_server  # noqa: F401 (fixtures)
from tests.factories import ANGTHONG, DEMO_PASSWORD, EDITOR

from .docx_tables import docx_bytes

pytestmark = pytest.mark.browser
PLAN = f"/app/orgs/{ANGTHONG}/2569"
ROWS = [["มาตรการ/โครงการ/กิจกรรม", "ขั้นตอนหรือวิธีการปฏิบัติ", "หมายเหตุ"],
        ["มาตรการจากไฟล์ Word ที่หนึ่ง", ["๑. จัดทำประกาศ", "๒. เผยแพร่ทางเว็บไซต์"], "ประกาศ ๑ ฉบับ"],
        ["มาตรการจากไฟล์ Word ที่สอง", "1) ประชุมชี้แจง 2) รายงานผู้บริหาร", "รายงาน ๒ ครั้ง"]]


def test_it_uploads_a_docx_changes_a_column_and_imports(browser, demo_live_server, tmp_path):  # noqa: F811
    path = tmp_path / "มาตรการ.docx"
    path.write_bytes(docx_bytes(ROWS, after=["ลงชื่อ ........................ ผู้จัดทำ"]))
    before = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).measures.count()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_live_server.url + "/accounts/login/")
    page.locator("#id_username").fill(EDITOR)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/app/")
    page.goto(demo_live_server.url + PLAN + "/plan/")
    page.get_by_test_id("plan-tools").locator("summary").click()
    page.get_by_test_id("import-plan-link").click()
    page.wait_for_url("**/plan/import/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_test_id("import-read").click()
    page.get_by_test_id("import-preview").wait_for()
    assert page.locator("#col-2").input_value() == "skip"  # หมายเหตุ is a result: not a plan's field
    violations = axe_violations(page)
    assert violations == [], axe_report(violations, "the import preview")
    page.locator("#col-2").select_option("target")
    page.get_by_test_id("import-refresh").click()
    page.get_by_test_id("import-preview").wait_for()
    assert page.locator("td[data-field=target]").first.inner_text().startswith("ประกาศ ๑ ฉบับ")
    page.get_by_test_id("import-confirm").click()
    page.wait_for_url("**/plan/")
    assert "นำเข้ามาตรการ 2 รายการแล้ว" in page.content()
    measures = list(MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).measures.order_by("order", "pk"))
    assert len(measures) == before + 2
    first, second = measures[-2:]
    assert (first.title, first.step_list, first.target) == ("มาตรการจากไฟล์ Word ที่หนึ่ง",
                                                            ["จัดทำประกาศ", "เผยแพร่ทางเว็บไซต์"], "ประกาศ ๑ ฉบับ")
    assert (second.step_list, second.target) == (["ประชุมชี้แจง", "รายงานผู้บริหาร"], "รายงาน ๒ ครั้ง")
    context.close()
