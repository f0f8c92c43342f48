"""Published = approved: every published document (PDF, year page, open data) prints what
its approver approved, and nothing a round's approver approved changes before it is published."""

import io
import json
import zipfile

import pytest

from assessments.models import Organization
from common.errors import Refusal
from measures import services as measure_services
from measures.models import Measure
from reports.models import PublishedDocument
from tests.factories import APPROVER, EDITOR, build_plan, user
from tests.pdfs import pdf_images, pdf_text, skeleton

SLUG = "thesaban-mueang-ang-thong"
APPROVED = "มาตรการทดสอบที่ 1"
NEVER_APPROVED = "ชื่อใหม่ที่ผู้บริหารยังไม่เห็นชอบ"


def step(plan, action, who, progress_round=None, comment=""):
    return measure_services.document_transition(plan=plan, progress_round=progress_round, actor=user(who),
                                                action=action, comment=comment)


@pytest.fixture
def plan(db):
    """Angthong's FY 2570 plan with two measures, approved and published."""
    plan = build_plan(Organization.objects.get(slug=SLUG), 2570, measures=2)
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    step(plan, "publish", APPROVER)
    return plan


def report_round(plan, months=6):
    progress_round = plan.rounds.get(months=months)
    for measure in plan.measures.all():
        measure_services.entry_save(progress_round=progress_round, measure=measure, actor=user(EDITOR),
                                    data={"state": "in_progress", "percent": 40, "done_text": "ดำเนินการแล้วบางส่วน"})
    return progress_round


def first_measure(plan):
    return plan.measures.order_by("order").first()


def published_text(doc):
    document = PublishedDocument.objects.filter(org__slug=SLUG, fiscal_year=2570, doc=doc).order_by("-version")[0]
    with document.file.open("rb") as handle:
        return document, skeleton(pdf_text(handle.read()))


def assert_public_shows_only_approved(client, doc):
    document, text = published_text(doc)
    assert [row["title"] for row in document.snapshot["rows"]] == [APPROVED, "มาตรการทดสอบที่ 2"]
    assert skeleton(APPROVED) in text and skeleton(NEVER_APPROVED) not in text
    page = client.get(f"/orgs/{SLUG}/2570/").content.decode()
    assert APPROVED in page and NEVER_APPROVED not in page
    data = json.loads(client.get(f"/data/orgs/{SLUG}/2570.json").content)
    assert NEVER_APPROVED not in json.dumps(data, ensure_ascii=False)
    assert APPROVED in [row["title"] for row in data["results"][doc]]
    csv_text = client.get(f"/data/orgs/{SLUG}/2570.csv").content.decode("utf-8-sig")
    assert APPROVED in csv_text and NEVER_APPROVED not in csv_text


def test_it_prints_the_approved_titles_in_a_round_published_while_the_plan_is_being_revised(client, plan):
    step(plan, "revise", EDITOR)
    measure = first_measure(plan)
    measure_services.measure_save(plan=plan, actor=user(EDITOR), data={"title": NEVER_APPROVED},
                                  measure=measure, expected_version=measure.version)
    progress_round = report_round(plan)
    step(plan, "submit", EDITOR, progress_round)
    step(plan, "approve", APPROVER, progress_round)
    step(plan, "publish", APPROVER, progress_round)
    assert_public_shows_only_approved(client, "results-6m")


def test_it_refuses_to_edit_measures_while_a_round_is_approved_but_not_published(plan):
    step(plan, "revise", EDITOR)
    progress_round = report_round(plan)
    step(plan, "submit", EDITOR, progress_round)
    step(plan, "approve", APPROVER, progress_round)
    measure = first_measure(plan)
    with pytest.raises(Refusal, match="รายงานผลรอบ 6 เดือน"):
        measure_services.measure_save(plan=plan, actor=user(EDITOR), data={"title": NEVER_APPROVED},
                                      measure=measure, expected_version=measure.version)
    with pytest.raises(Refusal):
        measure_services.measure_delete(measure=measure, actor=user(EDITOR))
    with pytest.raises(Refusal):
        measure_services.measure_move(measure=measure, actor=user(EDITOR), direction="down")
    assert first_measure(plan).title == APPROVED


def test_it_refuses_to_reopen_the_plan_while_a_round_is_submitted(plan):
    progress_round = report_round(plan)
    step(plan, "submit", EDITOR, progress_round)
    with pytest.raises(Refusal, match="รายงานผลรอบ 6 เดือน"):
        step(plan, "revise", EDITOR)
    plan.refresh_from_db()
    assert plan.status == "published"


def test_it_publishes_a_round_from_its_approval_even_if_rows_changed_behind_the_workflow(client, plan):
    step(plan, "revise", EDITOR)
    progress_round = report_round(plan)
    step(plan, "submit", EDITOR, progress_round)
    step(plan, "approve", APPROVER, progress_round)
    # A change no service allows now (e.g. a database edit): it must not reach the document.
    Measure.objects.filter(pk=first_measure(plan).pk).update(title=NEVER_APPROVED)
    progress_round.entries.update(done_text="ข้อความที่ไม่ได้รับความเห็นชอบ")
    step(plan, "publish", APPROVER, progress_round)
    assert_public_shows_only_approved(client, "results-6m")
    document, text = published_text("results-6m")
    assert skeleton("ข้อความที่ไม่ได้รับความเห็นชอบ") not in text


def test_it_publishes_the_plan_as_approved(client, db):
    plan = build_plan(Organization.objects.get(slug=SLUG), 2570, measures=2)
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    Measure.objects.filter(pk=first_measure(plan).pk).update(title=NEVER_APPROVED)
    step(plan, "publish", APPROVER)
    document, text = published_text("measures")
    assert [row["title"] for row in document.snapshot["rows"]] == [APPROVED, "มาตรการทดสอบที่ 2"]
    assert skeleton(APPROVED) in text and skeleton(NEVER_APPROVED) not in text


def test_it_previews_an_approved_document_as_approved(client, plan):
    Measure.objects.filter(pk=first_measure(plan).pk).update(title=NEVER_APPROVED)
    client.force_login(user(EDITOR), backend="django.contrib.auth.backends.ModelBackend")
    text = skeleton(pdf_text(client.get(f"/app/orgs/{SLUG}/2570/reports/measures.pdf").content))
    assert skeleton(APPROVED) in text and skeleton(NEVER_APPROVED) not in text


def test_it_republishes_the_published_words_not_the_live_rows(plan):
    from reports import services as report_services

    Measure.objects.filter(pk=first_measure(plan).pk).update(title=NEVER_APPROVED)
    document = PublishedDocument.objects.get(org=plan.org, fiscal_year=2570, doc="measures")
    again = report_services.report_republish(document=document, actor=user(APPROVER))
    assert again.version == 2 and again.snapshot["rows"] == document.snapshot["rows"]


def logo(colour, size) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def upload_logo(client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user(EDITOR), backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/app/orgs/{SLUG}/reports/settings/", {"logo": SimpleUploadedFile("logo.png", data),
                                                                   "thai_numerals": "on"})
    assert response.status_code == 302


def drawn(pdf: bytes, data: bytes) -> bool:
    """The image ``data`` (a PNG) is drawn in ``pdf``: an embedded image with its pixels."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as wanted:
        wanted = wanted.convert("RGB")
        return any(image.size == wanted.size and image.tobytes() == wanted.tobytes() for image in pdf_images(pdf))


def test_it_prints_the_logo_kept_with_the_approval_not_one_uploaded_since(client, db):
    from reports import services as report_services

    logo_a, logo_b = logo((200, 30, 30), (60, 30)), logo((30, 30, 200), (50, 40))
    upload_logo(client, logo_a)
    plan = build_plan(Organization.objects.get(slug=SLUG), 2570, measures=1)
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    upload_logo(client, logo_b)
    preview = client.get(f"/app/orgs/{SLUG}/2570/reports/measures.pdf").content  # the approved document
    assert drawn(preview, logo_a) and not drawn(preview, logo_b)
    word = client.get(f"/app/orgs/{SLUG}/2570/reports/measures.docx").content
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        media = [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")]
    assert logo_a in media and logo_b not in media
    step(plan, "publish", APPROVER)
    document, _text = published_text("measures")
    with document.file.open("rb") as handle:
        published = handle.read()
    assert drawn(published, logo_a) and not drawn(published, logo_b)
    # A province-wide re-render keeps the approved logo too (published = approved).
    again = report_services.report_republish(document=document, actor=user(APPROVER))
    with again.file.open("rb") as handle:
        republished = handle.read()
    assert drawn(republished, logo_a) and not drawn(republished, logo_b)
    # The next document built (a draft) takes today's logo.
    step(plan, "revise", EDITOR)
    draft = client.get(f"/app/orgs/{SLUG}/2570/reports/measures.pdf").content
    assert drawn(draft, logo_b) and not drawn(draft, logo_a)
