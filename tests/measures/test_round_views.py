"""Progress rounds: the round page, entry form, evidence, due dates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Organization
from common.errors import Refusal
from measures import services
from measures.models import Evidence, ProgressEntry
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, build_plan, login, user
from tests.queries import cold_page_queries

PDF = b"%PDF-1.4\n" + b"0" * 200


@pytest.fixture
def plan(db):
    return build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=5)


def url(plan, rest=""):
    return f"/app/orgs/{ANGTHONG}/{plan.fiscal_year}/rounds/6/{rest}"


def test_an_editor_reports_a_measure_in_the_6_month_round(client, plan):
    login(client, EDITOR)
    measure = plan.measures.first()
    response = client.post(url(plan, f"measures/{measure.pk}/"), {
        "state": "in_progress", "percent": "40", "done_text": "จัดประชุมแล้ว 1 ครั้ง", "output": "ผู้เข้าร่วม 30 คน",
        "outcome": "", "problems": "", "remarks": "", "version": "0"})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(round__plan=plan, measure=measure)
    assert (entry.state, entry.percent, entry.output) == ("in_progress", 40, "ผู้เข้าร่วม 30 คน")
    html = client.get(url(plan)).content.decode()
    assert "กำลังดำเนินการ" in html and "ผู้เข้าร่วม 30 คน" in html


def test_it_chooses_no_state_or_percent_for_the_editor_on_a_new_entry(client, plan):
    """A default would reach the report as if the body had said "not started, 0 %"."""
    login(client, EDITOR)
    measure = plan.measures.first()
    html = client.get(url(plan, f"measures/{measure.pk}/")).content.decode()
    select = html.split('name="state"')[1].split("</select>")[0]
    options = select.split("</option>")
    assert "เลือกสถานะ" in options[0] and not any("selected" in option for option in options[1:])
    assert 'name="percent"' in html and 'name="percent" value=' not in html
    response = client.post(url(plan, f"measures/{measure.pk}/"), {"output": "ผู้เข้าร่วม 30 คน", "version": "0"})
    assert response.status_code == 400
    assert "กรุณาเลือกสถานะการดำเนินงาน" in response.content.decode()
    assert not ProgressEntry.objects.filter(measure=measure).exists()
    response = client.post(url(plan, f"measures/{measure.pk}/"), {"state": "in_progress", "version": "0"})
    assert "กรุณาระบุร้อยละความคืบหน้า" in response.content.decode()
    client.post(url(plan, f"measures/{measure.pk}/"), {"state": "done", "version": "0"})
    assert ProgressEntry.objects.get(measure=measure).percent == 100


def test_bad_entry_input_gets_a_thai_message_and_keeps_the_text(client, plan):
    login(client, EDITOR)
    measure = plan.measures.first()
    response = client.post(url(plan, f"measures/{measure.pk}/"), {
        "state": "not_started", "percent": "150", "done_text": "ข้อความที่พิมพ์ไว้", "version": "0"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "ข้อความที่พิมพ์ไว้" in html
    assert not ProgressEntry.objects.filter(round__plan=plan).exists()


def test_evidence_upload_and_permission_checked_download(client, plan):
    login(client, EDITOR)
    measure = plan.measures.first()
    response = client.post(url(plan, f"measures/{measure.pk}/"), {
        "state": "done", "version": "0", "files": [SimpleUploadedFile("ภาพกิจกรรม.pdf", PDF)]})
    assert response.status_code == 302
    evidence = Evidence.objects.get(entry__measure=measure)
    download = client.get(f"/app/evidence/{evidence.token}/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"] and "filename*=utf-8''" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF  # consuming it also closes the file
    login(client, OTHER_EDITOR)
    assert client.get(f"/app/evidence/{evidence.token}/").status_code == 404


def test_a_fake_file_is_refused_with_a_thai_message(client, plan):
    login(client, EDITOR)
    measure = plan.measures.first()
    response = client.post(url(plan, f"measures/{measure.pk}/"), {
        "state": "done", "version": "0", "files": [SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image")]})
    assert response.status_code == 400
    assert "ไฟล์หลักฐานต้องเป็น PDF, JPEG หรือ PNG เท่านั้น" in response.content.decode()
    assert not Evidence.objects.exists()


def test_only_the_approver_or_supervisor_moves_a_due_date_with_a_reason_kept_and_told(client, plan):
    login(client, EDITOR)
    assert "เปลี่ยนกำหนดส่ง" not in client.get(url(plan)).content.decode()
    assert client.post(url(plan, "due/"), {"due_date": "15/05/2570", "reason": "ขอขยาย"}).status_code == 403
    login(client, APPROVER)
    page = client.get(url(plan)).content.decode()
    assert 'name="reason"' in page.split("due-decision")[1] and "data-confirm" in page.split("due-decision")[1]
    response = client.post(url(plan, "due/"), {"due_date": "15/05/2570"}, follow=True)
    assert "กรุณาระบุเหตุผลที่เปลี่ยนกำหนดส่ง" in response.content.decode()
    assert str(plan.rounds.get(months=6).due_date) == "2027-04-30"
    client.post(url(plan, "due/"), {"due_date": "15/05/2570", "reason": "น้ำท่วมสำนักงาน"})
    assert str(plan.rounds.get(months=6).due_date) == "2027-05-15"
    comment = plan.comments.get(round__months=6)
    assert "น้ำท่วมสำนักงาน" in comment.text and "15 พฤษภาคม 2570" in comment.text
    from notifications.models import Notification
    assert Notification.objects.filter(recipient=user(SUPERVISOR), reason__contains="น้ำท่วมสำนักงาน").exists()
    login(client, SUPERVISOR)
    client.post(url(plan, "due/"), {"due_date": "20/05/2570", "reason": "ตามหนังสือจังหวัด",
                                     "version": plan.rounds.get(months=6).version})
    assert str(plan.rounds.get(months=6).due_date) == "2027-05-20"


def test_a_due_date_set_by_someone_else_meanwhile_is_not_overwritten(client, plan):
    login(client, APPROVER)
    page = client.get(url(plan)).content.decode()
    assert 'name="version" value="' in page
    version = page.split('name="version" value="')[1].split('"')[0]
    progress_round = plan.rounds.get(months=6)
    services.round_set_due(progress_round=progress_round, due_date=progress_round.due_date.replace(day=20),
                           actor=user(APPROVER), expected_version=version, reason="ขยาย")  # the other person
    response = client.post(url(plan, "due/"), {"due_date": "15/05/2570", "version": version, "reason": "ขยาย"},
                           follow=True)
    assert plan.rounds.get(months=6).due_date.day == 20
    html = response.content.decode()
    assert "ถูกเปลี่ยนโดยผู้อื่น" in html and "15 พฤษภาคม 2570" in html


def test_the_due_date_of_a_round_in_review_cannot_be_changed(client, plan):
    progress_round = plan.rounds.get(months=6)
    progress_round.status = "submitted"
    progress_round.save()
    with pytest.raises(Refusal):
        services.round_set_due(progress_round=progress_round, due_date=progress_round.due_date.replace(day=1),
                               actor=user(APPROVER), reason="ก")


def test_the_round_page_runs_the_same_queries_with_5_or_50_measures(client, plan, editor):
    login(client, EDITOR)
    round6 = plan.rounds.get(months=6)
    for measure in plan.measures.all():
        services.entry_save(progress_round=round6, measure=measure, actor=editor, data={"state": "in_progress"})

    five = cold_page_queries(client, url(plan))
    for n in range(45):
        measure = services.measure_save(plan=plan, actor=editor, data={"title": f"ม{n}", "steps": "ก"})
        services.entry_save(progress_round=round6, measure=measure, actor=editor, data={"state": "done"})
    assert cold_page_queries(client, url(plan)) == five


def test_the_workflow_buttons_follow_the_role(client, plan):
    login(client, EDITOR)
    html = client.get(url(plan)).content.decode()
    assert 'value="submit"' in html and 'value="approve"' not in html
    services.document_transition(plan=plan, progress_round=plan.rounds.get(months=6),
                                 actor=user(EDITOR), action="submit")
    login(client, APPROVER)
    html = client.get(url(plan)).content.decode()
    assert 'value="approve"' in html and 'value="return"' in html and 'value="submit"' not in html
    login(client, SUPERVISOR)
    html = client.get(url(plan)).content.decode()
    assert 'name="action"' not in html


def test_saving_a_progress_entry_runs_the_same_queries_with_5_or_50_measures(client, plan, editor):
    login(client, EDITOR)
    round6 = plan.rounds.get(months=6)
    measure = plan.measures.first()

    def count():
        version = ProgressEntry.objects.filter(round=round6, measure=measure).values_list("version", flat=True).first()
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url(plan, f"measures/{measure.pk}/"), {
                "state": "in_progress", "percent": "40", "done_text": "ประชุมแล้ว", "version": version or ""})
        assert response.status_code == 302
        return len(ctx.captured_queries)

    count()  # the first save creates the entry
    five = count()
    for n in range(45):
        services.measure_save(plan=plan, actor=editor, data={"title": f"ม{n}", "steps": "ก"})
    # 18 outside a test; the test transaction adds savepoints; the audit row's hash chain reads the
    # last hash (and on PostgreSQL takes its lock first: assessments/audit_chain.py)
    assert count() == five <= (22 if connection.vendor == "postgresql" else 21)


# ---------------------------------------------------------------- one form, one save (issue 22)


def test_it_saves_results_links_and_files_in_one_save_and_stays_on_the_measure(client, plan):
    login(client, EDITOR)
    first, second = plan.measures.order_by("order", "pk")[:2]
    response = client.post(url(plan, f"measures/{first.pk}/"), {
        "state": "in_progress", "percent": "40", "output": "ผู้เข้าร่วม 30 คน", "version": "0",
        "links": "https://example.go.th/ita/1\nexample.go.th/ita/2",
        "files": [SimpleUploadedFile("รายงาน.pdf", PDF, content_type="application/pdf")]})
    assert response.status_code == 302 and response["Location"].endswith(f"/measures/{first.pk}/")
    entry = ProgressEntry.objects.get(measure=first, round__months=6)
    assert entry.output == "ผู้เข้าร่วม 30 คน"
    assert sorted(e.url or e.original_name for e in entry.evidence.all()) == [
        "https://example.go.th/ita/1", "https://example.go.th/ita/2", "รายงาน.pdf"]
    page = client.get(url(plan, f"measures/{first.pk}/")).content.decode()
    assert "บันทึกผลการดำเนินงานและหลักฐาน" in page
    assert f'href="/app/orgs/{ANGTHONG}/2570/rounds/6/measures/{second.pk}/" data-testid="next-measure"' in page
    response = client.post(url(plan, f"measures/{second.pk}/"), {"state": "done", "version": "0", "next": "1"})
    assert response["Location"].endswith(f"/measures/{plan.measures.order_by('order', 'pk')[2].pk}/")


def test_a_refused_save_keeps_the_text_writes_nothing_and_asks_for_the_files_again(client, plan):
    login(client, EDITOR)
    measure = plan.measures.first()
    response = client.post(url(plan, f"measures/{measure.pk}/"), {
        "state": "in_progress", "percent": "40", "output": "ข้อความที่พิมพ์ไว้ยาว ๆ", "version": "0",
        "links": "https://example.go.th/a", "files": [SimpleUploadedFile("x.pdf", b"not a pdf")]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ข้อความที่พิมพ์ไว้ยาว ๆ" in html and "https://example.go.th/a" in html
    assert "กรุณาเลือกไฟล์หลักฐานอีกครั้ง" in html and 'data-testid="error-summary"' in html
    assert not ProgressEntry.objects.filter(measure=measure).exists()
    assert not Evidence.objects.filter(entry__measure=measure).exists()


def test_the_12_month_form_offers_the_6_month_text_and_evidence_to_carry_on_from(client, plan, editor):
    measure = plan.measures.first()
    round6, round12 = plan.rounds.get(months=6), plan.rounds.get(months=12)
    services.entry_report(progress_round=round6, measure=measure, actor=editor, data={
        "state": "in_progress", "percent": 60, "done_text": "จัดอบรมแล้วหนึ่งครั้ง", "output": "ผู้เข้าอบรม 40 คน"},
        links=["https://example.go.th/photo"], uploads=[SimpleUploadedFile("a.pdf", PDF)])
    login(client, EDITOR)
    page = client.get(f"/app/orgs/{ANGTHONG}/2570/rounds/12/measures/{measure.pk}/").content.decode()
    earlier = page.split('data-testid="earlier-result"')[1].split("</section>")[0]
    assert "จัดอบรมแล้วหนึ่งครั้ง" in earlier and "?carry=6" in earlier
    assert 'name="output"' in page and "ผู้เข้าอบรม 40 คน</textarea>" not in page  # offered, not imposed
    page = client.get(f"/app/orgs/{ANGTHONG}/2570/rounds/12/measures/{measure.pk}/?carry=6").content.decode()
    assert "ผู้เข้าอบรม 40 คน</textarea>" in page and 'value="in_progress" selected' in page
    tokens = [e.token for e in round6.entries.get().evidence.all()]
    response = client.post(f"/app/orgs/{ANGTHONG}/2570/rounds/12/measures/{measure.pk}/", {
        "state": "done", "output": "ผู้เข้าอบรม 80 คน", "outcome": "เข้าใจมากขึ้น", "version": "0", "carry": tokens})
    assert response.status_code == 302
    entry12 = round12.entries.get(measure=measure)
    assert entry12.output == "ผู้เข้าอบรม 80 คน" and entry12.evidence.count() == 2
    copied = entry12.evidence.exclude(file="").get()
    assert copied.file.name != round6.entries.get().evidence.exclude(file="").get().file.name


def test_the_whole_12_month_round_starts_from_the_6_month_one_on_request(client, plan, editor):
    round6 = plan.rounds.get(months=6)
    measures = list(plan.measures.order_by("order", "pk"))
    for measure in measures[:3]:
        services.entry_save(progress_round=round6, measure=measure, actor=editor,
                            data={"state": "in_progress", "percent": 50, "output": f"ผล {measure.pk}"})
    login(client, EDITOR)
    page = client.get(f"/app/orgs/{ANGTHONG}/2570/rounds/12/").content.decode()
    assert 'data-testid="carry-round"' in page and "data-confirm" in page.split('data-testid="carry-round"')[1]
    assert client.post(f"/app/orgs/{ANGTHONG}/2570/rounds/12/carry/").status_code == 302
    round12 = plan.rounds.get(months=12)
    assert sorted(round12.entries.values_list("output", flat=True)) == sorted(f"ผล {m.pk}" for m in measures[:3])
    assert client.post(f"/app/orgs/{ANGTHONG}/2570/rounds/12/carry/").status_code == 302  # nothing left to start
    assert round12.entries.count() == 3


@pytest.mark.parametrize("typed", ["31/12/2599", "9999-12-31", "01/01/2500"])
def test_it_refuses_a_due_date_outside_the_fiscal_years_on_record_with_a_thai_message(client, plan, typed):
    login(client, APPROVER)
    response = client.post(url(plan, "due/"), {"due_date": typed, "reason": "ขอขยาย"}, follow=True)
    html = response.content.decode()
    assert "กำหนดส่งใหม่ ต้องอยู่ระหว่างวันที่" in html and "(ปีงบประมาณที่มีในระบบและปีถัดไป)" in html
    assert str(plan.rounds.get(months=6).due_date) == "2027-04-30"


def test_sending_and_approving_a_round_say_what_is_missing_first(client, plan, editor):
    round6 = plan.rounds.get(months=6)
    first = plan.measures.order_by("order", "pk").first()
    services.entry_save(progress_round=round6, measure=first, actor=editor, data={"state": "done", "output": "ก"})
    login(client, EDITOR)
    gaps = client.get(url(plan)).content.decode().split('data-testid="review-gaps"')[1].split("</div>")[0]
    assert "แผนมาตรการของปีนี้ยังไม่ได้รับความเห็นชอบ (สถานะ: ฉบับร่าง)" in gaps
    assert "ยังไม่ได้รายงานผล 4 จาก 5 มาตรการ" in gaps and first.title not in gaps
