"""Helpers to read PDFs back in tests (poppler-utils: pdftotext, pdffonts)."""

import shutil
import subprocess
import tempfile
import unicodedata

import pytest


def _require(tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")


def pdf_text(data: bytes) -> str:
    _require("pdftotext")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        # -raw keeps the content-stream order: each table cell's text stays together.
        return subprocess.run(["pdftotext", "-raw", handle.name, "-"], capture_output=True, text=True,
                              check=True).stdout


def pdf_fonts(data: bytes) -> list[str]:
    _require("pdffonts")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def skeleton(text: str) -> str:
    """Text reduced to what survives PDF extraction: no spaces, no combining marks (their
    order is shuffled by extraction), and ำ read as า (a known limit of extraction)."""
    text = text.replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")



def contains_in_order(needle: str, haystack: str) -> bool:
    """True when ``needle`` appears in ``haystack`` whole, or in consecutive pieces in order:
    a table row that continues on the next page has the rest of its cell text after the
    page break (footer, repeated header in between)."""
    i, pos = 0, 0
    while i < len(needle):
        shortest = min(4, len(needle) - i)
        for j in range(len(needle), i + shortest - 1, -1):
            found = haystack.find(needle[i:j], pos)
            if found >= 0:
                i, pos = j, found + (j - i)
                break
        else:
            return False
    return True
