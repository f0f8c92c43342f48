"""Tables out of what an editor brings: a Word file (.docx), a PDF with a text layer, or a table
pasted from Word, Excel or LibreOffice (the clipboard's HTML, else its tab-separated text).

Every reader gives the same thing: a list of ``Table``, each a grid of cell texts with merged
cells resolved (a merged cell's text in every slot it covers, and the same ``origin`` id in each,
so a row that is one cell across the table can be told from a row of cells). Cell texts keep
their paragraphs as lines. What the columns mean is mapping.py's business.

A refused file raises ``FileRejected`` (common/spreadsheet.py) with one Thai sentence; nothing is
read further. The checks come before any parser sees the bytes: the size, the kind (by its first
bytes), a password (an OLE container holding an EncryptedPackage), a zip bomb (the members'
uncompressed sizes and their ratio), then the reading itself."""

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.spreadsheet import FileRejected, file_too_big
from common.text import clean_text

MAX_BYTES = 10 * 1024 * 1024  # an upload or a paste
MAX_UNCOMPRESSED = 60 * 1024 * 1024  # a .docx's members together, unpacked
MAX_RATIO = 100  # a member unpacking to more than 100 times its packed size is a bomb, not a document
MAX_MEMBERS = 2_000
MAX_PDF_PAGES = 200
MAX_SPAN = 64  # a colspan/rowspan beyond this is not a table a person made
MAX_GRID_CELLS = 200_000

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF-"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Word's tick and cross symbols (w:sym in the Wingdings fonts) as the characters they show.
SYMBOLS = {"F0FC": "✓", "F0FB": "✗", "F0FD": "☒", "F0FE": "☑", "F0A8": "☐", "F06F": "☐", "F078": "☒",
           "F050": "✓", "F04F": "✗", "F0D6": "✓", "F0B4": "×"}


@dataclass
class Table:
    """One table: ``rows`` of cell texts, every row as wide as the widest; ``origins`` the id of
    the source cell behind each slot (a merged cell has one id in every slot it covers);
    ``marked`` the rows the file marks as a header repeated on each page (Word's tblHeader);
    ``where`` says where it was found (for the preview); ``wrapped`` that a cell's lines are the
    lines a page wrapped (a PDF), so a line may continue the one before."""

    rows: list[list[str]]
    origins: list[list[int]]
    marked: list[int] = field(default_factory=list)
    where: str = ""
    wrapped: bool = False  # a PDF's cells: lines as the page wrapped them, not as typed

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def as_data(self) -> dict:
        return {"rows": self.rows, "origins": self.origins, "marked": self.marked, "where": self.where,
                "wrapped": self.wrapped}

    @classmethod
    def from_data(cls, data: dict) -> "Table":
        rows = [[str(c) for c in row] for row in data["rows"]]
        origins = [[int(o) for o in row] for row in data["origins"]]
        if len(rows) != len(origins) or any(len(a) != len(b) for a, b in zip(rows, origins, strict=True)):
            raise ValueError("rows and origins differ")
        return cls(rows=rows, origins=origins, marked=[int(m) for m in data.get("marked", [])],
                   where=str(data.get("where", "")), wrapped=bool(data.get("wrapped")))


class _Grid:
    """Builds a table row by row from cells with column and row spans."""

    def __init__(self, where: str, first_id: int = 0):
        self.rows: list[list[str | None]] = []
        self.origins: list[list[int | None]] = []
        self.marked: list[int] = []
        self.where = where
        self.next_id = first_id  # ids go on from the table before: no two cells of a file share one
        self.cells = 0

    def new_row(self, marked=False):
        self.rows.append([])
        self.origins.append([])
        if marked:
            self.marked.append(len(self.rows) - 1)

    def _slot(self, row: int, col: int, text: str, origin: int):
        while len(self.rows) <= row:
            self.rows.append([])
            self.origins.append([])
        line, ids = self.rows[row], self.origins[row]
        while len(line) <= col:
            line.append(None)
            ids.append(None)
        line[col], ids[col] = text, origin
        self.cells += 1
        if self.cells > MAX_GRID_CELLS:
            raise FileRejected([_("ตารางในไฟล์ใหญ่เกินกว่าที่ระบบอ่านได้")])

    def free_col(self, row: int, col: int) -> int:
        """The first slot at or after ``col`` of ``row`` not taken by a cell spanning from above."""
        line = self.rows[row] if row < len(self.rows) else []
        while col < len(line) and line[col] is not None:
            col += 1
        return col

    def add(self, row: int, col: int, text: str, colspan=1, rowspan=1) -> int:
        origin = self.next_id
        self.next_id += 1
        for r in range(row, row + max(1, min(rowspan, MAX_SPAN))):
            for c in range(col, col + max(1, min(colspan, MAX_SPAN))):
                self._slot(r, c, text, origin)
        return col + max(1, min(colspan, MAX_SPAN))

    def continue_above(self, row: int, col: int, colspan=1) -> int:
        """Word's vertical merge: the slots take the cell above them."""
        for c in range(col, col + max(1, min(colspan, MAX_SPAN))):
            above_text, above_id = "", None
            if row > 0 and c < len(self.rows[row - 1]):
                above_text, above_id = self.rows[row - 1][c], self.origins[row - 1][c]
            if above_id is None:
                above_id = self.next_id
                self.next_id += 1
            self._slot(row, c, above_text or "", above_id)
        return col + max(1, min(colspan, MAX_SPAN))

    def table(self) -> Table | None:
        rows = [r for r in range(len(self.rows)) if any((t or "").strip() for t in self.rows[r])]
        if not rows:
            return None
        width = max(len(self.rows[r]) for r in rows)
        texts, ids = [], []
        for r in rows:
            line, origin = list(self.rows[r]), list(self.origins[r])
            for c in range(width):
                if c >= len(line):
                    line.append(None)
                    origin.append(None)
                if origin[c] is None:
                    origin[c] = self.next_id
                    self.next_id += 1
                    line[c] = ""
            texts.append([_tidy(t) for t in line])
            ids.append(origin)
        marked = [rows.index(r) for r in self.marked if r in rows]
        return Table(rows=texts, origins=ids, marked=marked, where=self.where)


def _tidy(text: str | None) -> str:
    """A cell's text: normalised (common.text.clean_text), each line without outer spaces, no
    empty lines at either end, non-breaking spaces as spaces."""
    text = clean_text((text or "").replace("\u00a0", " ").replace("\u200b\u200b", "\u200b"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# ---------------------------------------------------------------- what kind of file


def read_upload(data: bytes, filename: str = "") -> list[Table]:
    """The tables of an uploaded .docx or PDF; FileRejected with a Thai sentence otherwise."""
    if len(data) > MAX_BYTES:
        raise FileRejected([file_too_big(MAX_BYTES)])
    if not data:
        raise FileRejected([_("ไฟล์ว่างเปล่า")])
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise FileRejected([_("ไฟล์ Word นี้ตั้งรหัสผ่านไว้ ระบบเปิดอ่านไม่ได้ กรุณาเอารหัสผ่านออก "
                                  "(ไฟล์ > ข้อมูล > ป้องกันเอกสาร) แล้วบันทึกเป็น .docx อีกครั้ง")])
        raise FileRejected([_("ไฟล์นี้เป็น Word รุ่นเก่า (.doc) ระบบอ่านได้เฉพาะ .docx กรุณาเปิดใน Word "
                              "แล้วบันทึกเป็น .docx (Word Document)")])
    if data.startswith(ZIP_MAGIC):
        return read_docx(data)
    if data.lstrip()[:1024].find(PDF_MAGIC) != -1:
        return read_pdf(data)
    raise FileRejected([_("ไฟล์นี้ไม่ใช่ไฟล์ Word (.docx) หรือ PDF ระบบรับเฉพาะไฟล์ .docx และ PDF ที่มีข้อความ")])


def check_zip(data: bytes) -> None:
    """Refuse a zip that is not a Word file, or that unpacks to far more than it holds (a zip
    bomb), before any parser opens a member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected([_("ไฟล์เสียหายหรือไม่ใช่ไฟล์ Word (.docx) ที่อ่านได้")]) from None
    if len(members) > MAX_MEMBERS:
        raise FileRejected([_("ไฟล์ .docx นี้มีส่วนประกอบมากผิดปกติ ระบบจึงไม่เปิดอ่าน")])
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise FileRejected([_("ไฟล์นี้เมื่อแตกออกมีขนาดใหญ่ผิดปกติเมื่อเทียบกับขนาดไฟล์ (ลักษณะของ zip bomb) "
                                  "ระบบจึงไม่เปิดอ่าน")])
    if total > MAX_UNCOMPRESSED:
        raise FileRejected([_("ไฟล์นี้เมื่อแตกออกมีขนาดเกิน %(mb)s MB ระบบจึงไม่เปิดอ่าน")
                            % {"mb": MAX_UNCOMPRESSED // (1024 * 1024)}])
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise FileRejected([_("ไฟล์นี้เป็นไฟล์ Excel ระบบรับไฟล์ Word (.docx) หรือ PDF "
                                  "หากตารางอยู่ใน Excel ให้คัดลอกตารางแล้ววางในช่อง “วางตาราง”")])
        raise FileRejected([_("ไฟล์นี้ไม่ใช่ไฟล์ Word (.docx)")])


# ---------------------------------------------------------------- Word


def read_docx(data: bytes) -> list[Table]:
    check_zip(data)
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx, zipfile and lxml raise many kinds for a broken file
        raise FileRejected([_("ไฟล์เสียหายหรือไม่ใช่ไฟล์ Word (.docx) ที่อ่านได้")]) from None
    tables, ids = [], 0
    for number, element in enumerate(_body_tables(document.element.body), start=1):
        table, ids = _docx_table(element, _("ตารางที่ %(n)s") % {"n": number}, ids)
        if table is not None:
            tables.append(table)
    return tables


def _body_tables(body):
    """The document's tables in order: those at the top level and inside content controls, not
    those nested in a cell (their text belongs to the cell)."""
    for child in body:
        if child.tag == W + "tbl":
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_tables(content)


def _docx_table(tbl, where: str, first_id: int) -> tuple[Table | None, int]:
    grid = _Grid(where, first_id)
    for tr in _children(tbl, "tr"):
        trpr = tr.find(W + "trPr")
        row = len(grid.rows)
        grid.new_row(marked=trpr is not None and trpr.find(W + "tblHeader") is not None)
        col = _val_int(trpr, "gridBefore", 0)
        for tc in _children(tr, "tc"):
            tcpr = tc.find(W + "tcPr")
            span = _val_int(tcpr, "gridSpan", 1)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(W + "val") in (None, "continue"):
                col = grid.continue_above(row, col, span)
            else:
                col = grid.add(row, col, _cell_text(tc), colspan=span)
    return grid.table(), grid.next_id


def _children(element, name):
    """Direct children named ``name``, looking through content controls and custom XML."""
    for child in element:
        if child.tag == W + name:
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if inner is not None:
                yield from _children(inner, name)


def _val_int(parent, name, default):
    if parent is None:
        return default
    found = parent.find(W + name)
    if found is None:
        return default
    try:
        return max(0, min(int(found.get(W + "val", default)), MAX_SPAN))
    except (TypeError, ValueError):
        return default


def _cell_text(tc) -> str:
    lines = []
    for block in tc:
        lines.extend(_block_lines(block))
    return "\n".join(lines)


def _block_lines(block) -> list[str]:
    if block.tag == W + "p":
        return [_paragraph_text(block)]
    if block.tag == W + "tbl":  # a table inside the cell: a line per row
        return [" ".join(_cell_text(tc).replace("\n", " ") for tc in _children(tr, "tc")).strip()
                for tr in _children(block, "tr")]
    if block.tag == W + "sdt":
        content = block.find(W + "sdtContent")
        return [line for child in (content if content is not None else []) for line in _block_lines(child)]
    return []


def _paragraph_text(p) -> str:
    parts = []
    stack = [iter(p)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        tag = node.tag
        if tag == W + "t":
            parts.append(node.text or "")
        elif tag == W + "tab":
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "sym":
            parts.append(SYMBOLS.get((node.get(W + "char") or "").upper(), ""))
        elif tag in (MC_FALLBACK, W + "del", W + "instrText", W + "delText", W + "pPr", W + "rPr"):
            continue  # a text box's copy for old readers, deleted text, field codes, formatting
        else:
            stack.append(iter(node))
    return "".join(parts)


# ---------------------------------------------------------------- PDF


def read_pdf(data: bytes) -> list[Table]:
    import pdfplumber

    tables, chars, ids = [], 0, 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise FileRejected([_("ไฟล์ PDF มีเกิน %(n)s หน้า กรุณาแยกเฉพาะหน้าที่มีตาราง") % {"n": MAX_PDF_PAGES}])
            for number, page in enumerate(pdf.pages, start=1):
                page_chars = page.chars
                chars += len(page_chars)
                found = page.find_tables(_open_rows_closed(page))
                for index, table in enumerate(found, start=1):
                    where = (_("หน้า %(page)s ตารางที่ %(n)s") % {"page": number, "n": index} if len(found) > 1
                             else _("หน้า %(page)s") % {"page": number})
                    read, ids = _pdf_table(table, page_chars, where, ids)
                    if read is not None:
                        tables.append(read)
                page.flush_cache()
    except FileRejected:
        raise
    except Exception as error:  # pdfminer raises many kinds for a broken or locked file
        if "password" in type(error).__name__.lower() or "encrypt" in type(error).__name__.lower():
            raise FileRejected([_("ไฟล์ PDF นี้ตั้งรหัสผ่านไว้ ระบบเปิดอ่านไม่ได้ กรุณาใช้ไฟล์ Word (.docx) "
                                  "ต้นฉบับแทน")]) from None
        raise FileRejected([_("ไฟล์ PDF เสียหายหรือระบบอ่านไม่ได้ กรุณาใช้ไฟล์ Word (.docx) ต้นฉบับแทน")]) from None
    if chars == 0:
        raise FileRejected([_("ไฟล์ PDF นี้ไม่มีข้อความให้อ่าน (น่าจะเป็นภาพที่สแกนมา) ระบบอ่านตัวอักษรจากภาพไม่ได้ "
                              "กรุณาใช้ไฟล์ Word (.docx) ต้นฉบับ หรือคัดลอกตารางจาก Word มาวาง")])
    return tables


def _open_rows_closed(page) -> dict:
    """A row a page break cut has no border at the cut: lines where the table's vertical rules
    end close it, so its cells are found (their text continues on the next page)."""
    verticals = [edge for edge in page.edges if edge["orientation"] == "v"]
    if not verticals:
        return {}
    return {"explicit_horizontal_lines": sorted({round(min(e["top"] for e in verticals), 1),
                                                 round(max(e["bottom"] for e in verticals), 1)})}


def _pdf_table(table, chars, where: str, first_id: int) -> tuple[Table | None, int]:
    """pdfplumber's table with merged cells resolved from the cells' boxes: a slot no cell starts
    in takes the cell whose box covers it. Each cell's text is read from its characters in the
    order the page draws them (the order they were typed), not sorted by position: a Thai mark
    sits over its letter, and sorting puts it out of place."""
    rows, columns = table.rows, table.columns
    boxes = list(table.cells)
    left, top, right, bottom = table.bbox
    sizes = sorted(ch.get("size") or 10 for ch in chars if ch.get("upright", True))
    usual = sizes[len(sizes) // 2] if sizes else 10
    chars = [ch for ch in chars if left <= (ch["x0"] + ch["x1"]) / 2 <= right
             and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom]
    grid = _Grid(where, first_id)
    done: dict[tuple, tuple[int, int]] = {}
    for r, row in enumerate(rows):
        grid.new_row()
        for c in range(len(columns)):
            box = row.cells[c] if c < len(row.cells) else None
            if box is None:
                x = (columns[c].bbox[0] + columns[c].bbox[2]) / 2
                y = (row.bbox[1] + row.bbox[3]) / 2
                box = next((b for b in boxes if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
            if box is None:
                continue
            if box in done:
                src_row, src_col = done[box]
                grid._slot(r, c, grid.rows[src_row][src_col], grid.origins[src_row][src_col])
            else:
                grid.add(r, c, _box_text(chars, box, usual))
                done[box] = (r, c)
    table = grid.table()
    if table is not None:
        table.wrapped = True
    return table, grid.next_id


# Thai marks drawn over or under the letter before them: never a space before one. All but ำ
# (whose SARA AA part has a width) add no width, so the gap to the next letter is measured from
# the letter they sit on.
THAI_MARKS = {chr(c) for c in [0x0E31, *range(0x0E33, 0x0E3B), *range(0x0E47, 0x0E4F)]}
SPACING_MARKS = {"\u0e33"}
# A PDF's Latin ligature glyphs (ﬁ in "official") as the letters typed.
LIGATURES = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}


def _box_text(chars, box, usual: float) -> str:
    """The text of the characters whose centre is in ``box``. Lines by baseline, top to bottom;
    within a line, the pieces drawn one after the other (the order they were typed, marks in
    place) ordered by where each piece starts, so a list number drawn after its text comes first;
    a space where the gap from the last letter is wider than a fifth of the font size."""
    x0, top, x1, bottom = box
    lines: list[list] = []  # [baseline, [pieces]]; a piece is a list of chars drawn in a row
    last = None
    for ch in chars:
        text = ch["text"]
        if not text or not ch.get("upright", True) or (ch.get("size") or 10) > 2.5 * usual:
            continue  # a watermark (ร่าง across the page) or a rotated stamp is not the cell's text
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        size = ch.get("size") or 10
        mark = text[0] in THAI_MARKS
        line = next((item for item in lines if abs(item[0] - ch["bottom"]) <= size * 0.4), None)
        if line is None:
            line = [ch["bottom"], []]
            lines.append(line)
        if mark and last is not None and last[0] is line:
            last[1].append(ch)
            continue
        if last is None or last[0] is not line or mark:
            line[1].append([ch])
            last = (line, line[1][-1])
        else:
            last[1].append(ch)
    out = []
    for _baseline, pieces in sorted(lines, key=lambda item: item[0]):
        text, last_x1 = [], None
        for piece in sorted(pieces, key=lambda p: min(c["x0"] for c in p)):
            for ch in piece:
                mark = ch["text"][0] in THAI_MARKS
                if not mark and last_x1 is not None and ch["x0"] - last_x1 > (ch.get("size") or 10) * 0.2:
                    text.append(" ")
                text.append(ch["text"])
                if not mark or ch["text"][0] in SPACING_MARKS:
                    last_x1 = ch["x1"]
        out.append("".join(text))
    return "\n".join(out).translate(LIGATURES)


# ---------------------------------------------------------------- pasted


def read_paste(html: str = "", text: str = "") -> list[Table]:
    """A table pasted from Word, Excel or LibreOffice: the clipboard's HTML when it holds a
    table, else its tab-separated text."""
    if len(html.encode("utf-8", "ignore")) + len(text.encode("utf-8", "ignore")) > MAX_BYTES:
        raise FileRejected([_("ข้อมูลที่วางมีขนาดเกิน %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)}])
    tables = read_html(html) if html and "<t" in html.lower() else []
    if not tables and text.strip():
        tables = read_tsv(text)
    if not tables:
        raise FileRejected([_("ไม่พบตารางในข้อมูลที่วาง กรุณาเลือกทั้งตารางใน Word หรือ Excel แล้วคัดลอก (Ctrl+C) "
                              "มาวางอีกครั้ง")])
    return tables


BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "dt", "dd"}
SKIPPED = {"script", "style", "head", "title", "meta", "link", "xml", "template", "noscript"}


def read_html(html: str) -> list[Table]:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(no_network=True, remove_comments=True,
                                                                      remove_pis=True))
    except (etree.ParserError, ValueError):
        return []
    tables, ids = [], 0
    for number, element in enumerate(_top_tables(root), start=1):
        table, ids = _html_table(element, _("ตารางที่ %(n)s") % {"n": number}, ids)
        if table is not None:
            tables.append(table)
    return tables


def _top_tables(root):
    if root.tag == "table":
        yield root
        return
    for element in root.iter("table"):
        if not any(parent.tag == "table" for parent in element.iterancestors()):
            yield element


def _html_rows(table):
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if tr.tag == "tr")


def _html_table(element, where: str, first_id: int) -> tuple[Table | None, int]:
    grid = _Grid(where, first_id)
    for row, tr in enumerate(_html_rows(element)):
        if row >= len(grid.rows):
            grid.new_row(marked=tr.getparent() is not None and tr.getparent().tag == "thead")
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            col = grid.free_col(row, col)
            col = grid.add(row, col, _html_text(td), colspan=_span(td.get("colspan")),
                           rowspan=_span(td.get("rowspan")))
    return grid.table(), grid.next_id


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), MAX_SPAN))
    except (TypeError, ValueError):
        return 1


def _html_text(element) -> str:
    """A cell's text with its paragraphs, list items and line breaks as lines."""
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in SKIPPED:
            if node.tail:
                parts.append(node.tail)
            return
        if tag == "br":
            parts.append("\n")
        elif tag.lower() in BLOCKS:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag.lower() in BLOCKS:
            parts.append("\n")
        if node.tail and node is not element:
            parts.append(node.tail)

    walk(element)
    text = "".join(parts)
    # HTML white space (not a line break we made) is one space; the breaks around nested blocks
    # (a <p> in a <div>) are one.
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def read_tsv(text: str) -> list[Table]:
    """Tab-separated rows as Excel and LibreOffice put them on the clipboard (a cell with a line
    break in double quotes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" not in text:
        return []
    grid = _Grid(_("ตารางที่วาง"))
    reader = csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')
    try:
        for row, cells in enumerate(reader):
            grid.new_row()
            for col, cell in enumerate(cells):
                grid.add(row, col, cell)
    except csv.Error:
        return []
    table = grid.table()
    return [table] if table is not None else []
