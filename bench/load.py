"""Load test against a running production-shaped server, as ratios of the bare stack.

    # a PostgreSQL database with the national dataset:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_scale DEBUG=1 .venv/bin/python manage.py setup_demo
    DATABASE_URL=... DEBUG=1 .venv/bin/python manage.py seed_scale --bodies 7850 --years 3
    # the server (another shell):
    DATABASE_URL=... SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
        PORTAL_URL=https://ita.example.go.th MEDIA_ROOT=... REDIS_URL=redis://127.0.0.1:6379/4 \
        PLAN_PAGE_CACHE_SECONDS=0 make serve-prod
    # the test:
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/load.py [--url http://127.0.0.1:8001] [--seconds 10]
        [--only library plan save]   # some rows only (the open data is then left out)

The editor and the supervisor sign in as in production: password, then a code of an
authenticator app (the bench gives them one, named "bench", if they have none). Before the
runs each target is asked once: a target answering anything but its page (200; a save: 302
to the round page) stops the bench, as it would measure a redirect to the sign-in. The editor's
plan page is measured uncached (PLAN_PAGE_CACHE_SECONDS=0 on the server; a cache hit fails
the row): on deadline day every save changes the body and so the page is built every time.

Uses wrk (Debian package `wrk`) for every target, in the same run: the bare view
(/healthz, a constant response through the full middleware stack; measured before each target
and once more at the end, and each target's ratio is against the mean of the two bare runs
beside it, so the machine's drift during the run shows in the bare rows, not in the ratios),
the public year and body
pages, a published PDF download, the national overview and the largest province's overview
(with the public cache's hit rate), the measure library's search (a common and a rare Thai word,
with and without filters; left out while /measures/ does not answer), the supervisor dashboard
of the largest province (นครราชสีมา), an editor's plan page and a progress-round save; then the
open data of every body of a year (/data/<fy>.json and .csv: time to stream, size, memory). Prints throughput, the
ratio to the bare view, p50/p95/p99 latency, errors, and each target's verdict.
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from assessments.models import Province, SupervisorScope  # noqa: E402
from measures.models import ProgressRound  # noqa: E402
from ops.scale import PASSWORD  # noqa: E402
from reports.models import PublishedDocument  # noqa: E402

LUA = r"""
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then wrk.body = body end
local cookie = os.getenv("WRK_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local csrf = os.getenv("WRK_CSRF")
if csrf and csrf ~= "" then wrk.headers["X-CSRFToken"] = csrf end
if wrk.method == "POST" then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end
-- The public cache's hit rate, where a page says (X-Public-Cache: hit|miss; the overviews).
local threads = {}
function setup(thread) table.insert(threads, thread) end
hits, seen = 0, 0
if os.getenv("WRK_HITS") == "1" then
  response = function(status, headers, body)
    seen = seen + 1
    if headers["X-Public-Cache"] == "hit" then hits = hits + 1 end
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local h, s = 0, 0
  for _, t in ipairs(threads) do h = h + (t:get("hits") or 0); s = s + (t:get("seen") or 0) end
  io.write(string.format("RESULT %d %d %d %.0f %.0f %.0f %d %d\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), h, s))
end
"""


def second_factor_code(username) -> str:
    """A current code of the person's authenticator app, giving them one first (named "bench")
    if they have none: with OTP_REQUIRED on (the default when DEBUG is off) every editor and
    supervisor completes the sign-in with a code, as in production."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    while totp.t() <= device.last_t:  # a code is good once: signed in again within its step, take
        totp.time = totp.time + device.step  # the next one (accepted within the device's tolerance)
    if totp.t() > now + device.tolerance:
        raise SystemExit(f"{username}: signed in too often in the last minute; try again in a minute")
    return f"{totp.token():0{device.digits}d}"


def _form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class Session:
    """A signed-in browser session (password, then the code step when asked): cookies and the
    CSRF token."""

    def __init__(self, base, username):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        code = second_factor_code(username)
        token = _form_token(self.opener.open(base + "/accounts/login/").read().decode())
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        answer = self.opener.open(urllib.request.Request(base + "/accounts/login/", data=data,
                                                         headers={"Referer": base + "/accounts/login/"}))
        if urllib.parse.urlsplit(answer.geturl()).path == "/accounts/otp/":
            data = urllib.parse.urlencode({"code": code, "csrfmiddlewaretoken": _form_token(answer.read().decode())})
            answer = self.opener.open(urllib.request.Request(answer.geturl(), data=data.encode(),
                                                             headers={"Referer": answer.geturl()}))
        self.cookies = {c.name: c.value for c in self.jar}
        if "sessionid" not in self.cookies or urllib.parse.urlsplit(answer.geturl()).path.startswith(
                ("/accounts/", "/app/security/")):
            raise SystemExit(f"could not sign in as {username} (ended at {answer.geturl()})")

    @property
    def header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def run_wrk(url, seconds, connections, threads, env=None):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, url],
            capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    requests, errors, duration_us, p50, p95, p99, hits, seen = map(int, match.groups())
    return {"rps": requests / (duration_us / 1e6), "requests": requests, "errors": errors,
            "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000, "hits": hits / seen if seen else None}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at, not to follow (bench/deadline.py uses it too)."""

    def redirect_request(self, *args, **kwargs):
        return None


def first_answer(base, path, env) -> tuple[int, str]:
    """(status, Location) of one request as wrk will send it, redirects not followed: a target
    that answers a redirect to the sign-in or the code step measures nothing."""
    headers = {}
    if env.get("WRK_COOKIE"):
        headers["Cookie"] = env["WRK_COOKIE"]
    if env.get("WRK_CSRF"):
        headers["X-CSRFToken"] = env["WRK_CSRF"]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = env.get("WRK_BODY", "").encode() if env.get("WRK_METHOD") == "POST" else None
    request = urllib.request.Request(base + path, data=body, headers=headers, method=env.get("WRK_METHOD", "GET"))
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def answers(url) -> bool:
    """The page exists on this server (a page still being built elsewhere is left out)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def library_rows(base, korat, fy):
    """The measure library (/measures/?q=): a common Thai word of the seed's measures, a rare one
    (seed 000's "ดุลพินิจ"), each with and without filters. Kept by the library's own cache,
    which does not say hit or miss."""
    filters = f"&fiscal_year={fy + 1}&province={korat.pk}&kind=sao"
    rows = [("library: common word", "/measures/?q=" + urllib.parse.quote("ประชุม")),
            ("library: common word + filters", "/measures/?q=" + urllib.parse.quote("ประชุม") + filters),
            ("library: rare word", "/measures/?q=" + urllib.parse.quote("ดุลพินิจ")),
            ("library: rare word + filters", "/measures/?q=" + urllib.parse.quote("ดุลพินิจ") + filters)]
    if not answers(base + rows[0][1]):
        print("(the measure library /measures/ does not answer here: its rows are left out)")
        return []
    return [(name, path, {}, ("p95", 100)) for name, path in rows]


def targets(base):
    document = PublishedDocument.objects.filter(org__slug__startswith="scale-").select_related("org").first()
    if document is None:
        raise SystemExit("no national dataset here: run manage.py seed_scale first (see the docstring)")
    org = document.org
    korat = Province.objects.get(name="นครราชสีมา")
    supervisor = SupervisorScope.objects.filter(province=korat, user__username__startswith="scale-").first().user
    editable = ProgressRound.objects.filter(plan__org__slug__startswith="scale-", months=6,
                                            status__in=["draft", "returned"]).select_related("plan__org").first()
    measure = editable.plan.measures.order_by("order").first()
    editor = Session(base, f"{editable.plan.org.slug}-editor")
    boss = Session(base, supervisor.username)
    plan_url = f"/app/orgs/{editable.plan.org.slug}/{editable.plan.fiscal_year}"
    save = urllib.parse.urlencode({"state": "in_progress", "percent": "50", "done_text": "ประชุมชี้แจงแล้ว",
                                   "output": "ผู้เข้าร่วม 40 คน", "outcome": "", "problems": "", "remarks": ""})
    result_year = document.fiscal_year - 1  # the plans are for the year after the last result
    # (name, path, wrk environment, target); the last entry of each tuple is checked.
    return [
        ("national overview", f"/overview/{result_year}/", {"WRK_HITS": "1"}, ("p95", 200)),
        (f"province overview {korat.code} ({korat.organizations.count()} bodies)",
         f"/provinces/{korat.code}/{result_year}/", {"WRK_HITS": "1"}, ("p95", 200)),
        *library_rows(base, korat, result_year),
        ("public year page", f"/orgs/{org.slug}/{document.fiscal_year - 1}/", {}, ("ratio", 0.5)),
        ("public body page", f"/orgs/{org.slug}/", {}, ("ratio", 0.5)),
        ("PDF download", f"/orgs/{org.slug}/{document.fiscal_year}/{document.doc}.pdf", {}, ("ratio", 0.7)),
        (f"dashboard นครราชสีมา ({korat.organizations.count()} bodies)", "/app/dashboard/",
         {"WRK_COOKIE": boss.header}, ("p95", 300)),
        # Uncached: on deadline day every save changes the body, so the page is built each time
        # (start the server with PLAN_PAGE_CACHE_SECONDS=0; a hit fails the row).
        ("editor plan page (uncached)", f"{plan_url}/plan/", {"WRK_COOKIE": editor.header, "WRK_HITS": "1"},
         ("p95 uncached", 100)),
        ("progress save (POST)", f"{plan_url}/rounds/6/measures/{measure.pk}/",
         {"WRK_COOKIE": editor.header, "WRK_CSRF": editor.cookies["csrftoken"], "WRK_METHOD": "POST",
          "WRK_BODY": save}, ("p95", 150)),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8001")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stream-target", type=float, default=60.0, help="seconds for a whole year's open data")
    parser.add_argument("--only", nargs="*", default=[], help="only the targets whose name holds one of these "
                        "words (e.g. --only library plan save); the open data is then left out")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    _noise.report()
    base = args.url.rstrip("/")

    def bare_view():
        return run_wrk(base + "/healthz", args.seconds, args.connections, args.threads)

    # The bare view before each target and once more at the end: a target's ratio is against
    # the mean of the two bare runs beside it, so a machine that gets busier (or quieter)
    # during the run does not tilt it, and the bare rows show how much the machine drifted.
    bares, measured = [], []
    chosen = [t for t in targets(base) if not args.only or any(word in t[0] for word in args.only)]
    for name, path, env, _target in chosen:
        status, location = first_answer(base, path, env)
        expected = 302 if env.get("WRK_METHOD") == "POST" else 200  # a save answers with the round page
        if status != expected or location.startswith(("/accounts/", "/app/security/")):
            raise SystemExit(f"{name}: {path} answered {status} {location} (expected {expected}): "
                             f"it would measure the wrong page")
    for name, path, env, target in chosen:
        bares.append(bare_view())
        measured.append((name, run_wrk(base + path, args.seconds, args.connections, args.threads, env), target))
    bares.append(bare_view())
    rows = []  # (name, result, target, the bare req/s its ratio is against)
    for n, (name, result, target) in enumerate(measured):
        rows.append((f"bare view /healthz ({n + 1})", bares[n], None, bares[0]["rps"]))
        rows.append((name, result, target, (bares[n]["rps"] + bares[n + 1]["rps"]) / 2))
    rows.append((f"bare view /healthz ({len(bares)})", bares[-1], None, bares[0]["rps"]))
    spread = [b["rps"] for b in bares]
    print(f"server {base}, {args.connections} connections, {args.seconds} s per target, {os.cpu_count()} cores; "
          f"each ratio against the mean of the bare runs before and after it; the bare rows' ratio is to the "
          f"first bare run (bare view {min(spread):.0f}–{max(spread):.0f} req/s over {len(bares)} runs, "
          f"spread {(max(spread) - min(spread)) / max(spread):.0%})")
    print(f"{'target':<42} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'hits':>5}  verdict")
    failed = False
    for name, r, target, bare in rows:
        ratio = r["rps"] / bare
        verdict = ""
        if target:
            kind, limit = target
            ok = (ratio >= limit) if kind == "ratio" else (r["p95"] < limit)
            ok = ok and r["errors"] == 0 and not (kind == "p95 uncached" and r["hits"])
            failed |= not ok
            goal = f" (≥ {limit} of bare)" if kind == "ratio" else f" ({kind} < {limit} ms)"
            verdict = ("PASS" if ok else "FAIL") + goal
        hits = f"{r['hits']:.0%}" if r.get("hits") is not None else "–"
        print(f"{name:<42} {r['rps']:>8.0f} {ratio:>6.2f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} "
              f"{r['errors']:>6} {hits:>5}  {verdict}")
    if args.only:
        sys.exit(1 if failed else 0)
    document = PublishedDocument.objects.filter(org__slug__startswith="scale-").first()
    for fy in (document.fiscal_year - 1, document.fiscal_year):  # the scores' year, the documents' year
        failed |= not open_data_year(base, fy, args.stream_target)
    sys.exit(1 if failed else 0)


def _server_peak_rss(base) -> int:
    """The largest peak resident size (kB) of this server's gunicorn processes (0 if not found:
    another kind of server, or another machine)."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            cmdline = (status.parent / "cmdline").read_bytes()
            if b"gunicorn" not in cmdline:
                continue
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


def open_data_year(base, fy, target_seconds) -> bool:
    """/data/<fy>.json and .csv of every body: the time to stream each whole file (three times),
    its size, the server's peak memory before and after, and the Python heap one stream needs
    in this process (tracemalloc): memory stays flat because bodies are streamed in chunks."""
    import time
    import tracemalloc

    from reports import selectors

    ok = True
    print(f"\nopen data of every body, FY {fy} (target: each download < {target_seconds} s)")
    for suffix in ("json", "csv"):
        before = _server_peak_rss(base)
        times, size = [], 0
        for _ in range(3):
            started = time.perf_counter()
            with urllib.request.urlopen(f"{base}/data/{fy}.{suffix}", timeout=600) as response:
                size = 0
                while chunk := response.read(1 << 16):
                    size += len(chunk)
            times.append(time.perf_counter() - started)
        after = _server_peak_rss(base)
        passed = max(times) < target_seconds
        ok &= passed
        print(f"  /data/{fy}.{suffix}: {size / 1e6:.1f} MB, {min(times):.1f}–{max(times):.1f} s "
              f"({size / 1e6 / min(times):.1f} MB/s); server peak RSS {before / 1024:.0f} → {after / 1024:.0f} MB"
              f"  {'PASS' if passed else 'FAIL'}")
    tracemalloc.start()
    count = 0
    for record in selectors.open_data_all(fy, address=lambda org, doc, version: f"/{org.slug}/{doc}/{version}"):
        json.dumps(record, ensure_ascii=False, default=str)
        count += 1
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  in-process stream of {count:,} bodies: Python heap peak {peak / 1e6:.1f} MB "
          f"(chunks of {selectors.OPEN_DATA_CHUNK} bodies)")
    return ok


if __name__ == "__main__":
    main()
