"""The PDF text layer: how much of the Thai a document prints comes back out of its PDF.

    DEBUG=1 .venv/bin/python bench/text_layer.py [--missing] [--keep DIR] [--no-chromium]

Needs the demo data (`make run` or `manage.py setup_demo`), poppler-utils (pdftotext) and, for
the side-by-side figures, Debian's chromium. For every document the demo renders (each plan's
documents, and the results report of each round that has entries) it takes the texts the
document prints as stored (the measures' titles, steps, periods, units, outputs, outcomes and
the other columns shown; the analysis' prose, tool and indicator names and item texts), cuts
them into words with pythainlp (newmm), keeps the distinct Thai words, and counts the share of
them found in the text pdftotext extracts, all whitespace removed, in its default mode
(reading order found from positions: columns, then lines; a word wrapped inside a table cell
is whole only if the cell is read as a column of its own, see docs/ARCHITECTURE.md, "The PDF
text layer", Columns) and with -raw (content-stream order). The same HTML (reports.render.render_html,
for_pdf=True: fonts as file:// URLs to static/) is printed by WeasyPrint (reports.render:
render_pdf, as the portal does) and by headless Chromium, in the same run, and as the portal
printed it before the text layer ("today": Sarabun itself, WeasyPrint's own ToUnicode). The
last column compares the page images (pdftoppm -r 60) of "today" and of the text layer: the
typeset look must not change.

--missing lists the words each PDF misses; --keep DIR keeps the HTML, the PDFs and the images.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from measures.models import MeasurePlan  # noqa: E402
from reports import builders, documents, render  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
GOAL = 99.5
THAI = re.compile(r"[\u0e01-\u0e4e]")
SPACE = re.compile(r"\s+")
ANALYSIS_LISTS = {"tools": ("name",), "indicators": ("name",), "notes": ("label", "text")}
ANALYSIS_TEXTS = ("summary", "recommendations", "indicator_summary", "item_note")


def seed_numbers() -> dict[str, str]:
    path = Path(settings.BASE_DIR) / "fixtures" / "seed_measures.json"
    return {d["body"]: d["seed"] for d in json.loads(path.read_text(encoding="utf-8"))}


def demo_documents():
    """(label, plan, doc, round) for every document the demo renders: each plan's documents and
    the results report of every round with entries, in seed order."""
    seeds = seed_numbers()
    plans = MeasurePlan.objects.select_related("org", "org__province")
    for plan in sorted(plans, key=lambda p: (seeds.get(p.org.name, "999"), p.fiscal_year)):
        label = f"seed {seeds[plan.org.name]}" if plan.org.name in seeds else plan.org.slug
        for doc in documents.workflow_docs(plan, None):
            yield f"{label} {doc}", plan, str(doc), None
        for progress_round in plan.rounds.order_by("months"):
            if progress_round.entries.exists():
                for doc in documents.workflow_docs(plan, progress_round):
                    yield f"{label} {doc}", plan, str(doc), progress_round


def printed_texts(context) -> list[str]:
    """The stored texts a document prints: every shown column of its table's rows; for the
    analysis its prose, the tools' and indicators' names and the item texts."""
    texts = []

    def add(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                add(item)

    for column in documents.shown_columns(context):
        for row in context.get("rows", []):
            add(row.get(column["field"], ""))
    for key in ANALYSIS_TEXTS:
        add(context.get(key, ""))
    for key, fields in ANALYSIS_LISTS.items():
        for item in context.get(key, []):
            for field in fields:
                add(item.get(field, ""))
    for table in context.get("item_tables", []):
        add(table.get("name", ""))
        for block in table.get("blocks", []):
            add(block.get("title", ""))
            for row in block.get("rows", []):
                add(row.get("text", "") or row.get("group", ""))
    return texts


def thai_words(texts) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    words = set()
    for text in texts:
        for word in word_tokenize(text, engine="newmm", keep_whitespace=False):
            word = SPACE.sub("", word)
            if THAI.search(word):
                words.add(word)
    return sorted(words)


def extracted(pdf_path: Path, raw: bool) -> str:
    args = ["pdftotext", *(["-raw"] if raw else []), str(pdf_path), "-"]
    return SPACE.sub("", subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def chromium_pdf(html_path: Path, pdf_path: Path):
    # --no-pdf-header-footer: no date, title and URL of Chromium's own in the margins.
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf_path}", html_path.as_uri()],
                   capture_output=True, check=True, timeout=120)


def today_pdf(html: str) -> bytes:
    """The HTML as the portal printed it before the text layer: Sarabun itself, and WeasyPrint's
    own ToUnicode (no finisher)."""
    from weasyprint import HTML

    html = html.replace("fonts/SarabunPDF-", "fonts/Sarabun-")
    return HTML(string=html, base_url=render.asset_base(True), url_fetcher=render.url_fetcher).render().write_pdf()


def page_images(pdf_path: Path) -> list[Path]:
    prefix = pdf_path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(prefix)], check=True)
    return sorted(pdf_path.parent.glob(f"{prefix.name}-*.png"))


def compare_pages(before: Path, after: Path) -> str:
    """'same' when every page image (pdftoppm -r 60) is the same byte for byte, else how many
    pixels differ."""
    from PIL import Image, ImageChops

    old, new = page_images(before), page_images(after)
    if len(old) != len(new):
        return f"{len(old)} vs {len(new)} pages"
    pixels = 0
    for a, b in zip(old, new, strict=True):
        if a.read_bytes() != b.read_bytes():
            difference = ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB"))
            pixels += sum(1 for p in difference.getdata() if p != (0, 0, 0))
    return f"same ({len(new)} p.)" if not pixels else f"{pixels} px differ"


def share(words, text) -> tuple[float, list[str]]:
    missing = [w for w in words if w not in text]
    return 100.0 * (len(words) - len(missing)) / len(words) if words else 100.0, missing


def measure(directory: Path, chromium: bool):
    for label, plan, doc, progress_round in demo_documents():
        context = builders.build(plan, doc, progress_round)
        words = thai_words(printed_texts(context))
        name = label.replace(" ", "-")
        html = render.render_html(context, draft=False, for_pdf=True)
        html_path = directory / f"{name}.html"
        html_path.write_text(html, encoding="utf-8")
        paths = {engine: directory / f"{name}.{engine}.pdf" for engine in ENGINES}
        paths["today"].write_bytes(today_pdf(html))
        paths["WeasyPrint"].write_bytes(render.render_pdf(context, draft=False).data)
        if chromium:
            chromium_pdf(html_path, paths["Chromium"])
        result = {(engine, raw): share(words, extracted(path, raw))
                  for engine, path in paths.items() if path.exists() for raw in (False, True)}
        yield label, len(words), result, compare_pages(paths["today"], paths["WeasyPrint"])


ENGINES = ("today", "WeasyPrint", "Chromium")


def figure(value: float) -> str:
    """A share rounded down to a tenth: 99.47 % prints as 99.4 %, never as the 99.5 % it misses."""
    return f"{math.floor(value * 10 + 1e-9) / 10:.1f}%"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missing", action="store_true", help="list the words each PDF misses")
    parser.add_argument("--keep", type=Path, help="keep the HTML, the PDFs and the page images in this folder")
    parser.add_argument("--no-chromium", action="store_true", help="WeasyPrint only")
    args = parser.parse_args()
    _noise.report()
    chromium = not args.no_chromium and shutil.which(CHROMIUM) is not None
    if not chromium and not args.no_chromium:
        print(f"{CHROMIUM} not found: WeasyPrint only")
    engines = [e for e in ENGINES if chromium or e != "Chromium"]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    width = 11 * len(engines)
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        print("Share of the distinct Thai words a document prints that its extracted text holds (whitespace removed).")
        print("today: Sarabun, WeasyPrint's own ToUnicode | WeasyPrint: Sarabun PDF and the text layer | "
              "Chromium: the same HTML")
        print(f"{'':<22} {'':>5} |{'pdftotext':^{width}}|{'pdftotext -raw':^{width}}| pages: today vs WeasyPrint")
        heads = "".join(f"{e:>11}" for e in engines)
        print(f"{'document':<22} {'words':>5} |{heads}|{heads}|")
        worst, failures = {}, []
        for label, count, result, pages in measure(directory, chromium):
            cells = "|".join("".join(f"{figure(result[e, raw][0]):>11}" for e in engines) for raw in (False, True))
            print(f"{label:<22} {count:>5} |{cells}| {pages}", flush=True)
            for (engine, raw), (share_, missing) in result.items():
                worst[engine, raw] = min(worst.get((engine, raw), 100.0), share_)
                if args.missing and missing and engine != "today":
                    print(f"    {engine} {'-raw' if raw else 'pdftotext'} misses: {' '.join(missing)}")
            for raw in (False, True):
                weasy = result["WeasyPrint", raw][0]
                if weasy < GOAL or (chromium and weasy < result["Chromium", raw][0]):
                    failures.append(f"{label} ({'-raw' if raw else 'pdftotext'})")
            if not pages.startswith("same"):
                failures.append(f"{label} (pages)")
        cells = "|".join("".join(f"{figure(worst[e, raw]):>11}" for e in engines) for raw in (False, True))
        print(f"{'lowest':<22} {'':>5} |{cells}|")
        verdict = "PASS" if not failures else "FAIL: " + ", ".join(failures)
        print(f"goal: WeasyPrint >= {GOAL} % and >= Chromium on every document, both modes, pages as today: {verdict}")


if __name__ == "__main__":
    main()
