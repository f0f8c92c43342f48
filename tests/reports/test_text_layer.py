"""The PDF text layer: the Thai a document prints comes back out of its PDF as it was typed
(ำ, tone marks and their order), in pdftotext's default mode and with -raw; Sarabun PDF prints
exactly what Sarabun prints (docs/ARCHITECTURE.md, "The PDF text layer")."""

import functools
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from pythainlp.tokenize import word_tokenize
from weasyprint import HTML

from measures.models import MeasurePlan
from reports import builders, documents, render
from tests.pdfs import pdf_fonts, pdf_text, strict

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
MODES = pytest.mark.parametrize("raw", [False, True], ids=["pdftotext", "pdftotext -raw"])
# What the demo renders: each plan's documents and the results of each round with entries.
DEMO_DOCUMENTS = [
    ("abt-dong-khwang", 2568, "analysis"), ("abt-dong-khwang", 2568, "measures"),
    ("abt-dong-khwang", 2568, "results-12m"), ("abt-bo-kaeo", 2568, "measures"),
    ("abt-bo-kaeo", 2568, "results-6m"), ("thesaban-mueang-ang-thong", 2569, "analysis"),
    ("thesaban-mueang-ang-thong", 2569, "measures"), ("abt-cho-ho", 2566, "measures"),
    ("abt-cho-ho", 2566, "results-12m"), ("thesaban-tambon-phok-noi", 2564, "analysis"),
    ("thesaban-tambon-phok-noi", 2564, "measures"),
]
# Seed 001's results report: the words that came out wrong before the text layer (ำ read as า,
# a tone mark after the next letter), all of them.
BROKEN_WORDS = (
    "กระทำการ การทำงาน กำกับ กำหนด คณะทำงาน จัดทำ จำเป็น ดำเนิน ดำเนินการ ดำเนินงาน ตำบล ทำ ที่ทำงาน "
    "นายกองค์การบริหารส่วนตำบล นำ นำมา ประจำ มีส่วน สำนัก สำนักงาน สำเร็จ สู่ หมู่บ้าน องค์การบริหารส่วนตำบล "
    "ใช้อำนาจ ประจำปี ผู้รับผิดชอบ"
).split()
# The words that pdftotext's default mode lost before each line's end was read 0.6 em short
# (reports/render.py, _line_end_spans): wrapped inside a narrow table cell, they came out with a
# line of the next cell in their middle, the two cells being read as one column (Chromium's PDFs
# of the same HTML lose the same kind of words).
ACROSS_CELLS = {
    ("abt-dong-khwang", 2568, "measures"): "บุคคลภายนอก พระราชบัญญัติ รับมอบหมาย",
    ("abt-bo-kaeo", 2568, "measures"): "การปรับปรุง",
    ("abt-bo-kaeo", 2568, "results-6m"): "การงาน",
    ("thesaban-mueang-ang-thong", 2569, "measures"): "การชำรุด การอนุมัติ การแสดงความคิดเห็น ความสมบูรณ์ "
    "ผู้ประเมิน ส่วนราชการ อาจจะ อำนวยความสะดวก เข้าไปมีส่วนร่วม เครื่องถ่ายเอกสาร เป็นไปตาม ในอนาคต",
    ("abt-cho-ho", 2566, "measures"): "ตอบคำถาม",
    ("abt-cho-ho", 2566, "results-12m"): "ส่วนได้ส่วนเสีย",
    ("thesaban-tambon-phok-noi", 2564, "measures"): "บุคคลภายนอก พระราชบัญญัติ",
}
# Every way Sarabun shapes a mark: ำ after a letter and after a tone mark (NIKHAHIT with the tone
# in one ligature), after ป ฝ ฟ (narrow forms), stacked marks, lowered tone marks, ญ and ฐ
# without their tails, the ฤๅ ligature.
SAMPLES = ("ทำ นำ ดำเนินการ สำนัก กำหนด ตำบล น้ำ ต่ำ ซ้ำ ค่ำ ย้ำ จ๊ำ ก๋ำ ป่ำ ฟ้ำ ปำ ฝำ ปั้น ฝั่ง ฟ้า ปี่ ฟื้น "
           "ผู้ ปู่ อยู่ ที่ สู่ ชั่ว เชื่อ ตั้ง กึ่ง ซื้อ ดื่ม กตัญญู ฐูป ฤๅษี ฦๅ ฯลฯ ๆ สม่ำเสมอ ซ้ำซ้อน เจตจำนง")


def _context(slug, fy, doc):
    plan = MeasurePlan.objects.select_related("org", "org__province").get(org__slug=slug, fiscal_year=fy)
    months = {"results-6m": 6, "results-12m": 12}.get(doc)
    return builders.build(plan, doc, plan.rounds.get(months=months) if months else None)


def _samples_context():
    """Seed 000's analysis with SAMPLES as its summary: text as wide as the page."""
    context = _context("abt-dong-khwang", 2568, "analysis")
    context["summary"] = SAMPLES
    return context


# Each PDF is rendered once per worker and read by every test (and both pdftotext modes) that
# needs it: the demo's documents never change in this module (its tests roll back and write none).
@functools.cache
def _pdf(slug, fy, doc) -> bytes:
    return render.render_pdf(_context(slug, fy, doc), draft=False).data


@functools.cache
def _samples_pdf() -> bytes:
    return render.render_pdf(_samples_context(), draft=False).data


def printed_words(context) -> list[str]:
    """The distinct Thai words (pythainlp newmm) of the stored texts a document prints: its
    table's shown columns; the analysis' prose, tool and indicator names (bench/text_layer.py)."""
    texts = []

    def add(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                add(item)

    for column in documents.shown_columns(context):
        for row in context.get("rows", []):
            add(row.get(column["field"], ""))
    for key in ("summary", "recommendations", "indicator_summary"):
        add(context.get(key, ""))
    add([n["text"] for n in context.get("notes", [])] + [t["name"] for t in context.get("tools", [])]
        + [i["name"] for i in context.get("indicators", [])])
    return sorted({w for text in texts for w in (strict(t) for t in word_tokenize(text, engine="newmm"))
                   if re.search("[\u0e01-\u0e4e]", w)})


def _old_pdf(html: str) -> bytes:
    """The same HTML as printed before the text layer: Sarabun itself, WeasyPrint's own ToUnicode."""
    html = html.replace("fonts/SarabunPDF-", "fonts/Sarabun-")
    return HTML(string=html, base_url=render.asset_base(True), url_fetcher=render.url_fetcher).render().write_pdf()


def _pages(data: bytes) -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "doc.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "60", "-png", "doc.pdf", "page"], cwd=folder, check=True)
        return [path.read_bytes() for path in sorted(Path(folder).glob("page*.png"))]


def _to_unicode_maps(data: bytes) -> list[dict[int, str]]:
    maps = []
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            stream = zlib.decompress(data[match.end():data.find(b"endstream", match.end())])
        except zlib.error:
            continue
        if b"beginbfchar" in stream:
            entries = b"".join(re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S))
            maps.append({int(glyph, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
                         for glyph, text in re.findall(rb"<([0-9a-f]+)> <([0-9a-f]*)>", entries)})
    return maps


@MODES
def test_the_words_that_broke_come_out_as_typed(db, raw):
    text = strict(pdf_text(_pdf("abt-bo-kaeo", 2568, "results-6m"), raw=raw))
    assert "ดาเนินการ" not in text and "ประจาปี" not in text
    assert [w for w in BROKEN_WORDS if w not in text] == []


@MODES
def test_every_way_sarabun_shapes_a_mark_comes_out_as_typed(db, raw):
    text = strict(pdf_text(_samples_pdf(), raw=raw))
    assert strict(SAMPLES) in text


@MODES
@pytest.mark.parametrize("slug, fy, doc", DEMO_DOCUMENTS)
def test_the_words_each_demo_document_prints_are_in_its_pdf(db, slug, fy, doc, raw):
    """At least 99.5 % of the distinct words (87 % to 94 % before the text layer; 97.5 % to
    99.4 % in the default mode before the line ends, in the ACROSS_CELLS documents)."""
    context = _context(slug, fy, doc)
    words = printed_words(context)
    text = strict(pdf_text(_pdf(slug, fy, doc), raw=raw))
    missing = [w for w in words if w not in text]
    share = 100 * (len(words) - len(missing)) / len(words)
    assert share >= 99.5, missing
    assert [w for w in ACROSS_CELLS.get((slug, fy, doc), "").split() if w not in text] == []


def test_the_text_of_side_by_side_cells_comes_out_cell_by_cell(db):
    """Seed 000's measures, pdftotext's default mode: a cell's wrapped lines follow each other
    (before, "และบุคคล" was followed by the next line of the cell to its left)."""
    lines = [line.strip() for line in pdf_text(_pdf("abt-dong-khwang", 2568, "measures"), raw=False).splitlines()]
    assert lines[lines.index("มาตรการเพื่อให้เจ้าหน้าที่ และบุคคล") + 1] == "ภายนอกรับทราบ"
    assert not any(line.startswith("- จัดทำมาตรการตรวจสอบ ๑.") for line in lines)  # two cells on one line


def test_each_glyph_maps_to_the_one_text_the_font_says(db):
    data = _samples_pdf()
    maps = _to_unicode_maps(data)
    table = next(iter(render.glyph_tables().values())).texts  # the four fonts share their glyph order
    assert maps and all(texts == {g: table[g] for g in texts} for texts in maps)
    used = {g for texts in maps for g in texts}
    sara_aa, copy = (TTFont(FONTS / "SarabunPDF-Regular.ttf").getGlyphID(g) for g in ("uni0E32", "uni0E32.am"))
    assert {sara_aa, copy} <= used and table[sara_aa] == "\u0e32" and table[copy] == "\u0e33"
    assert all(name.split("+")[-1].startswith("Sarabun") for name in pdf_fonts(data))


def test_sarabun_pdf_prints_exactly_what_sarabun_prints(db):
    for context, data in ((_samples_context(), _samples_pdf()),
                          (_context("abt-bo-kaeo", 2568, "results-6m"), _pdf("abt-bo-kaeo", 2568, "results-6m")),
                          (_context("abt-dong-khwang", 2568, "measures"),  # line ends read short: drawn the same
                           _pdf("abt-dong-khwang", 2568, "measures"))):
        html = render.render_html(context, draft=False, for_pdf=True)
        assert "fonts/SarabunPDF-Regular.ttf" in html
        before, after = _pages(_old_pdf(html)), _pages(data)
        assert len(before) == len(after) and before == after


def test_the_spans_follow_the_glyphs_also_when_a_mark_is_raised_apart_from_its_base():
    table = next(iter(render.glyph_tables().values()))
    ids = {name: TTFont(FONTS / "SarabunPDF-Regular.ttf").getGlyphID(name) for name in
           ("uni0E1C", "uni0E39", "uni0E49", "uni0E23", "uni0E31", "uni0E1A")}
    pho, uu, tho, ro, mai_han, bo = (b"%04x" % ids[n] for n in ids)
    together = [b"[<" + pho + b">-1.02<" + uu + b">1<>-1.02<" + tho + b">1<" + ro + b">-22.5<" + mai_han + b">22<"
                + bo + b">] TJ"]
    apart = [b"[<" + pho + uu + b">] TJ", b"-0.466 Ts", b"[20.4<" + tho + b">] TJ", b"0 Ts",
             b"[<>-20<" + ro + b">-22.5<" + mai_han + b">22<" + bo + b">] TJ"]
    for run in (together, apart):
        out = b"\n".join(render._run_spans(run, table))
        spans = re.findall(rb"/ActualText <feff([0-9a-f]*)>>> BDC", out)
        assert [bytes.fromhex(s.decode()).decode("utf-16-be") for s in spans] == ["ผู้", "รั"], out
        assert out.count(b"BDC") == out.count(b"EMC")
        glyphs = b"".join(re.findall(rb"<([0-9a-f]*)>", re.sub(rb"/Span <<[^>]*>>> BDC", b"", out)))
        assert glyphs == pho + uu + tho + ro + mai_han + bo  # every glyph drawn, once, in order


def _glyphs(*names):
    font = TTFont(FONTS / "SarabunPDF-Regular.ttf")
    ids = [font.getGlyphID(name) for name in names]
    scale = 1000 / font["head"].unitsPerEm
    widths = {i: round(font["hmtx"][name][0] * scale) for i, name in zip(ids, names, strict=True)}
    return [b"%04x" % i for i in ids], widths


def _spans_of(out: bytes) -> list[str]:
    texts = re.findall(rb"/ActualText <feff([0-9a-f]*)>>> BDC", out)
    return [bytes.fromhex(text.decode()).decode("utf-16-be") for text in texts]


def test_a_line_ends_in_a_span_read_six_tenths_of_an_em_short_drawn_where_it_was():
    """"ผู้รับการ " at the end of a line: its last 0.6 em ("าร": ร alone is narrower) in a span,
    a character spacing of minus that before the last glyph and 0 again before the span ends;
    the trailing space after it. Every glyph is drawn once, in order, at the same place."""
    table = next(iter(render.glyph_tables().values()))
    glyphs, widths = _glyphs("uni0E1C", "uni0E39", "uni0E49", "uni0E23", "uni0E31", "uni0E1A", "uni0E01", "uni0E32",
                             "uni0E23", "space")
    pho, uu, tho, ro, mai_han, bo, ko, aa, ro2, space = glyphs
    size = 18.666
    run = [b"[<" + pho + b">-1.02<" + uu + b">1<>-1.02<" + tho + b">1<" + ro + b">-22.5<" + mai_han + b">22<" + bo
           + ko + aa + ro2 + space + b">] TJ"]
    out = b"\n".join(render._line_end_spans(run, table, widths, size))
    assert _spans_of(out) == ["ผู้", "รั", "าร"]
    assert out.count(b"BDC") == out.count(b"EMC")
    tail = out[out.rindex(b"BDC"):]
    assert widths[int(ro2, 16)] < render.LINE_END_SHRINK <= widths[int(aa, 16)] + widths[int(ro2, 16)]
    shrink = render.LINE_END_SHRINK * size / 1000
    spacing = float(re.search(rb"(-[0-9.]+) Tc", tail)[1])
    assert -shrink <= spacing < -shrink + 0.001  # rounded towards 0: the span's text never ends before it begins
    assert tail.index(b"Tc") < tail.index(ro2) < tail.index(b"0 Tc") < tail.index(b"EMC") < tail.index(space)
    drawn = b"".join(re.findall(rb"<([0-9a-f]*)>", re.sub(rb"/Span <<[^>]*>>> BDC", b"", out)))
    assert drawn == b"".join(glyphs)
    adjustments = [float(n) for n in re.findall(rb"(?<![0-9a-f])(-?[0-9]+(?:\.[0-9]+)?)(?=<|\])", out)]
    assert sum(adjustments) == pytest.approx(-1.02 + 1 - 1.02 + 1 - 22.5 + 22)  # as WeasyPrint wrote them


def test_a_line_narrower_than_the_shrink_is_read_as_of_no_width():
    table = next(iter(render.glyph_tables().values()))
    glyphs, widths = _glyphs("uni0E23")  # ร, alone in its cell: narrower than LINE_END_SHRINK
    out = b"\n".join(render._line_end_spans([b"[<" + glyphs[0] + b">] TJ"], table, widths, 18.666))
    assert _spans_of(out) == ["ร"]
    assert float(re.search(rb"(-[0-9.]+) Tc", out)[1]) == pytest.approx(-widths[int(glyphs[0], 16)] * 18.666 / 1000,
                                                                        abs=0.001)


def test_text_that_continues_on_the_same_line_in_another_font_is_not_a_line_end(db):
    """A bold word inside a sentence: WeasyPrint draws it as a piece of its own, the line goes
    on after it; only the line's end is read short (else pdftotext would put a space there)."""
    context = _samples_context()
    context["summary"] = "องค์การบริหารส่วนตำบลดำเนินการตามแผน"
    html = render.render_html(context, draft=False, for_pdf=True)
    assert html.count("องค์การบริหารส่วนตำบลดำเนินการตามแผน") == 1
    html = html.replace("องค์การบริหารส่วนตำบลดำเนินการตามแผน", "องค์การบริหารส่วนตำบล<b>ดำเนินการ</b>ตามแผน")
    data = HTML(string=html, base_url=render.asset_base(True), url_fetcher=render.url_fetcher).render().write_pdf(
        finisher=render.text_layer)
    assert "Bold" in " ".join(pdf_fonts(data))
    for raw in (False, True):
        assert "องค์การบริหารส่วนตำบลดำเนินการตามแผน" in pdf_text(data, raw=raw)


def test_the_fonts_and_their_glyph_table_are_as_built():
    script = Path(settings.BASE_DIR) / "scripts" / "build_sarabun_pdf.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(render.glyph_tables()) == 4


def test_sarabun_pdf_keeps_the_licence_and_a_name_of_its_own():
    licence = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    copyright_lines = licence.split("This Font Software is licensed")[0]
    assert "Reserved Font Name" not in copyright_lines  # none declared: a modified version may say "Sarabun"
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert (FONTS / f"Sarabun-{style}.ttf").exists()
        names = TTFont(FONTS / f"SarabunPDF-{style}.ttf")["name"]
        assert names.getDebugName(0).startswith("Copyright 2018 The Sarabun Project Authors")
        assert "SIL Open Font License" in names.getDebugName(13) and names.getDebugName(14)
        assert names.getDebugName(1) == "Sarabun PDF" and names.getDebugName(6) == f"SarabunPDF-{style}"
