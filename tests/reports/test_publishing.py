"""Publishing and the public PDF addresses: immutable versions, ETag, no rendering on download."""

import hashlib
from urllib.parse import quote

import pytest

from assessments.models import AuditEvent, Organization
from common.errors import Refusal
from measures import services as measure_services
from reports import render
from reports.models import PublishedDocument
from tests.factories import APPROVER, EDITOR, build_plan, login
from tests.pdfs import pdf_text, skeleton


@pytest.fixture
def published(editor, approver):
    """Angthong's FY 2570 plan, approved and published once."""
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=2)
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=approver, action="approve")
    measure_services.document_transition(plan=plan, actor=approver, action="publish")
    return plan


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_publishing_stores_a_version_with_its_hash_who_and_when(published):
    document = PublishedDocument.objects.get(org=published.org, fiscal_year=2570, doc="measures")
    with document.file.open("rb") as handle:
        data = handle.read()
    assert document.version == 1
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.published_by.username == APPROVER
    assert document.size == len(data) and data.startswith(b"%PDF")
    assert document.snapshot["rows"][0]["title"] == "มาตรการทดสอบที่ 1"
    assert AuditEvent.objects.filter(action="report.publish", detail__doc="measures").exists()
    assert not PublishedDocument.objects.filter(org=published.org, fiscal_year=2570, doc="analysis").exists()


def test_the_public_address_serves_the_stored_pdf(client, published):
    response = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf")
    document = PublishedDocument.objects.get(org=published.org, fiscal_year=2570, doc="measures")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body(response)).hexdigest() == document.sha256
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" + quote("มาตรการส่งเสริมคุณธรรม") in disposition
    assert response["ETag"] == f'"{document.sha256}"'
    assert response["Last-Modified"]


def test_a_repeat_download_with_the_etag_is_304(client, published):
    first = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf")
    body(first)
    again = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_downloading_never_renders(client, published, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("rendered on download")

    monkeypatch.setattr(render, "render_pdf", boom)
    monkeypatch.setattr(render, "render_html", boom)
    response = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf")
    assert response.status_code == 200 and body(response).startswith(b"%PDF")


def test_a_correction_is_a_new_version_and_the_old_one_keeps_its_bytes(client, published, editor, approver):
    v1 = body(client.get("/orgs/thesaban-mueang-ang-thong/2570/measures/v1.pdf"))
    measure_services.document_transition(plan=published, actor=editor, action="revise")
    measure = published.measures.first()
    measure_services.measure_save(plan=published, actor=editor, data={"title": "ชื่อที่แก้ไขแล้ว"}, measure=measure,
                                  expected_version=measure.version)
    for action, actor in (("submit", editor), ("approve", approver), ("publish", approver)):
        measure_services.document_transition(plan=published, actor=actor, action=action)
    latest = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf")
    assert PublishedDocument.objects.get(org=published.org, fiscal_year=2570, doc="measures", version=2).sha256 \
        == hashlib.sha256(body(latest)).hexdigest()
    assert body(client.get("/orgs/thesaban-mueang-ang-thong/2570/measures/v1.pdf")) == v1
    assert v1 != body(client.get("/orgs/thesaban-mueang-ang-thong/2570/measures/v2.pdf"))


@pytest.mark.parametrize("url", [
    "/orgs/thesaban-mueang-ang-thong/2569/measures.pdf",  # a draft: never public
    "/orgs/thesaban-mueang-ang-thong/2570/results-6m.pdf",  # not published
    "/orgs/thesaban-mueang-ang-thong/2570/measures/v9.pdf",
    "/orgs/thesaban-mueang-ang-thong/2570/secret.pdf",
    "/orgs/nobody/2570/measures.pdf",
])
def test_anything_unpublished_is_404(client, published, url):
    assert client.get(url).status_code == 404


def test_only_approvers_publish(published, editor):
    with pytest.raises(Refusal):
        measure_services.document_transition(plan=published, actor=editor, action="publish")


def test_the_year_page_lists_the_documents_with_a_copy_link_for_itas(client, published):
    html = client.get("/orgs/thesaban-mueang-ang-thong/2570/").content.decode()
    assert 'href="/orgs/thesaban-mueang-ang-thong/2570/measures.pdf"' in html
    assert 'data-copy="http://testserver/orgs/thesaban-mueang-ang-thong/2570/measures.pdf"' in html
    assert "มาตรการทดสอบที่ 1" in html  # the published measures, from the snapshot


def test_the_body_page_lists_published_documents_of_every_year(client, db):
    html = client.get("/orgs/abt-dong-khwang/").content.decode()
    for doc in ("measures", "analysis", "results-12m"):
        assert f'href="/orgs/abt-dong-khwang/2568/{doc}.pdf"' in html


def test_staff_preview_a_draft_with_a_watermark(client, db):
    login(client, EDITOR)
    pdf = client.get("/app/orgs/thesaban-mueang-ang-thong/2569/reports/measures.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "ร่าง" in text.splitlines() and skeleton("มาตรการกำกับดูแลตามมาตรฐานการปฏิบัติงาน") in skeleton(text)


def test_a_published_file_changed_on_disk_is_refused_and_logged(client, published, caplog):
    document = PublishedDocument.objects.get(org=published.org, fiscal_year=2570, doc="measures")
    with open(document.file.path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"tampered")
    response = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf")
    assert response.status_code == 503
    assert "ไม่ตรงกับฉบับที่เผยแพร่" in response.content.decode()
    assert "does not match its SHA-256" in caplog.text


def test_behind_nginx_the_web_server_sends_the_verified_file(client, published, settings):
    settings.PUBLISHED_FILE_HEADER = "X-Accel-Redirect"
    settings.PUBLISHED_FILE_PREFIX = "/protected-media/"
    document = PublishedDocument.objects.get(org=published.org, fiscal_year=2570, doc="measures")
    response = client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + document.file.name
    assert response["ETag"] == f'"{document.sha256}"'
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    assert client.get("/orgs/thesaban-mueang-ang-thong/2570/measures.pdf").status_code == 503
