"""HTML templates -> PDF with WeasyPrint, with a URL fetcher that can only read the portal's
own static files (fonts, stylesheet) and the body's logo, handed over as bytes: text people
typed can never make the renderer fetch anything else.

Rendering time grows linearly with the length of the text. WeasyPrint, at every page break
inside a paragraph, lays out all of the paragraph's remaining lines to count them (for
``widows``), and it encodes the whole paragraph to UTF-8 again for every line it breaks: a
paragraph of n characters costs n squared. So a very long text is printed
as blocks of at most ``PIECE_CHARS`` characters (``text_pieces``, the ``text_blocks`` template
filter), and a render that still runs past ``settings.RENDER_TIMEOUT_SECONDS`` is stopped
(``RenderTimeout``)."""

import hashlib
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

from . import documents

LOGO_URL = "file:///ita-portal/logo/"  # + the logo's hash; answered from the bytes given to render_pdf
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


def url_fetcher(url: str, timeout=10, ssl_context=None, *, logo: bytes | None = None):
    from weasyprint import default_url_fetcher

    if logo and url == logo_url(logo):
        mime = next((t for magic, t in IMAGE_TYPES.items() if logo.startswith(magic)), None)
        if mime:
            return {"string": logo, "mime_type": mime}
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


def asset_base(for_pdf: bool) -> str:
    if for_pdf:
        return _static_root().as_uri() + "/"
    return settings.STATIC_URL


def render_html(context: dict, *, draft: bool, for_pdf: bool, logo: bytes | None = None) -> str:
    doc = context["doc"]
    kind = documents.REGISTRY[doc]
    return render_to_string(kind.template, {
        **context, "table": documents.shown_columns(context) if kind.table else [],
        "draft": draft, "landscape": kind.landscape, "asset": asset_base(for_pdf),
        "for_pdf": for_pdf, "logo": logo_url(logo) if for_pdf and logo else None,
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


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


def render_pdf(context: dict, *, draft: bool, logo: bytes | None = None) -> RenderedPdf:
    """``logo``: the body's logo file, read through the storage API (local disk or S3 alike).
    Raises ``RenderTimeout`` past ``settings.RENDER_TIMEOUT_SECONDS`` (see ``TimeBudget``)."""
    from weasyprint import HTML

    budget = TimeBudget(settings.RENDER_TIMEOUT_SECONDS)
    budget.start()
    try:
        html = render_html(context, draft=draft, for_pdf=True, logo=logo)
        fetcher = partial(url_fetcher, logo=logo)
        document = HTML(string=html, base_url=asset_base(True), url_fetcher=fetcher).render()
        budget.check()
        data = document.write_pdf()
        budget.check()
    finally:
        try:
            budget.stop()
        except RenderTimeout:  # the alarm went off just as rendering ended: stop again, report it
            budget.stop()
            raise
    return RenderedPdf(data, len(document.pages))
