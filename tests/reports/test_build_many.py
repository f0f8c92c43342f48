"""builders.build_many: many documents' contexts from reads made for all of them together
(seed_scale publishes thousands this way), each exactly what builders.build gives alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Organization
from measures import services as measure_services
from measures.models import MeasurePlan, ProgressRound
from reports import builders, documents, services
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, user


def every_document(plans):
    """(plan, doc, round) of every document of these plans: the measures, the analysis and each
    round's report, the rounds' ``plan`` with its org and province as seed_scale loads them."""
    rounds = ProgressRound.objects.filter(plan__in=plans).select_related("plan__org__province").order_by("pk")
    wanted = [(plan, doc, None) for plan in plans for doc in ("measures", "analysis")]
    return wanted + [(r.plan, documents.round_doc(r.months), r) for r in rounds]


def plans(**filters):
    return list(MeasurePlan.objects.filter(**filters).select_related("org", "org__province").order_by("pk"))


@pytest.mark.django_db
def test_it_builds_every_seed_document_exactly_as_build_does():
    # The five seed bodies' plans of every year: approved and published ones with their signers,
    # a results report listing the approved measures, report settings with chosen columns,
    # plans never approved and records of published documents.
    wanted = every_document(plans())
    assert len({plan.pk for plan, _doc, _round in wanted}) >= 5 and any(r for _p, _d, r in wanted)
    assert any(builders.ONE_BY_ONE.approval(plan, r) for plan, _doc, r in wanted)  # some are signed

    assert builders.build_many(wanted) == [builders.build(*w) for w in wanted]


@pytest.mark.django_db
def test_it_builds_a_document_signed_with_a_signature_image_as_build_does():
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    services.signature_save(user=user(APPROVER), image=_png(), name="นายสมชาย ผู้บริหาร", position="นายกเทศมนตรี")
    for action, who in (("submit", EDITOR), ("approve", APPROVER)):
        measure_services.document_transition(plan=plan, progress_round=None, actor=user(who), action=action)
    wanted = every_document(plans(pk=plan.pk))

    built = builders.build_many(wanted)

    assert built[0]["signature"]["approver"]["signature_sha256"]
    assert built == [builders.build(*w) for w in wanted]


@pytest.mark.django_db
def test_its_reads_do_not_grow_with_the_number_of_documents():
    # An approval with signers reads their signatures itself (_signature): the others only.
    unsigned = [w for w in every_document(plans()) if w[1] != "analysis" and
                builders.ONE_BY_ONE.approval(w[0], w[2]) is None]
    builders.build_many(unsigned)  # the framework catalogue, kept by the process

    two = [next(w for w in unsigned if w[2] is None), next(w for w in unsigned if w[2] is not None)]
    counts = []
    for wanted in (two, unsigned):
        with CaptureQueriesContext(connection) as queries:
            builders.build_many(wanted)
        counts.append(len(queries))

    assert len(unsigned) > 2 and counts == [8, 8]


def _png() -> bytes:
    from tests.reports.test_signature import signature_png

    return signature_png()
