"""Word files for the import tests, built with python-docx: rows of cells (a cell a string or a
list of paragraphs), merged cells and repeated headers as Word writes them."""

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def fill(cell, value):
    paragraphs = value if isinstance(value, list) else [value]
    for n, text in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        if text:
            paragraph.add_run(text)


def add_table(word, rows, *, header_rows=1, merges=()):
    """``merges``: (row, first column, last column) or (first row, last row, column, "down")."""
    grid = word.add_table(rows=0, cols=max(len(r) for r in rows))
    for n, cells in enumerate(rows):
        row = grid.add_row()
        if n < header_rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, value in zip(row.cells, cells, strict=False):
            fill(cell, value)
    for merge in merges:
        if len(merge) == 4:
            first, last, column, _down = merge
            grid.cell(first, column).merge(grid.cell(last, column))
        else:
            r, first, last = merge
            text = grid.cell(r, first).text
            merged = grid.cell(r, first).merge(grid.cell(r, last))
            for paragraph in merged.paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
            merged.paragraphs[0].text = text
    return grid


def docx_bytes(*tables, before=(), after=()):
    word = Document()
    for line in before:
        word.add_paragraph(line)
    for spec in tables:
        rows, options = (spec, {}) if isinstance(spec, list) else spec
        add_table(word, rows, **options)
        word.add_paragraph("")
    for line in after:
        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def wingdings_tick(cell):
    run = cell.paragraphs[0].add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), "Wingdings")
    sym.set(qn("w:char"), "F0FC")
    run._r.append(sym)
