"""Answering the OIT items (issue 25 point 2): oit/services.py saves, versions, the workflow and
published = approved."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import AuditEvent
from common.errors import ConcurrentEdit, Refusal
from oit import services
from oit.models import EvidenceFile, ItemAnswer
from tests.factories import APPROVER, EDITOR, OTHER_EDITOR, user

from .helpers import PDF, angthong, docx, item, pdf, publish, save_url


def test_it_saves_an_external_address_as_a_draft_and_audits_it(db):
    answer = save_url("o1", "https://www.angthong.go.th/structure")
    assert (answer.state, answer.kind, answer.url, answer.published_at) == ("draft", "url", answer.url, None)
    assert AuditEvent.objects.filter(action="oit.answer_save", org=answer.org).count() == 1


def test_it_versions_uploaded_files_by_their_bytes(db):
    org, o8 = angthong(), item("o8")
    first = services.answer_save(org=org, item=o8, actor=user(EDITOR), kind="file", upload=pdf())
    assert first.file.version == 1 and first.file.sha256 == hashlib.sha256(PDF).hexdigest()
    same = services.answer_save(org=org, item=o8, actor=user(EDITOR), kind="file", upload=pdf("อีกชื่อ.pdf"))
    assert same.file.pk == first.file.pk  # the same bytes: no new version
    second = services.answer_save(org=org, item=o8, actor=user(EDITOR), kind="file", upload=docx())
    assert (second.file.version, second.file.ext) == (2, "docx")
    assert EvidenceFile.objects.filter(org=org, item_code="o8").count() == 2
    kept = services.answer_save(org=org, item=o8, actor=user(EDITOR), kind="file", note="ฉบับปรับปรุง")
    assert kept.file.pk == second.file.pk  # no new upload: the file stays


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"kind": "url", "url": "javascript:alert(1)"}, "http:// หรือ https://"),
    ({"kind": "url", "url": "https://ตัวอย่าง.go.th/ไฟล์ ใหม่.pdf"}, "ต้องไม่มีช่องว่าง"),
    ({"kind": "url", "url": ""}, "กรุณาใส่ที่อยู่เว็บ"),
    ({"kind": "file", "upload": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")}, "ตรวจจากเนื้อไฟล์"),
    ({"kind": "file"}, "กรุณาเลือกไฟล์หลักฐาน"),
    ({"kind": "document", "doc": "measures", "doc_fiscal_year": 2567}, "ปีงบประมาณ 2569 หรือ 2568"),
    ({"kind": "other"}, "กรุณาเลือกชนิดของหลักฐาน"),
])
def test_it_refuses_bad_evidence_in_thai_and_writes_nothing(db, kwargs, words):
    with pytest.raises(Refusal) as refused:
        services.answer_save(org=angthong(), item=item("o1"), actor=user(EDITOR), **kwargs)
    assert words in " ".join(refused.value.messages)
    assert not ItemAnswer.objects.exists() and not EvidenceFile.objects.exists()


def test_it_refuses_an_item_a_published_document_answers(db):
    with pytest.raises(Refusal, match="โดยอัตโนมัติ"):
        save_url("o25", "https://www.angthong.go.th/measures.pdf")


def test_it_refuses_someone_who_is_not_the_bodys_editor(db):
    for who in (APPROVER, OTHER_EDITOR):
        with pytest.raises(Refusal):
            services.answer_save(org=angthong(), item=item("o1"), actor=user(who), kind="url", url="https://a.go.th/")


def test_it_refuses_a_save_over_someone_elses(db):
    answer = save_url("o1", "https://www.angthong.go.th/a")
    save_url("o1", "https://www.angthong.go.th/b")
    with pytest.raises(ConcurrentEdit):
        services.answer_save(org=angthong(), item=item("o1"), actor=user(EDITOR), kind="url",
                             url="https://www.angthong.go.th/c", expected_version=answer.version)


def test_published_is_what_the_approver_approved(db):
    save_url("o1", "https://www.angthong.go.th/approved")
    publish()
    answer = ItemAnswer.objects.get(item=item("o1"))
    assert (answer.state, answer.published_url) == ("published", "https://www.angthong.go.th/approved")
    # A new draft changes nothing public until it too is approved and published.
    save_url("o1", "https://www.angthong.go.th/draft")
    answer.refresh_from_db()
    assert (answer.state, answer.published_url) == ("draft", "https://www.angthong.go.th/approved")
    services.answers_transition(org=answer.org, fiscal_year=2569, actor=user(EDITOR), action="submit")
    with pytest.raises(Refusal, match="อยู่ระหว่างการพิจารณา"):
        save_url("o1", "https://www.angthong.go.th/sneaked-in")
    answer.refresh_from_db()
    assert answer.published_url == "https://www.angthong.go.th/approved"


def test_it_publishes_the_file_version_approved_and_keeps_it_public(db):
    org, o8 = angthong(), item("o8")
    services.answer_save(org=org, item=o8, actor=user(EDITOR), kind="file", upload=pdf())
    publish()
    first = EvidenceFile.objects.get(item_code="o8", version=1)
    assert first.published_at is not None
    services.answer_save(org=org, item=o8, actor=user(EDITOR), kind="file", upload=docx())
    second = EvidenceFile.objects.get(item_code="o8", version=2)
    assert second.published_at is None  # a draft's file is not public
    publish()
    second.refresh_from_db()
    assert second.published_at is not None


def test_nobody_approves_or_returns_what_they_submitted(db):
    save_url("o1", "https://www.angthong.go.th/a")
    org = angthong()
    services.answers_transition(org=org, fiscal_year=2569, actor=user(EDITOR), action="submit")
    answer = ItemAnswer.objects.get(item=item("o1"))
    ItemAnswer.objects.filter(pk=answer.pk).update(submitted_by=user(APPROVER))  # as if the approver had sent it
    with pytest.raises(Refusal, match="ไม่มีหลักฐานข้อใด"):
        services.answers_transition(org=org, fiscal_year=2569, actor=user(APPROVER), action="approve")
    with pytest.raises(Refusal, match="ให้พิจารณาเองจะเห็นชอบ"):
        services.answers_transition(org=org, fiscal_year=2569, actor=user(APPROVER), action="approve", codes=["o1"])


def test_a_return_needs_a_reason_and_reaches_the_editor(db):
    save_url("o3", "https://www.angthong.go.th/contact")
    org = angthong()
    services.answers_transition(org=org, fiscal_year=2569, actor=user(EDITOR), action="submit")
    with pytest.raises(Refusal, match="เหตุผล"):
        services.answers_transition(org=org, fiscal_year=2569, actor=user(APPROVER), action="return")
    assert services.answers_transition(org=org, fiscal_year=2569, actor=user(APPROVER), action="return",
                                       reason="ใส่เบอร์โทรด้วย") == 1
    answer = ItemAnswer.objects.get(item=item("o3"))
    assert (answer.state, answer.return_reason) == ("returned", "ใส่เบอร์โทรด้วย")
    assert AuditEvent.objects.filter(action="oit.return").exists()


def test_a_failed_save_leaves_no_file_behind(db, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("audit failed")

    from django.conf import settings

    def stored():
        return set((settings.MEDIA_ROOT / "oit").rglob("*"))

    before = stored()
    monkeypatch.setattr(services, "audit", fail)
    with pytest.raises(RuntimeError):
        services.answer_save(org=angthong(), item=item("o8"), actor=user(EDITOR), kind="file", upload=pdf())
    assert not EvidenceFile.objects.exists()
    assert {p for p in stored() - before if p.is_file()} == set()
