"""Portable backup and restore: the database as Django fixtures (works on SQLite and
PostgreSQL alike) plus every file under MEDIA_ROOT, in one .tar.gz with a manifest."""

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common import public_cache
from common.errors import Refusal

# Kept previews (reports/previews.py) are rendered again on demand: neither their rows nor their files.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "reports.PreviewRender"]
FORMAT = 1


def backup(output: Path) -> dict:
    from reports.files import PENDING
    from reports.models import PublishedDocument
    from reports.previews import FOLDER as PREVIEWS

    data = io.StringIO()
    call_command("dumpdata", "--natural-foreign", "--natural-primary", *sum((["-e", e] for e in EXCLUDE), []),
                 stdout=data)
    payload = data.getvalue().encode("utf-8")
    media = Path(settings.MEDIA_ROOT)
    # Not the files a publish was still writing (pending/): no row names them (reports/files.py).
    files = sorted(p for p in media.rglob("*") if p.is_file() and not
                   p.relative_to(media).as_posix().startswith((PENDING, PREVIEWS))) if media.exists() else []
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "objects": len(json.loads(payload)),
        "media_files": len(files),
        "published": {d.file.name: d.sha256 for d in PublishedDocument.objects.all()},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(output, "w:gz") as archive:
        for name, content in (("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode()),
                              ("data.json", payload)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for path in files:
            archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
    return manifest


class RestoreError(Refusal):
    """A backup refused whole, nothing restored (a Thai sentence)."""


# Rows that name a file by its SHA-256: every such file in a backup is checked against its row
# before anything is written.
# Models that moved to another app since a backup may have been made: their rows load under the
# new label (the table is the same: library/migrations/0001).
MOVED_MODELS = {"reports.libraryentry": "library.libraryentry",
                "reports.libraryindicator": "library.libraryindicator"}
HASHED_FILES = {"reports.publisheddocument": "file", "reports.signatureimage": "image",
                "reports.usersignature": "image", "reports.logoimage": "image"}


def restore(source: Path, *, force: bool = False) -> dict:
    """Load a backup into an empty database and MEDIA_ROOT, all or nothing.

    First everything is checked, nothing written: the manifest, every file's name (inside
    MEDIA_ROOT), and the SHA-256 of every file a row of the backup names with its hash
    (published documents, kept signatures and logos), each file unpacked to a staging folder
    outside MEDIA_ROOT. Then one transaction loads the rows and moves the staged files into
    MEDIA_ROOT; any error rolls the rows back and removes the files it placed, so a refused
    restore leaves the database as empty as it found it and the next restore can run."""
    from assessments.models import Organization

    if Organization.objects.exists() and not force:
        raise RestoreError(_("ฐานข้อมูลไม่ว่าง: กู้คืนได้เฉพาะฐานข้อมูลเปล่า (หรือใช้ --force)"))
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=media.parent) as folder:
        staging = Path(folder) / "media"
        with tarfile.open(source, "r:gz") as archive:
            manifest = json.loads(archive.extractfile("manifest.json").read())
            if manifest.get("format") != FORMAT:
                raise RestoreError(_("รูปแบบไฟล์สำรองไม่รองรับ"))
            objects = _current_labels(json.loads(archive.extractfile("data.json").read()))
            hashes = _stage_media(archive, staging, media)
        _verify(objects, hashes)
        payload = json.dumps(objects, ensure_ascii=False).encode()
        fixture = Path(folder) / "data.json"
        fixture.write_bytes(payload)
        placed = []
        try:
            # The history rows come from the backup; do not record new ones while loading.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(fixture), verbosity=0)
                for name in sorted(hashes):
                    target = media / name
                    existed = target.exists()
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(staging / name, target)
                    if not existed:
                        placed.append(target)
        except BaseException:
            for target in placed:
                target.unlink(missing_ok=True)
            raise
    public_cache.bump_all()  # a cache that outlived the old database must not answer for the new one
    return manifest


def _current_labels(objects: list) -> list:
    """The backup's rows under today's model labels (MOVED_MODELS)."""
    for row in objects if isinstance(objects, list) else ():
        if isinstance(row, dict) and row.get("model") in MOVED_MODELS:
            row["model"] = MOVED_MODELS[row["model"]]
    return objects


def _stage_media(archive, staging: Path, media: Path) -> dict[str, str]:
    """Unpack the backup's media files into ``staging``; {name under MEDIA_ROOT: SHA-256}.
    A name that would land outside MEDIA_ROOT refuses the whole backup."""
    hashes = {}
    for member in archive.getmembers():
        if not member.isfile() or not member.name.startswith("media/"):
            continue
        name = member.name[len("media/"):]
        if not (media / name).resolve().is_relative_to(media.resolve()) or \
                not (staging / name).resolve().is_relative_to(staging.resolve()):
            raise RestoreError(_("ชื่อไฟล์ไม่ปลอดภัยในไฟล์สำรอง: %(name)s") % {"name": member.name})
        data = archive.extractfile(member).read()
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        hashes[name] = hashlib.sha256(data).hexdigest()
    return hashes


def _verify(objects: list, hashes: dict[str, str]) -> None:
    """Every file a row of the backup names with its SHA-256 is in the backup, with that hash."""
    missing, mismatched = [], []
    for row in objects:
        field = HASHED_FILES.get(row.get("model", ""))
        if field is None:
            continue
        name, digest = row["fields"].get(field), row["fields"].get("sha256")
        if not name:
            continue
        if name not in hashes:
            missing.append(name)
        elif hashes[name] != digest:
            mismatched.append(name)
    if missing:
        raise RestoreError(_("ไม่พบไฟล์ที่ข้อมูลในไฟล์สำรองอ้างถึง จึงไม่ได้กู้คืนสิ่งใด: %(files)s") % {
            "files": ", ".join(missing)})
    if mismatched:
        raise RestoreError(_("ไฟล์เอกสารที่เผยแพร่ไม่ตรงกับ SHA-256 จึงไม่ได้กู้คืนสิ่งใด: %(files)s") % {
            "files": ", ".join(mismatched)})
