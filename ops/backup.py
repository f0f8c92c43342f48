"""Portable backup and restore: the database as Django fixtures (works on SQLite and
PostgreSQL alike) plus every file under MEDIA_ROOT, in one .tar.gz with a manifest."""

import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from common import public_cache

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes"]
FORMAT = 1


def backup(output: Path) -> dict:
    from reports.models import PublishedDocument

    data = io.StringIO()
    call_command("dumpdata", "--natural-foreign", "--natural-primary", *sum((["-e", e] for e in EXCLUDE), []),
                 stdout=data)
    payload = data.getvalue().encode("utf-8")
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
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


class RestoreError(Exception):
    pass


def restore(source: Path, *, force: bool = False) -> dict:
    """Load a backup into an empty database and MEDIA_ROOT; verify every published file."""
    from assessments.models import Organization
    from reports.models import PublishedDocument

    if Organization.objects.exists() and not force:
        raise RestoreError("ฐานข้อมูลไม่ว่าง: กู้คืนได้เฉพาะฐานข้อมูลเปล่า (หรือใช้ --force)")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise RestoreError("รูปแบบไฟล์สำรองไม่รองรับ")
        payload = archive.extractfile("data.json").read()
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "data.json"
            fixture.write_bytes(payload)
            # The history rows come from the backup; do not record new ones while loading.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(fixture), verbosity=0)
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("media/"):
                continue
            target = (media / member.name[len("media/"):]).resolve()
            if not target.is_relative_to(media.resolve()):
                raise RestoreError(f"ชื่อไฟล์ไม่ปลอดภัยในไฟล์สำรอง: {member.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
    mismatched = []
    for document in PublishedDocument.objects.all():
        with document.file.open("rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != document.sha256:
                mismatched.append(document.file.name)
    if mismatched:
        raise RestoreError(f"ไฟล์เอกสารที่เผยแพร่ไม่ตรงกับ SHA-256: {', '.join(mismatched)}")
    public_cache.bump_all()  # a cache that outlived the old database must not answer for the new one
    return manifest
