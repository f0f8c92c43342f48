"""Importing the rows of a table into a plan (its measures) or a round (its results), all or
nothing, through the measures services: the same limits, text normalising, locks, history and
audit as typing them one by one (measures.services.measure_save, entry_save).

- Into a **plan**: each row a new measure, after the plan's measures (the plan is a draft or
  returned, and no round of it is in review: ``require_measures_open``).
- Into a **round**: each row the results of the plan's measure with the same title (spaces,
  digits and case aside); a row whose measure the plan does not have adds it first, while the
  plan's measures may change.

Any refused row refuses the whole import: every problem is listed, row by row, and nothing is
written. A past year's plan created by ``import_plan`` is recorded after the fact."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.services import audit
from common.errors import Refusal
from measures import selectors as measure_selectors
from measures import services as measure_services
from measures.models import Measure, MeasurePlan, ProgressRound

from .audit_actions import ImportAction
from .mapping import Record, norm


class ImportRefused(Refusal):
    """The import refused whole; ``messages`` name each row (and column) at fault."""


@dataclass
class Imported:
    created: int  # measures added
    entries: int  # results written in the round
    matched: int  # rows that found their measure in the plan


@dataclass(frozen=True)
class RowPlan:
    """What importing one record will do (the preview): add a measure, or write the results of
    an existing one."""

    record: Record
    measure_id: int | None  # the existing measure a round's row writes to
    duplicate_of: int | None = None  # the earlier row with the same title (a round)

    @property
    def adds_measure(self) -> bool:
        return self.measure_id is None and self.duplicate_of is None


def title_key(title: str) -> str:
    return norm(title)


def plan_rows(plan, records: list[Record], progress_round=None) -> list[RowPlan]:
    """Each record with what it will do; one query (the plan's titles) for a round, none for a plan."""
    if progress_round is None:
        return [RowPlan(record=r, measure_id=None) for r in records]
    existing = {}
    for pk, title in plan.measures.order_by("order", "pk").values_list("pk", "title"):
        existing.setdefault(title_key(title), pk)
    seen: dict[str, int] = {}
    rows = []
    for record in records:
        key = title_key(record.measure.get("title", ""))
        rows.append(RowPlan(record=record, measure_id=existing.get(key), duplicate_of=seen.get(key)))
        seen.setdefault(key, record.number)
    return rows


def _indicators(plan) -> dict[int, object]:
    framework = measure_selectors.plan_framework(plan)
    return {i.number: i for i in framework.indicators.all()} if framework else {}


def known_indicators(plan) -> set[int]:
    return set(_indicators(plan))


def _row_messages(number: int, messages) -> list[str]:
    return [_("แถวที่ %(row)s: %(problem)s") % {"row": number, "problem": message} for message in messages]


def _invalid(invalid: ValidationError) -> list[str]:
    if not hasattr(invalid, "error_dict"):
        return list(invalid.messages)
    out = []
    for name, problems in invalid.message_dict.items():
        try:
            label = Measure._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            label = name
        out.extend(f"“{label}”: {problem}" for problem in problems)
    return out


def import_records(*, plan, actor, records: list[Record], progress_round=None, filename: str = "",
                   source_url: str = "") -> Imported:
    """Write ``records`` (mapping.records) into ``plan``, or into ``progress_round`` of it; all or
    nothing (ImportRefused with every row's problems). ``source_url``: the address the body
    published the document at, kept as the record's source when the plan is recorded after the
    fact."""
    if not records:
        raise ImportRefused(_("ไม่มีแถวที่จะนำเข้า"))
    with transaction.atomic():
        plan = MeasurePlan.objects.select_for_update().select_related("org").get(pk=plan.pk)
        if progress_round is not None:
            progress_round = ProgressRound.objects.select_for_update().get(pk=progress_round.pk)
            progress_round.plan = plan
            if not progress_round.is_editable:
                raise measure_services.NotEditable(_("รายงานผลรอบนี้อยู่ระหว่างการพิจารณาหรือได้รับความเห็นชอบแล้ว "
                                                     "จึงนำเข้าไม่ได้"))
        else:
            measure_services.require_measures_open(plan)
        indicators = _indicators(plan)
        rows = plan_rows(plan, records, progress_round)
        measures_open = True
        if progress_round is not None and any(r.adds_measure for r in rows):
            try:
                measure_services.require_measures_open(plan)
            except Refusal as error:
                measures_open, closed = False, error.messages
        errors: list[str] = []
        created = entries = matched = 0
        matched_measures = plan.measures.in_bulk([r.measure_id for r in rows if r.measure_id is not None])
        for row in rows:
            record = row.record
            try:
                with transaction.atomic():  # a savepoint: a refused row is undone, the others go on
                    measure = None
                    if row.duplicate_of is not None:
                        raise Refusal(
                            _("มาตรการ “%(t)s” ซ้ำกับแถวที่ %(row)s (รายงานผลหนึ่งรอบมีผลของมาตรการหนึ่งได้ครั้งเดียว)")
                            % {"t": record.measure["title"][:80], "row": row.duplicate_of})
                    if row.measure_id is not None:
                        measure = matched_measures[row.measure_id]
                        matched += 1
                    else:
                        if not measures_open:
                            raise Refusal(
                                _("ไม่พบมาตรการ “%(t)s” ในแผน และเพิ่มมาตรการในแผนตอนนี้ไม่ได้:") %
                                {"t": record.measure["title"][:80]}, *closed)
                        data = {**record.measure, "responsible_units": [], "new_units": record.units,
                                "indicators": [indicators[n] for n in record.indicators if n in indicators]}
                        measure = measure_services.measure_save(plan=plan, actor=actor, data=data)
                        created += 1
                    if progress_round is not None and record.entry:
                        measure_services.entry_save(progress_round=progress_round, measure=measure, actor=actor,
                                                    data=record.entry)
                        entries += 1
            except Refusal as refused:
                errors.extend(_row_messages(record.number, refused.messages))
            except ValidationError as invalid:  # the model's own checks (full_clean), in Thai
                errors.extend(_row_messages(record.number, _invalid(invalid)))
        if errors:
            raise ImportRefused(*errors)
        if source_url and plan.recorded_after:
            document = progress_round or plan
            if not document.source_url:
                data = {name: getattr(document, name) for name in measure_services.RECORD_FIELDS}
                measure_services.record_source_save(plan=plan, progress_round=progress_round, actor=actor,
                                                    data={**data, "source_url": source_url})
        if progress_round is not None:
            summary = _("นำเข้าผลการดำเนินงานรอบ %(m)s เดือน %(n)s มาตรการ (เพิ่มมาตรการใหม่ %(c)s) จากไฟล์ %(file)s") % {
                "m": progress_round.months, "n": entries, "c": created, "file": filename or "-"}
        else:
            summary = _("นำเข้ามาตรการ %(n)s รายการ ปี %(fy)s จากไฟล์ %(file)s") % {
                "n": created, "fy": plan.fiscal_year, "file": filename or "-"}
        audit(actor=actor, action=ImportAction.PLAN_IMPORT, org=plan.org, summary=summary,
              detail={"plan": plan.pk, "round": getattr(progress_round, "pk", None), "file": filename[:200],
                      "rows": [r.number for r in records], "created": created, "entries": entries})
    return Imported(created=created, entries=entries, matched=matched)
