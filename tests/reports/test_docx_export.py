"""Word files (issue 14): each of the four documents as .docx, from the same context as the PDF
(what was approved, once approved), with the PDF's columns, Thai numerals, landscape pages for
the wide tables, repeating table headers and Sarabun named as the font."""

import io
import shutil
import subprocess
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from assessments.models import Organization
from measures import selectors as measure_selectors
from measures import services as measure_services
from measures.models import Measure, MeasurePlan
from reports import builders, documents, services
from reports import docx as report_docx
from tests.factories import ANGTHONG, APPROVER, EDITOR, OTHER_EDITOR, SUPERVISOR, build_plan, login, user
from tests.pdfs import contains_in_order, pdf_text, skeleton

APP = f"/app/orgs/{ANGTHONG}/2569/reports"
APPROVED = "มาตรการทดสอบที่ 1"
NEVER_APPROVED = "ชื่อใหม่ที่ผู้บริหารยังไม่เห็นชอบ"


def word(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"] == report_docx.CONTENT_TYPE
    return Document(io.BytesIO(response.content))


def texts(document) -> list[str]:
    """Every paragraph's text: the body's, then every table cell's (nested tables too)."""
    found = [p.text for p in document.paragraphs]

    def cells(table):
        for row in table.rows:
            for cell in row.cells:
                found.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    cells(inner)

    for table in document.tables:
        cells(table)
    return found


def text(document) -> str:
    return "\n".join(texts(document))


def angthong_plan():
    return MeasurePlan.objects.select_related("org").get(org__slug=ANGTHONG, fiscal_year=2569)


def step(plan, action, who, progress_round=None):
    return measure_services.document_transition(plan=plan, progress_round=progress_round, actor=user(who),
                                                action=action, comment="")


@pytest.fixture
def editor_client(client, db):
    login(client, EDITOR)
    return client


def test_it_has_every_measure_title_of_a_seed_plan(editor_client):
    document = word(editor_client.get(f"{APP}/measures.docx"))
    titles = [m.title for m in measure_selectors.plan_measures(angthong_plan())]
    assert len(titles) == 10
    found = text(document)
    assert all(title in found for title in titles)


@pytest.mark.parametrize("months", [6, 12])
def test_it_has_every_measure_title_of_a_round(editor_client, months):
    document = word(editor_client.get(f"{APP}/results-{months}m.docx"))
    titles = [m.title for m in measure_selectors.report_measures(angthong_plan())]
    found = text(document)
    assert titles and all(title in found for title in titles)
    assert f"รอบ {'๖' if months == 6 else '๑๒'} เดือน" in found


def test_it_has_every_title_of_a_published_round_of_another_body(client, db):
    login(client, "bokaeo_editor")
    plan = MeasurePlan.objects.get(org__slug="abt-bo-kaeo", fiscal_year=2568)
    context = services.document_context(plan, "results-6m", plan.rounds.get(months=6))
    document = word(client.get("/app/orgs/abt-bo-kaeo/2568/reports/results-6m.docx"))
    found = text(document)
    assert context["rows"] and all(row["title"] in found for row in context["rows"])
    assert "ร่าง" not in document.paragraphs[0].text  # a published round is no draft


def test_it_prints_the_columns_of_the_pdf_in_their_order_with_a_header_row_that_repeats(editor_client):
    plan = angthong_plan()
    context = services.document_context(plan, "measures")
    document = word(editor_client.get(f"{APP}/measures.docx"))
    table = document.tables[0]
    header = table.rows[0]
    assert [c.text for c in header.cells] == [str(c["label"]) for c in documents.shown_columns(context)]
    tr_pr = header._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert len(table.rows) == 1 + len(context["rows"])


def test_it_prints_the_wide_tables_on_landscape_a4_and_the_analysis_on_portrait(editor_client):
    for doc in ("measures", "results-6m", "results-12m"):
        section = word(editor_client.get(f"{APP}/{doc}.docx")).sections[0]
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    section = word(editor_client.get(f"{APP}/analysis.docx")).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_it_names_sarabun_for_thai_and_latin_text(editor_client):
    document = word(editor_client.get(f"{APP}/measures.docx"))
    for name in ("Normal", report_docx.TABLE_TEXT, report_docx.TABLE_HEADER, "Heading 1"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        for script in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{script}")) == "Sarabun", (name, script)
        assert not [a for a in fonts.attrib if a.endswith("Theme")]  # no theme font behind it
    normal = document.styles["Normal"].element.rPr
    assert normal.find(qn("w:szCs")).get(qn("w:val")) == "32"  # 16 pt, as the PDF (Thai is complex script)
    table = document.styles[report_docx.TABLE_TEXT].element.rPr
    assert table.find(qn("w:szCs")).get(qn("w:val")) == "28"
    cell = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert cell.style.name == report_docx.TABLE_TEXT


def test_it_prints_thai_numerals_when_the_body_uses_them(editor_client):
    document = word(editor_client.get(f"{APP}/measures.docx"))
    rows = document.tables[0].rows
    assert rows[1].cells[0].text == "๑" and "ประจำปีงบประมาณ พ.ศ. ๒๕๖๙" in text(document)
    fields = [f.get(qn("w:instr")) for f in document.sections[0].footer._element.iter(qn("w:fldSimple"))]
    # Word: Thai digits; LibreOffice: Arabic digits (it reads "ThaiArabic" as Thai letters, ก/ง).
    assert fields == [r"PAGE \* THAIARABIC", r"NUMPAGES \* THAIARABIC"]
    sect_pr = document.sections[0]._sectPr
    assert sect_pr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "thaiNumbers"
    order = [child.tag.split("}")[1] for child in sect_pr]
    assert order.index("pgNumType") < order.index("cols")  # CT_SectPr's sequence: Word refuses another
    Organization.objects.filter(slug=ANGTHONG).update(thai_numerals=False)
    document = word(editor_client.get(f"{APP}/measures.docx"))
    assert document.tables[0].rows[1].cells[0].text == "1" and "ประจำปีงบประมาณ พ.ศ. 2569" in text(document)
    assert "THAIARABIC" not in document.sections[0].footer._element.xml.upper()
    assert document.sections[0]._sectPr.find(qn("w:pgNumType")) is None


def test_a_draft_says_so_at_the_top_and_in_its_file_name(editor_client):
    response = editor_client.get(f"{APP}/measures.docx")
    assert word(response).paragraphs[0].text.startswith("ร่าง")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "มาตรการส่งเสริมคุณธรรม" in unquote(disposition) and "(ร่าง).docx" in unquote(disposition)


def test_the_analysis_has_its_sections_and_tables(editor_client):
    plan = angthong_plan()
    context = services.document_context(plan, "analysis")
    found = text(word(editor_client.get(f"{APP}/analysis.docx")))
    assert context["doc_title"] in found
    for heading in ("๑. ผลการประเมินภาพรวม", "๒. ผลการประเมินรายตัวชี้วัด", "ผลการวิเคราะห์", "ข้อเสนอแนะ"):
        assert heading in found
    assert all(i["name"] in found and i["value"] in found for i in context["indicators"])
    assert all(t["name"] in found for t in context["tools"])


@pytest.fixture
def approved_plan(db):
    """Angthong's FY 2570 plan with two measures, approved; then a title changed in the database."""
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    return plan


def test_an_approved_document_prints_the_approved_words(editor_client, approved_plan):
    measure = approved_plan.measures.order_by("order").first()
    Measure.objects.filter(pk=measure.pk).update(title=NEVER_APPROVED)
    url = f"/app/orgs/{ANGTHONG}/2570/reports/measures.docx"
    for state in ("approved", "published"):
        if state == "published":
            step(approved_plan, "publish", APPROVER)
        document = word(editor_client.get(url))
        found = text(document)
        assert APPROVED in found and "มาตรการทดสอบที่ 2" in found and NEVER_APPROVED not in found, state
        assert not document.paragraphs[0].text.startswith("ร่าง")
        assert "วันที่ให้ความเห็นชอบ" in found


def test_an_approved_round_prints_the_approved_words(editor_client, approved_plan):
    step(approved_plan, "publish", APPROVER)
    progress_round = approved_plan.rounds.get(months=6)
    for measure in approved_plan.measures.all():
        measure_services.entry_save(progress_round=progress_round, measure=measure, actor=user(EDITOR),
                                    data={"state": "in_progress", "percent": 40, "done_text": "ดำเนินการแล้วบางส่วน"})
    step(approved_plan, "submit", EDITOR, progress_round)
    step(approved_plan, "approve", APPROVER, progress_round)
    Measure.objects.filter(plan=approved_plan).update(title=NEVER_APPROVED)
    found = text(word(editor_client.get(f"/app/orgs/{ANGTHONG}/2570/reports/results-6m.docx")))
    assert APPROVED in found and NEVER_APPROVED not in found


@pytest.mark.parametrize("who, status", [(OTHER_EDITOR, 404), (SUPERVISOR, 200), (APPROVER, 200)])
def test_it_is_for_the_bodys_people_and_its_supervisor(client, db, who, status):
    login(client, who)
    assert client.get(f"{APP}/measures.docx").status_code == status


def test_it_asks_a_stranger_to_sign_in_and_knows_no_other_document(client, editor_client):
    from django.test import Client

    assert Client().get(f"{APP}/measures.docx").status_code == 302
    assert editor_client.get(f"{APP}/minutes.docx").status_code == 404
    assert editor_client.get(f"/app/orgs/{ANGTHONG}/2570/reports/measures.docx").status_code == 404


def test_the_plan_and_round_pages_offer_the_word_file_beside_the_pdf(editor_client):
    html = editor_client.get(f"/app/orgs/{ANGTHONG}/2569/plan/").content.decode()
    assert f'href="{APP}/measures.docx"' in html and f'href="{APP}/analysis.docx"' in html
    html = editor_client.get(f"/app/orgs/{ANGTHONG}/2569/rounds/6/").content.decode()
    assert f'href="{APP}/results-6m.docx"' in html


def run(*args):
    out = io.StringIO()
    call_command("render_report", *args, stdout=out)
    return out.getvalue()


def test_render_report_writes_a_word_file(db, tmp_path):
    out = tmp_path / "measures.docx"
    message = run(ANGTHONG, "2569", "measures", "-o", str(out))
    assert "ไฟล์ Word" in message and "ร่าง" in message
    found = text(Document(str(out)))
    assert all(m.title in found for m in measure_selectors.plan_measures(angthong_plan()))


def test_render_report_writes_the_words_of_a_published_version(db, tmp_path):
    from reports.models import PublishedDocument

    out = tmp_path / "v1.docx"
    run("abt-bo-kaeo", "2568", "measures", "--published", "1", "-o", str(out))
    stored = PublishedDocument.objects.get(org__slug="abt-bo-kaeo", fiscal_year=2568, doc="measures", version=1)
    found = text(Document(str(out)))
    assert all(row["title"] in found for row in stored.snapshot["rows"])


def test_every_kind_of_cell_prints_and_an_empty_one_prints_a_mark(db):
    plan = angthong_plan()
    context = services.document_context(plan, "measures")
    context["rows"] = [{**context["rows"][0], "analysis": "", "steps": [], "indicators": [],
                        "period": "บรรทัดหนึ่ง\nบรรทัดสอง\x0b"}]
    document = Document(io.BytesIO(report_docx.render_docx(context, draft=False)))
    cells = {str(c["label"]): cell for c, cell in zip(documents.shown_columns(context),
                                                      document.tables[0].rows[1].cells, strict=True)}
    assert cells["ผลการวิเคราะห์"].text == cells["ขั้นตอนหรือวิธีการปฏิบัติ"].text == "–"
    assert [p.text for p in cells["ช่วงระยะเวลา"].paragraphs] == ["บรรทัดหนึ่ง", "บรรทัดสอง"]


def test_it_heads_the_file_with_the_logo_and_follows_the_bodys_layout_options(db):
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 40), "navy").save(png, format="PNG")
    context = services.document_context(angthong_plan(), "measures")
    document = Document(io.BytesIO(report_docx.render_docx(context, draft=False, logo=png.getvalue())))
    assert len(document.inline_shapes) == 1
    assert round(document.sections[0].left_margin.mm) == 12  # the PDF's margins
    context["layout"] = {"margins": "official", "header": "plain", "font_pt": 14}
    document = Document(io.BytesIO(report_docx.render_docx(context, draft=False, logo=png.getvalue())))
    assert len(document.inline_shapes) == 0
    assert round(document.sections[0].left_margin.mm) == 30 and round(document.sections[0].top_margin.mm) == 25
    assert document.styles["Normal"].font.size.pt == 14 and document.styles[report_docx.TABLE_TEXT].font.size.pt == 12


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice (libreoffice-writer-nogui) or poppler-utils is not installed")
def test_libreoffice_prints_it_on_landscape_pages_with_every_title(editor_client, tmp_path):
    (tmp_path / "measures.docx").write_bytes(editor_client.get(f"{APP}/measures.docx").content)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "measures.docx")],
                   check=True, capture_output=True, timeout=180)
    data = (tmp_path / "measures.pdf").read_bytes()
    info = subprocess.run(["pdfinfo", str(tmp_path / "measures.pdf")], capture_output=True, text=True,
                          check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape, in points
    printed = skeleton(pdf_text(data))
    for measure in measure_selectors.plan_measures(angthong_plan()):
        assert contains_in_order(skeleton(measure.title), printed), measure.title


def _signature_png(size) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, size[1] - 10), (size[0] // 2, 10), (size[0] - 10, size[1] // 2)],
                               fill=(20, 40, 200, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _pictures(document) -> list:
    """(alternative text, width mm, height mm, image bytes) of each picture in the signature block
    (the last table)."""
    found = []
    for blip in document.tables[-1]._tbl.iter(qn("a:blip")):
        inline = next(a for a in blip.iterancestors() if a.tag == qn("wp:inline"))
        extent = inline.find(qn("wp:extent"))
        found.append((inline.find(qn("wp:docPr")).get("descr"), int(extent.get("cx")) / 36_000,
                      int(extent.get("cy")) / 36_000, document.part.related_parts[blip.get(qn("r:embed"))].blob))
    return found


def test_the_approvers_signature_image_signs_the_word_file_of_what_was_approved(editor_client, tmp_path):
    """Approved by an approver with a signature image: the picture kept with the approval on the
    ผู้รับรอง's ลงชื่อ line, as large as the PDF draws it (its own size at 96 px an inch, within
    45 × 15 mm); the published version's file (render_report --published) likewise, even after
    the approver changed their image. The editor has none: their line keeps its dots."""
    wide = _signature_png((600, 120))  # its ink: about 155 × 28 mm at 96 px an inch, drawn 45 mm wide
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=1)
    services.signature_save(user=user(APPROVER), image=wide)
    step(plan, "submit", EDITOR)
    step(plan, "approve", APPROVER)
    document = word(editor_client.get(f"/app/orgs/{ANGTHONG}/2570/reports/measures.docx"))
    [(label, width, height, approved)] = _pictures(document)
    context = services.document_context(plan, "measures")
    assert label == "ลายมือชื่อผู้รับรอง"
    assert [approved] == list(services.signature_bytes(context).values())  # the copy kept with the approval
    assert (width, height) == pytest.approx(report_docx.signature_size_mm(approved), abs=0.01)
    assert width == pytest.approx(45, abs=0.01) and height < 15
    approver_cell, preparer_cell = document.tables[-1].rows[0].cells[1], document.tables[-1].rows[0].cells[0]
    assert approver_cell.paragraphs[1].text.strip() == "ลงชื่อ" and builders.DOTS in preparer_cell.paragraphs[1].text
    step(plan, "publish", APPROVER)
    services.signature_save(user=user(APPROVER), image=_signature_png((200, 50)))  # a new one, after publishing
    out = tmp_path / "v1.docx"
    run(ANGTHONG, "2570", "measures", "--published", "1", "-o", str(out))
    [(_label, _width, _height, blob)] = _pictures(Document(str(out)))
    assert blob == approved  # the image approved, not the one uploaded since


def test_a_small_signature_image_keeps_its_own_size_and_none_means_no_picture(db):
    small = _signature_png((120, 40))  # 31.75 × 10.58 mm: smaller than 45 × 15, drawn as it is
    assert [round(v, 2) for v in report_docx.signature_size_mm(small)] == [31.75, 10.58]
    tall = _signature_png((100, 200))
    assert [round(v, 1) for v in report_docx.signature_size_mm(tall)] == [7.5, 15.0]
    context = services.document_context(angthong_plan(), "measures")
    assert _pictures(Document(io.BytesIO(report_docx.render_docx(context, draft=False)))) == []
    digest = "a" * 64
    context["signature"] = {**(context.get("signature") or {}),
                            "approver": {"name": "นายสมชาย ผู้บริหาร", "position": "นายก", "signature_sha256": digest}}
    signed = Document(io.BytesIO(report_docx.render_docx(context, draft=False, signatures={digest: small})))
    assert [p[0] for p in _pictures(signed)] == ["ลายมือชื่อผู้รับรอง"]
    unsigned = Document(io.BytesIO(report_docx.render_docx(context, draft=False, signatures={digest: b"GIF89a"})))
    assert _pictures(unsigned) == []  # not a PNG: the PDF would not draw it either
