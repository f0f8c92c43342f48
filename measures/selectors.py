"""Reads for the staff pages: each runs a fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from assessments import fiscal_years
from assessments import selectors as assessment_selectors
from assessments.models import Framework
from common import public_cache, thai

from .models import EDITABLE_STATUSES, Measure, MeasurePlan, ProgressEntry, ProgressRound, Status, Transition


def plan_framework(plan) -> Framework | None:
    """The framework whose indicators a plan's measures answer: that of the year-N result."""
    if plan.based_on_id:
        framework_id = plan.based_on.framework_id
    else:
        framework_id = Framework.objects.filter(fiscal_year__in=[plan.fiscal_year - 1, plan.fiscal_year]).order_by(
            "fiscal_year").values_list("pk", flat=True).first()
    if framework_id is None:
        return None
    return assessment_selectors.frameworks_with_catalogue([framework_id])[framework_id]


def plan_scorecard(plan):
    if not plan.based_on_id:
        return None
    return assessment_selectors.kept_scorecard(plan.based_on)


def plan_measures(plan) -> list[Measure]:
    return list(plan.measures.prefetch_related("responsible_units", "indicators").order_by("order", "pk"))


KEPT_MEASURES_SECONDS = 60 * 60


def plan_measures_state(plan) -> str:
    """A string that changes whenever anything of the plan's measures may have changed (see
    ``kept_plan_measures``): the plan's ``updated_at``, the frameworks' token, the admin generation."""
    return f"{plan.pk}:{plan.updated_at.isoformat()}:{fiscal_years.token()}:{public_cache.admin_generation()}"


def kept_plan_measures(plan, *, state=None) -> list[Measure]:
    """``plan_measures`` for the plan page, kept in the shared cache while they stay as they are.

    The page is built again after every write of the body (on deadline day, every progress save),
    but a progress save does not change the measures. Every service that changes a plan's
    measures, their order, units or indicators gives the plan a new ``updated_at``
    (services._measures_changed); an admin change moves the admin generation (Django's admin
    writes the models directly: a measure, a unit renamed); a framework change moves the
    frameworks' token (an indicator's name). The key holds all three, so kept measures are never
    out of date; a key of a transaction rolled back is never asked for again."""
    key = "plan-measures:" + (state or plan_measures_state(plan))
    measures = cache.get(key)
    if measures is None:
        measures = plan_measures(plan)
        for measure in measures:
            measure._state.fields_cache.pop("plan", None)  # kept without the plan, given back below
        cache.set(key, measures, KEPT_MEASURES_SECONDS)
    for measure in measures:
        measure._state.fields_cache["plan"] = plan  # this request's plan (its status, its version)
    return measures


@dataclass(frozen=True)
class MeasureText:
    """The words of one measure as a results report prints them."""

    pk: int
    title: str
    step_list: list[str]
    unit_names: list[str]
    period_text: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def report_measures(plan) -> list[MeasureText]:
    """The measures a results report lists: as the plan was last approved (a revision in
    progress is not what the executive approved), or the live rows of a plan never approved."""
    approval = (Transition.objects.filter(plan=plan, round=None, action="approve").order_by("-created_at", "-pk")
                .values_list("snapshot", flat=True).first())
    return report_measures_from(approval, lambda: plan_measures(plan))


def report_measures_from(approval_snapshot, live_measures) -> list[MeasureText]:
    """``report_measures`` from what was read already: the snapshot of the plan's last approval
    (None if never approved) and a function giving its live measures (``plan_measures``), called
    only when the approval does not list them (reports.builders.Preloaded reads both for many
    plans at once)."""
    approved = (approval_snapshot or {}).get("measures")
    if approved and all("period_start" in m for m in approved):
        return [MeasureText(m["id"], m["title"], list(m["steps"]), list(m["units"]), m["period_text"],
                            _day(m["period_start"]), _day(m["period_end"])) for m in approved]
    return [MeasureText(m.pk, m.title, m.step_list, [u.name for u in m.responsible_units.all()], m.period_text,
                        m.period_start, m.period_end) for m in live_measures()]


def load_plan(org, fiscal_year) -> MeasurePlan | None:
    """The body's plan of the year, its ``org`` the one given (loaded already, with its province),
    with the assessment it answers (whose framework comes from the catalogue: plan_scorecard)."""
    plan = MeasurePlan.objects.select_related("based_on").filter(org_id=org.pk, fiscal_year=fiscal_year).first()
    if plan is not None:
        plan.org = org
    return plan


def document_history(plan, progress_round=None):
    return list(Transition.objects.filter(plan=plan, round=progress_round).select_related("actor"))


def confirmed_gaps(history) -> list[str]:
    """What the editor confirmed the source document leaves empty when they last submitted:
    the messages kept with that submission, from ``document_history`` (already loaded)."""
    last_submit = next((t for t in reversed(history) if t.action == "submit"), None)
    if last_submit is None or not isinstance(last_submit.snapshot, dict):
        return []
    return [gap.get("message", "") for gap in last_submit.snapshot.get("confirmed_gaps") or []]


def years_of_plans() -> list[int]:
    """The fiscal years a body may open a plan of, newest first: the years on record
    (``fiscal_years.plan_years``; no query in the steady state)."""
    return sorted(fiscal_years.plan_years(), reverse=True)


def latest_return(plan, progress_round=None):
    return Transition.objects.filter(plan=plan, round=progress_round, action="return").select_related("actor").last()


def round_entries(progress_round) -> dict[int, ProgressEntry]:
    entries = progress_round.entries.prefetch_related("evidence")
    return {entry.measure_id: entry for entry in entries}


@dataclass
class DashboardRow:
    """One body on the supervisor dashboard, from plain values (300+ rows, no model instances)."""

    name: str
    slug: str
    district: str
    plan_status: str = ""
    recorded_after: bool = False  # entered from documents already published: never late
    statuses: dict[int, str] = field(default_factory=dict)  # round months -> status
    measures: int = 0
    done: int = 0
    days_late: int = 0
    urls: dict[str, str] = field(default_factory=dict)  # plan / r6 / r12, filled by dashboard_rows

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.measures) if self.measures else 0

    def round_status(self, months) -> str:
        return self.statuses.get(months, "")

    @property
    def r6_status(self) -> str:
        return self.round_status(6)

    @property
    def r12_status(self) -> str:
        return self.round_status(12)


def area_districts(roles) -> list[str]:
    """The districts of the bodies on a user's dashboard (``Policy.overview_bodies``), in Thai
    dictionary order, for the dashboard's filter."""
    districts = thai.collation_keys(d for d in roles.overview_bodies().values_list("district", flat=True) if d)
    return sorted(districts, key=districts.get)


def _url_patterns(fiscal_year) -> dict[str, str]:
    """Each link reversed once with a placeholder; rows substitute their slug (300+ rows)."""
    from django.urls import reverse

    return {"plan": reverse("plan-detail", args=["SLUG", fiscal_year]),
            "r6": reverse("round-detail", args=["SLUG", fiscal_year, 6]),
            "r12": reverse("round-detail", args=["SLUG", fiscal_year, 12])}


def dashboard_rows(orgs, fiscal_year: int, today: datetime.date) -> list[DashboardRow]:
    """One row per body: three queries of plain values whatever the number of bodies."""
    patterns = _url_patterns(fiscal_year)
    rows = {}
    for pk, name, slug, district in orgs.order_by().values_list("pk", "name", "slug", "district"):
        rows[pk] = DashboardRow(name, slug, district,
                                urls={key: pattern.replace("SLUG", slug) for key, pattern in patterns.items()})
    # Id lists rather than subqueries: PostgreSQL then walks the (org, year) and plan indexes.
    plans = (MeasurePlan.objects.filter(org_id__in=list(rows), fiscal_year=fiscal_year)
             .annotate(measure_count=Count("measures"))
             .values_list("pk", "org_id", "status", "measure_count", "recorded_after"))
    by_plan = {}
    for plan_id, org_id, status, measure_count, recorded_after in plans:
        row = by_plan[plan_id] = rows[org_id]
        row.plan_status, row.measures, row.recorded_after = status, measure_count, recorded_after
    rounds = (ProgressRound.objects.filter(plan_id__in=list(by_plan))
              .annotate(done=Count("entries", filter=Q(entries__state=ProgressEntry.State.DONE)))
              .values_list("plan_id", "months", "due_date", "status", "done"))
    for plan_id, months, due_date, status, done in rounds:
        row = by_plan[plan_id]
        row.statuses[months] = status
        row.done = max(row.done, done)
        if status in EDITABLE_STATUSES and due_date < today and not row.recorded_after:
            row.days_late = max(row.days_late, (today - due_date).days)
    return list(rows.values())


def sort_rows(rows: list[DashboardRow], sort: str) -> None:
    """By the chosen column ("-late": descending), then by name in Thai dictionary order
    within equal values."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    names = thai.collation_keys(r.name for r in rows)
    rows.sort(key=lambda r: names[r.name])
    if column == "district":
        districts = thai.collation_keys(r.district for r in rows)
        rows.sort(key=lambda r: districts[r.district], reverse=descending)  # stable: names stay in order
    elif column in SORT_KEYS:
        rows.sort(key=SORT_KEYS[column], reverse=descending)
    elif descending and column == "name":
        rows.reverse()


SORT_KEYS = {  # the columns besides name and district, which sort in Thai order
    "plan": lambda r: r.plan_status,
    "r6": lambda r: r.round_status(6),
    "r12": lambda r: r.round_status(12),
    "done": lambda r: r.percent_done,
    "late": lambda r: r.days_late,
}


def unsent_rounds():
    """The rounds still to be sent (draft or returned) that have a due date to keep: the rule
    of ``checks.is_overdue`` and ``dashboard_rows`` (a plan recorded after the fact is never
    due). Those with ``due_date < today`` are late; reminders and digests read this."""
    return ProgressRound.objects.filter(status__in=EDITABLE_STATUSES, plan__recorded_after=False)


def review_queue(roles, fiscal_years=None):
    """Documents waiting for this approver: submitted plans and rounds of their bodies."""
    plans = MeasurePlan.objects.filter(org_id__in=roles.approver_of).select_related("org")
    waiting_plans = list(plans.filter(status=Status.SUBMITTED))
    waiting_rounds = list(ProgressRound.objects.filter(plan__org_id__in=roles.approver_of, status=Status.SUBMITTED)
                          .select_related("plan", "plan__org"))
    return waiting_plans, waiting_rounds


def editor_tasks(roles, today: datetime.date):
    """What an editor's bodies must do next: open rounds by due date, returned documents with why.
    A plan recorded after the fact (and its rounds) is no task due: it is opened from the year
    picker, and listed here only when it was returned."""
    orgs = roles.editor_of
    open_rounds = list(
        ProgressRound.objects.filter(plan__org_id__in=orgs, status__in=EDITABLE_STATUSES, plan__recorded_after=False)
        .select_related("plan", "plan__org").order_by("due_date")[:20]
    )
    draft_plans = list(MeasurePlan.objects.filter(org_id__in=orgs, status__in=EDITABLE_STATUSES, recorded_after=False)
                       .select_related("org").order_by("-fiscal_year")[:20])
    returns = list(
        Transition.objects.filter(plan__org_id__in=orgs, action="return", to_status=Status.RETURNED)
        .filter(Q(round__isnull=True, plan__status=Status.RETURNED) | Q(round__status=Status.RETURNED))
        .select_related("plan", "plan__org", "round", "actor").order_by("-created_at")[:20]
    )
    return {"open_rounds": open_rounds, "draft_plans": draft_plans, "returns": returns, "today": today}


def years_to_open(org_ids, current_fy: int, due=()) -> dict[int, int]:
    """Each body's year the staff home opens first: the year of its first document in ``due``
    (open rounds by due date, plans being written, documents waiting for review: objects with a
    ``plan`` or plans), else its latest year with a plan, else ``current_fy`` — never an empty
    next year while this year's work is due (one query)."""
    years = dict(MeasurePlan.objects.filter(org_id__in=org_ids, fiscal_year__lte=current_fy).values("org_id")
                 .annotate(latest=Max("fiscal_year")).values_list("org_id", "latest"))
    for document in reversed(list(due)):
        plan = getattr(document, "plan", document)
        if plan.org_id in org_ids:
            years[plan.org_id] = plan.fiscal_year
    return {org_id: years.get(org_id, current_fy) for org_id in org_ids}


def plan_rounds(plan):
    return list(plan.rounds.annotate(entry_count=Count("entries")).order_by("months"))


@dataclass
class Change:
    when: object
    who: object
    kind: str  # +, ~, -
    fields: list[tuple[str, object, object]]


def history_changes(records) -> list[Change]:
    """Records newest first -> what changed in each save (each record is compared with the
    previous record of the same object, both already loaded). Values are shown as people
    read them: choices by their label, related rows by their name, lists joined."""
    changes, deltas = [], []
    for index, record in enumerate(records):
        previous = next((r for r in records[index + 1:] if r.id == record.id), None)
        delta = record.diff_against(previous) if previous is not None and record.history_type == "~" else None
        if delta is not None and not delta.changes:
            continue
        deltas.append((record, delta))
    names = _related_names(deltas)
    for record, delta in deltas:
        fields = []
        for change in delta.changes if delta else []:
            model_field = record.instance_type._meta.get_field(change.field)
            fields.append((str(model_field.verbose_name), _shown(model_field, change.old, names),
                           _shown(model_field, change.new, names)))
        changes.append(Change(record.history_date, record.history_user, record.history_type, fields))
    return changes


def _related_names(deltas) -> dict:
    """{(model, pk): name} for every related row the changes mention (one query per model)."""
    wanted: dict = {}
    for record, delta in deltas:
        for change in delta.changes if delta else []:
            model_field = record.instance_type._meta.get_field(change.field)
            if model_field.many_to_many:
                target = model_field.related_model
                column = model_field.m2m_reverse_field_name()
                for rows in (change.old, change.new):
                    wanted.setdefault(target, set()).update(row[column] for row in rows or [])
    return {(model, obj.pk): str(obj) for model, pks in wanted.items()
            for obj in model.objects.filter(pk__in=pks)}


def _shown(model_field, value, names):
    if model_field.many_to_many:
        column = model_field.m2m_reverse_field_name()
        return ", ".join(names.get((model_field.related_model, row[column]), str(row[column])) for row in value or [])
    if model_field.choices and value is not None:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def measure_with_history(measure):
    return list(measure.history.select_related("history_user").order_by("-history_date", "-history_id"))


def entry_history(measure):
    from .models import ProgressEntry

    return list(ProgressEntry.history.filter(measure_id=measure.pk).select_related("history_user")
                .order_by("-history_date", "-history_id"))


def earlier_entry(progress_round, measure):
    """The measure's entry in the plan's latest earlier round (the 6-month one for the 12-month
    report), with its round loaded, or None (one query)."""
    return (ProgressEntry.objects.filter(round__plan_id=progress_round.plan_id, round__months__lt=progress_round.months,
                                         measure=measure).select_related("round").order_by("-round__months").first())


# ---------------------------------------------------------------- what changed since a return

# The fields a reader compares; bookkeeping (versions, tokens, order, times) is left out. Many-to-
# many fields (indicators, units) are left out too: diffing them costs a query per measure.
MEASURE_COMPARED = ["title", "guideline", "analysis", "steps", "period_start", "period_end", "period_text",
                    "spans_next_year", "monitoring_rounds", "target", "budget", "record_url"]
ENTRY_COMPARED = ["state", "percent", "done_text", "output", "outcome", "problems", "remarks"]


@dataclass
class Revision:
    """One measure's change since the document was returned: ``kind`` is "+" (added), "~"
    (changed) or "-" (removed); ``fields`` are (label, before, after) as people read them."""

    title: str
    kind: str
    fields: list[tuple[str, object, object]] = field(default_factory=list)
    evidence: list = field(default_factory=list)  # evidence added since the return (rounds)


def last_resubmission(history):
    """The return a resubmitted document answers: the latest "return" transition followed by a
    "submit" with nothing else since (``history`` is ``document_history``, oldest first), or None."""
    pending = answered = None
    for transition in history:
        if transition.action == "return":
            pending = transition
        elif transition.action == "submit":
            answered, pending = pending, None
        else:
            pending = answered = None
    return answered


def _read(record, name):
    model_field = record.instance_type._meta.get_field(name)
    value = getattr(record, name)
    if isinstance(value, datetime.date):
        return thai.format_date(value, thai_digits=False)
    if isinstance(value, bool):
        return gettext("ใช่") if value else gettext("ไม่ใช่")
    return _shown(model_field, value, {})


def _revisions(history_model, owner: dict, since, compared, title_of, place_of) -> list[Revision]:
    """Each object's latest record after ``since`` against its latest record at or before it
    (two queries, whatever the number of saves)."""
    from django.db.models import Max

    def latest(records):
        return history_model.objects.filter(history_id__in=records.values("id").annotate(
            last=Max("history_id")).values("last"))

    after = {r.id: r for r in latest(history_model.objects.filter(**owner, history_date__gt=since))}
    before = {r.id: r for r in latest(history_model.objects.filter(**owner, history_date__lte=since,
                                                                    id__in=list(after)))}
    revisions = []
    for record in sorted(after.values(), key=place_of):
        pk = record.id
        old = before.get(pk)
        if record.history_type == "-":
            if old is not None and old.history_type != "-":
                revisions.append(Revision(title_of(record), "-"))
            continue
        if old is None or old.history_type == "-":
            fields = [(str(record.instance_type._meta.get_field(n).verbose_name), "", _read(record, n))
                      for n in compared if getattr(record, n) not in ("", None, [], False)]
            revisions.append(Revision(title_of(record), "+", fields))
            continue
        delta = record.diff_against(old, included_fields=compared)
        fields = [(str(record.instance_type._meta.get_field(c.field).verbose_name), _read(old, c.field),
                   _read(record, c.field)) for c in delta.changes]
        if fields:
            revisions.append(Revision(title_of(record), "~", fields))
    return revisions


def changes_since_return(plan, history, progress_round=None, measures=(), entries=None) -> list[Revision] | None:
    """What the editor changed between the last return and the resubmission, for the approver:
    the plan's measures (added, changed field by field, removed), or a round's results and the
    evidence added since. None when the document is not a resubmission in review."""
    document = progress_round or plan
    answered = last_resubmission(history)
    if document.status != Status.SUBMITTED or answered is None:
        return None
    since = answered.created_at
    if progress_round is None:
        return _revisions(Measure.history.model, {"plan_id": plan.pk}, since, MEASURE_COMPARED,
                          lambda record: record.title, lambda record: (record.order, record.id))
    titles = {m.pk: m.title for m in measures}
    places = {m.pk: place for place, m in enumerate(measures)}
    revisions = _revisions(ProgressEntry.history.model, {"round_id": progress_round.pk}, since, ENTRY_COMPARED,
                           lambda record: titles.get(record.measure_id, "–"),
                           lambda record: (places.get(record.measure_id, len(places)), record.id))
    by_title = {r.title: r for r in revisions}
    for measure_id, entry in (entries or {}).items():
        added = [e for e in entry.evidence.all() if e.created_at > since]
        if added:
            title = titles.get(measure_id, "–")
            if title not in by_title:
                by_title[title] = Revision(title, "~")
                revisions.append(by_title[title])
            by_title[title].evidence = added
    return revisions
