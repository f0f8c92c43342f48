"""Re-rendering a province's published documents runs as a background task with progress."""

from assessments.models import AuditEvent, Province
from reports.models import PublishedDocument, RepublishJob
from tests.factories import DISTRICT_SUPERVISOR, KALASIN_SUPERVISOR, NAKHONPHANOM_SUPERVISOR, SUPERVISOR, login, user


def test_a_supervisor_republishes_their_province_and_sees_the_progress(
        client, db, django_capture_on_commit_callbacks):
    province = Province.objects.get(name="นครพนม")
    before = set(PublishedDocument.objects.filter(org__province=province).values_list("doc", "version"))
    login(client, NAKHONPHANOM_SUPERVISOR)
    assert "สร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด" in client.get("/app/dashboard/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued after the commit
        response = client.post("/app/republish/", {"province": province.pk, "reason": "เปลี่ยนตราหน่วยงาน"})
    job = RepublishJob.objects.get()
    assert response["Location"] == f"/app/republish/{job.pk}/"
    assert (job.state, job.total, job.done, job.failed) == ("finished", 3, 3, 0)
    after = set(PublishedDocument.objects.filter(org__province=province).values_list("doc", "version"))
    assert after == before | {(doc, 2) for doc, _v in before}  # v1 stays, v2 is new
    html = client.get(response["Location"]).content.decode()
    assert "เสร็จ 3 จาก 3 ฉบับ" in html and "100%" in html
    assert AuditEvent.objects.filter(action="report.republish").exists()


def test_a_supervisor_elsewhere_cannot_republish(client, db):
    login(client, KALASIN_SUPERVISOR)
    province = Province.objects.get(name="นครพนม")
    assert client.post("/app/republish/", {"province": province.pk}).status_code == 403
    assert not RepublishJob.objects.exists()


def test_it_refuses_a_district_supervisor_the_republishing_of_their_province(client, district_supervisor):
    province = Province.objects.get(name="อ่างทอง")
    login(client, DISTRICT_SUPERVISOR)
    assert "สร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด" not in client.get("/app/dashboard/").content.decode()
    assert client.post("/app/republish/", {"province": province.pk}).status_code == 403
    assert not RepublishJob.objects.exists()
    job = RepublishJob.objects.create(province=province, requested_by=user(SUPERVISOR))  # the province's own
    assert client.get(f"/app/republish/{job.pk}/").status_code == 403


def test_it_queues_one_job_when_the_republish_button_is_sent_twice(client, db):
    province = Province.objects.get(name="นครพนม")
    login(client, NAKHONPHANOM_SUPERVISOR)
    data = {"province": province.pk, "reason": "ตราใหม่ของจังหวัด"}
    first = client.post("/app/republish/", data)
    second = client.post("/app/republish/", data)  # the job is still waiting in the queue
    job = RepublishJob.objects.get()
    assert first["Location"] == second["Location"] == f"/app/republish/{job.pk}/"
    assert AuditEvent.objects.filter(action="report.republish").count() == 1
