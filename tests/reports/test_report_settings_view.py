"""A body's document settings: columns, signatures, Thai numerals, logo."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assessments.models import Organization
from reports import builders, services
from reports.models import ReportSettings
from tests.factories import DONGKHWANG_EDITOR, build_plan, login
from tests.pdfs import pdf_images

URL = "/app/orgs/abt-dong-khwang/reports/settings/"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"


def test_an_editor_chooses_columns_and_signature_names(client, db):
    login(client, DONGKHWANG_EDITOR)
    response = client.post(URL, {"measure_columns": ["indicator", "budget"], "result_columns": ["status"],
                                 "preparer_name": "นางสาวสมใจ ใจดี", "preparer_position": "นักวิเคราะห์ฯ",
                                 "approver_name": "", "approver_position": "", "thai_numerals": ""})
    assert response.status_code == 302
    settings_ = ReportSettings.objects.get(org__slug="abt-dong-khwang")
    assert settings_.measure_columns == ["indicator", "budget"]
    assert Organization.objects.get(slug="abt-dong-khwang").thai_numerals is False
    from measures.models import MeasurePlan

    plan = MeasurePlan.objects.get(org__slug="abt-dong-khwang", fiscal_year=2568)
    context = builders.build(plan, "measures")  # the next document built (a draft, a correction)
    assert context["columns"] == ["indicator", "budget"]
    assert context["signature"]["preparer"]["name"] == "นางสาวสมใจ ใจดี"
    assert context["fiscal_year_text"] == "2568"
    # The published plan keeps the look and names it was approved with (published = approved).
    assert services.document_context(plan, "measures")["columns"] != ["indicator", "budget"]


def test_a_logo_must_really_be_an_image(client, db):
    login(client, DONGKHWANG_EDITOR)
    bad = client.post(URL, {"logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>")})
    assert "ตราหน่วยงานต้องเป็นไฟล์ PNG หรือ JPEG" in bad.content.decode()
    good = client.post(URL, {"logo": SimpleUploadedFile("logo.png", PNG), "measure_columns": ["period"]})
    assert good.status_code == 302
    assert ReportSettings.objects.get(org__slug="abt-dong-khwang").logo.name.startswith("logos/")


def gradient_png(width=23, height=17):
    """A logo no other image of a document could be: every pixel a colour of its own."""
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 11 % 256, y * 15 % 256, (x * y) % 256) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), image


def test_a_logo_is_drawn_in_the_pdf(client, db):
    login(client, DONGKHWANG_EDITOR)
    logo, pixels = gradient_png()
    client.post(URL, {"logo": SimpleUploadedFile("logo.png", logo), "thai_numerals": "on"})
    # The next document built (a draft) takes today's logo; one already approved keeps the logo
    # it was approved with (tests/reports/test_published_as_approved.py).
    plan = build_plan(Organization.objects.get(slug="abt-dong-khwang"), 2570, measures=1, editor=DONGKHWANG_EDITOR)
    assert services.logo_bytes(plan.org) == logo
    _context, pdf = services.render_document(plan, "measures", draft=True)
    # The logo itself, pixel for pixel (not merely some image: any image has an /Image).
    drawn = [image for image in pdf_images(pdf.data) if image.size == pixels.size]
    assert any(image.tobytes() == pixels.tobytes() for image in drawn), [image.size for image in pdf_images(pdf.data)]


def test_two_people_saving_the_settings_the_second_is_refused(client, db):
    login(client, DONGKHWANG_EDITOR)
    version = ReportSettings.objects.get(org__slug="abt-dong-khwang").version
    first = client.post(URL, {"measure_columns": ["period"], "expected_version": version, "thai_numerals": "on"})
    assert first.status_code == 302
    second = client.post(URL, {"measure_columns": ["budget"], "expected_version": version, "thai_numerals": "on"})
    assert second.status_code == 409 and "มีผู้อื่นบันทึกการตั้งค่านี้ไปแล้ว" in second.content.decode()
    assert ReportSettings.objects.get(org__slug="abt-dong-khwang").measure_columns == ["period"]


def test_it_answers_400_with_the_thai_message_to_settings_it_cannot_take(client, db):
    login(client, DONGKHWANG_EDITOR)
    before = ReportSettings.objects.get(org__slug="abt-dong-khwang").version
    for data in ({"logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>")},
                 {"measure_columns": ["no-such-column"]}, {"margins": "nope"}):
        response = client.post(URL, data)
        assert response.status_code == 400, data
        assert "text-danger" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert ReportSettings.objects.get(org__slug="abt-dong-khwang").version == before
