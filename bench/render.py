"""Rendering speed: seed 001's results report and a 30-measure report, rendered repeatedly.

    DEBUG=1 .venv/bin/python bench/render.py [--runs 5]

Needs the demo data (`make run` or `manage.py setup_demo`). Builds the 30-measure plan in a
transaction that is rolled back, so the database is left as it was. Prints the median
seconds per document, pages, and seconds per page; also times a published PDF download
through the Django test client (it must not render).

Then one measure whose long cells each hold 1k, 4k or 16k characters of Thai sentences (the
title 500; steps as one step), in the plan's measures document and the 12-month results, built
as the builders build them (the forms no longer accept such text, older data may hold it):
rendering time must grow linearly with the text, and the 16k measure must render in under 2 s.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from measures import services as measure_services  # noqa: E402
from measures.models import MeasurePlan  # noqa: E402
from reports import builders, render, services  # noqa: E402

SENTENCE = "องค์การบริหารส่วนตำบลดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
LONG_SIZES = [("1k", 1_000), ("4k", 4_000), ("16k", 16_000), ("16k (no spaces)", 16_000)]
LONG_BUDGET_SECONDS = 2.0


def timed(runs, plan, doc, progress_round=None):
    seconds, pages = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        _context, pdf = services.render_document(plan, doc, progress_round, draft=False)
        seconds.append(time.perf_counter() - started)
        pages = pdf.pages
    median = statistics.median(seconds)
    return median, pages


def thirty_measure_plan():
    plan = MeasurePlan.objects.get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    editor = get_user_model().objects.get(username="angthong_editor")
    plan.measures.all().delete()
    round12 = plan.rounds.get(months=12)
    text = "ดำเนินการจัดประชุมชี้แจงแนวทางปฏิบัติให้บุคลากรทุกระดับรับทราบและถือปฏิบัติอย่างเคร่งครัด " * 2
    for n in range(30):
        measure = measure_services.measure_save(plan=plan, actor=editor, data={
            "title": f"โครงการส่งเสริมคุณธรรมและความโปร่งใสลำดับที่ {n + 1}", "steps": f"{text}\n{text}",
            "new_units": ["สำนักปลัดเทศบาล"], "responsible_units": [], "period_text": "ตลอดปีงบประมาณ"})
        measure_services.entry_save(progress_round=round12, measure=measure, actor=editor, data={
            "state": "done", "output": text, "outcome": text})
    return plan, round12


def thai_text(length, spaces=True):
    sentence = SENTENCE if spaces else SENTENCE.replace(" ", "")
    return (sentence * (length // len(sentence) + 1))[:length].strip()


def long_measure_contexts(length, spaces=True):
    """The Ang Thong plan's measures document and 12-month results with one measure, every long
    cell of it ``length`` characters long."""
    plan = MeasurePlan.objects.select_related("org", "org__province").get(
        org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    text, title = thai_text(length, spaces), thai_text(min(length, 500), spaces)
    measures = builders.build_measures(plan)
    measures["rows"] = [{**measures["rows"][0], "title": title, "steps": [text], "guideline": text,
                         "analysis": text, "target": text}]
    results = builders.build_results(plan.rounds.get(months=12))
    results["rows"] = [{**results["rows"][0], "title": title, "steps": [text], "done": text, "output": text,
                        "outcome": text, "problems": text, "remarks": text}]
    return measures, results


def timed_context(runs, context):
    seconds, pages = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        pages = render.render_pdf(context, draft=False).pages
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), pages


def long_text_rows(runs):
    rows = []
    for name, length in LONG_SIZES:
        measures, results = long_measure_contexts(length, spaces="no spaces" not in name)
        rows.append((name, *timed_context(runs, measures), *timed_context(runs, results)))
    return rows


def print_long_text(rows, runs):
    print()
    print(f"{'one measure, chars per long cell':<32} {'measures':>9} {'pages':>6}   {'results-12m':>11} {'pages':>6}"
          f"   ({runs} runs each, median s)")
    for name, m_seconds, m_pages, r_seconds, r_pages in rows:
        print(f"{name:<32} {m_seconds:>9.3f} {m_pages:>6}   {r_seconds:>11.3f} {r_pages:>6}")
    times = {name: (m, r) for name, m, _mp, r, _rp in rows}
    growth = [times["16k"][k] / times["4k"][k] for k in (0, 1)]
    print(f"4k -> 16k: x{growth[0]:.1f} (measures), x{growth[1]:.1f} (results); linear is about x4, quadratic x16")
    worst = max(times["16k"][0], times["16k (no spaces)"][0])
    verdict = "PASS" if worst < LONG_BUDGET_SECONDS else "FAIL"
    print(f"16k measure: {worst:.3f} s (< {LONG_BUDGET_SECONDS:.0f} s) {verdict}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    _noise.report()
    rows = []
    seed = MeasurePlan.objects.get(org__slug="abt-bo-kaeo", fiscal_year=2568)
    rows.append(("seed 001 results-6m", *timed(runs, seed, "results-6m", seed.rounds.get(months=6))))
    with transaction.atomic():
        plan, round12 = thirty_measure_plan()
        rows.append(("30-measure results-12m", *timed(runs, plan, "results-12m", round12)))
        rows.append(("30-measure measures", *timed(runs, plan, "measures")))
        transaction.set_rollback(True)
    client = Client()
    url = "/orgs/abt-bo-kaeo/2568/results-6m.pdf"
    downloads = []
    for _ in range(50):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        downloads.append(time.perf_counter() - started)
    print(f"{'document':<26} {'median s':>9} {'pages':>6} {'s/page':>7}   ({runs} runs each)")
    for name, median, pages in rows:
        print(f"{name:<26} {median:>9.3f} {pages:>6} {median / pages:>7.3f}")
    print(f"{'published PDF download':<26} {statistics.median(downloads):>9.4f}   (median of 50, no rendering)")
    print_long_text(long_text_rows(runs), runs)


if __name__ == "__main__":
    main()
