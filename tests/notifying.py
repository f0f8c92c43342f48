"""Helpers of the notification tests: e-mail addresses for the demo people, the database task
queue (the test settings run tasks at once; these tests use the real queue and worker), and
running the real django_tasks_db worker, in this process or as separate processes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from .factories import user

ROOT = Path(__file__).resolve().parent.parent
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def address(username):
    return f"{username}@example.go.th"


def give_emails(*usernames):
    """The demo users have no e-mail address; these get one."""
    people = []
    for username in usernames:
        person = user(username)
        person.email = address(username)
        person.save(update_fields=["email"])
        people.append(person)
    return people


def run_worker(monkeypatch):
    """The real db_worker, in this process, until the queue is empty (--batch). Inside a test's
    transaction the worker must not close the connection between tasks (it would drop the
    transaction and the test's data with it), so only that is turned off."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:  # the worker sets its own handlers: a later test's forked process must end on SIGTERM
        for number, handler in kept.items():
            signal.signal(number, handler)


def worker_database_url() -> str:
    """DATABASE_URL of the test database, for a process of its own (a worker) to open it."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}:" \
           f"{db['PORT'] or 5432}/{db['NAME']}"


def worker_process(settings, *, worker_id, env=None):
    """A separate `manage.py db_worker --batch` process on the test database (the data must be
    committed: transactional tests), sending to the test's SMTP server; ``env``: more settings
    (LINE's, for the Messaging API's stand-in)."""
    url = worker_database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "1", "DATABASE_URL": url,
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "EMAIL_BACKEND": settings.EMAIL_BACKEND,
           "EMAIL_HOST": settings.EMAIL_HOST, "EMAIL_PORT": str(settings.EMAIL_PORT), "PORTAL_URL": settings.PORTAL_URL,
           "LOG_LEVEL": "WARNING", **(env or {})}
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload",
                             "--interval", "0", "--worker-id", worker_id], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
