"""Deadline day (30 April): thousands of editors save their 6-month round and submit in the same window.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_scale .venv/bin/python bench/deadline.py \\
        [--sessions 2000] [--servers 2] [--workers 3] [--pool 20] [--no-pgbouncer]

Needs the national dataset (`seed_scale`, see bench/load.py) in PostgreSQL, Redis, and Debian's
`pgbouncer` package. The bench starts the stack itself (bench/stack.py): PgBouncer in
transaction mode in front of PostgreSQL, and `--servers` gunicorn servers (each `--workers`
sync workers, DB_CONN_MAX_AGE=0 and DB_PGBOUNCER=1, as docs/DEPLOYMENT.md prescribes behind
PgBouncer) sharing it and Redis. It stops them at the end.

It picks N bodies with a published plan, puts their 6-month round back to draft with no
entries, and makes N signed-in sessions of their editors (each with a confirmed authenticator
app: the session is made in the database as the password and code steps leave it, since 2,000
password hashings are not what this bench measures; bench/load.py signs in through the pages).
The sessions alternate between the servers. Each opens its round page, then all start
together: each saves every measure's progress entry (one form each), then submits the round.

Afterwards it counts in the database: every round submitted exactly once, every entry stored
exactly once; and prints the time taken, server errors (5xx and dropped connections),
refusals (4xx), the save latency (p50/p95/p99/max) and the verdict.
"""

import argparse
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import Cookie, CookieJar
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")
# The sessions are signed with the servers' key: the bench and the servers it starts share it.
os.environ.setdefault("SECRET_KEY", "bench-deadline-not-a-secret-" + "k" * 40)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from load import NoRedirect  # noqa: E402
from stack import Stack  # noqa: E402

from measures.models import ProgressEntry, ProgressRound, Transition  # noqa: E402

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def prepare(n):
    """N 6-month rounds of bodies with a published plan, back to draft with no entries."""
    rounds = list(ProgressRound.objects.filter(plan__org__slug__startswith="scale-", months=6,
                                               plan__status="published")
                  .select_related("plan__org").order_by("plan__org__slug")[:n])
    if len(rounds) < n:
        raise SystemExit(f"only {len(rounds)} bodies with a published plan: run seed_scale with more bodies")
    ids = [r.pk for r in rounds]
    with transaction.atomic():
        ProgressEntry.objects.filter(round_id__in=ids).delete()
        Transition.objects.filter(round_id__in=ids).delete()
        ProgressRound.objects.filter(pk__in=ids).update(status="draft")
    measures = {}
    for round_id, measure_id in ProgressRound.objects.filter(pk__in=ids).values_list("pk", "plan__measures__pk"):
        if measure_id:
            measures.setdefault(round_id, []).append(measure_id)
    return [(r.pk, r.plan.org.slug, r.plan.fiscal_year, sorted(measures.get(r.pk, []))) for r in rounds]


def signed_in_sessions(slugs) -> dict[str, str]:
    """{body slug: session key} of each body's editor, signed in with the password and a code."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[f"{s}-editor" for s in slugs])}
    have = set(TOTPDevice.objects.filter(user__in=users.values(), confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create([TOTPDevice(user=u, name="bench", confirmed=True)
                                    for u in users.values() if u.pk not in have])
    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)}
    keys = {}
    for slug in slugs:
        user = users[f"{slug}-editor"]
        session = SessionStore()
        session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: MODEL_BACKEND,
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                        DEVICE_ID_SESSION_KEY: devices[user.pk].persistent_id})
        session.create()
        keys[slug] = session.session_key
    return keys


class Browser:
    """One editor's browser: the session cookie, then the CSRF cookie of the first page."""

    def __init__(self, base, session_key):
        self.base = base
        self.jar = CookieJar()
        self.jar.set_cookie(Cookie(0, settings.SESSION_COOKIE_NAME, session_key, None, False, "127.0.0.1", False,
                                   False, "/", True, False, None, False, None, None, {}))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.poster = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, path) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            if urllib.parse.urlsplit(response.geturl()).path != path.split("?")[0]:
                raise RuntimeError(f"{path} went to {response.geturl()}")
            return response.read().decode()

    def post(self, path, fields, then) -> int | str:
        """The POST's status; its answer must be a redirect to ``then`` (the page the browser
        opens next, not fetched here: the bench measures the writes)."""
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        try:
            with self.poster.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            if error.code == 302 and urllib.parse.urlsplit(location).path != then:
                return f"302 to {location}"
            return error.code


def token_of(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def editor_day(base, session_key, job, results, saves, barrier):
    round_id, slug, fy, measures = job
    statuses = []
    try:
        browser = Browser(base, session_key)
        token = token_of(browser.get(f"/app/orgs/{slug}/{fy}/rounds/6/"))
    except Exception as error:  # a session that could not even open its page is counted
        barrier.abort()
        results[round_id] = (1, 0, f"{slug}: {error}")
        return
    barrier.wait()
    try:
        for pk in measures:
            started = time.perf_counter()
            path = f"/app/orgs/{slug}/{fy}/rounds/6/measures/{pk}/"
            statuses.append(browser.post(path, then=path, fields={
                "state": "done", "percent": "100", "done_text": "ดำเนินการครบตามแผน", "output": "จัดกิจกรรม 2 ครั้ง",
                "outcome": "บุคลากรรับทราบแนวทาง", "problems": "", "remarks": "", "version": "0",
                "csrfmiddlewaretoken": token}))
            saves.append(time.perf_counter() - started)
        statuses.append(browser.post(f"/app/orgs/{slug}/{fy}/rounds/6/transition/",
                                     then=f"/app/orgs/{slug}/{fy}/rounds/6/",
                                     fields={"action": "submit", "comment": "", "csrfmiddlewaretoken": token}))
    except Exception as error:  # a dropped connection or timeout is a server error, not hidden
        statuses.append(f"exception {error}")
    errors = sum(1 for s in statuses if not isinstance(s, int) or s >= 500)  # a wrong redirect too
    refused = sum(1 for s in statuses if isinstance(s, int) and 400 <= s < 500)
    results[round_id] = (errors, refused, next((str(s) for s in statuses if not isinstance(s, int) or s >= 400), ""))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def run(urls, jobs, keys):
    results, saves = {}, []
    barrier = threading.Barrier(len(jobs) + 1)
    threads = [threading.Thread(target=editor_day, args=(urls[n % len(urls)], keys[job[1]], job, results, saves,
                                                         barrier), daemon=True)
               for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()  # every session has its page open: go
    except threading.BrokenBarrierError:
        pass  # a session failed before the start; the others are counted as they end
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, saves, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="sync workers per server")
    parser.add_argument("--pool", type=int, default=20, help="PgBouncer's server connections per database")
    parser.add_argument("--no-pgbouncer", action="store_true", help="the servers connect to PostgreSQL directly")
    args = parser.parse_args()
    _noise.report()
    threading.stack_size(256 * 1024)  # thousands of client threads
    jobs = prepare(args.sessions)
    keys = signed_in_sessions([job[1] for job in jobs])
    expected_entries = sum(len(job[3]) for job in jobs)
    with Stack(os.environ["DATABASE_URL"], servers=args.servers,
               workers=args.workers, pool=args.pool, pgbouncer=not args.no_pgbouncer) as stack:
        print(f"stack: {stack.describe()}", flush=True)
        results, saves, elapsed = run(stack.urls, jobs, keys)

    ids = [job[0] for job in jobs]
    submitted = ProgressRound.objects.filter(pk__in=ids, status="submitted").count()
    submits = Transition.objects.filter(round_id__in=ids, action="submit").values("round_id").annotate(n=Count("pk"))
    duplicated_submits = sum(1 for s in submits if s["n"] != 1)
    entries = ProgressEntry.objects.filter(round_id__in=ids).count()
    per_pair = ProgressEntry.objects.filter(round_id__in=ids).values("round_id", "measure_id").annotate(n=Count("pk"))
    duplicated_entries = sum(1 for p in per_pair if p["n"] != 1)
    errors = sum(r[0] for r in results.values())
    refused = sum(r[1] for r in results.values())
    examples = sorted({r[2] for r in results.values() if r[2]})[:5]
    p95 = percentile(saves, 95)
    print(f"{len(jobs):,} concurrent editor sessions, {expected_entries:,} progress entries, "
          f"{len(saves) + len(jobs):,} POSTs in {elapsed:.1f} s ({(len(saves) + len(jobs)) / elapsed:.0f}/s)")
    print(f"server errors (5xx, dropped): {errors}   refusals (4xx): {refused}"
          + (f"   e.g. {'; '.join(examples)}" if examples else ""))
    print(f"save latency: p50 {statistics.median(saves) * 1000 if saves else 0:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, p99 {percentile(saves, 99) * 1000:.0f} ms, "
          f"max {max(saves, default=0) * 1000:.0f} ms")
    print(f"rounds submitted: {submitted:,}/{len(jobs):,}   duplicated submissions: {duplicated_submits}")
    print(f"entries stored: {entries:,}/{expected_entries:,}   duplicated entries: {duplicated_entries}")
    ok = (errors == 0 and submitted == len(jobs) and entries == expected_entries and not duplicated_entries
          and not duplicated_submits and len(results) == len(jobs))
    print(("PASS" if ok else "FAIL") + " (0 server errors, every entry stored once, every round submitted once)")
    print("(the save latency is reported, not judged: with every session saving at once, a save waits its turn "
          "behind the others; the POSTs per second are the stack's capacity, see docs/DEPLOYMENT.md)")
    sys.exit(0 if ok else 1)

if __name__ == "__main__":
    main()
