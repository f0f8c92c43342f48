"""Progress rounds: the round page, entry form, evidence, due dates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Organization
from measures import services
from measures.models import Evidence, ProgressEntry

from .factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, build_plan, login, user

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
    response = client.post(url(plan, f"measures/{measure.pk}/evidence/"),
                           {"file": SimpleUploadedFile("ภาพกิจกรรม.pdf", PDF)})
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
    response = client.post(url(plan, f"measures/{measure.pk}/evidence/"),
                           {"file": SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image")}, follow=True)
    assert "ไฟล์หลักฐานต้องเป็น PDF, JPEG หรือ PNG เท่านั้น" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_due_date_is_editable_per_plan(client, plan):
    login(client, EDITOR)
    client.post(url(plan, "due/"), {"due_date": "2027-05-15"})
    assert str(plan.rounds.get(months=6).due_date) == "2027-05-15"


def test_a_due_date_set_by_someone_else_meanwhile_is_not_overwritten(client, plan):
    login(client, EDITOR)
    page = client.get(url(plan)).content.decode()
    assert 'name="version" value="' in page
    version = page.split('name="version" value="')[1].split('"')[0]
    progress_round = plan.rounds.get(months=6)
    services.round_set_due(progress_round=progress_round, due_date=progress_round.due_date.replace(day=20),
                           actor=user(EDITOR), expected_version=version)  # the other person
    response = client.post(url(plan, "due/"), {"due_date": "2027-05-15", "version": version}, follow=True)
    assert plan.rounds.get(months=6).due_date.day == 20
    html = response.content.decode()
    assert "ถูกเปลี่ยนโดยผู้อื่น" in html and "15 พฤษภาคม 2570" in html


def test_the_due_date_of_a_round_in_review_cannot_be_changed(client, plan):
    progress_round = plan.rounds.get(months=6)
    progress_round.status = "submitted"
    progress_round.save()
    with pytest.raises(services.ServiceError):
        services.round_set_due(progress_round=progress_round, due_date=progress_round.due_date.replace(day=1),
                               actor=user(EDITOR))


def test_the_round_page_runs_the_same_queries_with_5_or_50_measures(client, plan, editor):
    login(client, EDITOR)
    round6 = plan.rounds.get(months=6)
    for measure in plan.measures.all():
        services.entry_save(progress_round=round6, measure=measure, actor=editor, data={"state": "in_progress"})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(plan)).status_code == 200
        return len(ctx.captured_queries)

    five = count()
    for n in range(45):
        measure = services.measure_save(plan=plan, actor=editor, data={"title": f"ม{n}", "steps": "ก"})
        services.entry_save(progress_round=round6, measure=measure, actor=editor, data={"state": "done"})
    assert count() == five


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
    assert count() == five <= 20  # 17 outside a test; the test transaction adds savepoints
