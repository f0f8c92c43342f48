"""`manage.py backup` / `restore`: into an empty database, every published document hashes the same."""

import hashlib
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Organization
from measures.models import Measure
from reports.models import PublishedDocument


def hashes():
    result = {}
    for document in PublishedDocument.objects.all():
        with document.file.open("rb") as handle:
            result[(document.org.slug, document.fiscal_year, document.doc, document.version)] = \
                hashlib.sha256(handle.read()).hexdigest()
    return result


def test_a_backup_restores_into_an_empty_database_with_identical_documents(demo_db, tmp_path):
    before = hashes()
    counts = (Organization.objects.count(), Assessment.objects.count(), Measure.objects.count())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    media = settings.MEDIA_ROOT
    shutil.rmtree(media, ignore_errors=True)
    assert not PublishedDocument.objects.exists()

    out = io.StringIO()
    cached_pages = cache.get("pubver:all", 0)
    call_command("restore", str(archive), stdout=out)
    assert "ตรงกับ SHA-256 ทุกฉบับ" in out.getvalue()
    assert cache.get("pubver:all", 0) > cached_pages  # pages cached before the restore are stale
    assert hashes() == before and len(before) >= 8
    assert (Organization.objects.count(), Assessment.objects.count(), Measure.objects.count()) == counts
    with pytest.raises(CommandError, match="ฐานข้อมูลไม่ว่าง"):
        call_command("restore", str(archive), stdout=io.StringIO())


def tampered(archive, out):
    """A copy of ``archive`` with one byte changed in one published PDF."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as copy:
        changed = False
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if data is not None and not changed and member.name.startswith("media/published/"):
                data = data[:200] + bytes([data[200] ^ 1]) + data[201:]
                changed = True
            copy.addfile(member, io.BytesIO(data) if data is not None else None)
    assert changed
    return out


def test_a_tampered_backup_is_refused_whole_and_a_good_one_then_restores(demo_db, tmp_path):
    before = hashes()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    bad = tampered(archive, tmp_path / "tampered.tar.gz")
    call_command("flush", interactive=False, verbosity=0)
    media = Path(settings.MEDIA_ROOT)
    shutil.rmtree(media, ignore_errors=True)

    with pytest.raises(CommandError, match="ไฟล์เอกสารที่เผยแพร่ไม่ตรงกับ SHA-256"):
        call_command("restore", str(bad), stdout=io.StringIO())
    assert not Organization.objects.exists() and not PublishedDocument.objects.exists()  # no row loaded
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))  # no file written

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)  # not "ฐานข้อมูลไม่ว่าง"
    assert "ตรงกับ SHA-256 ทุกฉบับ" in out.getvalue()
    assert hashes() == before and len(before) >= 8


def with_old_library_labels(archive, out):
    """A copy of ``archive`` as a backup made before the measure library had its own app."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == "data.json":
                data = data.replace(b'"model": "library.library', b'"model": "reports.library')
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


def test_it_restores_a_backup_made_when_the_library_rows_belonged_to_reports(demo_db, tmp_path):
    from library.models import LibraryEntry, LibraryIndicator

    counts = (LibraryEntry.objects.count(), LibraryIndicator.objects.count())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    old = with_old_library_labels(archive, tmp_path / "old.tar.gz")
    with tarfile.open(old, "r:gz") as copy:
        assert b'"model": "reports.libraryentry"' in copy.extractfile("data.json").read()
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)

    call_command("restore", str(old), stdout=io.StringIO())
    assert (LibraryEntry.objects.count(), LibraryIndicator.objects.count()) == counts and counts[0] > 0


def test_a_restore_that_fails_while_loading_leaves_no_row_and_no_file(demo_db, tmp_path, monkeypatch):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    media = Path(settings.MEDIA_ROOT)
    shutil.rmtree(media, ignore_errors=True)
    real_move = shutil.move
    moved = []

    def move_then_fail(source, target):
        if len(moved) == 3:
            raise OSError("disk full")
        moved.append(target)
        return real_move(source, target)

    monkeypatch.setattr(shutil, "move", move_then_fail)
    with pytest.raises(OSError, match="disk full"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert len(moved) == 3
    assert not Organization.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))
