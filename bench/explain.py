"""EXPLAIN every query the main pages run, on PostgreSQL with the national dataset, and flag
any sequential scan of a big table.

    DATABASE_URL=postgres://...ita_scale DEBUG=1 .venv/bin/python bench/explain.py

Pages are requested through Django's test client (in-process, no server needed) as the
people who use them; each captured SELECT is explained as it ran.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessments.models import Province, SupervisorScope  # noqa: E402
from measures.models import ProgressRound  # noqa: E402
from reports.models import PublishedDocument  # noqa: E402

BIG = {"assessments_organization", "assessments_assessment", "assessments_indicatorscore", "assessments_toolscore",
       "assessments_itemscore", "measures_measureplan", "measures_measure", "measures_progressround",
       "measures_progressentry", "measures_measure_responsible_units", "reports_publisheddocument",
       "assessments_membership", "auth_user", "assessments_auditevent", "measures_historicalmeasure",
       "reports_libraryentry", "reports_libraryindicator"}


SIZES: dict[str, int] = {}
LARGE = 5000  # rows: a smaller table is cheaper to scan than to look up, and planners know it


def seq_scans(plan, found):
    table = plan.get("Relation Name")
    if plan.get("Node Type") == "Seq Scan" and table in BIG and SIZES.get(table, 0) > LARGE:
        found.append((plan["Relation Name"], int(plan.get("Plan Rows", 0))))
    for child in plan.get("Plans", []):
        seq_scans(child, found)
    return found


def pages():
    document = PublishedDocument.objects.filter(org__slug__startswith="scale-").select_related("org").first()
    org = document.org
    korat = Province.objects.get(name="นครราชสีมา")
    supervisor = SupervisorScope.objects.filter(province=korat, user__username__startswith="scale-").first().user
    progress_round = ProgressRound.objects.filter(plan__org__slug__startswith="scale-", months=6).select_related(
        "plan__org").first()
    editor = get_user_model().objects.get(username=f"{progress_round.plan.org.slug}-editor")
    plan = f"/app/orgs/{progress_round.plan.org.slug}/{progress_round.plan.fiscal_year}"
    return [
        ("home search", None, "/?q=หนอง&province=" + str(korat.pk)),
        ("home search, a name", None, "/?q=" + org.name),
        ("home search, อบต.", None, "/?q=อบต." + org.name.removeprefix("องค์การบริหารส่วนตำบล")[:4]),
        ("home search, อบต. + จ.", None, "/?q=อบต. จ." + korat.name),
        ("public body page", None, f"/orgs/{org.slug}/"),
        ("public year page", None, f"/orgs/{org.slug}/{document.fiscal_year - 1}/"),
        ("PDF download", None, f"/orgs/{org.slug}/{document.fiscal_year}/{document.doc}.pdf"),
        ("open data", None, f"/data/orgs/{org.slug}/{document.fiscal_year}.json"),
        ("national overview", None, f"/overview/{document.fiscal_year - 1}/"),
        ("province overview", None, f"/provinces/{korat.code}/{document.fiscal_year - 1}/"),
        ("open data, every body", None, f"/data/{document.fiscal_year}.json"),
        ("open data, every body, CSV", None, f"/data/{document.fiscal_year - 1}.csv"),
        ("dashboard นครราชสีมา", supervisor, "/app/dashboard/"),
        ("editor home", editor, "/app/"),
        ("editor plan page", editor, f"{plan}/plan/"),
        ("round page", editor, f"{plan}/rounds/6/"),
        ("admin organizations", get_user_model().objects.filter(is_superuser=True).first(),
         f"/admin/assessments/organization/?q={org.name[-8:]}"),
        # The measure library (library/index.py): a common word, a rare one, with filters.
        ("library, common word", None, "/measures/?q=" + quote("เว็บไซต์")),
        ("library, rare word", None, "/measures/?q=" + quote("กระเบื้อง")),
        ("library, word + filters", None, f"/measures/?q={quote('ประชุม')}&province={korat.pk}&kind=sao"
                                          f"&fiscal_year={document.fiscal_year}"),
        ("library, indicator rose", None, f"/measures/?q={quote('เว็บไซต์')}&indicator=9&rose=on"),
    ]


def main():
    _noise.report()
    if connection.vendor != "postgresql":
        raise SystemExit("run this against PostgreSQL (DATABASE_URL=postgres://…)")
    settings.PUBLIC_CACHE_SECONDS = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [sorted(BIG)])
        SIZES.update(dict(cursor.fetchall()))
    problems = 0
    for name, user, url in pages():
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, HTTP_HOST="127.0.0.1")
            if response.streaming:  # the year's open data runs its queries while it streams
                for _chunk in response.streaming_content:
                    pass
            status = response.status_code
        scans = []
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
            found = seq_scans(plan[0]["Plan"], [])
            if found and os.environ.get("EXPLAIN_SHOW_SQL"):
                print("   ", sql[:300])
            scans += found
        problems += len(scans)
        verdict = "ok" if not scans else "SEQ SCAN " + ", ".join(f"{t} (~{r} rows)" for t, r in scans)
        print(f"{name:<24} {status} {len(ctx.captured_queries):>3} queries  {verdict}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
