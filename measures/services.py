"""Writes for plans, measures, progress and review. Each function is one action: atomic,
checked, and audited in the same transaction. Views call these and nothing else writes."""

import datetime
import os
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import fiscal_years
from assessments.access import user_roles
from assessments.models import Assessment, Membership, OrgUnit
from assessments.services import audit
from common.errors import ConcurrentEdit, Refusal
from common.text import clean_fields, clean_text, length_errors
from common.thai import fiscal_year_of, format_date
from people.names import MISSING_NAME, has_signing_name

from . import checks
from .audit_actions import MeasureAction
from .models import (
    EDITABLE_STATUSES,
    ROUND_CHOICES,
    AnalysisNote,
    Comment,
    Evidence,
    Measure,
    MeasurePlan,
    ProgressEntry,
    ProgressRound,
    Status,
    Transition,
    default_due,
)

DEFAULT_ROUNDS = (6, 12)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


# A refused action is a ``Refusal`` (common/errors.py): Thai ``messages``, nothing written; the
# views catch ``Refusal`` and answer 409 for a ``ConcurrentEdit``.


class NotEditable(Refusal):
    """The document is in review, approved or published: a change now conflicts with its state
    (views answer 409)."""


class NameMissing(Refusal):
    """The person who signs a document has no Thai name on record (people/names.py): the
    page links to their profile instead of printing their login name."""


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _check_version(obj, expected_version):
    if expected_version is not None and int(expected_version) != obj.version:
        raise ConcurrentEdit(_("มีผู้อื่นแก้ไขรายการนี้ไปแล้วระหว่างที่คุณกำลังแก้ไข ข้อความของคุณยังอยู่ในแบบฟอร์ม "
                               "กรุณาเปิดรายการใหม่อีกครั้งเพื่อดูฉบับล่าสุด แล้วแก้ไขซ้ำ"))


def _require_editable(status):
    if status not in EDITABLE_STATUSES:
        raise NotEditable(_("เอกสารนี้อยู่ระหว่างการพิจารณาหรือได้รับความเห็นชอบแล้ว จึงแก้ไขไม่ได้"))


IN_REVIEW = {Status.SUBMITTED, Status.APPROVED}


def require_measures_open(plan):
    """A plan's measures change only while the plan is a draft and none of its progress
    reports is submitted or approved-but-unpublished: what a round's approver approved
    stays as approved until it is published (docs/ARCHITECTURE.md, "Published = approved")."""
    _require_editable(plan.status)
    _require_no_round_in_review(plan)


def _require_no_round_in_review(plan):
    busy = sorted(plan.rounds.filter(status__in=IN_REVIEW).values_list("months", flat=True))
    if busy:
        raise Refusal(_("รายงานผลรอบ %(rounds)s เดือน อยู่ระหว่างการพิจารณาหรือได้รับความเห็นชอบแล้วแต่ยังไม่เผยแพร่ "
                             "จึงยังแก้ไขมาตรการไม่ได้ กรุณาเผยแพร่หรือส่งกลับรายงานนั้นก่อน")
                           % {"rounds": ", ".join(str(m) for m in busy)})


# ---------------------------------------------------------------- plans


@transaction.atomic
def plan_create(*, org, fiscal_year: int, actor, recorded_after: bool = False, reason: str = "") -> MeasurePlan:
    """A plan for ``fiscal_year`` with its 6- and 12-month rounds. ``recorded_after``: a past
    year's plan entered from documents already published, never counted late: it needs a
    ``reason``, kept in the plan's history and told to the area's supervisors (as the mark set
    later is), since it decides what their dashboard counts late."""
    if recorded_after:
        reason = _require_reason(reason)
    if fiscal_year not in fiscal_years.plan_years():
        raise Refusal(_("ปีงบประมาณ %(fy)s ไม่มีเกณฑ์การประเมินที่ใช้จัดทำแผนได้") % {"fy": fiscal_year})
    if MeasurePlan.objects.filter(org=org, fiscal_year=fiscal_year).exists():
        raise Refusal(_("มีแผนของปีงบประมาณนี้อยู่แล้ว"))
    if recorded_after:
        _require_past_year(fiscal_year)
    based_on = Assessment.objects.filter(org=org, framework__fiscal_year=fiscal_year - 1).first()
    try:
        with transaction.atomic():  # a savepoint: on PostgreSQL a simultaneous twin passed the check too
            plan = MeasurePlan.objects.create(org=org, fiscal_year=fiscal_year, based_on=based_on,
                                              recorded_after=bool(recorded_after))
    except IntegrityError:  # plan_unique_org_year: the twin made it first; the view lands on that plan
        raise Refusal(_("มีแผนของปีงบประมาณนี้อยู่แล้ว")) from None
    for months in DEFAULT_ROUNDS:
        ProgressRound.objects.create(plan=plan, months=months, due_date=default_due(fiscal_year, months))
    summary = (_("สร้างแผนมาตรการปีงบประมาณ %(fy)s (บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว)") if recorded_after
               else _("สร้างแผนมาตรการปีงบประมาณ %(fy)s"))
    audit(actor=actor, action=MeasureAction.PLAN_CREATE, org=org, summary=summary % {"fy": fiscal_year},
          detail={"plan": plan.pk, "recorded_after": bool(recorded_after), **({"reason": reason} if reason else {})})
    if recorded_after:
        _decided(plan=plan, actor=actor, summary=summary % {"fy": fiscal_year}, reason=reason)
    return plan


def _require_past_year(fiscal_year: int) -> None:
    """Only a year already over is recorded after the fact: the current year's reports are
    still due, and the dashboard must see them late when they are."""
    current = fiscal_year_of(timezone.localdate())
    if fiscal_year >= current:
        raise Refusal(_("บันทึกย้อนหลังได้เฉพาะปีงบประมาณที่ผ่านมาแล้ว (ก่อนปี %(fy)s)") % {"fy": current})


def _require_reason(reason: str) -> str:
    reason = clean_text(reason or "").strip()
    if not reason:
        raise Refusal(_("กรุณาระบุเหตุผล ระบบจะเก็บไว้ในประวัติและแจ้งผู้กำกับดูแลพื้นที่"))
    if len(reason) > DECISION_REASON_LIMIT:
        raise Refusal(_("เหตุผลยาวเกิน %(n)s ตัวอักษร") % {"n": f"{DECISION_REASON_LIMIT:,}"})
    return reason


DECISION_REASON_LIMIT = 1_000


def _decided(*, plan, actor, summary: str, reason: str, progress_round=None) -> None:
    """A decision with big consequences (lateness, due dates) is kept in the document's history as
    a comment with its reason (the body's people are told, as of any comment), and the area's
    supervisors are told through ``decision_hooks``."""
    comment_add(plan=plan, actor=actor, progress_round=progress_round,
                text=_("%(summary)s เหตุผล: %(reason)s") % {"summary": summary, "reason": reason})
    for hook in decision_hooks:
        hook(plan=plan, progress_round=progress_round, actor=actor, summary=summary, reason=reason)


@transaction.atomic
def plan_set_recorded_after(*, plan, actor, recorded_after: bool, reason: str = "",
                            expected_version=None) -> MeasurePlan:
    """Mark (or unmark) a plan as recorded after the fact from documents already published;
    only while the plan can be edited (draft or returned), with a reason kept in its history and
    told to the area's supervisors (it changes what their dashboard counts late)."""
    reason = _require_reason(reason)
    plan = _locked(MeasurePlan, plan.pk)
    _require_editable(plan.status)
    _check_version(plan, expected_version)
    recorded_after = bool(recorded_after)
    if recorded_after:
        _require_past_year(plan.fiscal_year)
    if plan.recorded_after == recorded_after:
        return plan
    plan.recorded_after = recorded_after
    plan.version += 1
    plan.save(update_fields=["recorded_after", "version", "updated_at"])
    summary = (_("ระบุว่ามาตรการปี %(fy)s บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว (ไม่นับว่าล่าช้า)") if recorded_after
               else _("ยกเลิกการระบุว่ามาตรการปี %(fy)s บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว"))
    audit(actor=actor, action=MeasureAction.PLAN_RECORDED_AFTER, org=plan.org,
          summary=summary % {"fy": plan.fiscal_year},
          detail={"plan": plan.pk, "recorded_after": recorded_after, "reason": reason})
    _decided(plan=plan, actor=actor, summary=summary % {"fy": plan.fiscal_year}, reason=reason)
    return plan


RECORD_FIELDS = ["source_url", "source_approved_on", "source_preparer_name", "source_preparer_position",
                 "source_approver_name", "source_approver_position"]


def check_source_url(url: str) -> str:
    """An address of a published source: http(s) only, as typed (decoded for reading, never
    changed); "" when none. Refusal with a Thai message otherwise."""
    url = clean_text(url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise Refusal(_("ที่อยู่ “%(url)s” ไม่ใช่ที่อยู่เว็บที่ขึ้นต้นด้วย http:// หรือ https://")
                           % {"url": url[:120]}) from None
    return url


@transaction.atomic
def record_source_save(*, plan, actor, data: dict, progress_round=None, expected_version=None):
    """What the published source of a document recorded after the fact says: its address, and
    (when the source gives them) its approval date and signers. Only for a plan recorded after
    the fact, while the document can be edited; audited."""
    plan = _locked(MeasurePlan, plan.pk)
    if not plan.recorded_after:
        raise Refusal(_("ข้อมูลเอกสารต้นฉบับบันทึกได้เฉพาะแผนที่บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว"))
    document = _locked(ProgressRound, progress_round.pk) if progress_round is not None else plan
    _require_editable(document.status)
    _check_version(document, expected_version)
    values = {name: data.get(name) or ("" if name != "source_approved_on" else None) for name in RECORD_FIELDS}
    values["source_url"] = check_source_url(values["source_url"])
    approved_on = values["source_approved_on"]
    if approved_on is not None and not (datetime.date(1990, 1, 1) <= approved_on <= timezone.localdate()):
        raise Refusal(_("วันที่ให้ความเห็นชอบต้องเป็นวันที่ผ่านมาแล้ว"))
    for name, value in values.items():
        setattr(document, name, clean_text(value).strip() if isinstance(value, str) else value)
    if errors := length_errors(document):
        raise Refusal(*errors)
    document.version += 1
    document.save(update_fields=[*RECORD_FIELDS, "version", "updated_at"])
    summary = (_("บันทึกข้อมูลเอกสารต้นฉบับของรายงานผลรอบ %(m)s เดือน ปี %(fy)s") % {
        "m": progress_round.months, "fy": plan.fiscal_year} if progress_round is not None
        else _("บันทึกข้อมูลเอกสารต้นฉบับของมาตรการปี %(fy)s") % {"fy": plan.fiscal_year})
    audit(actor=actor, action=MeasureAction.PLAN_RECORD_SOURCE, org=plan.org, summary=summary,
          detail={"plan": plan.pk, "round": getattr(progress_round, "pk", None),
                  **{k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in values.items()}})
    return document


@transaction.atomic
def plan_update_analysis(*, plan, actor, summary: str, recommendations: str, notes: dict[str, str],
                         expected_version=None) -> MeasurePlan:
    plan = _locked(MeasurePlan, plan.pk)
    _require_editable(plan.status)
    _check_version(plan, expected_version)
    plan.analysis_summary, plan.recommendations = clean_text(summary), clean_text(recommendations)
    notes = {key: clean_text(text) for key, text in notes.items()}
    errors = length_errors(plan)
    errors += [error for text in notes.values() for error in length_errors(AnalysisNote(text=text))]
    if errors:
        raise Refusal(*errors)
    plan.version += 1
    plan.save()
    for key, text in notes.items():
        AnalysisNote.objects.update_or_create(plan=plan, key=key, defaults={"text": text})
    audit(actor=actor, action=MeasureAction.PLAN_ANALYSIS, org=plan.org,
          summary=_("แก้ไขผลการวิเคราะห์ ปี %(fy)s") % {"fy": plan.fiscal_year},
          detail={"plan": plan.pk})
    return plan


@transaction.atomic
def plan_duplicate_previous(*, plan, actor, expected_version=None) -> int:
    """Copy last year's measures into this (empty or not) plan, dates moved one year on. The
    button sends the plan's version and the copy bumps it: the same form sent twice (a double
    click) copies once."""
    plan = _locked(MeasurePlan, plan.pk)
    require_measures_open(plan)
    if expected_version is not None and int(expected_version) != plan.version:
        raise ConcurrentEdit(_("แผนนี้เปลี่ยนไปแล้วหลังจากเปิดหน้านี้ (เช่น คัดลอกมาตรการจากปีที่แล้วไปแล้ว) "
                               "กรุณาตรวจรายการมาตรการในแผนก่อน แล้วจึงคัดลอกอีกครั้งหากยังต้องการ"))
    previous = MeasurePlan.objects.filter(org=plan.org, fiscal_year=plan.fiscal_year - 1).first()
    if previous is None:
        raise Refusal(_("ไม่พบแผนของปีงบประมาณ %(fy)s ที่จะคัดลอก") % {"fy": plan.fiscal_year - 1})
    from .selectors import plan_framework

    indicators = {i.number: i for i in plan_framework(plan).indicators.all()} if plan_framework(plan) else {}
    start = _next_order(plan)
    copied = 0
    for source in previous.measures.prefetch_related("responsible_units", "indicators").order_by("order", "pk"):
        measure = Measure.objects.create(
            plan=plan, order=start + copied, title=source.title, guideline=source.guideline,
            analysis=source.analysis, steps=source.steps, period_text=source.period_text,
            period_start=_shifted(source.period_start, 1), period_end=_shifted(source.period_end, 1),
            monitoring_rounds=source.monitoring_rounds, target=source.target, budget=source.budget,
        )
        measure.responsible_units.set(source.responsible_units.all())
        measure.indicators.set([indicators[i.number] for i in source.indicators.all() if i.number in indicators])
        copied += 1
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    audit(actor=actor, action=MeasureAction.PLAN_DUPLICATE, org=plan.org,
          summary=_("คัดลอกมาตรการ %(n)s รายการจากปี %(fy)s") % {"n": copied, "fy": previous.fiscal_year},
          detail={"plan": plan.pk})
    return copied


def _created_with(model, token, **owner):
    """The row an earlier POST of the same one-time form token created (callers hold the lock
    of its plan or round, so a concurrent twin waits and then finds it)."""
    if not token:
        return None
    row = model.objects.filter(create_token=token).first()
    if row is not None and any(getattr(row, key) != value for key, value in owner.items()):
        raise Refusal(_("แบบฟอร์มนี้ใช้ไม่ได้แล้ว กรุณาเปิดหน้าใหม่อีกครั้ง"))
    return row


def _next_order(plan) -> int:
    return (plan.measures.aggregate(top=Max("order"))["top"] or 0) + 1


# ---------------------------------------------------------------- measures

MEASURE_FIELDS = ["title", "guideline", "analysis", "steps", "period_start", "period_end", "spans_next_year",
                  "period_text", "monitoring_rounds", "target", "budget", "record_url"]


def _measures_changed(plan) -> None:
    """The plan's measures changed (their words, order, units or indicators): the plan gets a new
    ``updated_at``, under which the plan page keeps its measures (selectors.kept_plan_measures)."""
    plan.updated_at = timezone.now()
    MeasurePlan.objects.filter(pk=plan.pk).update(updated_at=plan.updated_at)


@transaction.atomic
def measure_save(*, plan, actor, data: dict, measure=None, expected_version=None, create_token=None) -> Measure:
    """Create (measure=None) or update a measure from cleaned form data. A create with the
    ``create_token`` of a form already saved returns that measure (a double click makes one)."""
    plan = _locked(MeasurePlan, plan.pk)
    require_measures_open(plan)
    if measure is None and (created := _created_with(Measure, create_token, plan_id=plan.pk)):
        return created
    if measure is None:
        measure = Measure(plan=plan, order=_next_order(plan), create_token=create_token or None)
        action = MeasureAction.MEASURE_CREATE
    else:
        measure = _locked(Measure, measure.pk)
        _check_version(measure, expected_version)
        measure.version += 1
        action = MeasureAction.MEASURE_UPDATE
    for field in MEASURE_FIELDS:
        if field in data:
            setattr(measure, field, data[field])
    clean_fields(measure)
    measure.record_url = check_source_url(measure.record_url)
    if problem := measure.period_problem():
        raise Refusal(problem)
    measure.steps = "\n".join(line.strip() for line in measure.steps.splitlines() if line.strip())
    if errors := length_errors(measure):
        raise Refusal(*errors)
    measure._history_user = actor
    measure.full_clean()
    measure.save()
    if "responsible_units" in data or data.get("new_units"):
        units = list(data.get("responsible_units", measure.responsible_units.all()))
        last = plan.org.units.aggregate(top=Max("order"))["top"] or 0
        for offset, name in enumerate((clean_text(n) for n in data.get("new_units", [])), start=1):
            unit, _created = OrgUnit.objects.get_or_create(org=plan.org, name=name, defaults={"order": last + offset})
            units.append(unit)
        measure.responsible_units.set(units)
    if "indicators" in data:
        measure.indicators.set(data["indicators"])
    _measures_changed(plan)
    summary = _("เพิ่มมาตรการ “%(t)s”") if action == MeasureAction.MEASURE_CREATE else _("แก้ไขมาตรการ “%(t)s”")
    audit(actor=actor, action=action, org=plan.org, summary=summary % {"t": measure.title[:120]},
          detail={"plan": plan.pk, "measure": measure.pk})
    return measure


@transaction.atomic
def measure_delete(*, measure, actor) -> None:
    plan = _locked(MeasurePlan, measure.plan_id)
    require_measures_open(plan)
    title = measure.title
    measure._history_user = actor
    measure.delete()
    _measures_changed(plan)
    audit(actor=actor, action=MeasureAction.MEASURE_DELETE, org=plan.org,
          summary=_("ลบมาตรการ “%(t)s”") % {"t": title[:120]}, detail={"plan": plan.pk})


@transaction.atomic
def measure_move(*, measure, actor, direction: str) -> None:
    """Swap a measure with its neighbour ("up" or "down"); the order is renumbered 1..n."""
    plan = _locked(MeasurePlan, measure.plan_id)
    require_measures_open(plan)
    ordered = list(plan.measures.order_by("order", "pk"))
    index = next(i for i, m in enumerate(ordered) if m.pk == measure.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.order != position:
            Measure.objects.filter(pk=item.pk).update(order=position)
    _measures_changed(plan)
    audit(actor=actor, action=MeasureAction.MEASURE_MOVE, org=plan.org,
          summary=_("จัดลำดับมาตรการ “%(t)s”") % {"t": measure.title[:120]},
          detail={"plan": plan.pk, "measure": measure.pk, "direction": direction})


COPIED_FIELDS = ("title", "guideline", "analysis", "period_text", "target")  # texts a library copy takes as given


def _shifted(day, years: int):
    """A copied measure's date moved to the plan's year: None when there is none, or when the
    moved date would leave the years a plan's dates may take (fiscal_years.date_bounds; the
    editor fills it in), so "9999-12-31" one year on is no error."""
    if not day:
        return None
    try:
        day = datetime.date.fromisoformat(str(day))
    except ValueError:
        return None
    if not datetime.MINYEAR <= day.year + years <= datetime.MAXYEAR:
        return None
    try:
        moved = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        moved = day.replace(year=day.year + years, day=28)
    first, last = fiscal_years.date_bounds()
    return moved if first <= moved <= last else None


@transaction.atomic
def measure_copy_from_library(*, plan, indicator, source: dict, actor, create_token=None) -> Measure:
    """A published measure of the measure library copied into a draft plan of the editor's own
    body, naming ``indicator`` (an indicator of the plan's framework, or None).

    ``source`` is plain data (library.index.copy_source): the approved measure's title,
    guideline, analysis, steps, period, monitoring rounds and target, and where it came from
    (``org_name``, ``fiscal_year``, ``version``, ``url``), which the copy keeps and its history
    page credits. Dates move to the plan's year; responsible units and budget are the copying
    body's own to fill in. A second POST of the same form (``create_token``) returns the copy
    the first made."""
    plan = _locked(MeasurePlan, plan.pk)
    if Membership.Role.EDITOR not in user_roles(actor).roles_in(plan.org_id):  # Policy.may_edit
        raise Refusal(_("คุณไม่มีสิทธิ์เพิ่มมาตรการในแผนของหน่วยงานนี้"))
    require_measures_open(plan)
    if created := _created_with(Measure, create_token, plan_id=plan.pk):
        return created
    if indicator is not None:
        from .selectors import plan_framework

        framework = plan_framework(plan)
        if framework is None or indicator.pk not in {i.pk for i in framework.indicators.all()}:
            raise Refusal(_("ตัวชี้วัดที่เลือกไม่อยู่ในเกณฑ์การประเมินที่แผนนี้ใช้"))
    source_year = source.get("fiscal_year")
    years = plan.fiscal_year - source_year if isinstance(source_year, int) else 0
    steps = source.get("steps") or []
    rounds = {months for months, _label in ROUND_CHOICES}
    measure = Measure(
        plan=plan, order=_next_order(plan), **{name: str(source.get(name) or "") for name in COPIED_FIELDS},
        steps="\n".join(str(s).strip() for s in (steps if isinstance(steps, list) else [steps]) if str(s).strip()),
        period_start=_shifted(source.get("period_start"), years), period_end=_shifted(source.get("period_end"), years),
        monitoring_rounds=sorted({int(m) for m in source.get("monitoring_rounds") or [] if int(m) in rounds}),
        source_org_name=str(source.get("org_name") or "")[:200], source_fiscal_year=source_year,
        source_version=source.get("version"), source_url=str(source.get("url") or "")[:500],
        create_token=create_token or None,
    )
    clean_fields(measure)
    if not measure.title.strip():
        raise Refusal(_("มาตรการต้นแบบไม่มีชื่อ จึงคัดลอกไม่ได้"))
    if errors := length_errors(measure):
        raise Refusal(*errors)
    measure._history_user = actor
    measure.full_clean()
    measure.save()
    if indicator is not None:
        measure.indicators.set([indicator])
    _measures_changed(plan)
    audit(actor=actor, action=MeasureAction.MEASURE_CREATE, org=plan.org,
          summary=_("คัดลอกมาตรการ “%(t)s” จากมาตรการของ%(org)s ปีงบประมาณ %(fy)s") % {
              "t": measure.title[:100], "org": measure.source_org_name, "fy": source_year},
          detail={"plan": plan.pk, "measure": measure.pk, "copied_from": {
              "org": measure.source_org_name, "fiscal_year": source_year, "version": measure.source_version,
              "url": measure.source_url, "library_entry": source.get("entry")}})
    return measure


# ---------------------------------------------------------------- progress


@transaction.atomic
def round_set_due(*, progress_round, due_date: datetime.date, actor, reason: str = "",
                  expected_version=None) -> ProgressRound:
    """A new due date, refused if the round changed since the form was shown (another person
    set a date, or the report moved on). With a reason, kept in the round's history and told to
    the area's supervisors."""
    reason = _require_reason(reason)
    progress_round = _locked(ProgressRound, progress_round.pk)
    if expected_version is not None and int(expected_version) != progress_round.version:
        raise ConcurrentEdit(_("กำหนดส่งหรือสถานะของรอบนี้ถูกเปลี่ยนโดยผู้อื่นระหว่างที่คุณแก้ไข "
                               "(ขณะนี้กำหนดส่งคือ %(due)s) วันที่ที่คุณเลือก %(mine)s ยังไม่ได้บันทึก")
                             % {"due": format_date(progress_round.due_date, thai_digits=False),
                                "mine": format_date(due_date, thai_digits=False)})
    _require_editable(progress_round.status)
    if problem := fiscal_years.date_problem(due_date, str(ProgressRound._meta.get_field("due_date").verbose_name)):
        raise Refusal(problem)
    progress_round.due_date = due_date
    progress_round.version += 1
    progress_round.save(update_fields=["due_date", "version", "updated_at"])
    audit(actor=actor, action=MeasureAction.ROUND_DUE, org=progress_round.plan.org,
          summary=_("กำหนดวันส่งรายงานรอบ %(m)s เดือน เป็น %(d)s") % {"m": progress_round.months,
                                                                     "d": due_date.isoformat()},
          detail={"round": progress_round.pk, "reason": reason})
    _decided(plan=progress_round.plan, progress_round=progress_round, actor=actor, reason=reason,
             summary=_("เปลี่ยนกำหนดส่งรายงานรอบ %(m)s เดือน เป็น %(d)s") % {
                 "m": progress_round.months, "d": format_date(due_date, thai_digits=False)})
    return progress_round


ENTRY_FIELDS = ["state", "percent", "done_text", "output", "outcome", "problems", "remarks"]


@transaction.atomic
def entry_save(*, progress_round, measure, actor, data: dict, expected_version=None,
               save_token: str = "") -> ProgressEntry:
    """Save a measure's results in a round. ``save_token``: the one-time token of the form; the
    same form sent again returns the entry it saved, marked ``repeated`` (nothing written)."""
    return _entry_write(progress_round=progress_round, measure=measure, actor=actor, data=data,
                        expected_version=expected_version, save_token=save_token)


def _entry_write(*, progress_round, measure, actor, data, expected_version, save_token) -> ProgressEntry:
    """entry_save's work, inside the caller's transaction."""
    org = progress_round.plan.org  # a round's body never changes; the views pass it loaded
    progress_round = _locked(ProgressRound, progress_round.pk)
    _require_editable(progress_round.status)
    if measure.plan_id != progress_round.plan_id:
        raise Refusal(_("มาตรการนี้ไม่ได้อยู่ในแผนของรอบรายงานนี้"))
    entry = ProgressEntry.objects.select_for_update().filter(round=progress_round, measure=measure).first()
    if save_token and entry is not None and entry.save_token == save_token:
        entry.repeated = True
        return entry
    if entry is None:
        entry = ProgressEntry(round=progress_round, measure=measure)
        if expected_version not in (None, "", 0, "0"):
            raise ConcurrentEdit(_("รายการนี้ถูกลบหรือเปลี่ยนไประหว่างที่คุณแก้ไข กรุณาเปิดใหม่อีกครั้ง"))
    else:
        _check_version(entry, expected_version)
        entry.version += 1
    for field in ENTRY_FIELDS:
        if field in data:
            setattr(entry, field, data[field])
    if entry.state == ProgressEntry.State.DONE and "percent" not in data:
        entry.percent = 100
    clean_fields(entry)
    if errors := length_errors(entry):
        raise Refusal(*errors)
    entry._history_user = actor
    entry.save_token = save_token or ""
    # Field validators cover the percent range; its CHECK constraint stays in the database.
    entry.full_clean(exclude=["round", "measure"], validate_constraints=False)
    entry.save()
    entry.repeated = False
    audit(actor=actor, action=MeasureAction.ENTRY_SAVE, org=org,
          summary=_("บันทึกผลรอบ %(m)s เดือน: “%(t)s”") % {"m": progress_round.months, "t": measure.title[:100]},
          detail={"round": progress_round.pk, "entry": entry.pk})
    return entry


def sniff_evidence(head: bytes) -> str | None:
    for magic, content_type in EVIDENCE_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


def clean_filename(name: str) -> str:
    """The last path part of an uploaded name, normalised, without control characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(base) > 200:  # shortened before its extension, which stays
        stem, suffix = os.path.splitext(base)
        suffix = suffix[:9]
        base = stem[:200 - len(suffix)].rstrip(" .") + suffix
    return base or "file"


@transaction.atomic
def evidence_add(*, progress_round, measure, actor, url: str = "", upload=None, create_token=None) -> Evidence:
    progress_round = _locked(ProgressRound, progress_round.pk)
    _require_editable(progress_round.status)
    entry, _created = ProgressEntry.objects.get_or_create(round=progress_round, measure=measure)
    if created := _created_with(Evidence, create_token, entry_id=entry.pk):
        return created
    evidence = Evidence(entry=entry, url=url.strip(), uploaded_by=actor, create_token=create_token or None)
    if upload is not None:
        content_type = _check_upload(upload)
        evidence.original_name = clean_filename(upload.name)
        evidence.content_type = content_type
        evidence.size = upload.size
        evidence.file.save(evidence.original_name, upload, save=False)
    if not evidence.url and not evidence.file:
        raise Refusal(_("กรุณาใส่ลิงก์หรือเลือกไฟล์หลักฐาน"))
    try:
        evidence.full_clean(exclude=["file"])
        evidence.save()
        audit(actor=actor, action=MeasureAction.EVIDENCE_ADD, org=progress_round.plan.org,
              summary=_("เพิ่มหลักฐาน %(name)s") % {"name": evidence.original_name or evidence.url[:120]},
              detail={"evidence": evidence.pk})
    except Exception:
        if evidence.file:
            evidence.file.storage.delete(evidence.file.name)  # no file without its row
        raise
    return evidence


EVIDENCE_PER_ENTRY = 30  # links and files of one measure in one round


def _check_upload(upload) -> str:
    """An evidence file's size and kind (read from its first bytes), before anything is written:
    its content type, or Refusal naming the file."""
    name = clean_filename(upload.name)
    if upload.size > EVIDENCE_MAX_BYTES:
        raise Refusal(_("ไฟล์หลักฐานมีขนาดเกิน 10 MB: %(name)s") % {"name": name})
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_evidence(head)
    if content_type is None:
        raise Refusal(_("ไฟล์หลักฐานต้องเป็น PDF, JPEG หรือ PNG เท่านั้น (ตรวจจากเนื้อไฟล์): %(name)s")
                           % {"name": name})
    return content_type


@transaction.atomic
def entry_report(*, progress_round, measure, actor, data: dict, links=(), uploads=(), carried=(),
                 save_token: str = "", expected_version=None) -> tuple[ProgressEntry, bool]:
    """One save of a measure's results with its evidence, all or nothing: the entry, the links,
    the files, and (``carried``) evidence of an earlier round copied. Returns (entry, saved now).
    The same form sent again (``save_token``: a double tap over a slow connection) is the success
    it already was, never "someone else edited this": (that entry, False), nothing written twice."""
    for upload in uploads:
        _check_upload(upload)
    entry = _entry_write(progress_round=progress_round, measure=measure, actor=actor, data=data,
                         expected_version=expected_version, save_token=save_token)
    if entry.repeated:
        return entry, False
    adding = len(links) + len(uploads) + len(carried)
    if adding and entry.evidence.count() + adding > EVIDENCE_PER_ENTRY:
        raise Refusal(_("หลักฐานของมาตรการหนึ่งในรอบหนึ่งมีได้ไม่เกิน %(n)s รายการ") % {"n": EVIDENCE_PER_ENTRY})
    locked = progress_round
    written = []
    try:
        for url in links:
            evidence_add(progress_round=locked, measure=measure, actor=actor, url=url)
        for upload in uploads:
            written.append(evidence_add(progress_round=locked, measure=measure, actor=actor, upload=upload).file.name)
        for source in carried:
            copy = evidence_copy(progress_round=locked, measure=measure, actor=actor, source=source)
            if copy.file:
                written.append(copy.file.name)
    except BaseException:
        for name in written:  # the transaction is undone: so are the files it wrote
            Evidence.file.field.storage.delete(name)
        raise
    return entry, True


@transaction.atomic
def evidence_copy(*, progress_round, measure, actor, source: Evidence) -> Evidence:
    """An earlier round's evidence item on this round's entry (the 12-month report carries on from
    the 6-month one): a link as it is, a file as a copy of its own (deleting one keeps the other)."""
    from django.core.files.base import ContentFile

    progress_round = _locked(ProgressRound, progress_round.pk)
    _require_editable(progress_round.status)
    if source.entry.measure_id != measure.pk or source.entry.round.plan_id != progress_round.plan_id:
        raise Refusal(_("หลักฐานนี้ไม่ได้อยู่ในมาตรการเดียวกัน"))
    entry, _created = ProgressEntry.objects.get_or_create(round=progress_round, measure=measure)
    evidence = Evidence(entry=entry, url=source.url, uploaded_by=actor, original_name=source.original_name,
                        content_type=source.content_type, size=source.size)
    if source.file:
        with source.file.open("rb") as handle:
            evidence.file.save(source.original_name or "file", ContentFile(handle.read()), save=False)
    try:
        evidence.save()
        audit(actor=actor, action=MeasureAction.EVIDENCE_ADD, org=progress_round.plan.org,
              summary=_("เพิ่มหลักฐาน %(name)s (จากรอบ %(m)s เดือน)") % {
                  "name": evidence.original_name or evidence.url[:120], "m": source.entry.round.months},
              detail={"evidence": evidence.pk, "copied_from": source.pk})
    except Exception:
        if evidence.file:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


CARRIED_FIELDS = ["state", "percent", "done_text", "output", "outcome", "problems", "remarks"]


@transaction.atomic
def round_carry_forward(*, progress_round, actor, from_months: int = 6) -> int:
    """Start a round from an earlier one (the 12-month report from the 6-month one): every measure
    with no entry yet gets the earlier round's text and evidence as its draft, for the editor to
    carry on from. Returns how many measures were started; audited."""
    locked = _locked(ProgressRound, progress_round.pk)
    _require_editable(locked.status)
    source = ProgressRound.objects.filter(plan_id=locked.plan_id, months=from_months).first()
    if source is None or from_months >= locked.months:
        raise Refusal(_("ไม่มีรายงานรอบ %(m)s เดือนให้เริ่มต้นจาก") % {"m": from_months})
    started = set(locked.entries.values_list("measure_id", flat=True))
    count, written = 0, []
    try:
        for earlier in source.entries.exclude(measure_id__in=started).select_related("measure").prefetch_related(
                "evidence"):
            entry = ProgressEntry(round=locked, measure=earlier.measure,
                                  **{name: getattr(earlier, name) for name in CARRIED_FIELDS})
            entry._history_user = actor
            entry.save()
            for item in earlier.evidence.all():
                copy = evidence_copy(progress_round=locked, measure=earlier.measure, actor=actor, source=item)
                if copy.file:
                    written.append(copy.file.name)
            count += 1
    except BaseException:
        for name in written:  # the transaction is undone: so are the copies it wrote
            Evidence.file.field.storage.delete(name)
        raise
    audit(actor=actor, action=MeasureAction.ENTRY_SAVE, org=locked.plan.org,
          summary=_("เริ่มรายงานรอบ %(m)s เดือนจากผลรอบ %(f)s เดือน (%(n)s มาตรการ)") % {
              "m": locked.months, "f": from_months, "n": count},
          detail={"round": locked.pk, "from_round": source.pk, "measures": count})
    return count


@transaction.atomic
def evidence_delete(*, evidence, actor) -> None:
    progress_round = _locked(ProgressRound, evidence.entry.round_id)
    _require_editable(progress_round.status)
    name = evidence.original_name or evidence.url
    stored = evidence.file.name if evidence.file else None
    evidence.delete()
    if stored:
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(stored))
    audit(actor=actor, action=MeasureAction.EVIDENCE_DELETE, org=progress_round.plan.org,
          summary=_("ลบหลักฐาน %(name)s") % {"name": name[:120]})


@transaction.atomic
def comment_add(*, plan, actor, text: str, progress_round=None, create_token=None) -> Comment:
    """A comment on a plan or a round. A second POST of the same form (``create_token``) finds
    the comment the first added: one comment, and one round of notifications."""
    plan = _locked(MeasurePlan, plan.pk)  # a simultaneous twin waits here, then finds the first
    if created := _created_with(Comment, create_token, plan_id=plan.pk, author_id=actor.pk):
        return created
    comment = Comment(plan=plan, round=progress_round, author=actor, text=clean_text(text).strip(),
                      create_token=create_token or None)
    if not comment.text:
        raise Refusal(_("กรุณาพิมพ์ความเห็น"))
    if errors := length_errors(comment):
        raise Refusal(*errors)
    comment.save()
    text = comment.text
    audit(actor=actor, action=MeasureAction.COMMENT_ADD, org=plan.org,
          summary=_("แสดงความเห็น: %(text)s") % {"text": text[:100]},
          detail={"plan": plan.pk, "round": getattr(progress_round, "pk", None)})
    for hook in comment_hooks:
        hook(comment=comment)
    return comment


# ---------------------------------------------------------------- review workflow
# action -> (allowed from, to, role that may do it). The one table the service enforces.
TRANSITIONS = {
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED, Membership.Role.EDITOR),
    "return": ({Status.SUBMITTED}, Status.RETURNED, Membership.Role.APPROVER),
    "approve": ({Status.SUBMITTED}, Status.APPROVED, Membership.Role.APPROVER),
    "publish": ({Status.APPROVED}, Status.PUBLISHED, Membership.Role.APPROVER),
    # A correction: the published versions stay downloadable; the next publish is a new version.
    "revise": ({Status.PUBLISHED}, Status.DRAFT, Membership.Role.EDITOR),
}
ACTION_LABELS = {"submit": _("ส่งให้ผู้บริหารพิจารณา"), "return": _("ส่งกลับให้แก้ไข"),
                 "approve": _("เห็นชอบ"), "publish": _("เผยแพร่"), "revise": _("จัดทำฉบับแก้ไข")}
# The people whose names a document's signature block prints (people/names.py).
SIGNING_ACTIONS = {"submit", "approve"}
# Publishing, in three steps (docs/ARCHITECTURE.md, "Publishing, step by step"). Each entry is
# ``prepare(plan=, progress_round=, actor=)``, called before the publish's transaction and
# outside it: it renders the documents as approved and writes them under temporary names, and
# returns an object with ``adopt(transition=)``, called inside the one short transaction that
# makes the document published (stored versions, search rows, notification records), and
# ``discard()``, called when that transaction does not commit (removes what prepare wrote).
# The reports app fills it.
publish_hooks: list = []
# Called when a document is approved; each returns data kept in the approval's snapshot
# (the reports app adds the document contexts that publishing will render).
approval_hooks: list = []
# Called after every review step (submit, return, approve, publish, revise) and after a
# comment is added, inside the same transaction (the notifications app records who to tell).
transition_hooks: list = []
comment_hooks: list = []
decision_hooks: list = []  # (plan, progress_round, actor, summary, reason): the area's supervisors are told


def allowed_actions(status: str, roles, org_id: int) -> list[str]:
    """Actions a user's roles allow on a document in ``status`` (the submitter rule is checked on use)."""
    member_roles = roles.roles_in(org_id)
    return [action for action, (sources, _to, role) in TRANSITIONS.items()
            if status in sources and role in member_roles]


def document_transition(*, plan, actor, action: str, comment: str = "", progress_round=None,
                        today: datetime.date | None = None, confirmed=()) -> Transition:
    """Move the plan's document (or one round's report) through the review workflow.

    A submit is refused while a check blocks, or while a cell the document leaves empty (a
    warning with a key, measures/checks.py) is not among the keys the editor ``confirmed``;
    the confirmed ones are kept in the submit transition's snapshot (``confirmed_gaps``).

    A publish renders first, outside any transaction and without a lock (``publish_hooks``:
    the documents as approved, written under temporary names), then makes the document
    published in one short transaction that adopts the files; if that transaction does not
    commit (a refusal, an error, another approver who published meanwhile), the files go."""
    if action not in TRANSITIONS:
        raise Refusal(_("ไม่รู้จักการดำเนินการนี้"))
    if action != "publish":
        with transaction.atomic():
            return _transition(plan=plan, actor=actor, action=action, comment=comment,
                               progress_round=progress_round, today=today, confirmed=confirmed)
    # Step 1, no transaction: refuse now what the transaction would refuse, then render.
    plan = MeasurePlan.objects.select_related("org").get(pk=plan.pk)
    if progress_round is not None:
        progress_round = ProgressRound.objects.select_related("plan").get(pk=progress_round.pk)
    document = progress_round or plan
    _refuse(plan, document, actor, action)
    approval = _last_approval_id(plan, progress_round)
    prepared = []
    try:
        for prepare in publish_hooks:
            prepared.append(prepare(plan=plan, progress_round=progress_round, actor=actor))
        with transaction.atomic():  # step 2: the one short transaction
            return _transition(plan=plan, actor=actor, action=action, comment=comment,
                               progress_round=progress_round, publishing=(approval, prepared))
    except BaseException:
        for item in prepared:
            item.discard()
        raise


def _last_approval_id(plan, progress_round):
    return (Transition.objects.filter(plan=plan, round=progress_round, action="approve")
            .order_by("-created_at", "-pk").values_list("pk", flat=True).first())


def _refuse(plan, document, actor, action) -> None:
    """The step's own refusals: the document's state and the actor's role."""
    sources, _target, role = TRANSITIONS[action]
    if document.status not in sources:
        raise Refusal(_("เอกสารอยู่ในสถานะ “%(s)s” จึง%(a)sไม่ได้")
                           % {"s": Status(document.status).label, "a": ACTION_LABELS[action]})
    if role not in user_roles(actor).roles_in(plan.org_id):
        raise Refusal(_("คุณไม่มีสิทธิ์%(a)sเอกสารของหน่วยงานนี้") % {"a": ACTION_LABELS[action]})


def _transition(*, plan, actor, action, comment="", progress_round=None, today=None, confirmed=(),
                publishing=None) -> Transition:
    """The step itself, inside the caller's transaction. ``publishing``: (the approval the
    documents were rendered from, what the publish hooks prepared)."""
    _sources, target, _role = TRANSITIONS[action]
    plan = _locked(MeasurePlan, plan.pk)
    document = _locked(ProgressRound, progress_round.pk) if progress_round is not None else plan
    if publishing is not None:
        # Rendered without a lock: another approver may have published (or the document moved
        # on) meanwhile. Then these renders are discarded and nothing is published twice.
        if document.status == Status.PUBLISHED:
            raise Refusal(_("มีผู้อื่นเผยแพร่เอกสารนี้ไปแล้วระหว่างที่ระบบกำลังสร้างไฟล์ "
                                 "จึงไม่ได้เผยแพร่ซ้ำ กรุณาเปิดหน้าใหม่เพื่อดูฉบับที่เผยแพร่"))
        if document.status == Status.APPROVED and _last_approval_id(plan, progress_round) != publishing[0]:
            raise Refusal(_("เอกสารนี้เปลี่ยนไประหว่างที่ระบบกำลังสร้างไฟล์ จึงยังไม่ได้เผยแพร่ "
                                 "กรุณาเปิดหน้าใหม่แล้วกดเผยแพร่อีกครั้ง"))
    _refuse(plan, document, actor, action)
    if action in SIGNING_ACTIONS and not has_signing_name(actor):
        # The submitter and the approver sign the document: it prints their name, never a login.
        raise NameMissing(str(MISSING_NAME))
    comment = clean_text(comment).strip()
    if errors := length_errors(Transition(comment=comment)):
        raise Refusal(*errors)
    if action == "return" and not comment:
        raise Refusal(_("กรุณาระบุเหตุผลที่ส่งกลับให้แก้ไข"))
    if action in ("return", "approve"):
        last_submit = Transition.objects.filter(plan=plan, round=progress_round, action="submit").last()
        if last_submit is not None and last_submit.actor_id == actor.pk:
            raise Refusal(_("ผู้ส่งเอกสารไม่สามารถพิจารณาเอกสารที่ตนเองส่งได้"))
    snapshot = None
    if action == "submit":
        findings = findings_for(plan, progress_round, today)
        blocking = [f.message for f in findings if f.blocks]
        if blocking:
            raise Refusal(*blocking)
        gaps = [f for f in findings if f.needs_confirmation]
        confirmed = {str(key) for key in confirmed or ()}
        unconfirmed = [f.message for f in gaps if f.key not in confirmed]
        if unconfirmed:
            raise Refusal(_("ยังส่งไม่ได้: กรุณาตรวจและยืนยันว่าเอกสารต้นฉบับไม่มีข้อมูลในช่องต่อไปนี้ "
                                 "(ติ๊กยืนยันทีละรายการ) หรือกรอกข้อมูลให้ครบก่อนส่ง"), *unconfirmed)
        if gaps:
            snapshot = {"confirmed_gaps": [{"key": f.key, "message": f.message} for f in gaps]}
    if action == "revise" and progress_round is None:
        _require_no_round_in_review(plan)
    if action == "approve":
        snapshot = document_snapshot(plan, progress_round)
    transition = Transition.objects.create(
        plan=plan, round=progress_round, action=action, from_status=document.status, to_status=target,
        actor=actor, comment=comment, snapshot=snapshot,
    )
    document.status = target
    document.version += 1
    document.save(update_fields=["status", "version"])
    if action == "approve":
        for hook in approval_hooks:
            snapshot.update(hook(plan=plan, progress_round=progress_round, approval=transition))
        transition.save(update_fields=["snapshot"])
    detail = {"plan": plan.pk, "round": getattr(progress_round, "pk", None), "transition": transition.pk}
    if action == "submit" and snapshot:
        detail["confirmed_gaps"] = [gap["key"] for gap in snapshot["confirmed_gaps"]]
    audit(actor=actor, action=MeasureAction.document(action), org=plan.org,
          summary=_transition_summary(action, plan, progress_round, comment), detail=detail)
    if publishing is not None:
        for prepared in publishing[1]:
            prepared.adopt(transition=transition)
    for hook in transition_hooks:
        hook(transition=transition, plan=plan, progress_round=progress_round)
    return transition


def _transition_summary(action, plan, progress_round, comment) -> str:
    values = {"action": ACTION_LABELS[action], "fy": plan.fiscal_year, "comment": comment[:100],
              "m": getattr(progress_round, "months", "")}
    if progress_round is not None:
        sentence = (_("%(action)s รายงานผลรอบ %(m)s เดือน ปี %(fy)s: %(comment)s") if comment
                    else _("%(action)s รายงานผลรอบ %(m)s เดือน ปี %(fy)s"))
    else:
        sentence = _("%(action)s มาตรการ ปี %(fy)s: %(comment)s") if comment else _("%(action)s มาตรการ ปี %(fy)s")
    return sentence % values


def findings_for(plan, progress_round=None, today=None):
    from . import selectors

    today = today or timezone.localdate()
    measures = selectors.plan_measures(plan)
    if progress_round is None:
        return checks.plan_findings(plan, measures, selectors.plan_scorecard(plan))
    entries = {e.measure_id: e for e in progress_round.entries.all()}
    return checks.round_findings(progress_round, measures, entries, today)


def document_snapshot(plan, progress_round=None) -> dict:
    """What was approved, as plain data (kept with the approval transition)."""
    from . import selectors

    if progress_round is not None:
        return {"plan": plan.pk, "fiscal_year": plan.fiscal_year, "round": progress_round.months,
                "measures": [{"id": m.pk, "title": m.title} for m in selectors.report_measures(plan)],
                "entries": [{"measure": e.measure_id, **{f: getattr(e, f) for f in ENTRY_FIELDS}}
                            for e in progress_round.entries.all()]}
    data = {"plan": plan.pk, "fiscal_year": plan.fiscal_year, "measures": [
        {"id": m.pk, "title": m.title, "steps": m.step_list, "units": [u.name for u in m.responsible_units.all()],
         "indicators": [i.number for i in m.indicators.all()], "period_text": m.period_text,
         "period_start": _iso(m.period_start), "period_end": _iso(m.period_end), "guideline": m.guideline,
         "analysis": m.analysis, "target": m.target, "monitoring_rounds": m.monitoring_rounds,
         "budget": str(m.budget) if m.budget is not None else None}
        for m in selectors.plan_measures(plan)
    ]}
    data["analysis_summary"] = plan.analysis_summary
    return data


def _iso(day):
    return day.isoformat() if day else None
