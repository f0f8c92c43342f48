"""Invariants the database itself enforces, not only the forms."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import Assessment, Framework, IndicatorScore, Organization
from tests.factories import ANGTHONG, make_body


def test_the_database_refuses_a_score_above_100(db):
    score = IndicatorScore.objects.filter(assessment__org__slug=ANGTHONG).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorScore.objects.filter(pk=score.pk).update(score=Decimal("100.01"))


def test_the_database_refuses_a_negative_overall(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(org__slug=ANGTHONG).update(overall=Decimal("-0.01"))


def test_one_assessment_per_body_and_year(db):
    existing = Assessment.objects.get(org__slug=ANGTHONG, framework__fiscal_year=2568)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(org=existing.org, framework=existing.framework)


def test_model_validation_refuses_out_of_range_scores_too(db):
    assessment = Assessment(org=Organization.objects.get(slug=ANGTHONG), framework=Framework.objects.get(
        fiscal_year=2567), overall=Decimal("101"))
    with pytest.raises(ValidationError):
        assessment.full_clean()


def test_dla_codes_are_unique_but_optional(db):
    make_body("test-a")
    make_body("test-b")  # two bodies without a DLA code are fine
    body = Organization.objects.get(slug="test-a")
    body.dla_code = "6310101"
    body.save()
    other = Organization.objects.get(slug="test-b")
    other.dla_code = "6310101"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
