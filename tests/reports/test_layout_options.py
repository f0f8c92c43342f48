"""Layout per the government's document rules, as options of a body's report settings: margins,
a plain header or the body's logo, the size of body text. The defaults print the original look."""

import io
import shutil
import subprocess
import tempfile

import pytest
from PIL import Image

from assessments.models import Organization
from common.errors import Refusal
from measures import services as measure_services
from measures.models import MeasurePlan
from reports import builders, render, services
from reports.models import ReportSettings
from tests.factories import ANGTHONG, APPROVER, DONGKHWANG_EDITOR, EDITOR, build_plan, login, user

from .test_report_settings_view import PNG

SETTINGS_URL = "/app/orgs/abt-dong-khwang/reports/settings/"
MM_PER_INCH = 25.4


def page_image(data: bytes, dpi=40) -> Image.Image:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        png = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", handle.name],
                             capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def ink_box_mm(data: bytes, dpi=40) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the ink on the first page, in mm from the top-left corner."""
    image = page_image(data, dpi)
    box = image.point(lambda v: 255 if v < 160 else 0).getbbox()
    return tuple(edge * MM_PER_INCH / dpi for edge in box)


def dongkhwang_plan():
    return MeasurePlan.objects.get(org__slug="abt-dong-khwang", fiscal_year=2568)


def save(org, **options):
    current = ReportSettings.objects.filter(org=org).first() or ReportSettings(org=org)
    return services.report_settings_save(
        org=org, actor=user(DONGKHWANG_EDITOR), measure_columns=current.measure_columns,
        result_columns=current.result_columns, thai_numerals=org.thai_numerals,
        preparer_name=current.preparer_name, preparer_position=current.preparer_position,
        approver_name=current.approver_name, approver_position=current.approver_position, **options)


def draft_plan():
    """Angthong's FY 2569 plan is a draft: what it prints follows the settings of today."""
    return MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)


def test_the_defaults_print_exactly_what_a_document_printed_before_the_options(db):
    plan = draft_plan()
    for doc in ("measures", "analysis"):
        context = builders.build(plan, doc)
        assert context["layout"] == {"margins": "current", "header": "logo", "font_pt": 16}
        before = {key: value for key, value in context.items() if key != "layout"}  # a context stored earlier
        assert render.render_html(context, draft=True, for_pdf=True) == \
            render.render_html(before, draft=True, for_pdf=True)
        if doc == "analysis":  # the same HTML: the same bytes (WeasyPrint's output is reproducible)
            assert render.render_pdf(context, draft=True).data == render.render_pdf(before, draft=True).data
    html = render.render_html(builders.build(plan, "measures"), draft=True, for_pdf=True)
    assert "margin: 14mm 12mm 16mm 12mm;" in html and "html { font-size: 14pt" not in html


def test_official_margins_leave_3_cm_on_the_left_and_2_5_cm_at_the_top(db):
    plan = draft_plan()
    save(plan.org, margins="official")
    context = builders.build(plan, "analysis")  # portrait
    assert context["layout"]["margins"] == "official"
    html = render.render_html(context, draft=False, for_pdf=True)
    assert "margin: 25mm 20mm 20mm 30mm;" in html
    left, top, right, _bottom = ink_box_mm(render.render_pdf(context, draft=False).data)
    assert left >= 29 and top >= 24 and right <= 210 - 19
    save(plan.org, margins="current")
    left, top, _right, _bottom = ink_box_mm(render.render_pdf(builders.build(plan, "analysis"), draft=False).data)
    assert left < 20 and top < 20


def test_the_plain_header_prints_no_logo_even_when_one_is_uploaded(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = dongkhwang_plan()
    org = plan.org
    save(org, logo=SimpleUploadedFile("logo.png", PNG), header="plain")
    context = builders.build(plan, "measures")
    html = render.render_html(context, draft=True, for_pdf=True, logo=services.logo_bytes(org))
    assert 'class="logo"' not in html and "<h1>" in html
    save(org, header="logo")
    html = render.render_html(builders.build(plan, "measures"), draft=True, for_pdf=True, logo=services.logo_bytes(org))
    assert 'class="logo"' in html


def test_body_text_of_14_pt_prints_smaller(db):
    plan = draft_plan()
    big = render.render_pdf(builders.build(plan, "analysis"), draft=False)
    save(plan.org, body_font_pt=14)
    context = builders.build(plan, "analysis")
    assert "html { font-size: 14pt; }" in render.render_html(context, draft=False, for_pdf=True)
    small = render.render_pdf(context, draft=False)
    assert small.pages <= big.pages
    # The title block, centred, is narrower in a smaller size.
    big_left, *_ = _title_box(big.data)
    small_left, *_ = _title_box(small.data)
    assert small_left > big_left


def _title_box(data):
    """The ink box of the top 30 mm of the first page (the title and the body's name)."""
    image = page_image(data, 60)
    top = image.crop((0, 0, image.width, int(45 * 60 / MM_PER_INCH)))
    return top.point(lambda v: 255 if v < 160 else 0).getbbox()


def test_settings_changed_after_an_approval_never_change_the_approved_document(db):
    org = Organization.objects.get(slug=ANGTHONG)
    plan = build_plan(org, 2570, measures=1)
    measure_services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    measure_services.document_transition(plan=plan, actor=user(APPROVER), action="approve")
    save(org, margins="official", header="plain", body_font_pt=14)
    plan.refresh_from_db()
    approved = services.document_context(plan, "measures")
    assert approved["layout"] == {"margins": "current", "header": "logo", "font_pt": 16}
    assert builders.build(draft_plan(), "measures")["layout"] == {"margins": "official", "header": "plain",
                                                                  "font_pt": 14}


def test_the_settings_form_offers_the_options_and_keeps_them_when_not_sent(client, db):
    login(client, DONGKHWANG_EDITOR)
    page = client.get(SETTINGS_URL).content.decode()
    assert "ระยะขอบกระดาษ" in page and "แบบหนังสือราชการ" in page and "ขนาดตัวอักษรเนื้อความ" in page
    response = client.post(SETTINGS_URL, {"margins": "official", "header": "plain", "body_font_pt": "14",
                                          "measure_columns": ["period"]})
    assert response.status_code == 302
    settings_ = ReportSettings.objects.get(org__slug="abt-dong-khwang")
    assert (settings_.margins, settings_.header, settings_.body_font_pt) == ("official", "plain", 14)
    client.post(SETTINGS_URL, {"measure_columns": ["period"]})  # a form without them keeps them
    settings_.refresh_from_db()
    assert (settings_.margins, settings_.header, settings_.body_font_pt) == ("official", "plain", 14)
    bad = client.post(SETTINGS_URL, {"margins": "tiny", "body_font_pt": "9"})
    assert bad.status_code == 400 and "tiny" not in ReportSettings.objects.values_list("margins", flat=True)


def test_the_service_refuses_a_value_not_in_the_list(db):
    org = Organization.objects.get(slug="abt-dong-khwang")
    with pytest.raises(Refusal):
        save(org, margins="tiny")
    with pytest.raises(Refusal):
        save(org, body_font_pt=9)
