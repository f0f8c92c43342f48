"""Signed by the executive: a person's own signature image, drawn into the documents they submit
or approve (the copy kept with the approval), private everywhere else."""

import base64
import io
import json
import shutil
import subprocess
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from assessments.models import AuditEvent, Organization
from measures import services as measure_services
from reports import builders, render, services
from reports.models import PublishedDocument, SignatureImage, UserSignature
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, build_plan, login, user
from tests.pdfs import pdf_text, skeleton

URL = "/app/signature/"
BLUE = (20, 40, 200, 255)  # no other ink of a document is blue


def signature_png(size=(400, 120), *, mode="RGBA", background=(0, 0, 0, 0), ink=BLUE) -> bytes:
    image = Image.new("RGBA", size, background)
    ImageDraw.Draw(image).line([(20, 90), (80, 20), (140, 100), (200, 30), (size[0] - 20, 60)], fill=ink, width=8)
    out = io.BytesIO()
    image.convert(mode).save(out, "PNG")
    return out.getvalue()


def step(plan, action, who, progress_round=None):
    return measure_services.document_transition(plan=plan, progress_round=progress_round, actor=user(who),
                                                action=action)


@pytest.fixture
def plan(db):
    return build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)


def publish(plan):
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    step(plan, "publish", APPROVER)
    document = PublishedDocument.objects.filter(org=plan.org, fiscal_year=2570, doc="measures").latest("version")
    with document.file.open("rb") as handle:
        return document, handle.read()


def pdf_images(data: bytes) -> list[str]:
    if not shutil.which("pdfimages"):
        pytest.skip("pdfimages is not installed (apt-get install poppler-utils)")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdfimages", "-list", handle.name], capture_output=True, text=True, check=True).stdout
    return [line.split()[2] for line in out.splitlines()[2:] if line.strip()]  # "image", "smask", …


def blue_pixels(data: bytes, page: int) -> int:
    """Pixels of the signature's blue on a page of the PDF (pdftoppm at 60 dpi)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        png = subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), handle.name],
                             capture_output=True, check=True).stdout
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(raw), 3) if raw[i + 2] > 150 and raw[i] < 90 and raw[i + 1] < 110)


def test_an_approver_with_a_signature_signs_the_published_pdf(plan):
    services.signature_save(user=user(APPROVER), image=signature_png(), name="นายสมชาย ผู้บริหาร",
                            position="นายกเทศมนตรีเมืองอ่างทอง")
    document, data = publish(plan)
    approver = document.snapshot["signature"]["approver"]
    assert approver["name"] == "นายสมชาย ผู้บริหาร" and approver["position"] == "นายกเทศมนตรีเมืองอ่างทอง"
    kept = SignatureImage.objects.get(sha256=approver["signature_sha256"])
    assert kept.image.name == f"signatures/approved/{kept.sha256}.png"
    assert "signature_sha256" not in document.snapshot["signature"]["preparer"]  # the editor has none
    assert "image" in pdf_images(data)
    assert blue_pixels(data, document.pages) > 200  # drawn on the last page, in its signature block
    text = skeleton(pdf_text(data))
    assert skeleton("นายสมชาย ผู้บริหาร") in text and skeleton("นายกเทศมนตรีเมืองอ่างทอง") in text
    assert skeleton("วันที่ให้ความเห็นชอบ") in text


def test_the_preparers_block_is_signed_likewise(plan):
    services.signature_save(user=user(EDITOR), image=signature_png(), name="นางสาวผู้จัดทำ ทดสอบ")
    document, data = publish(plan)
    assert document.snapshot["signature"]["preparer"]["name"] == "นางสาวผู้จัดทำ ทดสอบ"
    assert "signature_sha256" in document.snapshot["signature"]["preparer"]
    assert "signature_sha256" not in document.snapshot["signature"]["approver"]
    assert blue_pixels(data, document.pages) > 200


def test_without_a_signature_the_block_prints_the_name_and_position_only(plan):
    document, data = publish(plan)
    assert all("signature_sha256" not in person for person in document.snapshot["signature"].values())
    assert pdf_images(data) == []
    assert blue_pixels(data, document.pages) == 0
    approver = user(APPROVER)
    assert skeleton(approver.get_full_name() or approver.username) in skeleton(pdf_text(data))


def test_a_signature_replaced_or_removed_after_the_approval_stays_in_that_document(
        plan, django_capture_on_commit_callbacks):
    services.signature_save(user=user(APPROVER), image=signature_png())
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    first = UserSignature.objects.get(user=user(APPROVER))
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_save(user=user(APPROVER), image=signature_png(ink=(200, 30, 30, 255)))
    assert not first.image.storage.exists(first.image.name)  # the replaced file is gone
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_delete(user=user(APPROVER))
    step(plan, "publish", APPROVER)  # renders what was approved: the first image
    document = PublishedDocument.objects.get(org=plan.org, fiscal_year=2570, doc="measures")
    with document.file.open("rb") as handle:
        data = handle.read()
    assert blue_pixels(data, document.pages) > 200
    assert not UserSignature.objects.filter(user=user(APPROVER)).exists()
    republished = services.report_republish(document=document, actor=user(APPROVER))  # today's templates
    with republished.file.open("rb") as handle:
        assert blue_pixels(handle.read(), republished.pages) > 200


def test_a_correction_drafted_after_the_approval_is_never_signed(plan):
    services.signature_save(user=user(APPROVER), image=signature_png())
    publish(plan)
    step(plan, "revise", EDITOR)
    context = builders.build(plan, "measures")
    assert all("signature_sha256" not in person for person in context["signature"].values())
    _context, pdf = services.render_document(plan, "measures", draft=True)
    assert blue_pixels(pdf.data, pdf.pages) == 0


def test_the_renderer_is_handed_only_the_images_the_context_names(plan):
    services.signature_save(user=user(APPROVER), image=signature_png())
    document, _data = publish(plan)
    digest = document.snapshot["signature"]["approver"]["signature_sha256"]
    assert set(services.signature_bytes(document.snapshot)) == {digest}
    with pytest.raises(render.BlockedFetch):
        render.url_fetcher(render.SIGNATURE_URL + "0" * 64, signatures={digest: b"\x89PNG"})
    # An HTML preview (the browser) never gets the image: there is no address that serves it.
    html = render.render_html(document.snapshot, draft=False, for_pdf=False)
    assert "signature-image" not in html and digest not in html


def test_the_public_pages_and_open_data_never_include_the_image(client, plan):
    png = signature_png()
    services.signature_save(user=user(APPROVER), image=png)
    document, _data = publish(plan)
    stored = UserSignature.objects.get(user=user(APPROVER))
    with stored.image.open("rb") as handle:
        encoded = base64.b64encode(handle.read()).decode()
    pages = [client.get(f"/orgs/{ANGTHONG}/").content.decode(), client.get(f"/orgs/{ANGTHONG}/2570/").content.decode(),
             client.get(f"/data/orgs/{ANGTHONG}/2570.json").content.decode(),
             client.get(f"/data/orgs/{ANGTHONG}/2570.csv").content.decode("utf-8-sig")]
    for page in pages:
        assert encoded[:40] not in page and base64.b64encode(png).decode()[:40] not in page
        assert "signature" not in page
    assert "signature" not in json.dumps(json.loads(pages[2]))
    # No address serves a stored file (MEDIA_ROOT is never served).
    assert client.get("/media/" + stored.image.name).status_code == 404
    assert client.get("/media/" + SignatureImage.objects.get().image.name).status_code == 404


# ---------------------------------------------------------------- the signature page


def upload(client, data, filename="signature.png", **fields):
    return client.post(URL, {"image": SimpleUploadedFile(filename, data, content_type="image/png"), **fields})


def test_a_person_uploads_their_signature_and_sees_it_on_their_own_page_only(client, db):
    login(client, APPROVER)
    response = upload(client, signature_png(), filename="ลายเซ็น.png", name="นายสมชาย ผู้บริหาร",
                      position="นายกเทศมนตรี")
    assert response.status_code == 302
    signature = UserSignature.objects.get(user=user(APPROVER))
    assert signature.image.name.startswith("signatures/") and "ลายเซ็น" not in signature.image.name
    assert (signature.width, signature.height) == (365, 86)  # cut to its strokes
    with signature.image.open("rb") as handle:
        encoded = base64.b64encode(handle.read()).decode()
    page = client.get(URL)
    assert page["Cache-Control"] == "private, no-store"
    assert f"data:image/png;base64,{encoded}" in page.content.decode()
    assert AuditEvent.objects.filter(actor=user(APPROVER), detail__signature=signature.sha256).exists()
    login(client, OTHER_EDITOR)
    other = client.get(URL).content.decode()
    assert encoded[:40] not in other and "data:image/png" not in other


def test_the_name_and_position_can_change_without_a_new_image(client, db):
    login(client, EDITOR)
    upload(client, signature_png())
    sha = UserSignature.objects.get(user=user(EDITOR)).sha256
    response = client.post(URL, {"name": "นางสาวสมใจ ใจดี", "position": "นักวิเคราะห์นโยบายและแผน"})
    assert response.status_code == 302
    signature = UserSignature.objects.get(user=user(EDITOR))
    assert (signature.name, signature.position, signature.sha256) == ("นางสาวสมใจ ใจดี", "นักวิเคราะห์นโยบายและแผน", sha)


def test_a_person_removes_their_signature(client, db):
    login(client, EDITOR)
    upload(client, signature_png())
    assert client.post(URL, {"remove": "1"}).status_code == 302
    assert not UserSignature.objects.filter(user=user(EDITOR)).exists()


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xd8\xff\xe0" + b"0" * 100, "ต้องเป็นไฟล์ PNG"),
    (b"<svg onload=alert(1)>", "ต้องเป็นไฟล์ PNG"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "อ่านไฟล์ PNG นี้ไม่ได้"),
    (signature_png(mode="RGB", background=(255, 255, 255, 255)), "พื้นหลังโปร่งใส"),
    (signature_png(background=(255, 255, 255, 255)), "ทึบทั้งภาพ"),
    (signature_png(ink=(0, 0, 0, 0)), "ไม่พบเส้นลายมือชื่อ"),
    (signature_png(size=(3000, 200)), "ต้องกว้าง"),
    (signature_png(size=(40, 40)), "ต้องกว้าง"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * (300 * 1024), "ไม่เกิน 300 KB"),
])
def test_an_image_that_is_not_a_transparent_png_of_the_right_size_is_refused(client, db, data, message):
    login(client, APPROVER)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UserSignature.objects.filter(user=user(APPROVER)).exists()


def test_a_palette_png_with_a_transparent_colour_is_accepted(client, db):
    image = Image.open(io.BytesIO(signature_png())).convert("RGBA").quantize(colors=4)
    image.info["transparency"] = image.getpixel((0, 0))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=image.getpixel((0, 0)))
    login(client, APPROVER)
    assert upload(client, out.getvalue()).status_code == 302


def test_only_the_bodies_people_have_a_signature_page(client, db):
    assert client.get(URL).status_code == 302  # sign in first
    login(client, SUPERVISOR)
    assert client.get(URL).status_code == 403
    login(client, EDITOR)
    assert client.get(URL).status_code == 200
