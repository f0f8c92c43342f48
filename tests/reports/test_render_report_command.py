"""`manage.py render_report <slug> <fy> <doc> -o FILE.pdf`."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from reports.models import PublishedDocument
from tests.pdfs import pdf_text, skeleton


def run(*args):
    out = io.StringIO()
    call_command("render_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("slug, fy, doc, state", [
    ("abt-dong-khwang", "2568", "measures", "ฉบับจริง"), ("abt-bo-kaeo", "2568", "results-6m", "ฉบับจริง"),
    ("thesaban-mueang-ang-thong", "2569", "measures", "ร่าง"), ("thesaban-tambon-phok-noi", "2564", "analysis",
                                                               "ฉบับจริง"),
])
def test_it_renders_drafts_and_approved_documents(db, tmp_path, slug, fy, doc, state):
    out = tmp_path / "doc.pdf"
    message = run(slug, fy, doc, "-o", str(out))
    assert state in message and "หน้า" in message
    assert out.read_bytes().startswith(b"%PDF")
    assert skeleton("ประจำปีงบประมาณ") in skeleton(pdf_text(out.read_bytes()))


def test_it_writes_a_published_version_byte_for_byte(db, tmp_path):
    out = tmp_path / "v1.pdf"
    run("abt-bo-kaeo", "2568", "measures", "--published", "1", "-o", str(out))
    stored = PublishedDocument.objects.get(org__slug="abt-bo-kaeo", fiscal_year=2568, doc="measures", version=1)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == stored.sha256


@pytest.mark.parametrize("args, message", [
    (["nobody", "2568", "measures"], "ไม่พบหน่วยงาน"),
    (["abt-bo-kaeo", "2560", "measures"], "ไม่พบแผนมาตรการ"),
    (["abt-bo-kaeo", "2568", "measures", "--published", "7"], "ไม่พบเอกสาร"),
])
def test_it_says_what_is_missing(db, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "-o", str(tmp_path / "x.pdf"))
