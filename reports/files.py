"""Files a transaction adopts, and the sweep of those it never did (docs/ARCHITECTURE.md,
"Publishing, step by step").

A published PDF is rendered and written under a temporary name (``pending/``) before the
transaction that stores its version; inside that transaction it is moved to its final name
and the row naming it is inserted, so a row is never committed without its file. A publish
that does not commit removes what it wrote (``discard``). What a crash can still leave — a
pending file, or a file moved by a transaction that never committed — is a file that no row
names: ``sweep`` removes such files once they are older than ``FILE_SWEEP_MINUTES`` (so never
one whose transaction is still running). The worker sweeps the body-year's folder after each
publish, and ``manage.py sweep_files`` (cron, or ``--loop``) sweeps every folder."""

import datetime
import logging
import os
import uuid

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

log = logging.getLogger(__name__)

PENDING = "pending/"
# Folders of files that rows name, and the (model, field) naming them. ``pending/`` holds only
# files no row names yet.
SWEPT = {
    "published/": ("reports.PublishedDocument", "file"),
    "logos/approved/": ("reports.LogoImage", "image"),
    "signatures/approved/": ("reports.SignatureImage", "image"),
    "previews/": ("reports.PreviewRender", "file"),  # kept staff previews (reports/previews.py)
    PENDING: None,
}


def storage():
    return default_storage


def write_pending(data: bytes, suffix: str = ".pdf") -> str:
    """``data`` stored under a new temporary name; the name."""
    return storage().save(f"{PENDING}{uuid.uuid4().hex}{suffix}", ContentFile(data))


def adopt(pending: str, target: str) -> str:
    """Move a pending file to its final name (inside the transaction that inserts the row
    naming it); the name it got. On a local disk a rename (atomic); elsewhere a copy, then the
    pending file is deleted."""
    store = storage()
    try:
        source, destination = store.path(pending), store.path(target)
    except NotImplementedError:  # object storage (S3): no rename
        with store.open(pending, "rb") as handle:
            name = store.save(target, handle)
        store.delete(pending)
        return name
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    os.replace(source, destination)
    return target


def discard(*names: str) -> None:
    """Remove files a publish wrote and did not commit; a file some row names stays (a commit
    that failed only on its way back), and any error leaves the file to the sweep."""
    store = storage()
    for name in names:
        if not name:
            continue
        try:
            if _named(name):
                continue
            store.delete(name)
        except Exception:  # noqa: BLE001 - the sweep removes it later
            log.warning("could not remove the unadopted file %s; the sweep will", name, exc_info=True)


def _owner(name: str):
    for folder, owner in SWEPT.items():
        if name.startswith(folder):
            return folder, owner
    return None, None


def _named(name: str) -> bool:
    _folder, owner = _owner(name)
    if owner is None:
        return False
    model, field = owner
    return apps.get_model(model).objects.filter(**{field: name}).exists()


def _walk(folder: str):
    store = storage()
    try:
        folders, files = store.listdir(folder.rstrip("/"))
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder.rstrip('/')}/{name}"
    for sub in folders:
        yield from _walk(f"{folder.rstrip('/')}/{sub}/")


def sweep_minutes() -> int:
    return settings.FILE_SWEEP_MINUTES


def sweep(*, folders=None, older_than: datetime.timedelta | None = None) -> list[str]:
    """Delete the files under ``folders`` (default: every swept folder; each must lie inside one
    of ``SWEPT``) that no row names and that are older than ``older_than`` (default
    ``FILE_SWEEP_MINUTES``); the names deleted."""
    older_than = datetime.timedelta(minutes=sweep_minutes()) if older_than is None else older_than
    cutoff = timezone.now() - older_than
    store = storage()
    removed = []
    for folder in folders or SWEPT:
        root, owner = _owner(folder)
        if root is None:
            raise ValueError(f"{folder} is not a swept folder")
        names = list(_walk(folder))
        if not names:
            continue
        named = set()
        if owner is not None:  # read after listing: a row committed meanwhile is seen
            model, field = owner
            named = set(apps.get_model(model).objects.filter(**{f"{field}__startswith": folder})
                        .values_list(field, flat=True))
        for name in names:
            if name in named:
                continue
            try:
                if store.get_modified_time(name) > cutoff:
                    continue  # perhaps a transaction still running
            except (NotImplementedError, FileNotFoundError, OSError):
                continue
            if _named(name):
                continue
            store.delete(name)
            removed.append(name)
    if removed:
        log.warning("removed %s file(s) no row names: %s", len(removed), ", ".join(removed[:20]))
    return removed
