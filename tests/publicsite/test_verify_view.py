"""ตรวจสอบเอกสาร (/verify/): anyone checks whether a PDF is one the portal published, by its
SHA-256; nothing of the upload is kept, and the check is one indexed query."""

import hashlib
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Organization
from common import thai
from measures import services as measure_services
from reports import selectors, services
from reports.models import PublishedDocument
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, user

URL = "/verify/"
NO_MATCH = "ไม่ตรงกับเอกสารที่เผยแพร่ใดๆ"


@pytest.fixture
def published(db):
    """Angthong's FY 2570 measures, approved and published once: (document, its bytes)."""
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    for action, who in (("submit", EDITOR), ("approve", APPROVER), ("publish", APPROVER)):
        measure_services.document_transition(plan=plan, actor=user(who), action=action)
    document = PublishedDocument.objects.get(org=plan.org, fiscal_year=2570, doc="measures")
    with document.file.open("rb") as handle:
        return document, handle.read()


def pdf(data, name="document.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_page_is_public(db):
    response = Client().get(URL)
    assert response.status_code == 200
    assert "ตรวจสอบเอกสาร" in response.content.decode()
    assert 'href="/verify/"' in Client().get("/").content.decode()  # the footer of every page


def test_a_published_pdf_is_recognised(published):
    document, data = published
    client = Client(enforce_csrf_checks=True)
    token = client.get(URL).cookies["csrftoken"].value
    response = client.post(URL, {"file": pdf(data), "csrfmiddlewaretoken": token})
    page = response.content.decode()
    assert response.status_code == 200
    assert "ตรงกับเอกสารที่เผยแพร่" in page and NO_MATCH not in page
    assert "เทศบาลเมืองอ่างทอง" in page and "มาตรการส่งเสริมคุณธรรม" in page
    assert "ฉบับที่ 1" in page and "2570" in page
    assert thai.format_date(document.published_at.astimezone(thai_zone()), False) in page  # พ.ศ.
    assert f"/orgs/{ANGTHONG}/2570/measures/v1.pdf" in page
    assert "มีฉบับใหม่กว่า" not in page and "เป็นฉบับล่าสุด" in page
    assert document.sha256 in page
    assert response["Cache-Control"] == "private, no-store"


def thai_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Bangkok")


def correct(document, title):
    """A correction of the published plan with a new title, published as the next version."""
    plan = document.org.plans.get(fiscal_year=document.fiscal_year)
    measure_services.document_transition(plan=plan, actor=user(EDITOR), action="revise")
    measure = plan.measures.order_by("order").first()
    measure_services.measure_save(plan=plan, actor=user(EDITOR), data={"title": title}, measure=measure,
                                  expected_version=measure.version)
    for action, who in (("submit", EDITOR), ("approve", APPROVER), ("publish", APPROVER)):
        measure_services.document_transition(plan=plan, actor=user(who), action=action)


def test_an_older_version_says_a_newer_one_exists(published):
    document, data = published
    correct(document, "มาตรการที่แก้ไขแล้ว")
    correct(document, "มาตรการที่แก้ไขครั้งที่สอง")
    page = Client().post(URL, {"file": pdf(data)}).content.decode()
    assert "ฉบับที่ 1" in page and "ฉบับที่ 2<" not in page
    assert "มีฉบับใหม่กว่า: ฉบับที่ 3" in page
    assert f'href="/orgs/{ANGTHONG}/2570/measures/v3.pdf"' in page
    newest = PublishedDocument.objects.get(org=document.org, fiscal_year=2570, doc="measures", version=3)
    latest_page = Client().get(URL, {"sha256": newest.sha256}).content.decode()
    assert "ฉบับที่ 3" in latest_page and "มีฉบับใหม่กว่า" not in latest_page


def test_a_file_published_unchanged_as_several_versions_names_them_all(published):
    document, data = published
    services.report_republish(document=document, actor=user(APPROVER))  # same templates: the same bytes
    page = Client().post(URL, {"file": pdf(data)}).content.decode()
    assert "ฉบับที่ 1" in page and "ฉบับที่ 2" in page
    assert "มีฉบับใหม่กว่า" not in page and "ตรงกับหลายฉบับ" in page


def test_a_changed_file_matches_nothing(published):
    _document, data = published
    changed = data.replace(b"/Producer", b"/Producex", 1) if b"/Producer" in data else data + b"\n%"
    response = Client().post(URL, {"file": pdf(changed)})
    assert response.status_code == 200
    page = response.content.decode()
    assert NO_MATCH in page and "ฉบับที่ 1" not in page
    assert hashlib.sha256(changed).hexdigest() in page


def test_a_pasted_sha256_is_checked_and_a_link_answers_the_same(published):
    document, _data = published
    pasted = Client().post(URL, {"sha256": "  " + document.sha256.upper()[:32] + " " + document.sha256[32:] + "\n"})
    assert "ฉบับที่ 1" in pasted.content.decode()
    link = Client().get(URL, {"sha256": document.sha256})
    assert link.status_code == 200 and "ตรงกับเอกสารที่เผยแพร่" in link.content.decode()
    assert NO_MATCH in Client().get(URL, {"sha256": "0" * 64}).content.decode()


@pytest.mark.parametrize("value", ["abc", "g" * 64, "0" * 63, "0" * 65])
def test_a_sha256_that_is_not_64_hex_digits_is_refused(db, value):
    response = Client().post(URL, {"sha256": value})
    assert response.status_code == 400
    assert "64 ตัว" in response.content.decode()


def test_an_empty_form_says_what_to_give(db):
    response = Client().post(URL, {})
    assert response.status_code == 400
    assert "กรุณาเลือกไฟล์ หรือวางค่า SHA-256" in response.content.decode()


def test_the_post_needs_its_csrf_token(published):
    _document, data = published
    response = Client(enforce_csrf_checks=True).post(URL, {"file": pdf(data)})
    assert response.status_code == 403


def test_nothing_of_the_upload_is_stored(published, settings, tmp_path, monkeypatch):
    """Not in MEDIA_ROOT, not as a temporary file (even past FILE_UPLOAD_MAX_MEMORY_SIZE), no row:
    the file is hashed as it arrives, and Django's own upload handlers never see it."""
    from django.core.files import uploadhandler

    def never(*args, **kwargs):
        raise AssertionError("Django's upload handler was used")

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", never)
    monkeypatch.setattr(uploadhandler.MemoryFileUploadHandler, "new_file", never)
    _document, data = published
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # Django's own handlers would write a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    media_before = sorted(str(p) for p in _walk(settings.MEDIA_ROOT))
    rows_before = PublishedDocument.objects.count()
    assert "ตรงกับเอกสารที่เผยแพร่" in Client().post(URL, {"file": pdf(data)}).content.decode()
    assert sorted(str(p) for p in _walk(settings.MEDIA_ROOT)) == media_before
    assert list(tmp_path.iterdir()) == []
    assert PublishedDocument.objects.count() == rows_before


def _walk(root):
    for folder, _dirs, files in os.walk(root):
        for name in files:
            yield os.path.join(folder, name)


def test_a_file_over_20_mb_is_refused(db):
    just_over = Client().post(URL, {"file": pdf(b"%PDF" + b"0" * (20 * 1024 * 1024))})
    assert just_over.status_code == 413
    assert "ไฟล์ใหญ่เกิน 20 MB" in just_over.content.decode()
    far_over = Client().post(URL, {"file": pdf(b"%PDF" + b"0" * (21 * 1024 * 1024))})  # refused unread
    assert far_over.status_code == 413
    assert "ไฟล์ใหญ่เกิน 20 MB" in far_over.content.decode()


def test_the_lookup_is_one_query_whatever_the_number_of_versions(published, django_assert_num_queries):
    document, _data = published
    with django_assert_num_queries(1):
        matches = selectors.published_with_sha256(document.sha256)
    assert [(m.version, m.newest_version, m.org.name) for m in matches] == [(1, 1, "เทศบาลเมืองอ่างทอง")]
    correct(document, "มาตรการที่แก้ไขแล้ว")
    second = PublishedDocument.objects.get(org=document.org, fiscal_year=2570, doc="measures", version=2)
    for _ in range(3):  # more rows: version 2 again, as versions 3–5
        services.report_republish(document=second, actor=user(APPROVER))
    with django_assert_num_queries(1):
        matches = selectors.published_with_sha256(document.sha256)
        assert matches[0].org.province.name  # loaded with it
    assert [(m.version, m.newest_version) for m in matches] == [(1, 5)]


def test_the_lookup_uses_the_sha256_index(published):
    document, _data = published
    with CaptureQueriesContext(connection) as queries:
        selectors.published_with_sha256(document.sha256)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + queries[0]["sql"].replace(f"'{document.sha256}'", "%s"),
                           [document.sha256])
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "sha256" in plan and "USING INDEX" in plan, plan
        else:
            cursor.execute("EXPLAIN " + queries[0]["sql"].replace(f"'{document.sha256}'", "%s"), [document.sha256])
            assert "sha256" in " ".join(str(row) for row in cursor.fetchall())


def test_the_whole_check_of_a_file_costs_one_query(published, django_assert_num_queries):
    _document, data = published
    client = Client()
    with django_assert_num_queries(1):
        response = client.post(URL, {"file": pdf(data)})
    assert "ฉบับที่ 1" in response.content.decode()
