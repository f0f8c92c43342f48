"""`manage.py backup` / `restore`: into an empty database, every published document hashes the same."""

import hashlib
import io
import shutil

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


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_identical_documents(tmp_path):
    call_command("setup_demo", "--no-migrate", verbosity=0)
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
