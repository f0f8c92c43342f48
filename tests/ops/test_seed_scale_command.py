"""seed_scale: the synthetic national dataset the benches read, here at a size a test can afford:
bodies with scores, plans and published documents (measures, and a 6-month report for some),
and the measure library's rows of what it published."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.documents import Doc
from library.models import LibraryEntry
from reports.models import PublishedDocument


@pytest.mark.django_db
def test_it_builds_bodies_with_published_documents_and_their_library_rows():
    out = io.StringIO()
    call_command("seed_scale", "--bodies", "12", "--years", "1", "--published", "6", stdout=out)

    published = PublishedDocument.objects.filter(org__slug__startswith="scale-")
    assert published.filter(doc=Doc.MEASURES).count() == 6
    assert published.filter(doc=Doc.RESULTS_6M).exists()
    assert LibraryEntry.objects.filter(org_slug__startswith="scale-").exists()
    assert "หน่วยงาน 12 แห่ง" in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_to_build_twice_without_reset():
    call_command("seed_scale", "--bodies", "3", "--years", "1", "--published", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", "--bodies", "3", "--years", "1", stdout=io.StringIO())
