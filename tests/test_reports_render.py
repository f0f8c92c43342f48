"""The four documents as PDFs: content, fonts, Thai numerals, layout, sandboxing."""

import pytest
from django.db import transaction

from assessments.models import Organization
from measures import services as measure_services
from measures.models import MeasurePlan
from reports import builders, render, services
from reports.models import ReportSettings

from .conftest import build_plan, user
from .pdfs import contains_in_order, pdf_fonts, pdf_text, skeleton

SEED_DOCUMENTS = [
    ("abt-dong-khwang", 2568, "measures"), ("abt-dong-khwang", 2568, "results-12m"),
    ("abt-bo-kaeo", 2568, "results-6m"), ("thesaban-mueang-ang-thong", 2569, "measures"),
    ("thesaban-mueang-ang-thong", 2569, "analysis"), ("thesaban-tambon-phok-noi", 2564, "analysis"),
]


def render_seed(slug, fy, doc, *, as_built=False):
    """A seed document as published (from its approval), or ``as_built`` from today's data and
    settings, as the next version (a correction) would be."""
    plan = MeasurePlan.objects.select_related("org", "org__province").get(org__slug=slug, fiscal_year=fy)
    months = {"results-6m": 6, "results-12m": 12}.get(doc)
    progress_round = plan.rounds.get(months=months) if months else None
    if as_built:
        context = builders.build(plan, doc, progress_round)
        return plan, context, render.render_pdf(context, draft=False)
    context, pdf = services.render_document(plan, doc, progress_round, draft=False)
    return plan, context, pdf


@pytest.mark.parametrize("slug, fy, doc", SEED_DOCUMENTS)
def test_each_seed_document_has_its_header_and_every_measure_title(db, slug, fy, doc):
    plan, context, pdf = render_seed(slug, fy, doc)
    text = skeleton(pdf_text(pdf.data))
    assert skeleton(plan.org.name) in text
    assert skeleton(f"ประจำปีงบประมาณ พ.ศ. {context['fiscal_year_text']}") in text
    assert skeleton(context["doc_title"]) in text
    if doc != "analysis":
        titles = [m.title for m in plan.measures.all()]
        assert titles
        for title in titles:
            assert contains_in_order(skeleton(title), text), title
    else:
        assert skeleton("คะแนนรวม") in text and skeleton(context["overall"]) in text


def test_the_2568_analysis_shows_every_item_both_eit_parts_and_the_level(db):
    _plan, context, pdf = render_seed("thesaban-mueang-ang-thong", 2569, "analysis")
    text = skeleton(pdf_text(pdf.data))
    assert skeleton("ได้คะแนนรวม ๙๕.๐๘ คะแนน อยู่ในระดับ “ผ่านดี”") in text
    assert skeleton("EIT Public") in text and skeleton("EIT Survey") in text
    for code in ("i15", "e9", "o28"):
        assert code in text
    assert "<svg" in context["chart_svg"]


def test_only_sarabun_is_embedded(db):
    _plan, _context, pdf = render_seed("thesaban-mueang-ang-thong", 2569, "analysis")
    fonts = pdf_fonts(pdf.data)
    assert fonts and all(name.split("+")[-1].startswith("Sarabun") for name in fonts), fonts


def test_thai_numerals_by_default_and_arabic_when_the_body_turns_them_off(db):
    _plan, _context, pdf = render_seed("abt-dong-khwang", 2568, "measures")
    text = pdf_text(pdf.data)
    assert "พ.ศ. ๒๕๖๘" in text and "หน้า ๑/" in text
    Organization.objects.filter(slug="abt-dong-khwang").update(thai_numerals=False)
    _plan, _context, pdf = render_seed("abt-dong-khwang", 2568, "measures", as_built=True)
    text = pdf_text(pdf.data)
    assert "พ.ศ. 2568" in text and "หน้า 1/" in text


def test_a_draft_is_watermarked(db):
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    _context, draft = services.render_document(plan, "measures", draft=True)
    _context, final = services.render_document(plan, "measures", draft=False)
    assert pdf_text(draft.data).splitlines().count("ร่าง") == draft.pages  # on every page
    assert pdf_text(final.data).splitlines().count("ร่าง") == 0


def test_the_body_chooses_the_optional_columns(db):
    org = Organization.objects.get(slug="abt-dong-khwang")
    ReportSettings.objects.filter(org=org).update(measure_columns=["budget"])
    _plan, context, pdf = render_seed("abt-dong-khwang", 2568, "measures", as_built=True)
    text = pdf_text(pdf.data)
    assert "งบประมาณ" in text and "แนวทางปฏิบัติ" not in text and "การกำกับติดตาม" not in text


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


@pytest.fixture
def thirty(db):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=0)
    editor = user("angthong_editor")
    round12 = plan.rounds.get(months=12)
    long_text = "ดำเนินการจัดประชุมชี้แจงแนวทางปฏิบัติให้บุคลากรทุกระดับรับทราบและถือปฏิบัติอย่างเคร่งครัด " * 3
    for n in range(30):
        measure = measure_services.measure_save(plan=plan, actor=editor, data={
            "title": f"โครงการส่งเสริมคุณธรรมและความโปร่งใสลำดับที่ {n + 1} " + "ก" * 40,
            "steps": "\n".join(f"ขั้นตอนที่ {k} {long_text[:80]}" for k in range(1, 4)),
            "new_units": ["สำนักปลัดเทศบาล", "กองยุทธศาสตร์และงบประมาณ"], "responsible_units": [],
            "period_text": "ตลอดปีงบประมาณ พ.ศ. ๒๕๗๐"})
        measure_services.entry_save(progress_round=round12, measure=measure, actor=editor, data={
            "state": "done", "output": long_text, "outcome": long_text, "remarks": "https://example.go.th/" + "x" * 60,
            "done_text": long_text})
    ReportSettings.objects.update_or_create(org=org, defaults={"result_columns": [
        "steps", "responsible", "period", "done", "problems", "remarks", "status", "percent"]})
    return plan, round12


def test_a_30_measure_results_report_stays_inside_the_page_and_repeats_its_header(thirty):
    from weasyprint import HTML

    plan, round12 = thirty
    context = services.document_context(plan, "results-12m", round12)
    html = render.render_html(context, draft=False, for_pdf=True)
    document = HTML(string=html, base_url=render.asset_base(True), url_fetcher=render.url_fetcher).render()
    assert len(document.pages) > 3
    for page in document.pages:
        right_edge = page.width
        for box in _boxes(page._page_box):
            if box is page._page_box:
                continue
            assert box.position_x + box.margin_width() <= right_edge + 0.5, type(box).__name__
    text = pdf_text(document.write_pdf())
    assert text.count("(output)") == len(document.pages)  # the header row on every page


def test_user_text_is_escaped_and_cannot_fetch_anything(db, monkeypatch):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=0)
    hostile = ('<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="file:///etc/passwd">'
               '<style>@import url("http://127.0.0.1:9/a.css"); body { background: url(file:///etc/shadow) }</style>')
    measure_services.measure_save(plan=plan, actor=user("angthong_editor"), data={
        "title": "มาตรการ " + hostile, "steps": hostile, "analysis": hostile})
    fetched = []
    real = render.url_fetcher

    def spy(url, *args, **kwargs):
        fetched.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(render, "url_fetcher", spy)
    context = services.document_context(plan, "measures")
    html = render.render_html(context, draft=False, for_pdf=True)
    assert "<img src=" not in html and "&lt;img src=" in html
    pdf = render.render_pdf(context, draft=False)
    assert all(url.startswith("file://") and "/static/fonts/" in url for url in fetched), fetched
    assert "<img" in pdf_text(pdf.data)  # shown as text


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.png", "https://example.com/a.css", "file:///etc/passwd",
                                 "data:text/plain,hello", "ftp://example.com/x"])
def test_the_url_fetcher_refuses_anything_but_the_portals_own_files(url):
    with pytest.raises(render.BlockedFetch):
        render.url_fetcher(url)


def test_the_url_fetcher_reads_the_shipped_fonts(settings):
    font = (settings.BASE_DIR / "static" / "fonts" / "Sarabun-Regular.ttf").as_uri()
    result = render.url_fetcher(font)
    assert result["string"][:4] in (b"\x00\x01\x00\x00", b"true") if "string" in result else result["file_obj"]


def test_rendering_errors_roll_back_the_publish_transition(db, monkeypatch):
    org = Organization.objects.get(slug="thesaban-mueang-ang-thong")
    plan = build_plan(org, 2570, measures=1)
    editor, approver = user("angthong_editor"), user("angthong_approver")
    measure_services.document_transition(plan=plan, actor=editor, action="submit")
    measure_services.document_transition(plan=plan, actor=approver, action="approve")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(render, "render_pdf", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        measure_services.document_transition(plan=plan, actor=approver, action="publish")
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_the_logo_address_answers_only_with_the_image_bytes_handed_to_the_renderer():
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    url = render.logo_url(png)
    assert render.url_fetcher(url, logo=png) == {"string": png, "mime_type": "image/png"}
    with pytest.raises(render.BlockedFetch):
        render.url_fetcher(url)  # no logo given: nothing is read from disk
    with pytest.raises(render.BlockedFetch):
        render.url_fetcher(render.logo_url(png + b"x"), logo=png)  # another logo's address
    svg = b"<svg onload=alert(1)>"
    with pytest.raises(render.BlockedFetch):
        render.url_fetcher(render.logo_url(svg), logo=svg)
