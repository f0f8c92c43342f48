"""HTML templates -> PDF with WeasyPrint, with a URL fetcher that can only read the portal's
own static files (fonts, stylesheet), the body's logo and the signature images of the people
who signed the document, all handed over as bytes: text people typed can never make the
renderer fetch anything else.

Rendering time grows linearly with the length of the text. WeasyPrint, at every page break
inside a paragraph, lays out all of the paragraph's remaining lines to count them (for
``widows``), and it encodes the whole paragraph to UTF-8 again for every line it breaks: a
paragraph of n characters costs n squared. So a very long text is printed
as blocks of at most ``PIECE_CHARS`` characters (``text_pieces``, the ``text_blocks`` template
filter), and a render that still runs past ``settings.RENDER_TIMEOUT_SECONDS`` is stopped
(``RenderTimeout``)."""

import hashlib
import json
import math
import re
import signal
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string

from common.memo import memoize

from . import documents
from .builders import words

LOGO_URL = "file:///ita-portal/logo/"  # + the logo's hash; answered from the bytes given to render_pdf
SIGNATURE_URL = "file:///ita-portal/signature/"  # + the image's SHA-256; likewise
SIGNERS = ("preparer", "approver")  # the signature blocks of a document (context["signature"])
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
# The longest text laid out as one paragraph, in a table cell and in text as wide as the page
# (the analysis). Inside a piece the cost still grows with the square of its length: a cell's
# piece fills a few pages of a narrow column at most, and no seed document has a longer text.
PIECE_CHARS = 1_000
WIDE_PIECE_CHARS = 10_000
# A piece ends at a space or word boundary in its second half (at a line break anywhere).
MIN_PIECE_FRACTION = 0.5


class BlockedFetch(ValueError):
    pass


def _static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def url_fetcher(url: str, timeout=10, ssl_context=None, *, logo: bytes | None = None,
                signatures: dict[str, bytes] | None = None):
    from weasyprint import default_url_fetcher

    if logo and url == logo_url(logo):
        mime = next((t for magic, t in IMAGE_TYPES.items() if logo.startswith(magic)), None)
        if mime:
            return {"string": logo, "mime_type": mime}
    if signatures and url.startswith(SIGNATURE_URL):
        image = signatures.get(url[len(SIGNATURE_URL):])
        if image and image.startswith(b"\x89PNG"):
            return {"string": image, "mime_type": "image/png"}
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise BlockedFetch(f"blocked: {url[:80]}")
    path = Path(unquote(parsed.path)).resolve()
    if not path.is_relative_to(_static_root()):
        raise BlockedFetch(f"blocked: {url[:80]}")
    return default_url_fetcher(path.as_uri(), timeout=timeout, ssl_context=ssl_context)


def logo_url(logo: bytes) -> str:
    """Named by content, so a renderer's image cache can never give one body another's logo."""
    return LOGO_URL + hashlib.sha256(logo).hexdigest()[:32]


def signature_images(context: dict, signatures: dict[str, bytes] | None) -> dict[str, str]:
    """{"preparer"/"approver": address} of the signature images the document's context names
    (by SHA-256) and the renderer was given; none in an HTML preview."""
    shown = {}
    for role in SIGNERS:
        person = (context.get("signature") or {}).get(role) or {}
        digest = person.get("signature_sha256") if isinstance(person, dict) else None
        if digest and signatures and digest in signatures:
            shown[role] = SIGNATURE_URL + digest
    return shown


def asset_base(for_pdf: bool) -> str:
    if for_pdf:
        return _static_root().as_uri() + "/"
    return settings.STATIC_URL


def render_html(context: dict, *, draft: bool, for_pdf: bool, logo: bytes | None = None,
                signatures: dict[str, bytes] | None = None) -> str:
    """The document's HTML: the template lays out the context and the words ``builders.words``
    composes of it (the Word writer lays out the same words)."""
    doc = context["doc"]
    kind = documents.REGISTRY[doc]
    images = signature_images(context, signatures) if for_pdf else {}
    found = words(context)
    found["signers"] = [{**signer, "image": images.get(signer["key"], "")} for signer in found["signers"]]
    return render_to_string(kind.template, {
        **context, **found, "table": documents.shown_columns(context) if kind.table else [],
        "draft": draft, "landscape": kind.landscape, "asset": asset_base(for_pdf),
        "for_pdf": for_pdf, "logo": logo_url(logo) if for_pdf and logo else None,
        "signature_images": images,
    })


def text_pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, each printed as its own block; a text
    that fits is one piece, unchanged. A piece ends where a line may end anyway: at a line break
    of the text (which the end of the block replaces, so ``white-space: pre-wrap`` text looks the
    same), else at a space (Thai puts one between phrases and sentences), else at a word boundary
    found by pythainlp (a run with no spaces), and never inside a cluster of Thai characters."""
    pieces = []
    shortest = max(int(limit * MIN_PIECE_FRACTION), 1)
    while len(text) > limit:
        window = text[:limit]
        cut = window.rfind("\n")
        while cut > 0 and window[cut - 1] == "\n":  # blank lines: cut before them, they begin the next piece
            cut -= 1
        if cut < 1:
            cut = window.rfind(" ")
        if cut >= shortest or (cut >= 1 and window[cut] == "\n"):
            pieces.append(text[:cut])
            text = text[cut + 1:]  # the line break or space that the end of the block stands for
        else:
            cut = _word_boundary(text, limit, shortest)
            pieces.append(text[:cut])
            text = text[cut:]
    pieces.append(text)
    return pieces


# Thai characters that never begin a piece (they belong to the character before) or end one.
NOT_FIRST = "\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f"  # ะ า ำ ๅ ๆ ฯ
NOT_LAST = "\u0e40\u0e41\u0e42\u0e43\u0e44"  # เ แ โ ใ ไ
LOOK_AHEAD = 40  # characters the word segmentation sees past a piece's end


def _word_boundary(text: str, limit: int, shortest: int) -> int:
    """The last word boundary in ``text[shortest:limit]`` (Thai words are not spaced; the words
    are found with some text after ``limit``, so the last one is whole), else the last place
    there that splits no cluster of Thai characters, else ``shortest``."""
    from pythainlp.tokenize import word_tokenize

    cut, end = limit, shortest
    for word in word_tokenize(text[shortest:limit + LOOK_AHEAD], engine="newmm", keep_whitespace=True):
        end += len(word)
        if end > limit:
            break
        cut = end
    while cut > shortest and (unicodedata.category(text[cut])[0] == "M" or text[cut] in NOT_FIRST
                              or text[cut - 1] in NOT_LAST):
        cut -= 1
    return cut


class RenderTimeout(Exception):
    """Rendering ran past ``settings.RENDER_TIMEOUT_SECONDS``."""


def stops_in_time() -> bool:
    """Whether a ``TimeBudget`` started here stops the render at its deadline (a SIGALRM timer, in
    the main thread: gunicorn's sync workers, the db_worker), rather than only after it."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class TimeBudget:
    """Raises ``RenderTimeout`` in the code between ``start()`` and ``stop()`` once it has run
    ``seconds`` (0 or less: no budget).

    In the main thread (gunicorn's sync workers, the db_worker) a SIGALRM timer stops the code
    wherever it is; should the renderer catch the exception and carry on, it is raised again
    every ``REPEAT_SECONDS``. The previous SIGALRM handler and timer are restored by ``stop()``.
    Signals reach only the main thread: in another thread (runserver, gunicorn's gthread worker)
    nothing can stop Python code from outside, so the code runs to its end and ``check()``, called
    between steps and at the end, raises ``RenderTimeout`` once the time is up.
    """

    REPEAT_SECONDS = 0.25

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if seconds and seconds > 0 else None
        self.active = False
        self._previous = None  # (handler, delay, interval) to restore
        self._started = None

    def start(self):
        if self.deadline is None or not hasattr(signal, "setitimer"):
            return
        if threading.current_thread() is not threading.main_thread():
            return
        self._started = time.monotonic()
        handler = signal.signal(signal.SIGALRM, self._on_alarm)
        self.active = True
        self._previous = (handler, *signal.setitimer(signal.ITIMER_REAL, self.seconds))

    def check(self):
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise RenderTimeout(f"rendering ran past {self.seconds} s")

    def stop(self):
        """Idempotent: ``render_pdf`` calls it again should the alarm go off on the way out."""
        self.active = False
        if self._previous is None:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        handler, delay, interval = self._previous
        signal.signal(signal.SIGALRM, handler)
        self._previous = None
        if delay:  # someone else's timer: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(delay - (time.monotonic() - self._started), 0.001), interval)

    def _on_alarm(self, signum, frame):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, self.REPEAT_SECONDS)
            raise RenderTimeout(f"rendering ran past {self.seconds} s")


# The PDF text layer (docs/ARCHITECTURE.md, "The PDF text layer"). The documents print in
# Sarabun PDF (scripts/build_sarabun_pdf.py): Sarabun whose every glyph stands for one text,
# listed in GLYPH_TABLE. WeasyPrint maps a glyph to the text of the first cluster it met it in,
# which is wrong for a glyph first met inside a cluster of several glyphs (a mark, ำ), and
# pdftotext orders the characters of a line by position, so a mark (no advance, drawn over the
# glyph before it) can land after the next letter. ``text_layer`` (WeasyPrint's finisher) writes
# each Sarabun PDF font's ToUnicode from the table and wraps every base glyph drawn with marks in
# a /Span with /ActualText (as Chromium does), so that it is read as one piece, in typed order.
GLYPH_TABLE = "fonts/sarabun-pdf-text.json"
_HEX = re.compile(rb"<([0-9a-f]*)>")
_GLYPH = re.compile(rb"[0-9a-f]{4}")
_ONE_GLYPH = re.compile(rb"<([0-9a-f]{4})>")
_STRINGS = re.compile(rb"(<[0-9a-f]*>)")
_NUMBER = rb"(?:[-+]?[0-9.]+(?:e[-+]?[0-9]+)?|<>)"  # a TJ adjustment (or WeasyPrint's empty string)
_CLUSTER_OPS = (b"TJ", b"Ts")  # a base glyph and its marks may be drawn across these (a mark's rise)


class GlyphTable:
    """The text of each glyph of one Sarabun PDF file and, for its glyphs in a TJ array (as
    WeasyPrint writes them: 4 hex digits each), patterns that find a base glyph with its marks."""

    CACHE_SIZE = 20_000  # the replacements of clusters already seen (they repeat: a few sizes, few marks)

    def __init__(self, texts: dict[int, str], marks: frozenset[int]):
        self.texts, self.marks = texts, marks
        self.blanks = frozenset(glyph for glyph, text in texts.items() if text.isspace())
        self.not_bases = marks | self.blanks
        self.hex_texts = {b"%04x" % glyph: text for glyph, text in texts.items()}
        mark = _alternatives([b"%04x" % glyph for glyph in marks])
        self.any_mark = re.compile(mark)  # may match misaligned: then only the slow path is taken
        self.leading_mark = re.compile(_NUMBER + b"*<" + mark)
        # In a TJ array of one glyph per string: a base glyph, then adjustments and marks.
        self.cluster = re.compile(b"<(?!" + mark + b">)[0-9a-f]{4}>(?:" + _NUMBER + b"*<" + mark + b">)+")
        self._wrapped = {}

    def text(self, glyphs) -> str:
        return "".join(self.hex_texts.get(glyph, "") for glyph in glyphs)

    def wrap(self, match) -> bytes:
        """A cluster of one TJ array as TJ operations in a span of its own."""
        cluster = match[0]
        wrapped = self._wrapped.get(cluster)
        if wrapped is None:
            if len(self._wrapped) >= self.CACHE_SIZE:
                self._wrapped.clear()
            text = self.text(_ONE_GLYPH.findall(cluster))
            wrapped = self._wrapped[cluster] = b"] TJ\n" + _span(text) + b"\n[" + cluster + b"] TJ\nEMC\n["
        return wrapped


def _alternatives(words: list[bytes]) -> bytes:
    """A regular expression matching any of ``words`` (of equal length), as a trie: faster than
    a flat alternation."""
    if len(words[0]) == 1:
        return b"[" + b"".join(sorted(set(words))) + b"]"
    heads = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    parts = [head + _alternatives(tails) for head, tails in sorted(heads.items())]
    return parts[0] if len(parts) == 1 else b"(?:" + b"|".join(parts) + b")"


@memoize("glyph tables")
def glyph_tables() -> dict[str, GlyphTable]:
    """{SHA-256 of a Sarabun PDF file: its GlyphTable}."""
    fonts = json.loads((_static_root() / GLYPH_TABLE).read_text(encoding="utf-8"))["fonts"]
    return {font["sha256"]: GlyphTable({int(gid): text for gid, text in font["glyphs"].items()},
                                       frozenset(font["marks"])) for font in fonts.values()}


def text_layer(document, pdf):
    """WeasyPrint finisher: the text layer of the Sarabun PDF fonts, from their glyph table."""
    from weasyprint.pdf.stream import Stream
    from weasyprint.text.fonts import get_hb_object_data

    tables, fonts = glyph_tables(), {}
    for font in document.fonts.values():
        table = tables.get(hashlib.sha256(get_hb_object_data(font.hb_face) or b"").hexdigest())
        if table is not None and not font.bitmap:
            fonts[font.hash] = (font, table)
    if not fonts:
        return
    by_name = {font.name: (font, table) for font, table in fonts.values()}
    for obj in pdf.objects:
        if isinstance(obj, Stream):
            obj.stream = _spans(obj.stream, fonts)
        elif isinstance(obj, dict) and "ToUnicode" in obj and obj.get("BaseFont") in by_name:
            font, table = by_name[obj["BaseFont"]]
            cmap = pdf.objects[int(obj["ToUnicode"].split()[0])]
            cmap.stream = _to_unicode(cmap.stream, {g: table.texts.get(g, text) for g, text in font.cmap.items()})


def _to_unicode(lines: list, texts: dict) -> list:
    """A ToUnicode CMap as WeasyPrint writes it, with its bfchar entries replaced by ``texts``."""
    head = lines[:lines.index(b"endcodespacerange") + 1]
    body = []
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        body.append(f"{len(batch)} beginbfchar".encode())
        body.extend(f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch)
        body.append(b"endbfchar")
    return head + body + lines[lines.index(b"endcmap"):]


def _spans(ops: list, fonts: dict) -> list:
    """A content stream's operations, each base glyph of a Sarabun PDF font drawn with marks
    wrapped in ``/Span <</ActualText (its text)>> BDC … EMC``, and the last cluster of each line
    in a span of no width (``_line_end_spans``)."""
    ends = _line_ends(ops, fonts)
    out, run, font, size, saved = [], [], None, 0.0, []
    for index, op in enumerate(ops):
        if font in fonts and isinstance(op, bytes) and op.endswith(_CLUSTER_OPS):
            run.append(op)
            continue
        if run:
            out.extend(_flush_run(run, fonts[font], size, not ends.isdisjoint(range(index - len(run), index))))
            run = []
        out.append(op)
        if not isinstance(op, bytes):
            continue
        if op.endswith(b" Tf"):
            font, size = op[1:op.index(b" ")].decode(), float(op.split()[1])
        elif op == b"q":
            saved.append((font, size))
        elif op == b"Q" and saved:
            font, size = saved.pop()
    if run:
        out.extend(_flush_run(run, fonts[font], size, not ends.isdisjoint(range(len(ops) - len(run), len(ops)))))
    return out


def _flush_run(run: list, font_table: tuple, size: float, line_end: bool) -> list:
    font, table = font_table
    if line_end:
        return _line_end_spans(run, table, font.widths, size)
    return _run_spans(run, table)


# How far (in ems) the next piece of text on the same baseline may begin from where a piece ends
# and still be the same line: the gap after a list number is about 0.25 em, the gap between the
# text of two table cells more than 0.6 em.
SAME_LINE_EMS = 0.5


def _line_ends(ops: list, fonts: dict) -> set[int]:
    """The index of the last glyph operation of each piece of text (from its ``Tm`` on) in a
    Sarabun PDF font that ends a line: no other piece continues it on the same baseline."""
    pieces = []  # [index of its Tm, x, y, CTM generation, [(TJ index, font, size)]]
    font, size, generation = None, 0.0, 0
    for index, op in enumerate(ops):
        if op.__class__ is not bytes:
            continue
        operator = op[-2:]
        if operator == b"TJ":
            if pieces:
                pieces[-1][4].append((index, font, size))
        elif operator == b"Tm":
            numbers = op.split()
            pieces.append((index, float(numbers[4]), float(numbers[5]), generation, []))
        elif operator == b"Tf":
            font, size = op[1:op.index(b" ")].decode(), float(op.split()[1])
        elif operator == b"cm":
            generation += 1
    ends = set()
    for number, (_index, x, y, generation, shown) in enumerate(pieces):
        if not shown or shown[-1][1] not in fonts:
            continue
        if number + 1 < len(pieces):
            _next_index, next_x, next_y, next_generation, _ = pieces[number + 1]
            size = shown[-1][2]
            if next_generation == generation and abs(next_y - y) < 0.01 * size and next_x > x:
                end = x + sum(_advance(ops[i], fonts[f][0].widths, s) for i, f, s in shown if f in fonts)
                if abs(next_x - end) <= SAME_LINE_EMS * size:
                    continue
        ends.add(shown[-1][0])
    return ends


_TJ_ITEM = re.compile(rb"<([0-9a-f]*)>|([-+]?[0-9.]+(?:e[-+]?[0-9]+)?)")


def _advance(op: bytes, widths: dict, size: float) -> float:
    """How far a TJ operation of WeasyPrint's moves the text position (text space units)."""
    total = 0.0
    for glyphs, number in _TJ_ITEM.findall(op[1:-4]):
        if number:
            total -= float(number)
        else:
            total += sum(widths.get(int(glyph, 16), 0) for glyph in _GLYPH.findall(glyphs))
    return total * size / 1000


# The last glyphs of a line are read as ending this much (thousandths of an em) before they do.
LINE_END_SHRINK = 600


def _line_end_spans(run: list, table: GlyphTable, widths: dict, size: float) -> list:
    """As ``_run_spans``, the last clusters of the run (the end of a line, about LINE_END_SHRINK
    wide) drawn in one span that a text extractor reads as LINE_END_SHRINK narrower (or of no
    width, if they are narrower than that): a character spacing (Tc) of minus that before the
    last glyph, back to 0 before the span ends. The glyphs are drawn where they were (nothing
    follows them on the line). poppler (pdftotext, and the viewers built on it) places the text
    of a span over the glyphs drawn in it and takes text less than an em apart on one baseline
    for one column: the text of two table cells is only 0.45 em apart (4 pt padding either side
    of a 0.75 pt border, a list number 2.4 pt into the padding, 14 pt text) when a line fills
    its cell, so a word wrapped in one cell came out with a line of the next cell in its middle."""
    tail = _tail(run, table, widths)
    if not tail:
        return _run_spans(run, table)
    (first_op, first_item), (last_op, last_item), parsed = tail
    items = parsed[first_op]
    head = run[:first_op]
    if first_item:  # the first operation up to the tail, as WeasyPrint wrote it
        start = items[first_item][2]
        op = run[first_op]
        head.append((op[:start - 1] if op[start - 1:start] == b"<" else op[:start] + b">") + b"] TJ")
    out = _run_spans(head, table) if head else []
    glyphs, advance, pieces = [], 0.0, []  # advance: from the first glyph to the end of the last, 1/1000 em
    for index in range(first_op, last_op + 1):
        if index not in parsed:
            pieces.append(run[index])
            continue
        start = first_item if index == first_op else 0
        items = parsed[index][start:last_item + 1 if index == last_op else None]
        glyphs += [value for is_glyph, value, _start in items if is_glyph]
        advance += sum(widths.get(int(value, 16), 0) if is_glyph else -float(value) for is_glyph, value, _ in items)
        pieces.append(items)
    final = pieces[-1]  # ends with the last glyph of the span
    # Rounded towards 0: a width below 0, however small, would be read as text drawn backwards
    # (poppler then starts a new word).
    spacing = math.floor(min(advance, LINE_END_SHRINK) * size / 1000 * 10_000)
    out.append(_span(table.text(glyphs)))
    out.extend(_tj(piece) if isinstance(piece, list) else piece for piece in pieces[:-1])
    if final[:-1]:
        out.append(_tj(final[:-1]))
    out += [b"-%d.%04d Tc" % divmod(spacing, 10_000), _tj(final[-1:]), b"0 Tc", b"EMC"]
    rest = parsed[last_op][last_item + 1:]
    if rest:  # trailing spaces and adjustments: after the span
        out.append(_tj(rest))
    out.extend(run[last_op + 1:])
    return out


def _tail(run: list, table: GlyphTable, widths: dict):
    """(operation, item) in ``run`` of the first and of the last glyph of the line's last
    LINE_END_SHRINK (from a base glyph, the run's first if the run is narrower, to the last
    glyph that is not a space), and {operation: its items} of the operations parsed; False
    without a base glyph."""
    return _tail_from(run, table, widths, TAIL_BYTES) or _tail_from(run, table, widths, None)


# A line's last LINE_END_SHRINK is looked for in the end of its last TJ operation first (a
# glyph takes 4 bytes there): parsing a whole line's operation costs more.
TAIL_BYTES = 120


def _tail_from(run: list, table: GlyphTable, widths: dict, tail_bytes: int | None):
    """``_tail``, parsing only the last ``tail_bytes`` of the last operation (None: all of it);
    None if the tail begins before them."""
    advance, first, last, parsed = 0.0, None, None, {}
    for op in range(len(run) - 1, -1, -1):
        if not run[op].endswith(b"TJ"):
            continue
        start = 1
        if tail_bytes is not None:
            start = run[op].find(b"<", max(len(run[op]) - 4 - tail_bytes, 1))
            if start <= 1:
                tail_bytes, start = None, 1
        items = parsed[op] = _tj_items(run[op], start)
        for index in range(len(items) - 1, -1, -1):
            is_glyph, value, _start = items[index]
            if last is None and (not is_glyph or int(value, 16) in table.blanks):
                continue  # after the last glyph drawn
            if last is None:
                last = (op, index)
            if not is_glyph:
                advance -= float(value)
                continue
            glyph = int(value, 16)
            advance += widths.get(glyph, 0)
            if glyph not in table.not_bases:
                first = (op, index)
                if advance >= LINE_END_SHRINK:
                    return first, last, parsed
        if tail_bytes is not None:
            return None  # the tail may begin before the bytes parsed
    return (first, last, parsed) if first else False


def _tj_items(op: bytes, start: int = 1) -> list:
    """A TJ operation's array (from byte ``start``, where an item begins) as items: (1, glyph,
    offset of its hex digits in ``op``) per glyph, (0, number, offset) per adjustment."""
    items = []
    for match in _TJ_ITEM.finditer(op, start, len(op) - 4):
        glyphs, number = match.groups()
        if number:
            items.append((0, number, match.start()))
        else:
            start = match.start() + 1
            items.extend((1, glyphs[i:i + 4], start + i) for i in range(0, len(glyphs), 4))
    return items


def _tj(items: list) -> bytes:
    """A TJ operation drawing ``items`` (as ``_tj_items`` gives them), written as WeasyPrint
    writes one (``<>`` between two numbers), which the patterns of ``GlyphTable`` expect."""
    out, number_before = [], False
    for is_glyph, value, _start in items:
        out.append(b"<" + value + b">" if is_glyph else (b"<>" if number_before else b"") + value)
        number_before = not is_glyph
    return b"[" + b"".join(out) + b"] TJ"


def _span(text: str) -> bytes:
    return b"/Span <</ActualText <feff" + text.encode("utf-16-be").hex().encode() + b">>> BDC"


def _run_spans(run: list, table: GlyphTable) -> list:
    """``run``: consecutive TJ and Ts operations in one font. Where a mark is drawn in an
    operation of its own (WeasyPrint raises it with Ts), its base glyph is in an earlier one."""
    if any(op.endswith(b"TJ") and table.leading_mark.match(op, 1) for op in run[1:]):
        return _run_spans_apart(run, table)
    return [_op_spans(op, table) if op.endswith(b"TJ") else op for op in run]


def _op_spans(op: bytes, table: GlyphTable) -> bytes:
    """One TJ operation, split around each base glyph drawn with marks, the pieces in spans."""
    body = op[1:-4]
    if not table.any_mark.search(body):
        return op
    body = _HEX.sub(lambda m: b"<" + b"><".join(_GLYPH.findall(m[1])) + b">" if len(m[1]) > 4 else m[0], body)
    body = table.cluster.sub(table.wrap, body)
    return (b"[" + body + b"] TJ").replace(b"[] TJ\n", b"").removesuffix(b"\n[] TJ")


def _run_spans_apart(run: list, table: GlyphTable) -> list:
    """As ``_op_spans`` for a whole run, glyph by glyph, spans across operations."""
    parsed = []  # per operation: None (Ts) or its items: each glyph as a string of its own, the rest as is
    clusters = []  # [(operation, item) of its first glyph, of its last glyph, starts with a base, glyphs]
    for index, op in enumerate(run):
        if not op.endswith(b"TJ"):
            parsed.append(None)
            continue
        items = []
        for piece in _STRINGS.split(op[1:-4]):
            if not piece.startswith(b"<") or piece == b"<>":
                if piece:
                    items.append(piece)
                continue
            for glyph in _GLYPH.findall(piece):
                position = (index, len(items))
                is_mark = int(glyph, 16) in table.marks
                if is_mark and clusters and clusters[-1][2]:
                    clusters[-1][1] = position
                    clusters[-1][3].append(glyph)
                else:
                    clusters.append([position, position, not is_mark, [glyph]])
                items.append(b"<" + glyph + b">")
        parsed.append(items)
    begins, ends = {}, set()
    for first, last, _base, glyphs in clusters:
        if len(glyphs) > 1:
            begins[first] = _span(table.text(glyphs))
            ends.add(last)
    out = []
    for index, items in enumerate(parsed):
        if items is None:
            out.append(run[index])
            continue
        piece = []
        for position, item in enumerate(items):
            if (index, position) in begins:
                _flush(piece, out)
                out.append(begins[index, position])
            piece.append(item)
            if (index, position) in ends:
                _flush(piece, out)
                out.append(b"EMC")
        _flush(piece, out)
    return out


def _flush(piece: list, out: list):
    """Appends the TJ operation that draws ``piece`` (glyphs and adjustments), if any."""
    if piece:
        out.append(b"[" + b"".join(piece) + b"] TJ")
        piece.clear()


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


def render_pdf(context: dict, *, draft: bool, logo: bytes | None = None,
               signatures: dict[str, bytes] | None = None, seconds: float | None = None) -> RenderedPdf:
    """``logo``: the body's logo file, read through the storage API (local disk or S3 alike);
    ``signatures``: {SHA-256: PNG bytes} of the signature images the context names.
    Raises ``RenderTimeout`` past ``seconds`` (default ``settings.RENDER_TIMEOUT_SECONDS``; see
    ``TimeBudget``)."""
    from weasyprint import HTML

    budget = TimeBudget(settings.RENDER_TIMEOUT_SECONDS if seconds is None else seconds)
    budget.start()
    try:
        html = render_html(context, draft=draft, for_pdf=True, logo=logo, signatures=signatures)
        fetcher = partial(url_fetcher, logo=logo, signatures=signatures)
        document = HTML(string=html, base_url=asset_base(True), url_fetcher=fetcher).render()
        budget.check()
        data = document.write_pdf(finisher=text_layer)
        budget.check()
    finally:
        try:
            budget.stop()
        except RenderTimeout:  # the alarm went off just as rendering ended: stop again, report it
            budget.stop()
            raise
    return RenderedPdf(data, len(document.pages))
