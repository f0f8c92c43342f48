"""Document context -> Word file (.docx) with python-docx, for a body to adjust the wording
or the layout before it prints and signs.

It reads the same context as the PDF (``services.document_context``: what was approved, once
a document is approved) and the same column catalogue (``documents.shown_columns``), so the
Word file has the PDF's columns and words. The numbers in the context are already formatted
(Thai numerals when the body prints them); the numbers this module adds (steps, sections, page
numbers) follow ``context["thai_numerals"]``. Pages are A4, landscape for the wide tables
(``DocumentKind.landscape``); a table's header row repeats on every page; every style names
Sarabun, for Thai (the complex-script font) as for Latin text. It composes no sentence of the
document: every sentence and label is ``builders.words``'s, which the PDF template lays out too
(tests/reports/test_documents_words.py compares the two files' words). Two sentences are the
Word file's own: the ร่าง note of a draft (the PDF has its watermark) and the note that the
analysis's chart, an SVG picture a Word file cannot hold without a bitmap copy, is in the PDF
(the tables above it give the figures of the year analysed)."""

import io
import re

from django.utils.translation import gettext as _

from common.thai import to_thai_digits

from . import documents
from .builders import words
from .templatetags.report_text import EMPTY_CELL, is_empty

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Sarabun"
# Sizes as the PDF prints them (templates/reports/_base.html): body 16 pt, tables 14 pt; a body
# that chose 14 pt text (context["layout"]["font_pt"]) gets 14 and 12, the rest alike smaller.
BODY_PT, TABLE_PT, HEADER_PT, TITLE_PT, FOOTER_PT = 16, 14, 11, 18, 12
A4 = (210, 297)  # mm
# The page margins in mm, by the body's layout option (context["layout"]["margins"]), as the PDF's @page.
MARGINS = {"current": {"top": 14, "right": 12, "bottom": 16, "left": 12},
           "official": {"top": 25, "right": 20, "bottom": 20, "left": 30}}
HEADER_FILL = "E9ECEF"
DRAFT_COLOUR = (0xDC, 0x35, 0x45)
LOGO_MM = 28
STEP_INDENT_PT = 14  # the hanging indent of a numbered step, as the PDF's list
# Characters XML 1.0 cannot hold (text typed long ago or imported may still have them).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SIGNING_ROOM_PT = 20  # above the ลงชื่อ line: room for the pen
# Paragraph styles of their own: text (a paragraph of the document), a table's cells and header.
TEXT, TABLE_TEXT, TABLE_HEADER = "Document Text", "Table Text", "Table Header"
CELL_MARGINS_PT = {"top": 2, "left": 4, "bottom": 2, "right": 4}  # the PDF's cell padding


def render_docx(context: dict, *, draft: bool, logo: bytes | None = None,
                signatures: dict[str, bytes] | None = None) -> bytes:
    """The Word file of a document ``context`` (a builder's or a stored one); ``draft`` puts a
    ร่าง note at the top, ``logo`` (PNG or JPEG bytes) heads the title block as in the PDF.
    ``signatures``: {SHA-256: PNG bytes} of the signature images the context's signature block
    names, as for the PDF; None reads them (``services.signature_bytes``: the copies kept with
    the approval, so a published version's file is signed as it was approved)."""
    from docx import Document

    if signatures is None:
        from .services import signature_bytes

        signatures = signature_bytes(context)

    kind = documents.REGISTRY[context["doc"]]
    context = {**context, **words(context)}  # the words the PDF prints, composed once
    word = Document()
    _setup(word, context, landscape=kind.landscape)
    if draft:
        paragraph = _paragraph(word, _("ร่าง — เอกสารนี้ยังไม่ได้รับความเห็นชอบ"), bold=True, size=_size(context, TITLE_PT),
                               align="center")
        paragraph.runs[0].font.color.rgb = _rgb(DRAFT_COLOUR)
    _title_block(word, context, logo if _layout(context).get("header", "logo") == "logo" else None)
    if kind.table:
        _measure_table(word, context)
        if context.get("summary") and kind.months:
            _lines(word, context["summary"], space_before=6)
    else:
        _analysis(word, context)
    _signatures(word, context, signatures)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def filename(context: dict, *, draft: bool) -> str:
    """As the published PDF names itself: title, body, year (and ร่าง for a draft)."""
    name = f"{documents.Doc(context['doc']).label} {context['org']['name']} {context['fiscal_year']}"
    return f"{name} ({_('ร่าง')}).docx" if draft else f"{name}.docx"


# ---------------------------------------------------------------- page, styles and fonts


def _setup(word, context, *, landscape: bool):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = word.sections[0]
    short, long = (Mm(side) for side in A4)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side, mm in MARGINS.get(_layout(context).get("margins"), MARGINS["current"]).items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.footer_distance = Mm(6)
    _styles(word, context)
    props = word.core_properties
    props.title = f"{context['doc_title']} {context['org']['name']}"
    props.language = "th-TH"
    props.author = context["org"]["name"]
    _footer(section, thai=bool(context.get("thai_numerals")))


def _layout(context) -> dict:
    """The body's layout options kept with the document (none in a context stored before them)."""
    layout = context.get("layout")
    return layout if isinstance(layout, dict) else {}


def _size(context, points) -> float:
    """A size of the PDF's 16-point layout, in the layout the body chose."""
    body = _layout(context).get("font_pt") or BODY_PT
    return points - (BODY_PT - body)


def _styles(word, context):
    """Every style the file uses names Sarabun (no theme font behind it), with the PDF's sizes.
    Table text has paragraph styles of its own: in Word a table style's size loses to Normal's."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _defaults(word, _size(context, BODY_PT))
    styles = word.styles
    for name, size in (("Normal", _size(context, BODY_PT)), ("Table Grid", None), ("Footer", FOOTER_PT)):
        _font(styles[name].element.get_or_add_rPr(), size=size, lang=True)
    normal = styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = 0
    normal.line_spacing = 1.0  # Sarabun's own line height is about the PDF's 1.35
    prose = styles.add_style(TEXT, WD_STYLE_TYPE.PARAGRAPH)
    prose.base_style = styles["Normal"]
    prose.quick_style = True
    prose.paragraph_format.space_after = _pt(8)
    text = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = styles["Normal"]
    text.quick_style = True
    _font(text.element.get_or_add_rPr(), size=_size(context, TABLE_PT))
    header = styles.add_style(TABLE_HEADER, WD_STYLE_TYPE.PARAGRAPH)
    header.base_style = text
    header.quick_style = True
    _font(header.element.get_or_add_rPr(), size=min(HEADER_PT, _size(context, TABLE_PT)), bold=True)
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for level, size in ((1, _size(context, TITLE_PT)), (2, _size(context, BODY_PT))):
        style = styles[f"Heading {level}"]
        _font(style.element.get_or_add_rPr(), size=size, bold=True)
        style.font.color.rgb = _rgb((0, 0, 0))
        style.font.italic = False
        style.paragraph_format.space_before = _pt(10 if level == 2 else 0)
        style.paragraph_format.space_after = _pt(4 if level == 2 else 2)
        style.paragraph_format.keep_with_next = True


def _defaults(word, size):
    """The document's defaults (docDefaults): Sarabun, Thai, no theme fonts behind them."""
    from docx.oxml.ns import qn

    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _font(r_pr, size=size, lang=True)


def _font(r_pr, *, size=None, bold=None, lang=False):
    """Sarabun for every script of a run's properties (``w:rPr``), the complex-script (Thai)
    size and weight with the Latin ones: Word prints Thai with ``w:cs``, ``w:szCs``, ``w:bCs``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def child(tag):
        found = r_pr.find(qn(tag))
        if found is None:
            found = OxmlElement(tag)
            r_pr.append(found)
        return found

    fonts = child("w:rFonts")
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):  # a theme font would win over the named one
            del fonts.attrib[attribute]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), FONT)
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            child(tag).set(qn("w:val"), "1" if bold else "0")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            child(tag).set(qn("w:val"), str(int(size * 2)))
    if lang:
        language = child("w:lang")
        language.set(qn("w:val"), "th-TH")
        language.set(qn("w:bidi"), "th-TH")
    _order(r_pr)


# The order CT_RPr's schema wants its children in (Word refuses a file with them out of order).
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
             "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]


def _order(r_pr):
    from docx.oxml.ns import qn

    rank = {qn(f"w:{name}"): n for n, name in enumerate(RPR_ORDER)}
    children = sorted(r_pr, key=lambda c: rank.get(c.tag, len(rank)))
    for c in children:
        r_pr.remove(c)
        r_pr.append(c)


# Thai digits in a page number field. Word's switch is ThaiArabic (ECMA-376 17.16.4.3; Word reads
# format switches in any case but ALPHABETIC/alphabetic and ROMAN/roman); LibreOffice (7.4, its
# writerfilter: the switch names compared case by case) reads "ThaiArabic" as Thai *letters*
# (หน้า ก/ง) and maps no OOXML name to Thai digits (the section's thaiNumbers neither), so the
# switch is written in capitals, which LibreOffice does not know: it prints 1/4, Arabic digits,
# the right numbers. The section's page numbers say thaiNumbers for Word's own page numbering.
THAI_DIGITS_SWITCH = r" \* THAIARABIC"
THAI_PAGE_NUMBERS = "thaiNumbers"  # ST_NumberFormat
# The children of w:sectPr that come after w:pgNumType (CT_SectPr's sequence).
AFTER_PG_NUM_TYPE = ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter",
                     "docGrid", "printerSettings", "sectPrChange")


def _footer(section, *, thai: bool):
    """หน้า n/N centred at the foot of every page, in Thai numerals when the body uses them."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    _align(paragraph, "center")
    switch = THAI_DIGITS_SWITCH if thai else ""
    if thai:
        sect_pr = section._sectPr
        numbering = sect_pr.find(qn("w:pgNumType"))
        if numbering is None:  # in the schema's order: before cols, …, docGrid
            numbering = OxmlElement("w:pgNumType")
            after = next((child for child in sect_pr if child.tag in {qn(f"w:{t}") for t in AFTER_PG_NUM_TYPE}), None)
            if after is None:
                sect_pr.append(numbering)
            else:
                after.addprevious(numbering)
        numbering.set(qn("w:fmt"), THAI_PAGE_NUMBERS)
    paragraph.add_run(_("หน้า") + " ")
    _field(paragraph, "PAGE" + switch)
    paragraph.add_run("/")
    _field(paragraph, "NUMPAGES" + switch)


def _field(paragraph, instruction):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# ---------------------------------------------------------------- paragraphs


def _pt(value):
    from docx.shared import Pt

    return Pt(value)


def _rgb(colour):
    from docx.shared import RGBColor

    return RGBColor(*colour)


def _clean(text) -> str:
    return NOT_XML.sub("", str(text if text is not None else ""))


def _align(paragraph, align):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                           "left": WD_ALIGN_PARAGRAPH.LEFT}[align]


def _run(paragraph, text, *, bold=False, italic=False, size=None):
    """A run of text; bold and italic set for Thai (``w:bCs``, ``w:iCs``) as for Latin text."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run(_clean(text))
    if size:
        _font(run._r.get_or_add_rPr(), size=size)
    for wanted, tags in ((bold, ("w:b", "w:bCs")), (italic, ("w:i", "w:iCs"))):
        if wanted:
            r_pr = run._r.get_or_add_rPr()
            for tag in tags:
                if r_pr.find(qn(tag)) is None:
                    r_pr.append(OxmlElement(tag))
            _order(r_pr)
    return run


def _paragraph(container, text="", *, bold=False, italic=False, size=None, align=None, style=None,
               space_before=None):
    paragraph = container.add_paragraph(style=style)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    if align:
        _align(paragraph, align)
    if space_before is not None:
        paragraph.paragraph_format.space_before = _pt(space_before)
    return paragraph


def _lines(container, text, **kwargs):
    """Text typed with line breaks, as one paragraph of the document with its breaks kept (the
    PDF's pre-wrap); python-docx writes a new line as ``w:br``."""
    return _paragraph(container, _clean(text), style=TEXT, **kwargs)


def _digits(context, value) -> str:
    return to_thai_digits(value) if context.get("thai_numerals") else str(value)


def _title_block(word, context, logo):
    from docx.shared import Mm

    if logo:
        paragraph = _paragraph(word, align="center")
        try:
            paragraph.add_run().add_picture(io.BytesIO(logo), height=Mm(LOGO_MM))
        except Exception:  # an image python-docx cannot read: the title block without it, as the PDF does
            paragraph._p.getparent().remove(paragraph._p)
    _paragraph(word, context["doc_title"], style="Heading 1", align="center")
    if context["subtitle"]:
        _paragraph(word, context["subtitle"], align="center")
    _paragraph(word, context["place"], align="center")
    last = _paragraph(word, context["year_line"], align="center")
    last.paragraph_format.space_after = _pt(10)


# ---------------------------------------------------------------- tables


def _text_width_mm(word) -> float:
    section = word.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 36000  # EMU per mm


def _table(word, widths_mm: list[float]):
    """A bordered table of fixed column widths whose first row is its header, repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = word.add_table(rows=1, cols=len(widths_mm))
    table.style = word.styles["Table Grid"]
    table.autofit = False  # w:tblLayout fixed: the widths given, as the PDF's table-layout: fixed
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)
    for cell in header.cells:
        _shade(cell, HEADER_FILL)
        _middle(cell)
    _cell_margins(table)
    return table


def _cell_margins(table):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side, points in CELL_MARGINS_PT.items():
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(points * 20))  # twentieths of a point
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        table._tbl.tblPr.append(margins)


def _row(table, widths_mm):
    from docx.shared import Mm

    row = table.add_row()
    for cell, width in zip(row.cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return row


def _shade(cell, fill):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _middle(cell):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _style(paragraph, name):
    """``paragraph.style = name``, the style's id looked up once per document: python-docx looks it
    up among all the styles for every paragraph, 80 % of the time of a long plan's table."""
    from docx.enum.style import WD_STYLE_TYPE

    part = paragraph.part
    ids = part.__dict__.setdefault("_ita_style_ids", {})
    if name not in ids:
        ids[name] = part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
    paragraph._p.style = ids[name]


def _cell_text(cell, text, *, bold=False, italic=False, align=None, style=TABLE_TEXT, hanging_pt=None):
    """Text in a cell (its first paragraph, then one a line)."""
    lines = _clean(text).split("\n")
    first = cell.paragraphs[0]
    for n, line in enumerate(lines):
        paragraph = first if n == 0 else cell.add_paragraph()
        _style(paragraph, style)
        if line:
            _run(paragraph, line, bold=bold, italic=italic)
        if align:
            _align(paragraph, align)
        if hanging_pt:
            paragraph.paragraph_format.left_indent = _pt(hanging_pt)
            paragraph.paragraph_format.first_line_indent = _pt(-hanging_pt)


def _header_cells(row, labels):
    for cell, label in zip(row.cells, labels, strict=True):
        _cell_text(cell, label, style=TABLE_HEADER)


def _measure_table(word, context):
    """The measures or results table: the columns ``shown_columns`` gives, in their order and
    shares of the width, each cell printed as its kind prints in the PDF (report_text.cell)."""
    columns = documents.shown_columns(context)
    total = sum(float(c["width"] or 0) for c in columns) or len(columns)
    page = _text_width_mm(word)
    widths = [page * (float(c["width"] or 0) or total / len(columns)) / total for c in columns]
    table = _table(word, widths)
    _header_cells(table.rows[0], [str(c["label"]) for c in columns])
    rows = context.get("rows") or []
    for data in rows:
        row = _row(table, widths)
        for cell, column in zip(row.cells, columns, strict=True):
            _measure_cell(cell, data.get(column["field"], ""), column["cell"], context)
    if not rows:
        row = _row(table, widths)
        merged = row.cells[0].merge(row.cells[-1])
        _cell_text(merged, context["no_measures"])


def _measure_cell(cell, value, kind, context):
    if is_empty(value):
        _cell_text(cell, EMPTY_CELL, align="right" if kind == "num" else None)
    elif kind == "lines":
        _cell_text(cell, "\n".join(_clean(v) for v in value))
    elif kind == "steps":
        steps = [s for s in value if not is_empty(s)]
        _cell_text(cell, "\n".join(f"{_digits(context, n)}. {_clean(s)}" for n, s in enumerate(steps, 1)),
                   hanging_pt=STEP_INDENT_PT)
    else:
        _cell_text(cell, value, align="right" if kind == "num" else None)


# ---------------------------------------------------------------- the analysis


class _Sections:
    """Numbered headings: only the sections printed are counted (as the PDF's counters)."""

    def __init__(self, word, context):
        self.word, self.context, self.count = word, context, 0

    def add(self, title):
        self.count += 1
        _paragraph(self.word, f"{_digits(self.context, self.count)}. {title}", style="Heading 2")


def _analysis(word, context):
    if context.get("missing"):
        _lines(word, context["no_result"])
        return
    sections = _Sections(word, context)
    page = _text_width_mm(word)
    headings, headers = context["headings"], context["headers"]

    sections.add(headings["overall"])
    _lines(word, context["overall_sentence"])
    widths = [page * 0.70, page * 0.14, page * 0.16]
    table = _table(word, widths)
    _header_cells(table.rows[0], [headers["tool"], headers["weight"], headers["score"]])
    for tool in context.get("tools", []):
        cells = _row(table, widths).cells
        _cell_text(cells[0], f"{tool['code']} {tool['name']}")
        _cell_text(cells[1], tool["weight"], align="right")
        _cell_text(cells[2], tool["value"], align="right")
        for part in tool.get("parts", []):
            cells = _row(table, widths).cells
            _cell_text(cells[0], part["label"])
            cells[0].paragraphs[0].paragraph_format.left_indent = _pt(16)
            _cell_text(cells[2], part["value"], align="right")

    sections.add(headings["indicators"])
    if not context.get("no_indicator_scores"):
        widths = [page * 0.12, page * 0.72, page * 0.16]
        table = _table(word, widths)
        _header_cells(table.rows[0], [headers["indicator"], headers["indicator_detail"], headers["score"]])
        for indicator in context.get("indicators", []):
            cells = _row(table, widths).cells
            _cell_text(cells[0], indicator["number"], align="right")
            _cell_text(cells[1], indicator["name"])
            _cell_text(cells[2], indicator["value"], align="right", bold=bool(indicator.get("low")))
    if context["indicator_summary"]:
        _lines(word, "\n".join(context["indicator_summary"]), space_before=6)
    if context.get("chart_svg"):
        _paragraph(word, context["chart_title"], bold=True).paragraph_format.keep_with_next = True
        _lines(word, chart_note(), italic=True)

    if context.get("item_tables") or context.get("item_note"):
        sections.add(headings["items"])
    for item_table in context.get("item_tables", []):
        _item_table(word, item_table, page, context)
    if context.get("item_note"):
        _lines(word, context["item_note"])

    sections.add(headings["analysis"])
    if context.get("summary"):
        _lines(word, context["summary"])
    for note in context.get("notes", []):
        _paragraph(word, note["label"], bold=True).paragraph_format.keep_with_next = True
        _lines(word, note["text"])
    if not context.get("summary") and not context.get("notes"):
        _lines(word, context["empty"])
    sections.add(headings["recommendations"])
    _lines(word, context.get("recommendations") or context["empty"])


def _item_table(word, item_table, page, context):
    headers = context["headers"]
    labels = list(item_table.get("part_labels") or [headers["score"]])
    widths = [page * 0.09, page * (0.91 - 0.14 * len(labels)), *[page * 0.14] * len(labels)]
    table = _table(word, widths)
    _header_cells(table.rows[0], [headers["item"], f"{item_table['code']} – {item_table['name']}", *labels])
    for block in item_table.get("blocks", []):
        cells = _row(table, widths).cells
        _cell_text(cells[0].merge(cells[1]), block["title"], bold=True)
        for cell, value in zip(cells[2:], block.get("values", []), strict=False):
            _cell_text(cell, value, bold=True, align="right")
        if block.get("no_items"):
            cells = _row(table, widths).cells
            _cell_text(cells[0].merge(cells[-1]), context["no_item_scores"])
        for item in block.get("rows", []):
            cells = _row(table, widths).cells
            if item.get("group"):
                _cell_text(cells[0].merge(cells[1]), item["group"], italic=True)
                values = cells[2].merge(cells[-1]) if len(cells) > 3 else cells[2]
                _cell_text(values, (item.get("values") or [""])[0], italic=True, align="right")
            else:
                _cell_text(cells[0], item.get("code", ""))
                _cell_text(cells[1], item.get("text", ""))
                for cell, value in zip(cells[2:], item.get("values", []), strict=False):
                    _cell_text(cell, value, align="right")
    _paragraph(word).paragraph_format.space_after = _pt(8)


def chart_note() -> str:
    """The Word file's own sentence where the PDF has the analysis's chart."""
    return _("แผนภูมินี้แสดงในฉบับ PDF ของเอกสาร (ไฟล์ Word ไม่มีแผนภูมิ) "
             "คะแนนของปีที่วิเคราะห์อยู่ในตารางผลการประเมินรายตัวชี้วัดข้างต้น")


# ---------------------------------------------------------------- signatures


def _signatures(word, context, signatures: dict[str, bytes]):
    """ผู้จัดทำ and ผู้รับรอง side by side, kept on one page, as in the PDF; a signer's signature
    image (the one the context names) on the ลงชื่อ line, in place of the dots."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    signature = context.get("signature") or {}
    if context["record_note"]:
        _paragraph(word, context["record_note"]).paragraph_format.space_before = _pt(8)
    signers = {signer["key"]: signer for signer in context["signers"]}
    if not signers:
        # A record after the fact whose source names no signer: no signature lines.
        if context["approved_on_line"]:
            _paragraph(word, context["approved_on_line"])
        return
    _paragraph(word).paragraph_format.space_before = _pt(18)
    half = _text_width_mm(word) / 2
    table = word.add_table(rows=1, cols=2)
    table.autofit = False
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)
    for cell, key in zip(table.rows[0].cells, ("preparer", "approver"), strict=True):
        signer = signers.get(key)
        if signer is None:  # the source names no such signer: no line to sign
            if key == "approver" and context["approved_on_line"]:
                _cell_text(cell, context["approved_on_line"], align="center", style="Normal")
            continue
        image = _signature_image(signature.get(key) or {}, signatures)
        cell.width = Mm(half)
        lines = [signer["role"], f"{signer['sign']} {'' if image else signer['blank']}".rstrip(),
                 signer["name_line"], signer["position_line"]]
        if signer["approved_on_line"]:
            lines.append(signer["approved_on_line"])
        _cell_text(cell, "\n".join(lines), align="center", style="Normal")
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_after = _pt(4)
        if image:
            _signature_picture(cell.paragraphs[1], image, signer["image_label"])
        else:
            cell.paragraphs[1].paragraph_format.space_before = _pt(SIGNING_ROOM_PT)


# The signature image's size, as the PDF draws it (templates/reports/_base.html, .signature-image):
# its own size at 96 pixels an inch, made smaller to fit 45 × 15 mm, its proportions kept.
SIGNATURE_MAX_MM = (45, 15)
CSS_PX_MM = 25.4 / 96


def _signature_image(person, signatures: dict[str, bytes]) -> bytes | None:
    digest = person.get("signature_sha256") if isinstance(person, dict) else None
    image = (signatures or {}).get(digest) if digest else None
    return image if image and image.startswith(b"\x89PNG") else None  # as the PDF's fetcher: PNG only


def signature_size_mm(image: bytes) -> tuple[float, float]:
    """(width, height) in mm at which a signature image is drawn."""
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        width, height = picture.size[0] * CSS_PX_MM, picture.size[1] * CSS_PX_MM
    scale = min(1, SIGNATURE_MAX_MM[0] / width, SIGNATURE_MAX_MM[1] / height)
    return width * scale, height * scale


def _signature_picture(paragraph, image: bytes, label: str):
    """The signature image after ลงชื่อ, on the line's baseline, with ``label`` as its
    alternative text (as the PDF's alt)."""
    from docx.shared import Mm

    width, height = signature_size_mm(image)
    paragraph.add_run(" ")
    shape = paragraph.add_run().add_picture(io.BytesIO(image), width=Mm(width), height=Mm(height))
    shape._inline.docPr.set("descr", label)
