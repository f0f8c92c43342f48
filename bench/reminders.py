"""The national reminder pass: the whole country on the day before a deadline, queued and sent by
two real `db_worker` processes to a local SMTP sink, counting duplicates at the sink.

    # a PostgreSQL database with the national dataset (as bench/load.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_scale DEBUG=1 .venv/bin/python manage.py setup_demo --no-users
    DATABASE_URL=... DEBUG=1 .venv/bin/python manage.py seed_scale --bodies 7850 --years 3
    # the bench (migrates first; only 127.0.0.1 is ever contacted):
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/reminders.py [--editors 3] [--workers 2] [--date 2026-10-30]
    DATABASE_URL=... DEBUG=1 .venv/bin/python bench/reminders.py --line     # every message by LINE

The scale data has one editor per body and no e-mail addresses: the bench gives every scale
user an address (`<username>@bench.invalid`) and each body `--editors` editors in all (extra
users `scale-NNNNN-editorK`, removed with the rest by `seed_scale --reset`), so the day before
the 12-month deadline owes about 20,000 reminders (open 12-month rounds due tomorrow, 6-month
rounds overdue, the supervisors' digests). It deletes the scale users' notifications of earlier
runs first, so every run is the same pass. Prints messages queued, sent, received at the sink,
duplicates (the same notification received twice: must be 0), missing, the time and messages/s,
and PASS/FAIL (all sent once, in under 3 minutes).

With --line every scale user has a LINE account linked and every kind chosen on LINE, so the
same pass goes out as LINE pushes to the Messaging API's stand-in (tests/line_stub.py) on
127.0.0.1 in the bench process (the workers get LINE_API_URL pointing at it); it counts every push
request per X-Line-Retry-Key (a key seen twice is a duplicate sent, whatever LINE would answer),
the pushes accepted and the e-mails (none expected). Without --line the bench removes those links
and choices, so the e-mail run stays what it was.
"""

import argparse
import asyncio
import datetime
import email.parser
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Value  # noqa: E402
from django.db.models.functions import Concat  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from assessments.models import Membership, Organization  # noqa: E402
from measures.models import MeasurePlan, default_due  # noqa: E402
from notifications import services  # noqa: E402
from notifications.models import PERSON_KINDS, Channel, LineLink, MailState, Notification, Preference  # noqa: E402
from ops.scale import PASSWORD, PREFIX  # noqa: E402
from tests import line_stub  # noqa: E402

LINE_TOKEN, LINE_SECRET = "bench-line-access-token", "bench-line-channel-secret"

LIMIT_SECONDS = 180
HOST = "127.0.0.1"  # the only address the bench talks to


class Sink:
    """An SMTP server that keeps only what it must count: each message's notification id."""

    def __init__(self):
        self.ids = Counter()
        self.messages = 0
        self.lock = threading.Lock()
        self.parser = email.parser.BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        headers = self.parser.parsebytes(envelope.original_content)
        with self.lock:
            self.messages += 1
            self.ids[headers.get("X-ITA-Notification", "?")] += 1
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def prepare_people(editors: int) -> int:
    """Every scale body gets ``editors`` editors, every scale user an e-mail address."""
    User = get_user_model()
    orgs = list(Organization.objects.filter(slug__startswith=PREFIX).values_list("pk", "slug", "name"))
    existing = set(User.objects.filter(username__startswith=PREFIX).values_list("username", flat=True))
    password = make_password(PASSWORD)
    wanted = [(pk, f"{slug}-editor{n}", name) for pk, slug, name in orgs for n in range(2, editors + 1)]
    new = [(pk, username, name) for pk, username, name in wanted if username not in existing]
    with transaction.atomic():
        User.objects.bulk_create([User(username=username, first_name=f"เจ้าหน้าที่{name}"[:150], password=password)
                                  for _pk, username, name in new], batch_size=5000)
        ids = dict(User.objects.filter(username__in=[u for _pk, u, _n in new]).values_list("username", "pk"))
        Membership.objects.bulk_create([Membership(user_id=ids[username], org_id=pk, role="editor")
                                        for pk, username, _name in new], batch_size=5000, ignore_conflicts=True)
        User.objects.filter(username__startswith=PREFIX, email="").update(
            email=Concat("username", Value("@bench.invalid")))
    return len(new)


def prepare_line(on: bool) -> int:
    """With ``on``: every scale user's LINE account linked (a made-up LINE user ID each) and every
    kind chosen on LINE, no digest. Without: those links and choices removed. Bench set-up only, in
    bulk (the linking flow itself is tested in tests/notifications/)."""
    users = get_user_model().objects.filter(username__startswith=PREFIX)
    with transaction.atomic():
        if not on:
            LineLink.objects.filter(user__in=users).delete()
            Preference.objects.filter(user__in=users).update(line_kinds=[], line_digest=False)
            return 0
        ids = list(users.values_list("pk", flat=True))
        LineLink.objects.bulk_create([LineLink(user_id=pk, line_user_id=line_stub.user_id(pk)) for pk in ids],
                                     batch_size=5000, ignore_conflicts=True)
        LineLink.objects.filter(user_id__in=ids).update(failed_at=None, last_error="")
        kinds = [value for value, _label in PERSON_KINDS]
        Preference.objects.bulk_create([Preference(user_id=pk) for pk in ids], batch_size=5000, ignore_conflicts=True)
        Preference.objects.filter(user_id__in=ids).update(line_kinds=kinds, line_digest=False, off_kinds=[])
    return len(ids)


def reset_run():
    """Forget the notifications of earlier runs (scale users only) and any unsent tasks."""
    Notification.objects.filter(recipient__username__startswith=PREFIX).delete()
    DBTaskResult.objects.filter(task_path="notifications.tasks.send_notifications").delete()


def workers(count, port, line_url=""):
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        url = f"postgres://{db['USER']}{password}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 40),
           "DATABASE_URL": url, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": HOST,
           "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0", "LOG_LEVEL": "WARNING",
           # DEBUG off wants a public address for the links (ita_portal.E001); nothing is fetched from it.
           "PORTAL_URL": os.environ.get("PORTAL_URL", "https://ita.example.go.th"),
           # LINE on, pointing at the stand-in (the e-mail run: an unused address, nothing goes there).
           "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN, "LINE_CHANNEL_SECRET": LINE_SECRET,
           "LINE_API_URL": line_url or f"http://{HOST}:9"}
    return [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload",
                              "--interval", "0", "--worker-id", f"bench-{n}", "-v", "0"], cwd=ROOT, env=env)
            for n in range(1, count + 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--editors", type=int, default=3, help="editors per body (the scale data has 1)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--date", help="the day of the pass (default: the day before the 12-month deadline)")
    parser.add_argument("--line", action="store_true", help="every message by LINE, to the Messaging API's stand-in")
    args = parser.parse_args()
    _noise.report()
    call_command("migrate", verbosity=0)
    year = (MeasurePlan.objects.filter(org__slug__startswith=PREFIX).order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True).first())
    if year is None:
        raise SystemExit("no national dataset here: run manage.py seed_scale first (see the docstring)")
    day = datetime.date.fromisoformat(args.date) if args.date else default_due(year, 12) - datetime.timedelta(days=1)
    started = time.perf_counter()
    added = prepare_people(args.editors)
    linked = prepare_line(args.line)
    reset_run()
    print(f"set-up: {added:,} editors added, e-mail addresses given, {linked:,} LINE accounts linked, earlier runs "
          f"removed ({time.perf_counter() - started:.1f} s)")

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname=HOST, port=port)
    controller.start()
    line_api = line_stub.start(LINE_TOKEN, keep_texts=False)
    # This process too: the pass reads whether LINE is on when it decides each row's channel.
    settings.LINE_CHANNEL_ACCESS_TOKEN, settings.LINE_CHANNEL_SECRET = LINE_TOKEN, LINE_SECRET
    settings.LINE_API_URL = line_api.url if args.line else f"http://{HOST}:9"
    try:
        t0 = time.perf_counter()
        counts = services.reminders_run(today=day)
        t1 = time.perf_counter()
        queued = Notification.objects.filter(recipient__username__startswith=PREFIX, state=MailState.QUEUED).count()
        tasks = DBTaskResult.objects.filter(task_path="notifications.tasks.send_notifications",
                                            status="READY").count()
        line_queued = Notification.objects.filter(recipient__username__startswith=PREFIX, state=MailState.QUEUED,
                                                  channel=Channel.LINE).count()
        print(f"pass for {day.isoformat()}: {counts}  ({t1 - t0:.1f} s; {tasks} send tasks queued)")
        processes = workers(args.workers, port, line_api.url if args.line else "")
        for process in processes:
            process.wait()
        t2 = time.perf_counter()
        again = services.reminders_run(today=day)  # the same day again: nothing new
        time.sleep(0.5)  # the last messages' handlers
    finally:
        controller.stop()
        line_stub.stop(line_api)
        asyncio.set_event_loop(asyncio.new_event_loop())
    rows = Notification.objects.filter(recipient__username__startswith=PREFIX)
    sent = rows.filter(state=MailState.SENT).count()
    left = rows.exclude(state__in=[MailState.SENT, MailState.SKIPPED]).count()
    line_sent = rows.filter(state=MailState.SENT, channel=Channel.LINE).count()
    fell_back = rows.filter(fell_back=True).count()
    duplicates = sum(n - 1 for n in sink.ids.values() if n > 1) + sum(
        n - 1 for n in line_api.attempts.values() if n > 1)
    missing = sent - len(sink.ids) - len(line_api.pushes)
    total = t2 - t0
    rate = sent / (t2 - t1) if t2 > t1 else 0
    print(f"messages queued          {queued:>8,}  (LINE {line_queued:,})")
    print(f"messages sent (rows)     {sent:>8,}  (LINE {line_sent:,}; by e-mail instead of LINE {fell_back:,})")
    print(f"received at the sink     {sink.messages:>8,}  (distinct notifications {len(sink.ids):,})")
    print(f"LINE pushes accepted     {len(line_api.pushes):>8,}  (push requests {sum(line_api.attempts.values()):,}, "
          f"distinct retry keys {len(line_api.attempts):,})")
    print(f"duplicates at the sink   {duplicates:>8,}")
    print(f"sent but not received    {missing:>8,}")
    print(f"not sent (queued/failed) {left:>8,}")
    print(f"second pass, same day    {again['due'] + again['review'] + again['digest']:>8,} new")
    print(f"time: pass {t1 - t0:.1f} s, sending {t2 - t1:.1f} s with {args.workers} workers, total {total:.1f} s; "
          f"{rate:.0f} messages/s sending, {sent / total if total else 0:.0f} messages/s overall; "
          f"{os.cpu_count()} cores")
    ok = (duplicates == 0 and left == 0 and missing == 0 and sent == queued and total < LIMIT_SECONDS
          and again["due"] + again["review"] + again["digest"] == 0
          and (not args.line or (line_sent == queued and fell_back == 0)))
    channel = "LINE message" if args.line else "reminder"
    print(f"{'PASS' if ok else 'FAIL'}: every {channel} sent once in under {LIMIT_SECONDS} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
