"""Helpers to read PDFs back in tests (poppler-utils: pdftotext, pdffonts)."""

import shutil
import subprocess
import tempfile
import unicodedata

import pytest


def _require(tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")


def pdf_text(data: bytes, *, raw: bool = True) -> str:
    """The text pdftotext extracts: with ``raw`` (-raw) in content-stream order, so each table
    cell's text stays together; else in its default mode, which orders words by position (and
    reads the lines of side-by-side table cells across the row)."""
    _require("pdftotext")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(["pdftotext", *(["-raw"] if raw else []), handle.name, "-"], capture_output=True,
                              text=True, check=True).stdout


def pdf_fonts(data: bytes) -> list[str]:
    _require("pdffonts")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def skeleton(text: str) -> str:
    """Text reduced loosely, as the older tests compare it: no spaces, no combining marks, and
    ำ read as า (PDFs once extracted so; since the text layer they give the text as typed,
    which ``strict`` checks)."""
    text = text.replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


def strict(text: str) -> str:
    """Text with all whitespace removed and nothing else: ำ, the marks and their order as typed
    (the PDF text layer, docs/ARCHITECTURE.md)."""
    return "".join(ch for ch in text if not ch.isspace())



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


def pdf_images(data: bytes) -> list:
    """The images embedded in a PDF, decoded (pdfimages -png; PIL images, RGB): what is drawn,
    compared by its pixels, not just the presence of an /Image."""
    from pathlib import Path

    from PIL import Image

    _require("pdfimages")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        subprocess.run(["pdfimages", "-png", str(source), str(Path(folder) / "image")], check=True,
                       capture_output=True)
        images = []
        for path in sorted(Path(folder).glob("image-*.png")):
            with Image.open(path) as image:
                images.append(image.convert("RGB"))
        return images
