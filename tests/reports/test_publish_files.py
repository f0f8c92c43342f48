"""Publishing renders outside any transaction and adopts its files in one short transaction
(docs/ARCHITECTURE.md, "Publishing, step by step"): a slow render never holds the database's
write lock; a process killed at any point of a publish leaves, once swept, no file that no row
names and no row without its file; a publish that meets another approver's discards its files."""

import datetime
import hashlib
import io
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from assessments import services as assessment_services
from assessments.models import Membership, Organization, Province
from common.errors import Refusal
from measures import services as measure_services
from reports import files, render
from reports import services as report_services
from reports.models import PublishedDocument
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, user

ROOT = Path(__file__).resolve().parents[2]


def make_body(slug, name):
    province, _created = Province.objects.get_or_create(code="TPF", defaults={"name": "จังหวัดทดสอบเผยแพร่",
                                                                              "name_en": "Test"})
    org = assessment_services.organization_upsert(slug=slug, name=name, kind="sao", province=province)
    people = {}
    for role in ("editor", "approver"):
        people[role] = get_user_model().objects.create_user(f"{slug}-{role}", first_name="สมชาย", last_name="ทดสอบ")
        Membership.objects.create(user=people[role], org=org, role=role)
    plan = build_plan(org, 2570, measures=1, editor=people["editor"].username)
    return org, plan, people


@pytest.fixture
def bodies(transactional_db, settings, tmp_path):
    """Two bodies of their own, committed (other processes and threads see them), and a media
    folder of this test's own: the first body's plan approved, the second's a draft."""
    settings.MEDIA_ROOT = tmp_path / "media"
    one = make_body("abt-publish-one", "องค์การบริหารส่วนตำบลเผยแพร่หนึ่ง")
    two = make_body("abt-publish-two", "องค์การบริหารส่วนตำบลเผยแพร่สอง")
    org, plan, people = one
    measure_services.document_transition(plan=plan, actor=people["editor"], action="submit")
    measure_services.document_transition(plan=plan, actor=people["approver"], action="approve")
    return one, two


def stored_files(folder):
    return set(files._walk(folder))


def test_it_lets_another_body_save_while_a_publish_renders(bodies, monkeypatch):
    (org, plan, people), (_org_two, plan_two, people_two) = bodies
    rendering, release = threading.Event(), threading.Event()
    real_render = render.render_pdf

    def slow_render(*args, **kwargs):
        rendering.set()
        release.wait(10)  # today's templates take far less; long enough to meet the other save
        return real_render(*args, **kwargs)

    monkeypatch.setattr(render, "render_pdf", slow_render)
    errors = []

    def publish():
        try:
            measure_services.document_transition(plan=plan, actor=people["approver"], action="publish")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=publish)
    thread.start()
    try:
        assert rendering.wait(30)
        measure = plan_two.measures.get()
        started = time.monotonic()
        measure_services.measure_save(plan=plan_two, actor=people_two["editor"], data={"title": "ชื่อใหม่ระหว่างเผยแพร่"},
                                      measure=measure, expected_version=measure.version)
        took = time.monotonic() - started
        still_rendering = not release.is_set() and thread.is_alive()
    finally:
        release.set()
        thread.join(60)
    assert errors == []
    assert still_rendering and took < 5, took  # it did not wait for the render
    plan.refresh_from_db()
    assert plan.status == "published"
    assert plan_two.measures.get().title == "ชื่อใหม่ระหว่างเผยแพร่"


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def publish_process(settings, plan, username, pause):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "1",
           "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT), "RENDER_TIMEOUT_SECONDS": "0",
           "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "tests.publish_process", str(plan.pk), username, pause],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for(process, text, seconds=120):
    """The process's output until a line containing ``text``; fails past ``seconds``."""
    deadline, seen = time.monotonic() + seconds, []
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([process.stdout], [], [], 1)
        if not ready:
            continue
        line = process.stdout.readline().decode("utf-8", "replace")
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return
    process.kill()
    raise AssertionError(f"no {text!r} from the publishing process: {''.join(seen)[-3000:]}")


def kill(process):
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    process.stdout.close()


def unnamed(folder="published/"):
    named = set(PublishedDocument.objects.values_list("file", flat=True))
    return stored_files(folder) - named


def test_a_process_killed_mid_publish_leaves_no_file_that_no_row_names(bodies, settings):
    org, plan, people = bodies[0]
    approver = people["approver"].username
    for pause in ("render", "prepared", "transaction"):
        process = publish_process(settings, plan, approver, pause)
        wait_for(process, f"PAUSED {pause}")
        kill(process)
        plan.refresh_from_db()
        assert plan.status == "approved", pause  # no half state: approved, no version
        assert not PublishedDocument.objects.filter(org=org).exists(), pause
    # What the kills left: a file under its temporary name (killed before the transaction) and
    # one under its final name (killed inside the transaction, which never committed).
    assert stored_files(files.PENDING) and unnamed()
    out = io.StringIO()
    call_command("sweep_files", "--minutes", "0", stdout=out)
    assert "ลบไฟล์ที่ไม่มีรายการในฐานข้อมูลแล้ว 2 ไฟล์" in out.getvalue()
    assert stored_files(files.PENDING) == set() and unnamed() == set()

    process = publish_process(settings, plan, approver, "none")  # the approver tries again
    wait_for(process, "PUBLISHED")
    assert process.wait(30) == 0
    process.stdout.close()
    plan.refresh_from_db()
    assert plan.status == "published"
    call_command("sweep_files", "--minutes", "0", stdout=io.StringIO())  # adopted files stay
    documents = list(PublishedDocument.objects.filter(org=org))
    assert [d.version for d in documents] == [1]
    assert stored_files("published/") == {d.file.name for d in documents}
    for document in documents:  # no row without its file, and the file is the one published
        with default_storage.open(document.file.name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    assert stored_files(files.PENDING) == set()


@pytest.fixture
def approved(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    measure_services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    measure_services.document_transition(plan=plan, actor=user(APPROVER), action="approve")
    return plan


def test_it_discards_its_files_when_another_approver_published_meanwhile(approved, monkeypatch):
    real_render = render.render_pdf
    calls = []

    def render_while_another_publishes(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # during the first render, a second click (or approver) publishes
            measure_services.document_transition(plan=approved, actor=user(APPROVER), action="publish")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(render, "render_pdf", render_while_another_publishes)
    with pytest.raises(Refusal, match="มีผู้อื่นเผยแพร่เอกสารนี้ไปแล้วระหว่างที่ระบบกำลังสร้างไฟล์"):
        measure_services.document_transition(plan=approved, actor=user(APPROVER), action="publish")
    documents = PublishedDocument.objects.filter(org=approved.org, fiscal_year=2570)
    assert [(d.doc, d.version) for d in documents] == [("measures", 1)]
    assert stored_files("published/") == {documents[0].file.name}  # the loser's render is gone
    assert stored_files(files.PENDING) == set()


def test_a_publish_that_fails_in_its_transaction_leaves_no_file(approved, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(report_services.notification_services, "document_published", fail)
    with pytest.raises(RuntimeError):
        measure_services.document_transition(plan=approved, actor=user(APPROVER), action="publish")
    approved.refresh_from_db()
    assert approved.status == "approved"
    assert stored_files("published/") == set() and stored_files(files.PENDING) == set()


def age(name, minutes=11):
    """Make a stored file look ``minutes`` old (older than FILE_SWEEP_MINUTES)."""
    when = datetime.datetime.now().timestamp() - minutes * 60
    os.utime(default_storage.path(name), (when, when))


def test_a_province_republish_renders_outside_its_transactions_and_sweeps_its_bodies_folders(
        approved, monkeypatch):
    from reports.models import RepublishJob

    measure_services.document_transition(plan=approved, actor=user(APPROVER), action="publish")
    first = PublishedDocument.objects.get(org=approved.org, fiscal_year=2570, doc="measures")
    # What a crash mid-publish could have left: a pending file and an unadopted final one.
    stray = [files.write_pending(b"%PDF-1.7 pending"),
             default_storage.save(f"published/{ANGTHONG}/2570/measures-v9-000000000000.pdf",
                                  io.BytesIO(b"%PDF-1.7 unadopted"))]
    for name in stray:
        age(name)
    real_render = render.render_pdf
    depth = len(connection.savepoint_ids)
    seen = []

    def render_and_look(*args, **kwargs):
        seen.append(len(connection.savepoint_ids) - depth)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(render, "render_pdf", render_and_look)
    job = RepublishJob.objects.create(province=approved.org.province, requested_by=user(APPROVER))
    report_services.republish_run(job_id=job.pk)
    assert seen and set(seen) == {0}  # no transaction open around any render
    again = PublishedDocument.objects.get(org=approved.org, fiscal_year=2570, doc="measures", version=2)
    assert again.snapshot == first.snapshot
    mine = {name for name in stored_files("published/") if name.startswith(f"published/{ANGTHONG}/")}
    assert mine == {first.file.name, again.file.name}  # the strays were swept
    assert stored_files(files.PENDING) == set()


def test_the_sweep_keeps_young_files_and_every_file_a_row_names(approved):
    measure_services.document_transition(plan=approved, actor=user(APPROVER), action="publish")
    kept = stored_files("published/")
    stray = files.write_pending(b"%PDF-1.7 a crash left this")
    assert files.sweep() == []  # younger than FILE_SWEEP_MINUTES: perhaps a publish still running
    for name in kept:
        age(name, minutes=60)
    age(stray)
    assert files.sweep() == [stray]
    assert stored_files("published/") == kept and stored_files(files.PENDING) == set()
