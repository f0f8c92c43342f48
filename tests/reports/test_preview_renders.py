"""Previews in seconds (issue 26 point 2): a preview is kept by the hash of its content and
answered from it at once; a long one is rendered by the worker (the real django_tasks_db queue and
db_worker) while the preview's address answers with a progress page; the same content renders
once; a change of content is a new key; failures are a Thai page, never a 500; the status address
is for those who may see the preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from measures import services as measure_services
from reports import files, previews, render
from reports.models import PreviewRender
from reports.tasks import render_preview
from tests.factories import ANGTHONG, EDITOR, OTHER_EDITOR, OUTSIDE_SUPERVISOR, SUPERVISOR, build_plan, login, user
from tests.notifying import DB_TASKS, run_worker
from tests.pdfs import pdf_text, skeleton

PREVIEW = f"/app/orgs/{ANGTHONG}/2570/reports/measures.pdf"
RESULTS = f"/app/orgs/{ANGTHONG}/2570/reports/results-6m.pdf"
TASK = "reports.tasks.render_preview"


@pytest.fixture
def plan(angthong):
    return build_plan(angthong, 2570, measures=2)


@pytest.fixture
def queue(settings):
    """The real database queue, and no render in the request: every preview goes to the worker."""
    settings.TASKS = DB_TASKS
    settings.PREVIEW_INLINE_SECONDS = 0
    return settings


def status_url(row, doc="measures"):
    return f"/app/orgs/{ANGTHONG}/2570/reports/{doc}/preview/{row.key}/"


def test_it_answers_a_long_preview_with_the_progress_page_and_the_worker_renders_it(client, plan, queue,
                                                                                      monkeypatch):
    login(client, EDITOR)
    first = client.get(PREVIEW)
    assert first.status_code == 202 and first["Content-Type"].startswith("text/html")
    page = first.content.decode()
    assert "กำลังจัดทำเอกสาร…" in page and "รอคิวจัดทำเอกสาร" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # without JavaScript
    assert "js/preview.js" in page and "no-store" in first["Cache-Control"]
    row = PreviewRender.objects.get()
    assert (row.state, row.draft, row.doc, row.fiscal_year) == ("queued", True, "measures", 2570)
    assert f'data-preview-status="{status_url(row)}"' in page and f'data-preview-pdf="{PREVIEW}"' in page
    assert client.get(PREVIEW).status_code == 202  # asked again while queued: still one row, one task
    assert PreviewRender.objects.count() == 1 and DBTaskResult.objects.filter(task_path=TASK).count() == 1
    assert client.get(status_url(row)).json()["state"] == "queued"

    run_worker(monkeypatch)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.context) == ("ready", 1, None)
    assert row.file.name.startswith("previews/") and row.pages >= 1 and row.size > 0
    status = client.get(status_url(row))
    assert status.json()["state"] == "ready" and "no-store" in status["Cache-Control"]
    pdf = client.get(PREVIEW)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="draft-measures-2570.pdf"'
    assert pdf.content == files.storage().open(row.file.name).read()
    assert skeleton("มาตรการทดสอบที่ 2") in skeleton(pdf_text(pdf.content))
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1  # served from the file


def test_a_kept_preview_is_answered_from_its_file_without_rendering(client, plan, monkeypatch):
    login(client, EDITOR)
    first = client.get(PREVIEW)  # small: rendered in the request, as before, and kept
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    row = PreviewRender.objects.get()
    assert row.state == "ready"

    def no_render(*args, **kwargs):
        raise AssertionError("a kept preview was rendered again")

    monkeypatch.setattr(render, "render_pdf", no_render)
    again = client.get(PREVIEW)
    assert again.status_code == 200 and again.content == first.content
    login(client, SUPERVISOR)  # the same content for everyone who may see it: the same file
    assert client.get(PREVIEW).content == first.content


def test_a_changed_measure_is_a_new_key_and_its_render_replaces_the_old(client, plan):
    login(client, EDITOR)
    client.get(PREVIEW)
    old = PreviewRender.objects.get()
    measure = plan.measures.order_by("order").first()
    measure_services.measure_save(plan=plan, measure=measure, actor=user(EDITOR), expected_version=measure.version,
                                  data={"title": "มาตรการที่แก้ไขแล้ว"})
    assert previews.preview_of(plan, "measures").key != old.key
    pdf = client.get(PREVIEW)
    assert skeleton("มาตรการที่แก้ไขแล้ว") in skeleton(pdf_text(pdf.content))
    new = PreviewRender.objects.get()  # the old render and its file are gone
    assert new.key != old.key and not files.storage().exists(old.file.name)


def test_a_new_logo_is_a_new_key(client, plan):
    login(client, EDITOR)
    before = previews.preview_of(plan, "measures")
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
           b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    response = client.post(f"/app/orgs/{ANGTHONG}/reports/settings/", {
        "logo": SimpleUploadedFile("logo.png", png), "measure_columns": ["indicator", "analysis", "period"],
        "result_columns": ["steps", "responsible", "period", "remarks", "status", "percent"], "thai_numerals": "on"})
    assert response.status_code == 302
    after = previews.preview_of(plan, "measures")
    assert after.context == before.context and after.key != before.key


def test_the_same_key_queued_twice_renders_once(plan, queue, monkeypatch):
    preview = previews.preview_of(plan, "measures")
    row = previews.queue(preview)
    assert previews.queue(preview).pk == row.pk  # a twin request: the same row, no second task
    render_preview.enqueue(row.pk)  # a twin task all the same (a lost one queued again)
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 2
    run_worker(monkeypatch)
    outcomes = sorted(DBTaskResult.objects.filter(task_path=TASK).values_list("return_value", flat=True))
    assert outcomes == ["ready", "taken"]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("ready", 1)


def test_a_render_past_the_workers_budget_is_a_thai_page_and_can_be_tried_again(client, plan, queue, monkeypatch):
    queue.PREVIEW_RENDER_TIMEOUT_SECONDS = 0.001
    login(client, EDITOR)
    assert client.get(RESULTS).status_code == 202
    run_worker(monkeypatch)
    row = PreviewRender.objects.get()
    assert (row.state, row.failure) == ("failed", "timeout")
    assert client.get(status_url(row, "results-6m")).json()["state"] == "failed"
    page = client.get(RESULTS)
    assert page.status_code == 503
    text = page.content.decode()
    assert "ไม่เสร็จภายในเวลาที่กำหนด" in text and f"{RESULTS}?retry=1" in text
    assert "กลับไปที่รายงานผลการดำเนินงาน" in text
    assert client.get(RESULTS).status_code == 503  # a failure is kept: not rendered again on every visit
    queue.PREVIEW_RENDER_TIMEOUT_SECONDS = 120
    assert client.get(f"{RESULTS}?retry=1").status_code == 202  # queued again
    run_worker(monkeypatch)
    pdf = client.get(RESULTS)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_render_that_fails_is_a_thai_page_not_a_500(client, plan, queue, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer broke")

    login(client, EDITOR)
    client.get(PREVIEW)
    monkeypatch.setattr(render, "render_pdf", broken)
    run_worker(monkeypatch)
    row = PreviewRender.objects.get()
    assert (row.state, row.failure, row.context) == ("failed", "error", None)
    page = client.get(PREVIEW)
    assert page.status_code == 503 and "จัดทำตัวอย่าง PDF ไม่สำเร็จ" in page.content.decode()
    queue.PREVIEW_INLINE_SECONDS = 1  # in the request too: the same page
    monkeypatch.setattr(render, "render_pdf", broken)
    page = client.get(f"{PREVIEW}?retry=1")
    assert page.status_code == 503 and "ลองจัดทำอีกครั้ง" in page.content.decode()


@pytest.mark.parametrize(("who", "expected"), [
    (EDITOR, 200), (SUPERVISOR, 200), (OTHER_EDITOR, 404), (OUTSIDE_SUPERVISOR, 404)])
def test_the_status_of_a_preview_is_for_those_who_may_see_it(client, plan, queue, who, expected):
    row = previews.queue(previews.preview_of(plan, "measures"))
    login(client, who)
    response = client.get(status_url(row))
    assert response.status_code == expected
    assert "no-store" in response["Cache-Control"]
    if expected == 200:
        assert response.json()["state"] == "queued" and response.json()["message"] == "รอคิวจัดทำเอกสาร…"


def test_a_key_answers_only_under_its_own_body_year_and_document(client, plan, queue, anonymous):
    row = previews.queue(previews.preview_of(plan, "measures"))
    assert anonymous.get(status_url(row)).status_code == 302  # to the sign-in page
    login(client, EDITOR)
    assert client.get(status_url(row, "results-6m")).status_code == 404  # another document's address
    assert client.get(f"/app/orgs/{ANGTHONG}/2569/reports/measures/preview/{row.key}/").status_code == 404
    assert client.get(f"/app/orgs/{ANGTHONG}/2570/reports/measures/preview/not-a-key/").status_code == 404
    assert client.get(f"/app/orgs/{ANGTHONG}/2570/reports/nope/preview/{row.key}/").status_code == 404


def test_renders_nobody_read_for_days_are_removed_and_the_sweep_takes_stray_files(client, plan):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    login(client, EDITOR)
    client.get(PREVIEW)
    old = PreviewRender.objects.get()
    PreviewRender.objects.filter(pk=old.pk).update(
        read_at=timezone.now() - datetime.timedelta(days=previews.keep_days() + 1))
    client.get(RESULTS)  # another render: it prunes what nobody read
    assert list(PreviewRender.objects.values_list("doc", flat=True)) == ["results-6m"]
    assert not files.storage().exists(old.file.name)
    stray = files.storage().save("previews/stray.pdf", ContentFile(b"%PDF-1.7"))
    removed = files.sweep(older_than=datetime.timedelta(0))  # (and earlier tests' files: their rows rolled back)
    assert stray in removed and PreviewRender.objects.get().file.name not in removed
    assert files.storage().exists(PreviewRender.objects.get().file.name)  # the kept one stays


def test_a_render_left_running_by_a_dead_worker_is_queued_again(client, plan, queue, monkeypatch):
    import datetime

    from django.utils import timezone

    login(client, EDITOR)
    client.get(PREVIEW)
    row = PreviewRender.objects.get()
    long_ago = timezone.now() - datetime.timedelta(seconds=previews.render_seconds()) - previews.RUN_GRACE * 2
    PreviewRender.objects.filter(pk=row.pk).update(state="running", started_at=long_ago)  # its worker died
    assert client.get(status_url(row)).json()["state"] == "running"  # noticed: queued again
    row.refresh_from_db()
    assert row.state == "queued" and DBTaskResult.objects.filter(task_path=TASK).count() == 2
    run_worker(monkeypatch)
    assert client.get(PREVIEW).status_code == 200



def worker_command_env(settings, worker_id):
    """`manage.py db_worker --batch` as a process of its own on the test database (committed: a
    transactional test) and the test's media folder, as tests.notifying.worker_process runs one."""
    import os
    import sys

    from tests.notifying import worker_database_url

    url = worker_database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "1", "DATABASE_URL": url,
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload",
               "--interval", "0", "--worker-id", worker_id]
    return command, env


def test_a_worker_process_renders_the_preview_a_request_queued(demo_db, settings, client):
    """A separate `manage.py db_worker` process (as `make worker` runs one) on the committed
    database and the same media storage: the address then answers the PDF from its file."""
    import subprocess

    from assessments.models import Organization
    from tests.notifying import ROOT

    settings.TASKS = DB_TASKS
    settings.PREVIEW_INLINE_SECONDS = 0
    build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    login(client, EDITOR)
    assert client.get(PREVIEW).status_code == 202
    command, env = worker_command_env(settings, "preview-worker")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    row = PreviewRender.objects.get()
    assert row.state == "ready" and DBTaskResult.objects.get(task_path=TASK).worker_ids == ["preview-worker"]
    pdf = client.get(PREVIEW)
    assert pdf.status_code == 200 and pdf.content == files.storage().open(row.file.name).read()


@pytest.mark.parametrize("measures", [2, 6])
def test_the_status_and_a_kept_preview_cost_the_same_queries_whatever_the_plan(
        client, angthong, queue, monkeypatch, django_assert_num_queries, measures):
    """The status is asked every second and a half while a page waits: a few queries, whatever the
    plan's size; a kept preview builds the context (a fixed number of queries) and reads one row."""
    build_plan(angthong, 2570, measures=measures)
    login(client, EDITOR)
    client.get(PREVIEW)
    row = PreviewRender.objects.get()
    # The session, the user, whether they have a second factor, the body, their roles (one), the plan,
    # the render (without the context it keeps for the worker).
    with django_assert_num_queries(7):
        assert client.get(status_url(row)).status_code == 200
    run_worker(monkeypatch)
    client.get(PREVIEW)  # the first read marks the row read
    with django_assert_num_queries(13):
        assert client.get(PREVIEW).status_code == 200
