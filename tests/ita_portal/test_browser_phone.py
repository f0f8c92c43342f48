"""A clerk's deadline day and an executive's decisions on a 390 px phone with touch, in Chromium
(issue 22, "How it is checked"): results, a link and a file saved in one save with nothing lost; a
double tap saves once with no conflict message; a date typed as 30/09/2569 is 30 September 2026 (a
Christian year is refused in Thai); the 12-month form offers the 6-month text; after publishing, the
public address and the ITAS copy button are on the staff page; "recorded after the fact" and "change
due date" need a reason and a confirmation.

The demo data is loaded once (one live server); the steps run in order on it and every step that
fails is reported."""

import datetime
import traceback

import pytest
from playwright.sync_api import expect

from assessments.models import Organization
from measures import services
from measures.models import Comment, Measure, MeasurePlan, ProgressEntry
from tests.browser import browser, demo_live_server  # noqa: F401 (fixtures)
from tests.factories import ANGTHONG, APPROVER, DEMO_PASSWORD, EDITOR, user

pytestmark = pytest.mark.browser
PLAN = f"/app/orgs/{ANGTHONG}/2569"
PDF = b"%PDF-1.4\n" + b"0" * 400 + b"\n%%EOF\n"
CONFLICT = "มีผู้อื่นแก้ไขรายการนี้ไปแล้ว"


class Phone:
    """A signed-in phone: 390 px, touch, every confirmation dialog recorded (and accepted unless told)."""

    def __init__(self, browser, server, username, clipboard=False):  # noqa: F811
        self.server = server
        self.context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                           device_scale_factor=1, reduced_motion="reduce")
        if clipboard:
            self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        self.page = self.context.new_page()
        self.dialogs, self.answer = [], True
        self.page.on("dialog", self._dialog)
        self.page.goto(server.url + "/accounts/login/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(DEMO_PASSWORD)
        self.page.locator("main button[type=submit]").tap()
        self.page.wait_for_url("**/app/")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.accept() if self.answer else dialog.dismiss()

    def go(self, path):
        self.page.goto(self.server.url + path)
        return self.page


def measures():
    return list(MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).measures.order_by("order", "pk"))


# ---------------------------------------------------------------- the clerk


def dates_are_typed_in_the_buddhist_era(editor):
    measure = measures()[0]
    before = (measure.period_start, measure.period_end)
    page = editor.go(f"{PLAN}/measures/{measure.pk}/")
    page.locator("#id_period_text").fill("")  # the plan page shows the dates themselves
    page.locator("#id_period_start").fill("01/11/2568")
    page.locator("#id_period_end").fill("15/09/2026")  # a Christian year
    with page.expect_navigation():
        page.get_by_role("button", name="บันทึก", exact=True).tap()
    assert page.get_by_test_id("error-summary").is_visible()
    assert page.get_by_text("ปี 2026 ไม่ใช่ปี พ.ศ. กรุณาพิมพ์ปีเป็น พ.ศ. เช่น 30/09/2569").first.is_visible()
    saved = Measure.objects.get(pk=measure.pk)
    assert (saved.period_start, saved.period_end) == before  # nothing stored
    page.locator("#id_period_end").fill("15/09/2569")
    page.get_by_role("button", name="บันทึก", exact=True).tap()
    page.wait_for_url(f"**{PLAN}/plan/")
    saved = Measure.objects.get(pk=measure.pk)
    assert (saved.period_start, saved.period_end) == (datetime.date(2025, 11, 1), datetime.date(2026, 9, 15))
    page.locator(f"#measure-{measure.pk} > summary").tap()
    assert page.locator(f"#measure-{measure.pk}").get_by_text("1 พฤศจิกายน 2568 – 15 กันยายน 2569").is_visible()


def results_a_link_and_a_file_go_in_one_save(editor):
    measure = measures()[1]
    page = editor.go(f"{PLAN}/rounds/6/")
    page.get_by_role("link", name=measure.title).tap()
    page.locator("#id_state").select_option("in_progress")
    page.locator("#id_percent").fill("60")
    typed = "จัดอบรมเจ้าหน้าที่เรื่องช่องทางร้องเรียน 2 ครั้ง ผู้เข้าร่วม 45 คน " * 3
    page.locator("#id_output").fill(typed)
    page.locator("#id_links").fill("https://www.angthongcity.go.th/news/15")
    page.locator("#id_files").set_input_files([{"name": "ภาพกิจกรรม.pdf", "mimeType": "application/pdf",
                                                 "buffer": PDF}])
    with page.expect_navigation():
        page.get_by_role("button", name="บันทึก", exact=True).tap()
    assert page.url.endswith(f"/rounds/6/measures/{measure.pk}/"), "the clerk stays on the measure"
    assert page.get_by_text("บันทึกผลการดำเนินงานและหลักฐานของ").is_visible()
    assert page.locator("#id_output").input_value() == typed.strip()  # nothing lost
    evidence = page.locator(".evidence-list")
    assert evidence.get_by_text("ภาพกิจกรรม.pdf").is_visible()
    assert evidence.get_by_text("www.angthongcity.go.th/news/15").is_visible()
    entry = ProgressEntry.objects.get(round__plan__org__slug=ANGTHONG, round__months=6, measure=measure)
    assert entry.output == typed.strip() and entry.percent == 60
    assert sorted(e.original_name or e.url for e in entry.evidence.all()) == [
        "https://www.angthongcity.go.th/news/15", "ภาพกิจกรรม.pdf"]
    assert page.get_by_test_id("next-measure").is_visible()


def a_double_tap_saves_once(editor):
    measure = measures()[2]
    page = editor.go(f"{PLAN}/rounds/6/measures/{measure.pk}/")
    page.locator("#id_state").select_option("done")
    page.locator("#id_output").fill("คู่มือการปฏิบัติงานฉบับปรับปรุง 1 เล่ม")
    page.locator("#id_links").fill("https://www.angthongcity.go.th/manual")
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    save = page.get_by_role("button", name="บันทึก", exact=True)
    with page.expect_navigation():
        save.evaluate("button => { button.click(); button.click(); }")  # two taps before the answer comes
    assert len(posts) == 1, "the button is disabled while the form is sent"
    # The second tap of a slow connection reaching the server anyway: the same form, sent again.
    again = page.request.fetch(posts[0])
    html = again.text()
    assert again.ok and CONFLICT not in html and "บันทึกผลการดำเนินงานและหลักฐานของ" in html
    page.reload()
    assert page.get_by_text(CONFLICT).count() == 0
    entry = ProgressEntry.objects.get(round__plan__org__slug=ANGTHONG, round__months=6, measure=measure)
    assert entry.version == 1 and entry.evidence.count() == 1


def the_12_month_form_offers_the_6_month_text(editor):
    measure = measures()[3]
    round6 = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).rounds.get(months=6)
    six = "ประชุมคณะทำงานครบ 2 ครั้ง และเผยแพร่คู่มือบนเว็บไซต์แล้ว"
    services.entry_save(progress_round=round6, measure=measure, actor=user(EDITOR),
                        data={"state": "in_progress", "percent": 50, "output": six})
    services.evidence_add(progress_round=round6, measure=measure, actor=user(EDITOR),
                          url="https://www.angthongcity.go.th/six")
    page = editor.go(f"{PLAN}/rounds/12/measures/{measure.pk}/")
    earlier = page.get_by_test_id("earlier-result")
    assert earlier.get_by_text(six).is_visible()
    with page.expect_navigation():
        earlier.get_by_role("link", name="เริ่มจากข้อความรอบ 6 เดือน").tap()
    assert page.locator("#id_output").input_value() == six
    assert page.get_by_label("https://www.angthongcity.go.th/six").is_visible()  # its evidence, to carry


# ---------------------------------------------------------------- the executive


def publishing_shows_the_public_address_and_the_copy_button(approver):
    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    confirmed = [f.key for f in services.findings_for(plan) if f.needs_confirmation]
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit", confirmed=confirmed)
    services.document_transition(plan=MeasurePlan.objects.get(pk=plan.pk), actor=user(APPROVER), action="approve")
    page = approver.go(f"{PLAN}/plan/")
    page.get_by_role("link", name="ไปที่การเผยแพร่ ↓").tap()
    publish = page.get_by_role("button", name="เผยแพร่", exact=True)
    with page.expect_navigation():
        publish.tap()
    assert approver.dialogs and "เผยแพร่เอกสารต่อสาธารณะ?" in approver.dialogs[-1]
    assert page.url.endswith("/plan/#published")
    assert page.get_by_text("เผยแพร่เรียบร้อยแล้ว").is_visible()
    address = f"{approver.server.url}/orgs/{ANGTHONG}/2569/measures.pdf"
    box = page.locator("#published")
    document = box.locator(".list-group-item").filter(has_text="measures.pdf")
    expect(document.get_by_test_id("public-address")).to_contain_text(address)
    copy = document.get_by_test_id("copy-itas")
    expect(copy).to_be_in_viewport()
    copy.tap()
    expect(copy).to_have_text("คัดลอกแล้ว ✓")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert document.get_by_text("ฉบับที่ 1").is_visible()


def recorded_after_the_fact_needs_a_reason_and_a_confirmation(approver):
    org = Organization.objects.get(slug=ANGTHONG)
    plan = services.plan_create(org=org, fiscal_year=2567, actor=user(EDITOR))
    page = approver.go("/app/orgs/" + ANGTHONG + "/2567/plan/")
    page.locator(".recorded-after-decision > summary").tap()
    confirm = page.locator(".recorded-after-form button[type=submit]")
    confirm.tap()  # no reason: the browser asks for one, nothing is sent
    assert page.locator("#recorded-after-reason:invalid").count() == 1
    reason = "บันทึกจากเอกสารที่เผยแพร่บนเว็บไซต์เมื่อปี 2567"
    page.locator("#recorded-after-reason").fill(reason)
    approver.answer = False
    confirm.tap()  # the confirmation is dismissed: nothing changes
    page.wait_for_timeout(300)
    assert not MeasurePlan.objects.get(pk=plan.pk).recorded_after
    approver.answer = True
    with page.expect_navigation():
        confirm.tap()
    assert "ยืนยันการเปลี่ยนแปลงนี้?" in approver.dialogs[-1]
    assert MeasurePlan.objects.get(pk=plan.pk).recorded_after
    assert Comment.objects.filter(plan=plan, text__contains=reason).exists()


def changing_a_due_date_needs_a_reason_and_a_confirmation(approver):
    progress_round = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569).rounds.get(months=12)
    before = progress_round.due_date
    page = approver.go(f"{PLAN}/rounds/12/")
    page.locator(".due-decision > summary").tap()
    page.locator("#id_due_date").fill("30/11/2569")
    change = page.get_by_role("button", name="เปลี่ยนกำหนดส่ง", exact=True)
    change.tap()  # no reason
    page.wait_for_timeout(300)
    assert page.locator("#id_reason:invalid").count() == 1
    page.locator("#id_reason").fill("น้ำท่วมสำนักงาน เอกสารเสียหาย")
    approver.answer = False
    change.tap()
    page.wait_for_timeout(300)
    progress_round.refresh_from_db()
    assert progress_round.due_date == before
    approver.answer = True
    with page.expect_navigation():
        change.tap()
    assert "เปลี่ยนกำหนดส่ง?" in approver.dialogs[-1]
    progress_round.refresh_from_db()
    assert progress_round.due_date == datetime.date(2026, 11, 30)
    assert page.get_by_text("บันทึกกำหนดส่งแล้ว").is_visible()
    assert Comment.objects.filter(round=progress_round, text__contains="น้ำท่วมสำนักงาน").exists()


CLERK = [dates_are_typed_in_the_buddhist_era, results_a_link_and_a_file_go_in_one_save, a_double_tap_saves_once,
         the_12_month_form_offers_the_6_month_text]
EXECUTIVE = [publishing_shows_the_public_address_and_the_copy_button,
             recorded_after_the_fact_needs_a_reason_and_a_confirmation,
             changing_a_due_date_needs_a_reason_and_a_confirmation]


def test_a_clerk_reports_and_an_executive_decides_on_a_phone(browser, demo_live_server):  # noqa: F811
    editor = Phone(browser, demo_live_server, EDITOR)
    approver = Phone(browser, demo_live_server, APPROVER, clipboard=True)
    failed = []
    for phone, steps in ((editor, CLERK), (approver, EXECUTIVE)):
        for step in steps:
            try:
                step(phone)
            except Exception:  # every step is reported, not only the first
                failed.append(f"{step.__name__}:\n{traceback.format_exc()}")
    assert not failed, f"{len(failed)} step(s) failed:\n\n" + "\n\n".join(failed)
