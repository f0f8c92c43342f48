"""Dates typed in the Buddhist era into a date field of the Christian era (30/09/2569 stored as the
year 2569 CE, printed "๓๐ กันยายน ๓๑๑๒") are moved back 543 years; a date no such reading can
explain (after the year 3000 CE, as 9999-12-31) is cleared on a measure, and a round's due date
goes back to its default. Every change is reported on the console."""

import datetime

from django.db import migrations

BE_OFFSET = 543
FIRST_BE = 2400  # no fiscal year on record is near: a stored year this high was typed in พ.ศ.
LAST_CE_READABLE = 3000


def _back(day):
    try:
        return day.replace(year=day.year - BE_OFFSET)
    except ValueError:  # 29 February of a year that has none
        return day.replace(year=day.year - BE_OFFSET, day=28)


def _due(fiscal_year_be, months):
    year_ce = fiscal_year_be - BE_OFFSET
    if months == 12:
        return datetime.date(year_ce, 10, 31)
    start_month = 10 + months  # the month after the period
    year, month = (year_ce - 1, start_month) if start_month <= 12 else (year_ce, start_month - 12)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def repair(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    ProgressRound = apps.get_model("measures", "ProgressRound")
    MeasurePlan = apps.get_model("measures", "MeasurePlan")
    changed = []
    for measure in Measure.objects.filter(period_start__year__gte=FIRST_BE) | Measure.objects.filter(
            period_end__year__gte=FIRST_BE):
        for name in ("period_start", "period_end"):
            day = getattr(measure, name)
            if day is None or day.year < FIRST_BE:
                continue
            new = _back(day) if day.year - BE_OFFSET <= LAST_CE_READABLE else None
            setattr(measure, name, new)
            changed.append(f"measure {measure.pk} {name}: {day} -> {new or 'empty'}")
        if measure.period_start and measure.period_end and measure.period_end < measure.period_start:
            changed.append(f"measure {measure.pk}: end before start after repair, end cleared")
            measure.period_end = None
        measure.save(update_fields=["period_start", "period_end"])
    for progress_round in ProgressRound.objects.filter(due_date__year__gte=FIRST_BE).select_related("plan"):
        day = progress_round.due_date
        new = _back(day) if day.year - BE_OFFSET <= LAST_CE_READABLE else _due(progress_round.plan.fiscal_year,
                                                                               progress_round.months)
        progress_round.due_date = new
        progress_round.save(update_fields=["due_date"])
        changed.append(f"round {progress_round.pk} due_date: {day} -> {new}")
    for model in (MeasurePlan, ProgressRound):
        for row in model.objects.filter(source_approved_on__year__gte=FIRST_BE):
            day = row.source_approved_on
            row.source_approved_on = _back(day) if day.year - BE_OFFSET <= LAST_CE_READABLE else None
            row.save(update_fields=["source_approved_on"])
            changed.append(f"{model.__name__} {row.pk} source_approved_on: {day} -> {row.source_approved_on}")
    if changed:
        print(f"\n  repaired {len(changed)} date(s) typed in the Buddhist era:")
        for line in changed:
            print("   ", line)


class Migration(migrations.Migration):
    dependencies = [("measures", "0010_measure_spans_next_year")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
