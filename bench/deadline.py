"""Deadline day (30 April): many editors save their 6-month round and submit at the same time.

    DATABASE_URL=postgres://...ita_scale DEBUG=1 .venv/bin/python bench/deadline.py [--sessions 200]

Against a running server (`make serve-prod`, PostgreSQL, national dataset from seed_scale).
Picks N bodies, puts their 6-month round back to draft with no entries, then runs N
concurrent browser-like sessions: sign in, save every measure's progress entry, submit.
Afterwards it counts in the database: every round submitted exactly once, every entry
present exactly once, and reports the time taken, HTTP errors (5xx), and refusals.
"""

import argparse
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from measures.models import ProgressEntry, ProgressRound, Transition  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Session  # noqa: E402


def prepare(n):
    rounds = list(ProgressRound.objects.filter(plan__org__slug__startswith="scale-", months=6)
                  .select_related("plan__org").order_by("plan__org__slug")[:n])
    ids = [r.pk for r in rounds]
    ProgressEntry.objects.filter(round_id__in=ids).delete()
    Transition.objects.filter(round_id__in=ids).delete()
    ProgressRound.objects.filter(pk__in=ids).update(status="draft")
    return [(r.pk, r.plan.org.slug, r.plan.fiscal_year, list(r.plan.measures.values_list("pk", flat=True)))
            for r in rounds]


def editor_day(base, job, results, barrier):
    round_id, slug, fy, measures = job
    errors, refused, statuses = 0, 0, []
    try:
        session = Session(base, f"{slug}-editor")
        barrier.wait()
        for pk in measures:
            data = urllib.parse.urlencode({
                "state": "done", "percent": "100", "done_text": "ดำเนินการครบตามแผน", "output": "จัดกิจกรรม 2 ครั้ง",
                "outcome": "บุคลากรรับทราบแนวทาง", "problems": "", "remarks": "", "version": "0",
                "csrfmiddlewaretoken": session.cookies["csrftoken"]}).encode()
            statuses.append(post(session, f"/app/orgs/{slug}/{fy}/rounds/6/measures/{pk}/", data))
        page = session.opener.open(base + f"/app/orgs/{slug}/{fy}/rounds/6/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"action": "submit", "comment": "", "csrfmiddlewaretoken": token}).encode()
        statuses.append(post(session, f"/app/orgs/{slug}/{fy}/rounds/6/transition/", data))
    except Exception as error:  # a failed session is counted, not hidden
        statuses.append(f"exception {error}")
    errors = sum(1 for s in statuses if not isinstance(s, int) or s >= 500)
    refused = sum(1 for s in statuses if isinstance(s, int) and 400 <= s < 500)
    results[round_id] = (errors, refused)


def post(session, path, data):
    import urllib.request

    request = urllib.request.Request(session.base + path, data=data, headers={"Referer": session.base + path})
    try:
        with session.opener.open(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8001")
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    _noise.report()
    base = args.url.rstrip("/")
    jobs = prepare(args.sessions)
    expected_entries = sum(len(j[3]) for j in jobs)
    results: dict[int, tuple] = {}
    barrier = threading.Barrier(len(jobs) + 1)
    threads = [threading.Thread(target=editor_day, args=(base, job, results, barrier)) for job in jobs]
    for thread in threads:
        thread.start()
    barrier.wait()  # everyone signed in: go
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    ids = [j[0] for j in jobs]
    submitted = ProgressRound.objects.filter(pk__in=ids, status="submitted").count()
    submits = Transition.objects.filter(round_id__in=ids, action="submit").values("round_id").annotate(n=Count("pk"))
    duplicated_submits = sum(1 for s in submits if s["n"] != 1)
    entries = ProgressEntry.objects.filter(round_id__in=ids).count()
    per_pair = ProgressEntry.objects.filter(round_id__in=ids).values("round_id", "measure_id").annotate(n=Count("pk"))
    duplicated_entries = sum(1 for p in per_pair if p["n"] != 1)
    errors = sum(e for e, _r in results.values())
    refused = sum(r for _e, r in results.values())
    print(f"{len(jobs)} concurrent editor sessions, {expected_entries} progress entries, server {base}")
    print(f"time: {elapsed:.1f} s   HTTP 5xx/exceptions: {errors}   refusals (4xx): {refused}")
    print(f"rounds submitted: {submitted}/{len(jobs)}   duplicated submissions: {duplicated_submits}")
    print(f"entries stored: {entries}/{expected_entries}   duplicated entries: {duplicated_entries}")
    ok = errors == 0 and submitted == len(jobs) and entries == expected_entries and not duplicated_entries \
        and not duplicated_submits
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
