"""The PDF and the Word file of every document in the registry print the same words: builders
(reports/builders.py: the data and ``words``) compose every sentence, the PDF template and the Word
writer only lay them out. A writer that adds or drops a sentence fails here.

The PDF's text (pdftotext, content order) and the .docx's paragraphs and table cells are compared
with all whitespace removed: each paragraph and cell of the Word file is in the PDF, in order (a
cell broken by a page may continue after the page's foot), and the two hold the same characters,
counted, once what only the PDF prints (its page numbers, a table's header repeated on each page,
the text of the analysis's chart) and the one sentence only the Word file prints (where the chart
is) are set aside."""

import html
import io
import re
from collections import Counter

import pytest
from docx import Document

from measures.models import MeasurePlan
from reports import builders, render, services
from reports import docx as report_docx
from reports.documents import REGISTRY
from tests.pdfs import contains_in_order, pdf_text, strict

# Seed bodies with data for each document: a plan based on a result the body analysed, and both
# rounds reported.
SEED_BODIES = [("thesaban-tambon-phok-noi", 2564), ("abt-dong-khwang", 2568)]
PAGE_NUMBER = re.compile(r"^หน้า [0-9๐-๙]+/[0-9๐-๙]+$", re.M)  # a line of its own at the foot of each page
STEP_NUMBER = re.compile(r"([0-9๐-๙]+\.)?(.*)", re.S)
SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


def seed_document(slug, fy, doc):
    plan = MeasurePlan.objects.select_related("org", "org__province").get(org__slug=slug, fiscal_year=fy)
    months = REGISTRY[doc].months
    progress_round = plan.rounds.get(months=months) if months else None
    context = services.document_context(plan, doc, progress_round)
    logo = services.document_logo(context, plan.org)
    signatures = services.signature_bytes(context)
    pdf = render.render_pdf(context, draft=False, logo=logo, signatures=signatures).data
    word = report_docx.render_docx(context, draft=False, logo=logo, signatures=signatures)
    return context, pdf, word


def word_units(data: bytes) -> tuple[list[str], list[str]]:
    """(every paragraph of the Word file's body in order, in table cells too, a merged cell once;
    its tables' header rows), without whitespace."""
    document = Document(io.BytesIO(data))
    units, headers = [], []

    def table_units(table):
        for n, row in enumerate(table.rows):
            seen, texts = set(), []
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                texts.append(strict("\n".join(p.text for p in cell.paragraphs)))
                for paragraph in cell.paragraphs:  # a numbered step's number apart: the PDF draws it after the row
                    units.extend(STEP_NUMBER.match(strict(paragraph.text)).groups())
                for inner in cell.tables:
                    table_units(inner)
            if n == 0 and table.style is not None and table.style.name == "Table Grid":
                headers.append("".join(texts))

    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            table_units(block)
        else:
            units.append(strict(block.text))
    return [u for u in units if u], headers


def differences(context: dict, pdf: bytes, word: bytes) -> list[str]:
    """What one file prints and the other does not (empty when they print the same words)."""
    units, headers = word_units(word)
    units = [u for u in units if u != strict(report_docx.chart_note())]  # the Word file's own sentence
    text = strict(PAGE_NUMBER.sub("", pdf_text(pdf)))
    for header in headers:  # a table's header row, repeated on each page it runs over
        first = text.find(header)
        if first >= 0:
            text = text[:first + len(header)] + text[first + len(header):].replace(header, "")
    problems = [f"only in Word: {u}" for u in units if not contains_in_order(u, text)]
    chart = strict("".join(html.unescape(t) for t in SVG_TEXT.findall(context.get("chart_svg") or "")))
    in_pdf = Counter(text) - Counter(chart)
    in_word = Counter("".join(units))
    if in_pdf != in_word:
        problems.append(f"characters only in the PDF: {dict(in_pdf - in_word)}; only in Word: {dict(in_word - in_pdf)}")
    return problems


@pytest.mark.parametrize("slug, fy", SEED_BODIES)
@pytest.mark.parametrize("doc", list(REGISTRY))
def test_the_pdf_and_the_word_file_of_each_document_print_the_same_words(db, slug, fy, doc):
    context, pdf, word = seed_document(slug, fy, doc)
    assert context["rows"] if REGISTRY[doc].table else not context.get("missing")  # a document with data
    assert differences(context, pdf, word) == []


def test_a_sentence_one_writer_adds_or_drops_is_found(db, monkeypatch):
    context, pdf, word = seed_document("thesaban-tambon-phok-noi", 2564, "analysis")
    document = Document(io.BytesIO(word))
    document.add_paragraph("ข้อความที่มีเฉพาะในไฟล์ Word")
    added = io.BytesIO()
    document.save(added)
    problems = differences(context, pdf, added.getvalue())
    assert problems[0] == "only in Word: ข้อความที่มีเฉพาะในไฟล์Word"
    assert len(problems) == 2 and problems[1].startswith("characters only in the PDF: {}; only in Word: {")

    words = builders.words

    def without_the_overall_sentence(found_in):  # the PDF template drops a sentence
        found = words(found_in)
        found["overall_sentence"] = ""
        return found

    monkeypatch.setattr(render, "words", without_the_overall_sentence)
    dropped = render.render_pdf(context, draft=False).data
    problems = differences(context, dropped, word)
    assert problems and problems[0].startswith("only in Word: ได้คะแนนรวม")
