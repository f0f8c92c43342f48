"""Rendering speed: seed 001's results report and a 30-measure report, rendered repeatedly.

    DEBUG=1 .venv/bin/python bench/render.py [--runs 5]

Needs the demo data (`make run` or `manage.py setup_demo`). Builds the 30-measure plan in a
transaction that is rolled back, so the database is left as it was. Prints the median
seconds per document, pages, and seconds per page; also times a published PDF download
through the Django test client (it must not render).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

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
from reports import services  # noqa: E402


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
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


if __name__ == "__main__":
    main()
