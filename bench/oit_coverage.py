"""The OIT coverage columns at national scale (issue 25 point 7): p95 of the coverage read of
the largest province's overview (every body of นครราชสีมา) and of one dashboard page, with item
answers on the seed_scale bodies.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_scale DEBUG=1 .venv/bin/python manage.py seed_scale ...
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/oit_coverage.py --seed   # adds answers once
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/oit_coverage.py [--runs 50]

--seed gives every scale body answers to the first 20 OIT items of the newest year with items
(published; one in ten an external address marked broken), through bulk_create: a bench's data,
not a body's. Prints p50/p95 per read and PASS when p95 < 100 ms; the query counts are fixed
(tests/oit/test_coverage.py)."""

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

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import Framework, Item, Organization, Province  # noqa: E402
from oit import selectors  # noqa: E402
from oit.models import ItemAnswer  # noqa: E402

LIMIT_MS = 100
PAGE = 50  # rows of one dashboard page (measures.views.DASHBOARD_PAGE)


def newest_year() -> int:
    years = Item.objects.filter(indicator__tool__code="OIT").values_list("framework__fiscal_year", flat=True)
    return max(years)


def seed(year: int) -> int:
    items = list(Item.objects.filter(framework__fiscal_year=year, indicator__tool__code="OIT")
                 .order_by("indicator__number", "order")[:20])
    now = timezone.now()
    done = set(ItemAnswer.objects.filter(fiscal_year=year).values_list("org_id", flat=True).distinct())
    rows = []
    for org_id in Organization.objects.filter(slug__startswith="scale-").values_list("pk", flat=True):
        if org_id in done:
            continue
        for n, item in enumerate(items):
            broken = (org_id + n) % 10 == 0
            url = f"https://www.example.go.th/{org_id}/{item.code}"
            rows.append(ItemAnswer(org_id=org_id, item=item, fiscal_year=year, kind="url", url=url, state="published",
                                   published_kind="url", published_url=url, published_at=now,
                                   link_state="broken" if broken else "ok"))
    ItemAnswer.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def timed(read, runs: int) -> tuple[float, float, int]:
    samples, queries = [], 0
    for _run in range(runs):
        before = len(connection.queries)
        start = time.perf_counter()
        read()
        samples.append((time.perf_counter() - start) * 1000)
        queries = len(connection.queries) - before
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    _noise.report()
    year = newest_year()
    if not Framework.objects.filter(fiscal_year=year).exists():
        raise SystemExit("no framework with OIT items")
    if args.seed:
        print(f"seeded {seed(year)} answers for ITA {year}")
    korat = Province.objects.get(name="นครราชสีมา")
    province_slugs = list(Organization.objects.filter(province=korat).values_list("slug", flat=True))
    page_slugs = province_slugs[:PAGE]
    answers = ItemAnswer.objects.filter(fiscal_year=year).count()
    print(f"ITA {year}: {answers} answers; province overview {korat.name} {len(province_slugs)} bodies, "
          f"dashboard page {len(page_slugs)} bodies; {args.runs} runs each")
    failed = False
    from django.conf import settings

    settings.DEBUG = True  # count the queries
    for name, slugs in (("province overview coverage", province_slugs), ("dashboard page coverage", page_slugs)):
        p50, p95, queries = timed(lambda s=slugs: selectors.coverage(s, year, by="slug"), args.runs)
        ok = p95 < LIMIT_MS
        failed |= not ok
        print(f"{name:<30} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries  "
              f"{'PASS' if ok else 'FAIL'} (p95 < {LIMIT_MS} ms)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
