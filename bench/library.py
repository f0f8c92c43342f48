"""The measure library's search (/measures/?q=…) at national scale, uncached: p50/p95 per case.

    # a PostgreSQL database with the national dataset (see bench/load.py's docstring):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_scale DEBUG=1 .venv/bin/python manage.py seed_scale
    # the run (in-process, no server needed):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_scale .venv/bin/python bench/library.py [--runs 40]

Each case is requested through Django's test client (the whole middleware stack, the form, the
count, the page and the template) with the public cache off, so every request reaches the
database; the first requests of a case are a warm-up and not counted. Runs with DEBUG off by
default (DEBUG's query log costs time of its own; ``--debug`` to compare). Prints per case the
rows found (as the page counts them), the queries per page, p50 and p95 of the whole request and
of its SQL, and PASS/FAIL against the target (p95 < 100 ms). bench/load.py measures the same
page through a real server, cached.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
if "--debug" in sys.argv:
    os.environ["DEBUG"] = "1"
os.environ.setdefault("DEBUG", "0")
if os.environ["DEBUG"] in ("0", "", "false", "False"):
    os.environ.setdefault("SECRET_KEY", "bench-library-not-a-secret")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from assessments.models import Province  # noqa: E402
from library.models import LibraryEntry  # noqa: E402

TARGET_MS = 100
COMMON, RARE, MIDDLE, NONE = "เว็บไซต์", "ดุลพินิจ", "ประชุม", "ไดโนเสาร์"


def cases():
    fiscal_year = LibraryEntry.objects.filter(org__slug__startswith="scale-").values_list(
        "fiscal_year", flat=True).first()
    if fiscal_year is None:
        raise SystemExit("no national dataset here: run manage.py seed_scale first (see bench/load.py)")
    korat = Province.objects.get(name="นครราชสีมา")
    filters = {"fiscal_year": fiscal_year, "province": korat.pk, "kind": "sao"}
    return [
        ("common word", {"q": COMMON}),
        ("common word, page 50", {"q": COMMON, "page": 50}),
        ("two common words", {"q": f"{COMMON} {MIDDLE}"}),
        ("rare word", {"q": RARE}),
        ("word + filters", {"q": MIDDLE, **filters}),
        ("common word + indicator, rose", {"q": COMMON, "indicator": 9, "rose": "on"}),
        ("filters only", filters),
        ("filters only, one year", {"fiscal_year": fiscal_year}),
        ("no match", {"q": NONE}),
    ]


class SqlTimer:
    def __init__(self):
        self.seconds, self.count = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def found(html: str) -> str:
    import re

    match = re.search(r"พบมากกว่า ([^<]*?) รายการ", html)
    if match:
        return "> " + match.group(1)
    match = re.search(r"พบ ([^<]*?) มาตรการ", html)
    if match:
        return match.group(1)
    return "0" if "ไม่พบมาตรการ" in html else "?"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40, help="measured requests per case")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--debug", action="store_true", help="with DEBUG on (its query log included)")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    args = parser.parse_args()
    _noise.report()
    settings.PUBLIC_CACHE_SECONDS = 0  # uncached: every request reaches the database
    client = Client()
    print(f"{connection.vendor}, {LibraryEntry.objects.count():,} library rows, DEBUG={settings.DEBUG}, "
          f"{args.runs} runs per case")
    print(f"{'case':<32} {'found':>14} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'sql p50':>7} {'sql p95':>7}"
          "  verdict")
    failed = False
    for name, query in cases():
        if args.only and args.only not in name:
            continue
        url = "/measures/?" + urlencode(query)
        totals, sqls, queries, html = [], [], 0, ""
        for n in range(args.warmup + args.runs):
            timer = SqlTimer()
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                response = client.get(url, HTTP_HOST="127.0.0.1")
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {response.status_code}")
            if n >= args.warmup:
                totals.append(elapsed * 1000)
                sqls.append(timer.seconds * 1000)
            queries, html = timer.count, response.content.decode()
        p95 = percentile(totals, 0.95)
        ok = p95 < TARGET_MS
        failed |= not ok
        print(f"{name:<32} {found(html):>14} {queries:>7} {statistics.median(totals):>7.1f} {p95:>7.1f} "
              f"{statistics.median(sqls):>7.1f} {percentile(sqls, 0.95):>7.1f}  "
              f"{'PASS' if ok else 'FAIL'} (p95 < {TARGET_MS} ms)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
