"""Issue 24 point 3: the portal's own Word file of a seed plan, imported into an empty plan of another
body, gives the same measures field for field (every optional column printed, so every field is in
the file; Thai numerals as the seed bodies print them)."""

import datetime
from decimal import Decimal

import pytest

from imports import mapping, reading, services
from measures import services as measure_services
from measures.models import MeasurePlan
from reports import builders, docx
from reports.documents import MEASURE_TABLE
from reports.models import ReportSettings
from tests.factories import EDITOR, make_body, user

SEED_PLANS = [("abt-dong-khwang", 2568), ("abt-bo-kaeo", 2568), ("thesaban-mueang-ang-thong", 2569),
              ("abt-cho-ho", 2566), ("thesaban-tambon-phok-noi", 2564)]


def fields(measure) -> dict:
    return {"title": measure.title, "guideline": measure.guideline, "analysis": measure.analysis,
            "steps": measure.step_list, "period_text": measure.period_text, "period_start": measure.period_start,
            "period_end": measure.period_end, "units": [u.name for u in measure.responsible_units.order_by("pk")],
            "monitoring_rounds": list(measure.monitoring_rounds), "target": measure.target, "budget": measure.budget,
            "indicators": sorted(i.number for i in measure.indicators.all())}


def word_file(plan) -> bytes:
    ReportSettings.objects.update_or_create(org=plan.org, defaults={
        "measure_columns": [c.key for c in MEASURE_TABLE if c.optional]})
    return docx.render_docx(builders.build_measures(plan), draft=True, logo=None, signatures={})


@pytest.mark.parametrize("slug, fiscal_year", SEED_PLANS)
def test_the_portals_word_file_of_a_seed_plan_imports_field_for_field(db, slug, fiscal_year):
    source = MeasurePlan.objects.select_related("org").get(org__slug=slug, fiscal_year=fiscal_year)
    if slug == "abt-bo-kaeo":  # a target and a budget too, so that those columns carry something
        first = source.measures.order_by("order").first()
        MeasurePlan.objects.filter(pk=source.pk).update(status="draft")
        measure_services.measure_save(plan=source, actor=None, measure=first, data={
            "target": "เจ้าหน้าที่ทุกคนรับทราบ\nร้อยละ ๑๐๐", "budget": Decimal("12500.50")})
    body = make_body(f"round-trip-{slug}")
    plan = measure_services.plan_create(org=body, fiscal_year=fiscal_year, actor=user(EDITOR))
    [layout] = mapping.lay_out(reading.read_upload(word_file(source), "export.docx"))
    records, errors = mapping.records(layout, fields=layout.fields, skipped=mapping.default_skipped(layout),
                                      fiscal_year=fiscal_year, months=None,
                                      indicator_numbers_known=services.known_indicators(plan))
    assert errors == []
    services.import_records(plan=plan, actor=user(EDITOR), records=records, filename="export.docx")
    expected = [fields(m) for m in source.measures.order_by("order", "pk")]
    got = [fields(m) for m in plan.measures.order_by("order", "pk")]
    assert got == expected
    assert any(m["steps"] for m in got) and all(isinstance(m["period_start"], datetime.date | None) for m in got)
