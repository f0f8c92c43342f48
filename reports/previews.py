"""Staff previews of the documents, kept by content and rendered in the background when long
(docs/ARCHITECTURE.md, "Previews").

A preview's **key** is the SHA-256 of everything that makes its PDF: the body, year and document,
the document's context as built (the data, columns, Thai numerals, layout options, signature
block: reports/builders.py), the draft mark, the logo's SHA-256 and the renderer's own version
(``renderer_version``: its code, templates, fonts and library versions). Building the context
costs tens of milliseconds; rendering a long document costs seconds (a 30-measure plan at the
maximum field lengths is 166 to 242 pages). So a request:

1. builds the context and its key;
2. a ready render of that key (``PreviewRender``): its file, at once;
3. one queued or running: the progress page (it polls ``status``; a worker that died is replaced);
4. a failed one: the Thai failure page (``?retry=1`` starts it again);
5. a miss: a document small enough is rendered in the request, kept and served as before: where
   the render can be stopped at its deadline (the main thread: gunicorn's sync workers) it is
   tried for at most ``PREVIEW_INLINE_SECONDS`` when its context is at most ``TRY_CHARS`` long;
   elsewhere (runserver's threads) only a context of at most ``SMALL_CHARS``. Anything else, or a
   try past its budget, is queued for the worker (``tasks.render_preview``) and the answer is the
   progress page.

The same key is rendered once: one row per key (unique), the request that made the row queues
its task, and a task renders only the row it moved from queued to running. A render kept
replaces the older renders of the same document of the body; renders unread for
``PREVIEW_KEEP_DAYS`` are removed too, and the file sweep removes files no row names."""

import datetime
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from common.memo import memoize

from . import files, render, services
from .models import PreviewRender

log = logging.getLogger(__name__)

FOLDER = "previews/"
# A context (as canonical JSON, characters) at most this long is tried in the request where the
# render can be stopped at its budget: past it no document renders within a second (tables print
# about 40 to 170 ms per thousand characters on this workplace's machine, bench/render.py).
TRY_CHARS = 60_000
# ... and at most this long is rendered in the request where it cannot be stopped (runserver's
# threads): every seed document (at most 16,400 characters, about 0.2 to 0.6 s).
SMALL_CHARS = 20_000
# A render queued this long without a worker taking it is queued again (the first task may have
# been lost); one running this long past its budget is taken to be a worker that died.
QUEUE_LEASE = datetime.timedelta(minutes=10)
RUN_GRACE = datetime.timedelta(minutes=2)
READ_MARK_EVERY = datetime.timedelta(hours=1)  # how often a read moves read_at (a write per hour at most)
PRUNE_BATCH = 200
# The renderer's own inputs besides the context: a change of any makes every key new.
RENDERER_FILES = ["reports/render.py", "reports/builders.py", "reports/documents.py", "reports/charts.py",
                  "reports/templatetags/*.py", "assessments/documents.py", "common/thai.py",
                  "common/templatetags/thai.py", "templates/reports/*.html", "static/fonts/SarabunPDF-*.ttf",
                  "static/fonts/sarabun-pdf-text.json", "locale/th/LC_MESSAGES/django.mo"]
RENDERER_PACKAGES = ["weasyprint", "pydyf", "fonttools", "pythainlp", "tinycss2", "cssselect2"]


def inline_seconds() -> float:
    return float(settings.PREVIEW_INLINE_SECONDS)


def render_seconds() -> float:
    return float(settings.PREVIEW_RENDER_TIMEOUT_SECONDS)


def keep_days() -> int:
    return int(settings.PREVIEW_KEEP_DAYS)


@memoize("preview renderer version")
def renderer_version() -> str:
    """A hash of the renderer's code, templates, fonts and libraries (read once per process: a
    deploy restarts the processes)."""
    from importlib import metadata

    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for pattern in RENDERER_FILES:
        for path in sorted(base.glob(pattern)):
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for package in RENDERER_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-\0".encode())
    return digest.hexdigest()


def logo_digest(logo: bytes | None) -> str:
    return hashlib.sha256(logo).hexdigest() if logo else ""


@dataclass
class Preview:
    """One document of one body-year as a preview would print it now."""

    org: object
    fiscal_year: int
    doc: str
    context: dict
    draft: bool
    logo: bytes | None
    key: str = field(init=False)
    size: int = field(init=False)  # characters of the canonical JSON: how long the render may take

    def __post_init__(self):
        material = json.dumps({"org": self.org.pk, "fiscal_year": self.fiscal_year, "doc": self.doc,
                               "draft": self.draft, "logo": logo_digest(self.logo), "renderer": renderer_version(),
                               "context": self.context},
                              sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        self.key = hashlib.sha256(material.encode()).hexdigest()
        self.size = len(material)


def preview_of(plan, doc, progress_round=None) -> Preview:
    """The preview of ``doc`` of ``plan`` (and its round) as it prints now: what was approved,
    once approved (services.document_context)."""
    from . import documents

    context = services.document_context(plan, doc, progress_round)
    return Preview(org=plan.org, fiscal_year=plan.fiscal_year, doc=doc, context=context,
                   draft=documents.is_draft(plan, progress_round), logo=services.document_logo(context, plan.org))


@dataclass
class Answer:
    """``state``: "ready" (``data`` holds the PDF), "waiting" (queued or running) or "failed"."""

    state: str
    row: PreviewRender | None
    data: bytes | None = None


def answer(preview: Preview, *, retry: bool = False) -> Answer:
    """What a request for ``preview`` gets (see the module's docstring)."""
    row = PreviewRender.objects.filter(key=preview.key).defer("context").first()
    if row is not None and retry and row.state == PreviewRender.State.FAILED:
        PreviewRender.objects.filter(pk=row.pk, state=PreviewRender.State.FAILED).delete()
        row = None
    if row is not None:
        found = _answer_for(row)
        if found is not None:
            return found
    budget = inline_budget(preview)
    if budget is not None:
        started = time.monotonic()
        try:
            pdf = render.render_pdf(preview.context, draft=preview.draft, logo=preview.logo,
                                    signatures=services.signature_bytes(preview.context), seconds=budget)
        except render.RenderTimeout:
            pass  # longer than the request may take: the worker renders it
        except Exception:
            log.exception("preview %s %s %s failed in the request", preview.org.slug, preview.fiscal_year,
                          preview.doc)
            return Answer("failed", _keep_failure(preview, PreviewRender.Failure.ERROR))
        else:
            return Answer("ready", _keep_ready(preview, pdf, seconds=time.monotonic() - started), pdf.data)
    row = queue(preview)
    return _answer_for(row) or Answer("waiting", row)


def inline_budget(preview: Preview) -> float | None:
    """Seconds the request may render ``preview`` itself, or None: the worker renders it."""
    seconds = inline_seconds()
    if seconds <= 0:
        return None
    if render.stops_in_time():
        if preview.size > TRY_CHARS:
            return None
        limit = settings.RENDER_TIMEOUT_SECONDS
        return min(seconds, limit) if limit and limit > 0 else seconds
    # Here a budget can only be checked once the render is done: only a small document, with the
    # budget every render has.
    return settings.RENDER_TIMEOUT_SECONDS if preview.size <= SMALL_CHARS else None


def _answer_for(row: PreviewRender) -> Answer | None:
    """The answer a row gives, or None when it gives none (its file is gone: the row is removed)."""
    if row.state == PreviewRender.State.READY:
        data = read(row)
        if data is not None:
            return Answer("ready", row, data)
        PreviewRender.objects.filter(pk=row.pk).delete()
        return None
    if row.state == PreviewRender.State.FAILED:
        return Answer("failed", row)
    revive(row)
    return Answer("waiting", row)


def read(row: PreviewRender) -> bytes | None:
    """A ready render's PDF (its read time moved on, at most once an hour), or None if its file is gone."""
    try:
        with files.storage().open(row.file.name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        log.warning("preview file %s is missing; rendering again", row.file.name)
        return None
    now = timezone.now()
    if row.read_at is None or row.read_at < now - READ_MARK_EVERY:
        PreviewRender.objects.filter(pk=row.pk).update(read_at=now)
    return data


def queue(preview: Preview) -> PreviewRender:
    """The row of ``preview``'s key, made and its render queued if there was none. Two requests at
    once make one row (the key is unique); only the one that made it queues the task."""
    now = timezone.now()
    try:
        with transaction.atomic():
            row = PreviewRender.objects.create(
                key=preview.key, org=preview.org, fiscal_year=preview.fiscal_year, doc=preview.doc,
                draft=preview.draft, logo_sha256=logo_digest(preview.logo), context=preview.context,
                enqueued_at=now)
    except IntegrityError:
        return PreviewRender.objects.defer("context").get(key=preview.key)
    _enqueue(row)
    # As it is now (an immediate task backend, the tests', has rendered it already).
    return PreviewRender.objects.defer("context").get(pk=row.pk)


def _enqueue(row: PreviewRender) -> None:
    # The database task backend writes the task in the same database, so a task never runs before
    # the row it names is committed with it.
    from .tasks import render_preview

    render_preview.enqueue(row.pk)


def revive(row: PreviewRender) -> None:
    """A render whose worker died (running long past its budget) or whose task was lost (queued
    too long) is queued again, by one request only; the task takes it only if it is still queued."""
    now = timezone.now()
    budget = render_seconds()
    if row.state == PreviewRender.State.RUNNING and row.started_at is not None:
        limit = datetime.timedelta(seconds=budget) + RUN_GRACE if budget > 0 else QUEUE_LEASE
        if row.started_at < now - limit and PreviewRender.objects.filter(
                pk=row.pk, state=PreviewRender.State.RUNNING, started_at=row.started_at).update(
                    state=PreviewRender.State.QUEUED, started_at=None, enqueued_at=now):
            log.warning("preview %s: its render started at %s never finished; queued again", row.key[:12],
                        row.started_at)
            _enqueue(row)
    elif row.state == PreviewRender.State.QUEUED and row.enqueued_at and row.enqueued_at < now - QUEUE_LEASE:
        if PreviewRender.objects.filter(pk=row.pk, state=PreviewRender.State.QUEUED,
                                        enqueued_at=row.enqueued_at).update(enqueued_at=now):
            log.warning("preview %s: queued since %s and not taken; queued again", row.key[:12], row.enqueued_at)
            _enqueue(row)


def run(render_id: int) -> str:
    """The worker's part: render the row if it is still queued (a twin task finds it taken)."""
    now = timezone.now()
    if not PreviewRender.objects.filter(pk=render_id, state=PreviewRender.State.QUEUED).update(
            state=PreviewRender.State.RUNNING, started_at=now, attempts=F("attempts") + 1):
        return "taken"
    row = PreviewRender.objects.select_related("org").get(pk=render_id)
    context = row.context or {}
    logo = services.document_logo(context, row.org)
    if logo_digest(logo) != row.logo_sha256:
        # The body's logo changed after the request: this key would print the old one. The page
        # asks again and gets the new key.
        PreviewRender.objects.filter(pk=row.pk).delete()
        return "changed"
    started = time.monotonic()
    try:
        pdf = render.render_pdf(context, draft=row.draft, logo=logo, signatures=services.signature_bytes(context),
                                seconds=render_seconds())
    except render.RenderTimeout:
        log.warning("preview %s (%s %s %s) ran past %s s", row.key[:12], row.org.slug, row.fiscal_year, row.doc,
                    render_seconds())
        _fail(row, PreviewRender.Failure.TIMEOUT, started)
        return "timeout"
    except Exception:
        log.exception("preview %s (%s %s %s) failed", row.key[:12], row.org.slug, row.fiscal_year, row.doc)
        _fail(row, PreviewRender.Failure.ERROR, started)
        return "error"
    name = files.storage().save(f"{FOLDER}{row.key}.pdf", ContentFile(pdf.data))
    if not PreviewRender.objects.filter(pk=row.pk, state=PreviewRender.State.RUNNING).update(
            state=PreviewRender.State.READY, file=name, size=len(pdf.data), pages=pdf.pages,
            seconds=round(time.monotonic() - started, 3), finished_at=timezone.now(), read_at=timezone.now(),
            context=None):
        _delete_files([name])  # removed meanwhile (a newer render replaced it)
        return "dropped"
    row.refresh_from_db()
    prune(row)
    return "ready"


def _fail(row, failure, started) -> None:
    PreviewRender.objects.filter(pk=row.pk, state=PreviewRender.State.RUNNING).update(
        state=PreviewRender.State.FAILED, failure=failure, seconds=round(time.monotonic() - started, 3),
        finished_at=timezone.now(), context=None)


def _keep_ready(preview: Preview, pdf, *, seconds: float) -> PreviewRender:
    """A render made in the request, kept like a worker's (a twin request's row may exist: it is
    left, and this one served)."""
    now = timezone.now()
    name = files.storage().save(f"{FOLDER}{preview.key}.pdf", ContentFile(pdf.data))
    try:
        with transaction.atomic():
            row = PreviewRender.objects.create(
                key=preview.key, org=preview.org, fiscal_year=preview.fiscal_year, doc=preview.doc,
                draft=preview.draft, logo_sha256=logo_digest(preview.logo), state=PreviewRender.State.READY,
                file=name, size=len(pdf.data), pages=pdf.pages, seconds=round(seconds, 3), started_at=now,
                finished_at=now, read_at=now)
    except IntegrityError:
        _delete_files([name])
        return PreviewRender.objects.filter(key=preview.key).first()
    prune(row)
    return row


def _keep_failure(preview: Preview, failure) -> PreviewRender:
    now = timezone.now()
    try:
        with transaction.atomic():
            return PreviewRender.objects.create(
                key=preview.key, org=preview.org, fiscal_year=preview.fiscal_year, doc=preview.doc,
                draft=preview.draft, logo_sha256=logo_digest(preview.logo), state=PreviewRender.State.FAILED,
                failure=failure, finished_at=now)
    except IntegrityError:
        return PreviewRender.objects.get(key=preview.key)


def prune(row: PreviewRender) -> int:
    """Remove the finished renders ``row`` replaces (the same document of the body, made before it)
    and up to ``PRUNE_BATCH`` renders nobody read for ``PREVIEW_KEEP_DAYS``; how many."""
    finished = [PreviewRender.State.READY, PreviewRender.State.FAILED]
    replaced = list(PreviewRender.objects.filter(
        org_id=row.org_id, fiscal_year=row.fiscal_year, doc=row.doc, state__in=finished,
        created_at__lt=row.created_at).exclude(pk=row.pk).values_list("pk", "file"))
    cutoff = timezone.now() - datetime.timedelta(days=keep_days())
    unread = list(PreviewRender.objects.filter(state__in=finished, read_at__lt=cutoff).exclude(pk=row.pk)
                  .values_list("pk", "file")[:PRUNE_BATCH])
    gone = dict(replaced + unread)
    if not gone:
        return 0
    PreviewRender.objects.filter(pk__in=list(gone)).delete()
    _delete_files([name for name in gone.values() if name])
    return len(gone)


def _delete_files(names) -> None:
    store = files.storage()
    for name in names:
        try:
            store.delete(name)
        except Exception:  # noqa: BLE001 - the sweep removes what no row names
            log.warning("could not remove the preview file %s; the sweep will", name, exc_info=True)


def status(row: PreviewRender | None) -> dict:
    """What the progress page's script reads: the state and how long it has waited."""
    if row is None:
        return {"state": "gone"}
    if row.state in (PreviewRender.State.QUEUED, PreviewRender.State.RUNNING):
        revive(row)
    since = row.enqueued_at or row.created_at
    return {"state": row.state, "failure": row.failure,
            "waited": max(int((timezone.now() - since).total_seconds()), 0) if since else 0}
