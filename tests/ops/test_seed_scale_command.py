"""seed_scale: the synthetic national dataset the benches read, here at a size a test can afford:
bodies with scores, plans and published documents (measures, and a 6-month report for some),
and the measure library's rows of what it published."""

import io
import json
import signal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder

from assessments.documents import Doc
from assessments.models import Assessment, IndicatorScore
from library.models import LibraryEntry
from measures.models import Measure, MeasurePlan, ProgressEntry, Status
from ops import scale
from reports import builders
from reports.models import PublishedDocument


def seeded_documents():
    return PublishedDocument.objects.filter(org__slug__startswith="scale-").order_by("pk")


def as_built(document):
    """What builders.build gives for this document's plan (and round) now, as stored JSON."""
    plan = MeasurePlan.objects.select_related("org", "org__province").get(org=document.org_id,
                                                                           fiscal_year=document.fiscal_year)
    progress_round = plan.rounds.get(months=6) if document.doc == Doc.RESULTS_6M else None
    return json.loads(json.dumps(builders.build(plan, document.doc, progress_round), cls=DjangoJSONEncoder))


@pytest.mark.django_db
def test_it_builds_bodies_with_published_documents_and_their_library_rows():
    out = io.StringIO()
    call_command("seed_scale", "--bodies", "12", "--years", "1", "--published", "6", stdout=out)

    published = seeded_documents()
    assert published.filter(doc=Doc.MEASURES).count() == 6
    assert published.filter(doc=Doc.RESULTS_6M).exists()
    assert LibraryEntry.objects.filter(org_slug__startswith="scale-").exists()
    assert "หน่วยงาน 12 แห่ง" in out.getvalue()
    # The rows written in bulk are whole: scores with their level, measures, both rounds' entries.
    assert Assessment.objects.filter(org__slug__startswith="scale-").exclude(overall=None).count() == 12
    assert IndicatorScore.objects.filter(assessment__org__slug__startswith="scale-").count() == 12 * 10
    plans = MeasurePlan.objects.filter(org__slug__startswith="scale-")
    assert plans.filter(status=Status.PUBLISHED).count() == 6
    measures = Measure.objects.filter(plan__in=plans)
    assert measures.count() >= 12 * 8 and all(m.monitoring_rounds == [6, 12] for m in measures)
    assert ProgressEntry.objects.filter(measure__in=measures).count() == 2 * measures.count()


@pytest.mark.django_db
def test_each_published_snapshot_is_what_builders_build_gives_for_its_plan():
    call_command("seed_scale", "--bodies", "9", "--years", "2", "--published", "5", stdout=io.StringIO())

    documents = list(seeded_documents())
    assert {d.doc for d in documents} == {Doc.MEASURES, Doc.RESULTS_6M}
    for document in documents:
        assert document.snapshot == as_built(document), (document.org.slug, document.doc)
    # each built from its own plan: no two bodies' documents alike
    assert len({json.dumps(d.snapshot["rows"]) for d in documents if d.doc == Doc.MEASURES}) == 5


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="the documents are published by worker processes on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_worker_processes_publish_the_same_documents(demo_db, monkeypatch):
    monkeypatch.setattr(scale, "PUBLISH_CHUNK", 2)  # three chunks over two processes
    # A handler of this process's own that does not end it (a db_worker run here earlier sets one):
    # the pool's workers still end on its SIGTERM (the pool waited for ever before).
    kept = signal.signal(signal.SIGTERM, lambda *_args: None)
    try:
        call_command("seed_scale", "--bodies", "8", "--years", "1", "--published", "6", "--workers", "2",
                     stdout=io.StringIO())
    finally:
        signal.signal(signal.SIGTERM, kept)

    documents = list(seeded_documents())
    assert len(documents) == 6 + 2  # and the 6-month reports of the first and the fourth
    for document in documents:
        assert document.snapshot == as_built(document)
    assert LibraryEntry.objects.filter(org_slug__startswith="scale-").values("org_id").distinct().count() == 6


@pytest.mark.django_db
def test_it_refuses_to_build_twice_without_reset():
    call_command("seed_scale", "--bodies", "3", "--years", "1", "--published", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", "--bodies", "3", "--years", "1", stdout=io.StringIO())
