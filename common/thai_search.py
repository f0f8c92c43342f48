"""Thai word search: one tokeniser for stored text and for queries (pythainlp's newmm, offline).

``tokens(text)`` is the words of a text as search compares them: NFC, ํ + า read as ำ, Thai
digits read as Arabic ones, Latin letters in lower case, and stop-words (การ, และ, ใน, …),
white space and punctuation dropped. Queries and stored text both go through it.

newmm keeps a word of its dictionary whole, and the dictionary holds many compounds
(จัดซื้อจัดจ้าง, การป้องกัน, ประพฤติมิชอบ), so a search for จัดซื้อ would not meet the token
จัดซื้อจัดจ้าง. ``index_terms(text)`` is what is stored: the tokens and, for each token, the
dictionary words inside it (starting and ending on a Thai character-cluster boundary, never a
stop-word), so a word that appears inside a longer word is found. The query side is never
expanded: its tokens must each be among the stored terms.

``highlight(text, words)`` marks the query's words in a text, every piece of the text escaped
(the result is safe HTML built from the tokens, never from raw user text)."""

import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A character that is part of a word: letters, marks (Thai vowels and tone marks are marks)
# and digits. Anything else (punctuation, symbols, spaces, U+200B) separates words.
WORD_CHAR = re.compile(r"[^\W_]|[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
MIN_SUBWORD = 3  # characters: a split of a word into shorter pieces (เส + ริม) is not a split into words
MAX_TOKEN = 60  # a longer "word" is a pasted URL or a run of letters: kept, not expanded


def normalise(text: str) -> str:
    """The text as search reads it (same length as the NFC text: highlighting relies on it)."""
    text = unicodedata.normalize("NFC", text or "").replace("\u0e4d\u0e32", "\u0e33")
    return "".join(ch.lower() if ch.isascii() else ch for ch in text.translate(THAI_DIGITS))


# Function words only. pythainlp's own list (thai_stopwords, 1,030 words) also holds words the
# documents are about (เปิดเผย, รับ, ใช้, จัด), which a search must find.
STOPWORDS = frozenset("""
การ ความ และ หรือ ใน ที่ ของ ให้ ได้ เป็น มี กับ จาก โดย เพื่อ ซึ่ง แก่ แต่ ไป มา ว่า นี้ นั้น จะ ก็ ต่อ
ตาม ถึง อยู่ ไว้ ด้วย อย่าง แล้ว ทั้ง คือ เช่น อัน อีก ยัง ถ้า หาก เมื่อ จึง ๆ ฯลฯ ฯ
a an and as at by for in is of on or the to with
""".split())


def _stopwords() -> frozenset:
    return STOPWORDS


@lru_cache(maxsize=1)
def _dictionary():
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    return Trie(thai_words())


def _pieces(token: str) -> list[str]:
    """A newmm token split on anything that is not a word character ("(ITA)" -> ["ita"])."""
    pieces, current = [], []
    for ch in token:
        if WORD_CHAR.match(ch):
            current.append(ch)
        elif current:
            pieces.append("".join(current))
            current = []
    if current:
        pieces.append("".join(current))
    return pieces


@lru_cache(maxsize=20_000)
def _line_tokens(line: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    stop = _stopwords()
    found = []
    for token in word_tokenize(line, engine="newmm", keep_whitespace=False):
        for piece in _pieces(token):
            if piece and piece not in stop:
                found.append(piece)
    return tuple(found)


def tokens(text: str) -> list[str]:
    """The words of ``text`` as search compares them, in order (repeats kept)."""
    found = []
    for line in normalise(text).splitlines():
        if line.strip():
            found.extend(_line_tokens(line))
    return found


@lru_cache(maxsize=50_000)
def subwords(token: str, depth: int = 2) -> tuple[str, ...]:
    """The words inside a Thai token that newmm keeps whole, other than the token itself:
    the token segmented again with itself left out of the dictionary, and so on ``depth``
    times (จัดซื้อจัดจ้าง -> จัดซื้อ, จัดจ้าง, ซื้อ, จ้าง …; การสื่อสาร -> สื่อสาร, สื่อ, สาร)."""
    if depth <= 0 or len(token) <= MIN_SUBWORD or len(token) > MAX_TOKEN or not any(
            "\u0e00" <= ch <= "\u0e7f" for ch in token):
        return ()
    from pythainlp.tokenize import word_tokenize

    dictionary = _dictionary()
    known = token in dictionary
    if not known:
        return ()  # newmm split what it does not know already: nothing is hidden inside
    dictionary.remove(token)
    try:
        parts = word_tokenize(token, custom_dict=dictionary, engine="newmm", keep_whitespace=False)
    finally:
        dictionary.add(token)
    if len(parts) < 2 or any(len(part) < MIN_SUBWORD or part not in dictionary for part in parts):
        return ()  # no clean split into words (มาตรการ -> มาตร + กา + ร): the token is one word
    stop, found = _stopwords(), []
    for part in parts:
        for word in (part, *subwords(part, depth - 1)):
            if word not in stop and word != token and word not in found:
                found.append(word)
    return tuple(found)


def index_terms(text: str) -> list[str]:
    """What a stored text is found by: its tokens and the words inside them, each once."""
    seen = {}
    for token in tokens(text):
        seen.setdefault(token, None)
        for word in subwords(token):
            seen.setdefault(word, None)
    return list(seen)


def query_words(query: str, limit: int = 10) -> list[str]:
    """The distinct words of a query, in order (at most ``limit``: a pasted page is not a query)."""
    return list(dict.fromkeys(tokens(query)))[:limit]


def highlight(text: str, words) -> SafeString:
    """``text`` escaped, with each occurrence of a query word inside it wrapped in <mark>.

    The text is split as the tokeniser splits it; a word is marked where the normalised text
    has it (inside a longer word too: จัดซื้อ in จัดซื้อจัดจ้าง)."""
    text = unicodedata.normalize("NFC", text or "")
    words = sorted({w for w in words if w}, key=len, reverse=True)
    folded = normalise(text)
    if not words or len(folded) != len(text):
        return mark_safe(escape(text))  # noqa: S308 -- escaped  # nosec B308 B703
    marked = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                marked[i] = True
            start = folded.find(word, start + len(word))
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return mark_safe("".join(out))  # noqa: S308 -- every piece escaped above  # nosec B308 B703
