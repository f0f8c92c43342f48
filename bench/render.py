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

Then the staff preview of a 30-measure plan at the maximum field lengths (every text field of
its measures and 6-month results at its limit, measures/models.py), its measures document and
its 6-month results (issue 26 point 2): the time to the first answer of the preview's address
(the Django test client in this process, signed in as the body's editor: the answer is a small
page, so its first byte is its last), which must be under 2 s; then the real db_worker (in this
process, one task) renders it: the time until the PDF is ready, counted from the first request;
then the address again, answered from the kept file. And seed 001's results report the same
way (small: rendered in the request, then kept). `--only-previews` runs these rows alone.
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
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from measures import services as measure_services  # noqa: E402
from measures.models import ENTRY_LIMITS, MEASURE_LIMITS, MeasurePlan  # noqa: E402
from reports import builders, files, render, services  # noqa: E402
from reports.models import PreviewRender  # noqa: E402

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


PREVIEW_BUDGET_SECONDS = 2.0
STEP = "ดำเนินการจัดประชุมชี้แจงแนวทางปฏิบัติให้บุคลากรทุกระดับรับทราบและถือปฏิบัติอย่างเคร่งครัด"


def steps_text(limit):
    """Steps of one line each, together as long as ``limit`` allows."""
    lines = []
    while len("\n".join([*lines, STEP])) <= limit:
        lines.append(STEP)
    return "\n".join(lines)


def max_length_plan():
    """The Ang Thong plan with 30 measures whose every text field (and every field of their 6-month
    results) is as long as its limit allows, saved through the services (in the caller's
    transaction, rolled back)."""
    plan = MeasurePlan.objects.select_related("org").get(org__slug="thesaban-mueang-ang-thong", fiscal_year=2569)
    editor = get_user_model().objects.get(username="angthong_editor")
    plan.measures.all().delete()
    round6 = plan.rounds.get(months=6)
    measure_text = {field: thai_text(limit) for field, limit in MEASURE_LIMITS.items()}
    measure_text["steps"] = steps_text(MEASURE_LIMITS["steps"])
    entry_text = {field: thai_text(limit) for field, limit in ENTRY_LIMITS.items()}
    for _ in range(30):
        measure = measure_services.measure_save(plan=plan, actor=editor, data={
            **measure_text, "new_units": ["สำนักปลัดเทศบาล"], "responsible_units": []})
        measure_services.entry_save(progress_round=round6, measure=measure, actor=editor,
                                    data={"state": "done", **entry_text})
    return plan, editor


def worker_one_task():
    """The real db_worker, in this process, for one task (the preview's: it has the highest
    priority); the connection is kept, as the work is inside this bench's transaction."""
    from django_tasks_db.management.commands import db_worker

    keep = db_worker.close_old_connections
    db_worker.close_old_connections = lambda: None
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
                     "--max-tasks", "1", verbosity=0)
    finally:
        db_worker.close_old_connections = keep


def preview_row(client, url):
    """(first answer s, its status, PDF ready s from the first request, pages, the render's own s, the
    address again s)."""
    started = time.perf_counter()
    first = client.get(url, HTTP_HOST="127.0.0.1")
    first_seconds = time.perf_counter() - started
    if first.status_code == 202:
        worker_one_task()
    ready_seconds = time.perf_counter() - started
    row = PreviewRender.objects.order_by("-pk").first()
    again_started = time.perf_counter()
    again = client.get(url, HTTP_HOST="127.0.0.1")
    again_seconds = time.perf_counter() - again_started
    assert again.status_code == 200 and again.content.startswith(b"%PDF"), (again.status_code, row)
    return first_seconds, first.status_code, ready_seconds, row.pages, row.seconds or ready_seconds, again_seconds


def preview_rows():
    rows = []
    client = Client()
    seed = MeasurePlan.objects.get(org__slug="abt-bo-kaeo", fiscal_year=2568)
    services.render_document(seed, "measures", draft=False)  # a warm process, as a server's is after its first render
    with transaction.atomic():
        seed_editor = get_user_model().objects.get(username="bokaeo_editor")
        client.force_login(seed_editor)
        client.get("/app/", HTTP_HOST="127.0.0.1")  # the staff pages' templates, loaded once
        rows.append(("seed 001 results-6m", *preview_row(client, "/app/orgs/abt-bo-kaeo/2568/reports/results-6m.pdf")))
        plan, editor = max_length_plan()
        client.force_login(editor)
        base = f"/app/orgs/{plan.org.slug}/{plan.fiscal_year}/reports"
        rows.append(("30 max-length measures", *preview_row(client, f"{base}/measures.pdf")))
        rows.append(("30 max-length results-6m", *preview_row(client, f"{base}/results-6m.pdf")))
        kept = list(PreviewRender.objects.exclude(file="").values_list("file", flat=True))
        transaction.set_rollback(True)
    for name in kept:  # the rows are rolled back: their files go too
        files.storage().delete(name)
    return rows


def print_previews(rows):
    print()
    print(f"{'staff preview':<26} {'first answer s':>14} {'status':>6} {'PDF ready s':>11} {'pages':>6} "
          f"{'render s':>8} {'again s':>8}")
    for name, first, status, ready, pages, render_seconds, again in rows:
        print(f"{name:<26} {first:>14.3f} {status:>6} {ready:>11.2f} {pages:>6} {render_seconds:>8.2f} {again:>8.3f}")
    for name, first, *_rest in rows:
        if name.startswith("30 max-length"):
            verdict = "PASS" if first < PREVIEW_BUDGET_SECONDS else "FAIL"
            print(f"30-measure max-length preview ({name.split()[-1]}): first answer {first:.3f} s "
                  f"(< {PREVIEW_BUDGET_SECONDS:.0f} s) {verdict}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only-previews", action="store_true", help="only the staff preview rows")
    arguments = parser.parse_args()
    runs = arguments.runs
    _noise.report()
    if arguments.only_previews:
        print_previews(preview_rows())
        return
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
    print_previews(preview_rows())


if __name__ == "__main__":
    main()
