"""Who is told what, once, and the sending of the e-mails.

Recording: an event of the review workflow (measures' ``transition_hooks`` and
``comment_hooks``, registered in apps.py), a new published version (reports calls
``document_published``) and each reminder pass (``reminders_run``) write ``Notification`` rows
with ``bulk_create(ignore_conflicts=True)``: the unique (recipient, kind, key) makes a second
recording of the same thing a no-op, whoever does it and however often.

Sending (only in the background worker, tasks.py): ``send_queued`` claims queued rows in an
atomic step (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock every SQLite
transaction takes at BEGIN, and a conditional ``UPDATE … WHERE state = 'queued'`` on both), sends
each over one SMTP connection and marks it sent as soon as the server accepted it. A refused or
unreachable server puts the row back with a later ``next_attempt_at`` (back-off) until the last
attempt, after which it stays ``failed`` for the administrator. docs/ARCHITECTURE.md
("Notifications, exactly once") says what a crash can and cannot do.

LINE (line.py) is a second channel of the same outbox: a row's ``channel`` is decided when it is
recorded (LINE when the person chose it for the kind and has a working link), its push goes out
from the same claim with a retry key of its own (LINE refuses a repeat), a 429 pauses the batch
for its Retry-After, and a permanent refusal, or the last failed attempt, sends the row by e-mail
instead (``fell_back``). A person who chose the daily digest has their LINE rows ``held`` until
the first reminder pass after LINE_DIGEST_HOUR, which records one ``line_daily`` row for them
(unique per day) and marks the held rows ``digested`` into it."""

import datetime
import logging
import math
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import Area, supervisors_of
from assessments.audit_actions import AssessmentAction
from assessments.documents import Doc, round_doc
from assessments.models import Membership, Organization, SupervisorScope
from assessments.services import audit
from common.mail import MailNotSent, send_template_mail
from common.thai import fiscal_year_bounds
from measures.models import EDITABLE_STATUSES, MeasurePlan, Status, Transition
from measures.selectors import unsent_rounds

from . import line
from .audit_actions import NotificationAction
from .models import Channel, Follow, Kind, LineLink, MailState, Notification, Preference

log = logging.getLogger("ita.notifications")

BACKOFF_MINUTES = [1, 5, 30, 120, 720]  # after the 1st, 2nd, … failed attempt
CLAIM_BATCH = 50  # rows claimed (and sent over one SMTP connection) at a time
TASK_SIZE = 500  # rows one send task handles before it ends (more tasks: more workers help)
MAX_TASKS = 64
CLAIM_LEASE = datetime.timedelta(minutes=10)  # a row "sending" longer than this was left by a crash
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# A person's own notification settings (and following a body).
SETTINGS_ACTION = NotificationAction.NOTIFICATION_SETTINGS
EVENT_KINDS = {"submit": Kind.SUBMITTED, "return": Kind.RETURNED, "approve": Kind.APPROVED,
               "publish": Kind.PUBLISHED}


def max_attempts() -> int:
    return settings.NOTIFY_MAX_ATTEMPTS


# ---------------------------------------------------------------- names and links


def document_name(plan_fiscal_year: int, months: int | None) -> str:
    """The document's title as the documents print it (assessments/documents.py's ``Doc``): the
    plan's measures, or the report of a round of ``months``."""
    if months is None:
        return str(Doc.MEASURES.label)
    if doc := round_doc(months):
        return str(Doc(doc).label)
    return _("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส รอบ %(months)s เดือน") % {"months": months}


def document_url(slug: str, fiscal_year: int, months: int | None) -> str:
    if months is None:
        return reverse("plan-detail", args=[slug, fiscal_year])
    return reverse("round-detail", args=[slug, fiscal_year, months])


def absolute(url: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + url if url.startswith("/") else url


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a token this portal signed, or None (no expiry: a link in an old
    e-mail still works)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (user_id, kind) if kind in Kind.values else None


# ---------------------------------------------------------------- recording


def _preferences(user_ids) -> dict[int, Preference]:
    found = {}
    ids = list(user_ids)
    for start in range(0, len(ids), 5000):
        found.update({p.user_id: p for p in Preference.objects.filter(user_id__in=ids[start:start + 5000])})
    return found


def preference_for(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def _no_mail_reason(is_active: bool, email: str, preference: Preference | None, kind: str) -> str:
    if not is_active:
        return _("บัญชีผู้ใช้ถูกปิดใช้งาน")
    if not (email or "").strip():
        return _("ผู้รับไม่มีอีเมล")
    if preference is not None and not preference.wants_email(kind):
        return _("ผู้รับปิดการรับอีเมลประเภทนี้")
    return ""


def _people(org_ids, role) -> dict[int, list[tuple[int, bool, str]]]:
    """{org id: [(user id, is_active, email)]} of the bodies' members in ``role``, active ones."""
    by_org = defaultdict(list)
    ids = list(org_ids)
    for start in range(0, len(ids), 5000):
        rows = (Membership.objects.filter(org_id__in=ids[start:start + 5000], role=role, user__is_active=True)
                .values_list("org_id", "user_id", "user__is_active", "user__email"))
        for org_id, user_id, is_active, email in rows:
            by_org[org_id].append((user_id, is_active, email))
    return by_org


def _working_links(user_ids) -> set[int]:
    """The people of ``user_ids`` whose LINE link works (linked, not refused for good)."""
    found = set()
    ids = list(user_ids)
    for start in range(0, len(ids), 5000):
        found.update(LineLink.objects.filter(user_id__in=ids[start:start + 5000], failed_at__isnull=True)
                     .values_list("user_id", flat=True))
    return found


def _plan(rows: list[Notification], people: dict[int, tuple[bool, str]], *, now=None) -> list[Notification]:
    """The rows a person is told of (their turned-off kinds dropped), each with its channel and
    state: LINE (held for the daily digest, or queued) when the person chose LINE for the kind and
    has a working link, else e-mail queued or skipped with the reason. Writes nothing; reads the
    preferences, and the LINE links of those who chose LINE only."""
    if not rows:
        return []
    preferences = _preferences({row.recipient_id for row in rows})
    now = now or timezone.now()
    line_on = line.enabled()
    on_line = {row.recipient_id for row in rows
               if line_on and (p := preferences.get(row.recipient_id)) is not None and p.wants_line(row.kind)}
    linked = _working_links(on_line) if on_line else set()
    kept = []
    for row in rows:
        preference = preferences.get(row.recipient_id)
        if preference is not None and not preference.wants(row.kind):
            continue
        is_active, email = people[row.recipient_id]
        row.reason = row.reason[:2000]
        if is_active and row.recipient_id in linked and preference.wants_line(row.kind):
            row.channel = Channel.LINE
            if preference.line_digest and row.kind != Kind.LINE_DAILY:
                row.state, row.next_attempt_at = MailState.HELD, None
            else:
                row.state, row.next_attempt_at = MailState.QUEUED, now
        elif reason := _no_mail_reason(is_active, email, preference, row.kind):
            row.channel, row.state, row.last_error = Channel.EMAIL, MailState.SKIPPED, reason
        else:
            row.channel, row.state, row.next_attempt_at = Channel.EMAIL, MailState.QUEUED, now
        kept.append(row)
    return kept


def _record(rows: list[Notification], people: dict[int, tuple[bool, str]], *, enqueue: bool = True) -> int:
    """Store the rows nobody has yet (the unique rule drops the others): in-app for each, and
    an e-mail or a LINE message queued (or held for the day's LINE digest) unless the person gets
    none. ``people``: {user id: (is_active, email)}. Returns the number of rows given; sending
    starts when the transaction commits."""
    kept = _plan(rows, people)
    if not kept:
        return 0
    Notification.objects.bulk_create(kept, batch_size=1000, ignore_conflicts=True)
    if enqueue and any(row.state == MailState.QUEUED for row in kept):
        transaction.on_commit(lambda: enqueue_sending(len(kept)))
    return len(kept)


def _event(*, kind, org, recipients, key, plan=None, progress_round=None, url="", reason="", context=None,
           exclude=None) -> int:
    people = {user_id: (active, email) for user_id, active, email in recipients if user_id != exclude}
    rows = [Notification(recipient_id=user_id, kind=kind, key=key, org=org, plan=plan, round=progress_round,
                         url=url, reason=reason, context=context or {}) for user_id in people]
    return _record(rows, people)


def tell_editors(entries, *, kind, due_date=None) -> int:
    """Tell the editors of each body, once: ``entries`` are (org id, key, url, context); the
    unique (recipient, kind, key) drops what was recorded before (oit/: a broken link, keyed by
    the check that found it broken; the OIT window's reminder, keyed by the year). Rows given."""
    entries = list(entries)
    by_org = _people({org_id for org_id, *_rest in entries}, Membership.Role.EDITOR)
    rows, people = [], {}
    for org_id, key, url, context in entries:
        for user_id, active, email in by_org.get(org_id, []):
            people[user_id] = (active, email)
            rows.append(Notification(recipient_id=user_id, kind=kind, key=key, org_id=org_id, url=url,
                                     context=context, due_date=due_date))
    return _record(rows, people)


def on_transition(*, transition, plan, progress_round):
    """measures' transition hook: submitted → the approvers; returned (with the reason),
    approved and published → the editors. Never the person who acted."""
    kind = EVENT_KINDS.get(transition.action)
    if kind is None:
        return
    org = Organization.objects.get(pk=plan.org_id)
    role = Membership.Role.APPROVER if kind == Kind.SUBMITTED else Membership.Role.EDITOR
    months = getattr(progress_round, "months", None)
    actor = transition.actor
    _event(kind=kind, org=org, recipients=_people([org.pk], role)[org.pk], key=f"transition:{transition.pk}",
           plan=plan, progress_round=progress_round, url=document_url(org.slug, plan.fiscal_year, months),
           reason=transition.comment, exclude=transition.actor_id,
           context={"document": document_name(plan.fiscal_year, months), "fiscal_year": plan.fiscal_year,
                    "org": org.name, "actor": actor.get_full_name() or actor.username})


def on_comment(*, comment):
    """measures' comment hook: a comment → the body's editors and approvers (not its author)."""
    plan = comment.plan
    org = Organization.objects.get(pk=plan.org_id)
    progress_round = comment.round
    months = getattr(progress_round, "months", None)
    people = _people([org.pk], Membership.Role.EDITOR)[org.pk] + _people([org.pk], Membership.Role.APPROVER)[org.pk]
    unique = list({row[0]: row for row in people}.values())
    author = comment.author
    _event(kind=Kind.COMMENT, org=org, recipients=unique, key=f"comment:{comment.pk}", plan=plan,
           progress_round=progress_round, url=document_url(org.slug, plan.fiscal_year, months),
           reason=comment.text, exclude=comment.author_id,
           context={"document": document_name(plan.fiscal_year, months), "fiscal_year": plan.fiscal_year,
                    "org": org.name, "actor": author.get_full_name() or author.username})


def on_decision(*, plan, progress_round, actor, summary: str, reason: str):
    """measures' decision hook: a decision that changes what a supervisor sees (a plan recorded
    after the fact, a moved due date) → the supervisors whose area holds the body (not the actor)."""
    org = Organization.objects.get(pk=plan.org_id)
    months = getattr(progress_round, "months", None)
    recipients = list(get_user_model().objects.filter(pk__in=supervisors_of(org), is_active=True)
                      .values_list("pk", "is_active", "email"))
    _event(kind=Kind.COMMENT, org=org, recipients=recipients, key=f"decision:{uuid.uuid4().hex}",
           plan=plan, progress_round=progress_round, url=document_url(org.slug, plan.fiscal_year, months),
           reason=_("%(summary)s เหตุผล: %(reason)s") % {"summary": summary, "reason": reason}, exclude=actor.pk,
           context={"document": document_name(plan.fiscal_year, months), "fiscal_year": plan.fiscal_year,
                    "org": org.name, "actor": actor.get_full_name() or actor.username})


def document_published(*, document, title: str) -> int:
    """A new published version (reports.services.Publishing.adopt, in the publish's short
    transaction): its body's followers."""
    org = document.org
    followers = Follow.objects.filter(org=org, user__is_active=True).values_list("user_id", "user__is_active",
                                                                                 "user__email")
    url = reverse("public-pdf-version", args=[org.slug, document.fiscal_year, document.doc, document.version])
    return _event(kind=Kind.NEW_VERSION, org=org, recipients=list(followers), key=f"published:{document.pk}",
                  url=url, exclude=document.published_by_id,
                  context={"document": str(title), "fiscal_year": document.fiscal_year, "org": org.name,
                           "version": document.version})


@transaction.atomic
def follow_set(*, user, org, follow: bool) -> bool:
    """Follow a body (told of each new published version) or stop following it."""
    if follow:
        _follow, changed = Follow.objects.get_or_create(user=user, org=org)
        summary = _("ติดตามเอกสารที่เผยแพร่ของ%(org)s")
    else:
        changed = bool(Follow.objects.filter(user=user, org=org).delete()[0])
        summary = _("เลิกติดตามเอกสารที่เผยแพร่ของ%(org)s")
    if changed:
        audit(actor=user, action=SETTINGS_ACTION, summary=summary % {"org": org.name}, detail={"org": org.pk})
    return follow


@transaction.atomic
def preference_save(*, user, email_enabled: bool, off_kinds, email_off_kinds, line_kinds=None,
                    line_digest=None) -> Preference:
    """A person's choices: e-mail at all, per kind whether to be told and how (e-mail, LINE or
    neither), and LINE's daily digest. ``line_kinds``/``line_digest`` left None keep what is stored.
    Rows held for a digest the person turned off go out at the next reminder pass."""
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    preference.email_enabled = bool(email_enabled)
    preference.off_kinds = sorted(k for k in set(off_kinds) if k in Kind.values)
    preference.email_off_kinds = sorted(k for k in set(email_off_kinds) if k in Kind.values)
    if line_kinds is not None:
        preference.line_kinds = sorted(k for k in set(line_kinds) if k in Kind.values and k != Kind.LINE_DAILY)
    if line_digest is not None:
        preference.line_digest = bool(line_digest)
    preference.save()
    audit(actor=user, action=SETTINGS_ACTION, summary=_("แก้ไขการตั้งค่าการแจ้งเตือน"),
          detail={"email": preference.email_enabled, "off": preference.off_kinds,
                  "email_off": preference.email_off_kinds, "line": preference.line_kinds,
                  "line_digest": preference.line_digest})
    return preference


@transaction.atomic
def unsubscribe(*, user_id: int, kind: str) -> Preference:
    """The e-mail's one-click link: no more e-mail of this kind (the bell keeps it)."""
    user = get_user_model().objects.get(pk=user_id)
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    if kind not in preference.email_off_kinds:
        preference.email_off_kinds = sorted({*preference.email_off_kinds, kind})
        preference.save(update_fields=["email_off_kinds", "updated_at"])
        audit(actor=user, action=SETTINGS_ACTION,
              summary=_("ยกเลิกการรับอีเมลประเภท “%(kind)s” จากลิงก์ในอีเมล") % {"kind": Kind(kind).label},
              detail={"email_off": preference.email_off_kinds})
    # What is still waiting to be sent of that kind is not sent either.
    Notification.objects.filter(recipient=user, kind=kind, channel=Channel.EMAIL, state=MailState.QUEUED).update(
        state=MailState.SKIPPED, last_error=_("ผู้รับปิดการรับอีเมลประเภทนี้"), next_attempt_at=None)
    return preference


def mark_read(*, notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------- reminders


def plan_due_date(fiscal_year: int) -> datetime.date | None:
    """When a plan (the measures document) is due: NOTIFY_PLAN_DUE "MM-DD" inside the plan's
    fiscal year, or None (the default: the portal holds no due date for plans)."""
    value = settings.NOTIFY_PLAN_DUE
    if not value:
        return None
    month, day = (int(part) for part in value.split("-"))
    start, end = fiscal_year_bounds(fiscal_year)
    return datetime.date(start.year if month >= start.month else end.year, month, day)


def reminder_step(due_date: datetime.date, today: datetime.date) -> tuple[str, str, int] | None:
    """(kind, key suffix, days left) of the reminder a document due ``due_date`` is owed
    today: the latest step passed of NOTIFY_DUE_DAYS before the date (one missed pass is made
    up by the next; a step skipped altogether is replaced by the later one), then one a week
    while late. None when nothing is owed yet."""
    days_left = (due_date - today).days
    if days_left < 0:
        week = (-days_left - 1) // 7
        return Kind.OVERDUE, f"due:{due_date.isoformat()}:late{week}", days_left
    steps = [d for d in settings.NOTIFY_DUE_DAYS if d >= days_left]
    if not steps:
        return None
    return Kind.DUE_SOON, f"due:{due_date.isoformat()}:d{min(steps)}", days_left


def _due_rows(today) -> tuple[list[Notification], dict]:
    horizon = today + datetime.timedelta(days=max(settings.NOTIFY_DUE_DAYS, default=0))
    documents = []  # (org id, slug, name, fiscal year, months, plan id, round id, due date)
    for row in (unsent_rounds().filter(due_date__lte=horizon)
                .values_list("plan__org_id", "plan__org__slug", "plan__org__name", "plan__fiscal_year", "months",
                             "plan_id", "pk", "due_date")):
        documents.append(row)
    if settings.NOTIFY_PLAN_DUE:
        plans = (MeasurePlan.objects.filter(status__in=EDITABLE_STATUSES, recorded_after=False)
                 .values_list("org_id", "org__slug", "org__name", "fiscal_year", "pk"))
        for org_id, slug, name, fiscal_year, plan_id in plans:
            due = plan_due_date(fiscal_year)
            if due <= horizon:
                documents.append((org_id, slug, name, fiscal_year, None, plan_id, None, due))
    owed = []
    for document in documents:
        step = reminder_step(document[-1], today)
        if step is not None:
            owed.append((document, step))
    editors = _people({d[0] for d, _step in owed}, Membership.Role.EDITOR)
    rows, people = [], {}
    for (org_id, slug, name, fiscal_year, months, plan_id, round_id, due), (kind, suffix, days_left) in owed:
        subject = f"round:{round_id}" if round_id else f"plan:{plan_id}"
        context = {"document": document_name(fiscal_year, months), "fiscal_year": fiscal_year, "org": name,
                   "days_left": days_left, "days_late": -days_left}
        for user_id, is_active, email in editors.get(org_id, []):
            people[user_id] = (is_active, email)
            rows.append(Notification(recipient_id=user_id, kind=kind, key=f"{subject}:{suffix}", org_id=org_id,
                                     plan_id=plan_id, round_id=round_id, due_date=due,
                                     url=document_url(slug, fiscal_year, months), context=context))
    return rows, people


def _review_rows(now) -> tuple[list[Notification], dict]:
    """Documents submitted more than NOTIFY_REVIEW_DAYS ago and still waiting: their approvers
    (not the submitter), once per submission."""
    cutoff = now - datetime.timedelta(days=settings.NOTIFY_REVIEW_DAYS)
    waiting = (Transition.objects.filter(action="submit")
               .filter(Q(round__isnull=True, plan__status=Status.SUBMITTED) | Q(round__status=Status.SUBMITTED))
               .values_list("pk", "plan_id", "round_id", "plan__org_id", "plan__org__slug", "plan__org__name",
                            "plan__fiscal_year", "round__months", "actor_id", "created_at"))
    latest = {}
    for row in waiting:
        key = (row[1], row[2])
        if key not in latest or row[0] > latest[key][0]:
            latest[key] = row
    owed = [row for row in latest.values() if row[-1] <= cutoff]
    approvers = _people({row[3] for row in owed}, Membership.Role.APPROVER)
    rows, people = [], {}
    for pk, plan_id, round_id, org_id, slug, name, fiscal_year, months, submitter, submitted_at in owed:
        context = {"document": document_name(fiscal_year, months), "fiscal_year": fiscal_year, "org": name,
                   "days_waiting": (now - submitted_at).days,
                   "submitted_on": timezone.localdate(submitted_at).isoformat()}
        for user_id, is_active, email in approvers.get(org_id, []):
            if user_id == submitter:
                continue
            people[user_id] = (is_active, email)
            rows.append(Notification(recipient_id=user_id, kind=Kind.REVIEW_WAITING, key=f"review:{pk}",
                                     org_id=org_id, plan_id=plan_id, round_id=round_id,
                                     url=document_url(slug, fiscal_year, months), context=context))
    return rows, people


DIGEST_NAMES = 30  # bodies named in a digest; the rest are counted


def _digest_rows(today) -> tuple[list[Notification], dict]:
    """Each supervisor, once a week (the first pass on or after NOTIFY_DIGEST_WEEKDAY): the
    late bodies of their area, as the dashboard counts them late."""
    if today.weekday() < settings.NOTIFY_DIGEST_WEEKDAY:
        return [], {}
    year, week, _day = today.isocalendar()
    late = defaultdict(int)  # org id -> most days late
    orgs = {}
    for org_id, name, province_id, district, due in (
            unsent_rounds().filter(due_date__lt=today)
            .values_list("plan__org_id", "plan__org__name", "plan__org__province_id", "plan__org__district",
                         "due_date")):
        late[org_id] = max(late[org_id], (today - due).days)
        orgs[org_id] = (name, province_id, district)
    by_place = defaultdict(list)  # (province id, district) -> the late bodies there
    for org_id, (_name, province_id, district) in orgs.items():
        by_place[(province_id, district)].append(org_id)
    scopes = defaultdict(set)
    people = {}
    for user_id, is_active, email, province_id, district in (
            SupervisorScope.objects.filter(user__is_active=True)
            .values_list("user_id", "user__is_active", "user__email", "province_id", "district")):
        people[user_id] = (is_active, email)
        scopes[user_id].add((province_id, district))
    url = reverse("dashboard") + "?status=late&sort=-late"
    rows = []
    for user_id, their_scopes in scopes.items():
        area = Area(frozenset(their_scopes))  # a district supervisor's digest names their district only
        org_ids = [pk for place, pks in by_place.items() if area.contains_place(*place) for pk in pks]
        if not org_ids:
            continue
        ordered = sorted(org_ids, key=lambda pk: (-late[pk], orgs[pk][0]))
        context = {"count": len(ordered), "more": max(0, len(ordered) - DIGEST_NAMES), "week": f"{year}-W{week:02d}",
                   "bodies": [{"name": orgs[pk][0], "district": orgs[pk][2], "days_late": late[pk]}
                              for pk in ordered[:DIGEST_NAMES]]}
        rows.append(Notification(recipient_id=user_id, kind=Kind.DIGEST, key=f"digest:{year}-W{week:02d}",
                                 url=url, context=context))
    return rows, people


def _candidates(today, now):
    return (("due", [Kind.DUE_SOON, Kind.OVERDUE], _due_rows(today)),
            ("review", [Kind.REVIEW_WAITING], _review_rows(now)),
            ("digest", [Kind.DIGEST], _digest_rows(today)))


def reminders_run(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """One reminder pass: record what is owed today (the unique rule drops what an earlier or
    concurrent pass recorded), make the day's LINE digests, give crashed claims back to the
    queue, and start the sending. Safe to run any number of times, on any number of servers at once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts = {}
    with transaction.atomic():
        for name, kinds, (rows, people) in _candidates(today, now):
            started = timezone.now()
            _record(rows, people, enqueue=False)  # the pass starts the sending itself, below
            # New rows only: those an earlier (or a concurrent) pass recorded are not counted.
            counts[name] = Notification.objects.filter(kind__in=kinds, created_at__gte=started).count()
        counts["line_daily"] = line_digests_run(now=now)
        counts["requeued"] = requeue_stale(now=now)
    due_now = max(now, timezone.now())
    queued = Notification.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=due_now).aggregate(
        total=Count("pk"), line=Count("pk", filter=Q(channel=Channel.LINE)))
    counts["queued"], counts["line_queued"] = queued["total"], queued["line"]
    counts["email_queued"] = queued["total"] - queued["line"]
    if counts["queued"]:
        transaction.on_commit(lambda: enqueue_sending(counts["queued"]))  # now, outside a transaction
    return counts


def reminders_run_by(*, actor) -> dict:
    """A reminder pass the administrator started from the admin (after its count): the pass and
    its audit row in one transaction; the sending starts when it commits."""
    with transaction.atomic():
        counts = reminders_run()
        audit(actor=actor, action=AssessmentAction.ADMIN_OTHER,
              summary=_("เริ่มรอบการแจ้งเตือนจากหน้าผู้ดูแลระบบ: อีเมลรอส่ง %(email)s ฉบับ, LINE รอส่ง %(line)s ข้อความ") % {
                  "email": counts["email_queued"], "line": counts["line_queued"]}, detail=counts)
    return counts


def reminders_preview(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """What ``reminders_run`` would record and send now, writing nothing (``send_reminders
    --dry-run``): the new notifications, and the messages by channel: e-mails, LINE messages pushed
    one by one, LINE digests, plus what is already queued; and the month's LINE quota and use (from
    LINE when it answers, else the portal's own count), so the administrator sees before a run
    whether it fits the Official Account's plan."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    new, people = [], {}
    for _name, kinds, (rows, their_people) in _candidates(today, now):
        recorded = _recorded_keys(rows, kinds)
        new += [row for row in rows if (row.recipient_id, row.kind, row.key) not in recorded]
        people.update(their_people)
    planned = _plan(new, people, now=now)
    held_by = {row.recipient_id for row in planned if row.state == MailState.HELD}
    due_now = Notification.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=now).aggregate(
        total=Count("pk"), line=Count("pk", filter=Q(channel=Channel.LINE)))
    held_by |= set(Notification.objects.filter(state=MailState.HELD).values_list("recipient_id", flat=True).distinct())
    digests = len(_digest_people(held_by, now)) if held_by and _digest_time(now) else 0
    new_email = sum(row.channel == Channel.EMAIL and row.state == MailState.QUEUED for row in planned)
    new_line = sum(row.channel == Channel.LINE and row.state == MailState.QUEUED for row in planned)
    result = {
        "new": len(planned), "email": new_email, "line": new_line,
        "line_held": sum(row.state == MailState.HELD for row in planned), "line_daily": digests,
        "in_app_only": sum(row.state == MailState.SKIPPED for row in planned),
        "queued_email": due_now["total"] - due_now["line"], "queued_line": due_now["line"],
    }
    result["line_total"] = new_line + digests + due_now["line"]
    result["email_total"] = new_email + result["queued_email"]
    result.update(line_month_use(now=now))
    result["line_after"] = result["line_month_used"] + result["line_total"]
    result["line_over_quota"] = bool(result["line_quota"]) and result["line_after"] > result["line_quota"]
    return result


def _recorded_keys(rows, kinds) -> set[tuple[int, str, str]]:
    keys = sorted({row.key for row in rows})
    found = set()
    for start in range(0, len(keys), 2000):
        found.update(Notification.objects.filter(kind__in=kinds, key__in=keys[start:start + 2000])
                     .values_list("recipient_id", "kind", "key"))
    return found


def line_month_use(*, now=None) -> dict:
    """The month's LINE messages: LINE's own figures when it answers (its quota and use), else the
    pushes the portal recorded as sent this month and LINE_MONTHLY_QUOTA."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    counted = Notification.objects.filter(channel=Channel.LINE, state=MailState.SENT, sent_at__gte=start).count()
    figures = {"line_month_sent": counted, "line_quota": settings.LINE_MONTHLY_QUOTA or None,
               "line_month_used": counted, "line_quota_source": "portal"}
    if line.enabled():
        try:
            with line.Client() as client:
                limit, used = client.quota()
        except line.LineNotSent as exc:
            log.warning("LINE quota not read: %s", exc.detail)
        else:
            figures.update(line_quota=limit, line_month_used=used, line_quota_source="line")
    return figures


# ---------------------------------------------------------------- LINE's daily digest

LINE_DIGEST_LOCK = 2_026_280_028  # pg_advisory_xact_lock: one digest step at a time
DIGEST_HEADLINES = 5  # headlines a LINE digest names; the rest are counted


def _digest_time(now) -> bool:
    return timezone.localtime(now).hour >= settings.LINE_DIGEST_HOUR


def _digest_key(now) -> str:
    return f"line_daily:{timezone.localdate(now).isoformat()}"


def _digest_people(user_ids, now) -> set[int]:
    """Of ``user_ids``, those who have no LINE digest of today yet."""
    done = set(Notification.objects.filter(kind=Kind.LINE_DAILY, key=_digest_key(now))
               .values_list("recipient_id", flat=True))
    return set(user_ids) - done


def line_digests_run(*, now=None) -> int:
    """The daily digest step of the reminder pass (inside its transaction): rows held for people
    who no longer take the digest (or with LINE off) go to the queue now; after LINE_DIGEST_HOUR,
    everyone else with held rows and no digest today gets one ``line_daily`` row naming them, and
    the held rows become ``digested`` into it. One step at a time (an advisory lock on PostgreSQL,
    SQLite's write lock), so two passes at once make one digest per person per day."""
    now = now or timezone.now()
    if not Notification.objects.filter(state=MailState.HELD).exists():
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LINE_DIGEST_LOCK])
    held = list(Notification.objects.filter(state=MailState.HELD).order_by("created_at", "pk")
                .only("pk", "recipient_id", "kind", "context", "due_date"))
    preferences = _preferences({row.recipient_id for row in held})
    line_on = line.enabled()
    keep = {user_id for user_id, p in preferences.items() if line_on and p.line_digest and p.line_kinds}
    release = [row.pk for row in held if row.recipient_id not in keep]
    for start in range(0, len(release), 5000):
        Notification.objects.filter(pk__in=release[start:start + 5000], state=MailState.HELD).update(
            state=MailState.QUEUED, next_attempt_at=now)
    if not _digest_time(now):
        return 0
    by_person = defaultdict(list)
    for row in held:
        if row.recipient_id in keep:
            by_person[row.recipient_id].append(row)
    people = _digest_people(by_person, now)
    if not people:
        return 0
    key, url = _digest_key(now), reverse("notifications") + "?unread=1"
    digests = []
    for user_id in sorted(people):
        rows = by_person[user_id]
        digests.append(Notification(
            recipient_id=user_id, kind=Kind.LINE_DAILY, key=key, url=url, channel=Channel.LINE,
            state=MailState.QUEUED, next_attempt_at=now, read_at=now,  # the rows it names light the bell
            context={"count": len(rows), "more": max(0, len(rows) - DIGEST_HEADLINES),
                     "headlines": [row.headline for row in rows[:DIGEST_HEADLINES]]}))
    Notification.objects.bulk_create(digests, batch_size=1000, ignore_conflicts=True)
    digested = [row.pk for user_id in people for row in by_person[user_id]]
    their_digest = Subquery(Notification.objects.filter(recipient_id=OuterRef("recipient_id"), kind=Kind.LINE_DAILY,
                                                        key=key).values("pk")[:1])
    for start in range(0, len(digested), 5000):
        Notification.objects.filter(pk__in=digested[start:start + 5000], state=MailState.HELD).update(
            state=MailState.DIGESTED, digest_id=their_digest)
    return len(digests)


def requeue_stale(*, now=None) -> int:
    """Rows left "sending" by a worker that died: back to the queue after CLAIM_LEASE."""
    now = now or timezone.now()
    return Notification.objects.filter(state=MailState.SENDING, claimed_at__lt=now - CLAIM_LEASE).update(
        state=MailState.QUEUED, claimed_by="", next_attempt_at=F("claimed_at"))


# ---------------------------------------------------------------- sending (in the worker)


def enqueue_sending(count: int) -> int:
    """Background tasks to send ``count`` queued e-mails (each task claims as it goes, so more
    tasks than needed find nothing and end; several workers share the work)."""
    from .tasks import send_notifications

    tasks = min(MAX_TASKS, max(1, math.ceil(count / TASK_SIZE)))
    for _n in range(tasks):
        send_notifications.enqueue(limit=TASK_SIZE)
    return tasks


def claim(*, limit: int = CLAIM_BATCH, now=None) -> list[Notification]:
    """Queued rows due now, taken by this caller alone: locked rows are skipped (PostgreSQL),
    SQLite's write lock serialises claimers, and the UPDATE only takes rows still queued."""
    now = now or timezone.now()
    worker = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(Notification.objects.select_for_update(skip_locked=True)
                   .filter(state=MailState.QUEUED, next_attempt_at__lte=now)
                   .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Notification.objects.filter(pk__in=ids, state=MailState.QUEUED).update(
            state=MailState.SENDING, claimed_by=worker, claimed_at=now, attempts=F("attempts") + 1)
    return list(Notification.objects.filter(pk__in=ids, claimed_by=worker, state=MailState.SENDING)
                .select_related("recipient").order_by("pk"))


def mail_context(row: Notification) -> dict:
    return {**row.context, "notification": row, "recipient": row.recipient, "kind_label": Kind(row.kind).label,
            "url": absolute(row.url), "reason": row.reason, "due_date": row.due_date,
            "settings_url": absolute(reverse("notification-settings")),
            "unsubscribe_url": absolute(reverse("unsubscribe", args=[unsubscribe_token(row.recipient_id, row.kind)])),
            "dashboard_url": absolute(reverse("dashboard"))}


def mail_headers(row: Notification, context: dict) -> dict:
    domain = (settings.PORTAL_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]) or "localhost"
    return {"List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same Message-ID whatever happens: a receiving system can tell a repeat.
            "Message-ID": f"<notification-{row.pk}@{domain}>", "X-ITA-Notification": str(row.pk)}


def _finish(row, **fields) -> int:
    return Notification.objects.filter(pk=row.pk, claimed_by=row.claimed_by, state=MailState.SENDING).update(
        claimed_by="", **fields)


def _failed(row, detail: str) -> None:
    now = timezone.now()
    if row.attempts >= max_attempts():
        _finish(row, state=MailState.FAILED, next_attempt_at=None, last_error=detail[:1000])
        log.error("notification %s to %s failed for good after %s attempts: %s", row.pk, row.recipient_id,
                  row.attempts, detail)
        return
    _finish(row, state=MailState.QUEUED, next_attempt_at=now + datetime.timedelta(minutes=_backoff(row.attempts)),
            last_error=detail[:1000])


def _backoff(attempts: int) -> int:
    """Minutes to wait after the ``attempts``-th failed attempt."""
    return BACKOFF_MINUTES[max(1, min(attempts, len(BACKOFF_MINUTES))) - 1]


def send_claimed(rows: list[Notification]) -> int:
    """Send each claimed row by its channel: LINE rows first (those LINE cannot take fall back to
    e-mail here and now), then the e-mails over one connection; each is marked the moment it is
    accepted. The number sent."""
    preferences = _preferences({row.recipient_id for row in rows})
    on_line = [row for row in rows if row.channel == Channel.LINE]
    by_email = [row for row in rows if row.channel != Channel.LINE]
    sent = 0
    if on_line:
        line_sent, fallen = _send_line(on_line, preferences)
        sent += line_sent
        by_email += fallen
    if by_email:
        sent += _send_email(sorted(by_email, key=lambda row: row.pk), preferences)
    return sent


def _send_email(rows: list[Notification], preferences) -> int:
    connection = mail.get_connection()
    sent = 0
    try:
        for row in rows:
            recipient = row.recipient
            reason = _no_mail_reason(recipient.is_active, recipient.email, preferences.get(row.recipient_id),
                                     row.kind)
            if reason:
                _finish(row, state=MailState.SKIPPED, next_attempt_at=None, last_error=reason)
                continue
            context = mail_context(row)
            if getattr(connection, "connection", True) is None:
                try:
                    connection.open()
                except (OSError, Exception) as exc:  # noqa: B014 - the send below reports it
                    log.debug("mail connection not opened: %s", exc)
            try:
                send_template_mail(f"notification_{row.kind}", recipient.email.strip(), context,
                                   headers=mail_headers(row, context), connection=connection)
            except MailNotSent as exc:
                _failed(row, exc.detail or str(exc))
                connection.close()
                continue
            _finish(row, state=MailState.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error="")
            sent += 1
    finally:
        connection.close()
    return sent


# ---------------------------------------------------------------- LINE (in the worker)

LINE_QUOTE = 120  # characters of a return's reason or a comment a LINE message quotes


def line_text(row: Notification) -> str:
    """The LINE message of a notification: Thai, short, one link back to the page to act on, and
    nothing the recipient cannot already see in the portal (the headline, a reason or comment
    written to them, a digest's headlines)."""
    parts = [_("ITA Portal: %(headline)s") % {"headline": row.headline}]
    c = row.context or {}
    if row.kind in (Kind.RETURNED, Kind.COMMENT) and row.reason:
        quote = row.reason if len(row.reason) <= LINE_QUOTE else row.reason[:LINE_QUOTE - 1] + "…"
        parts.append(_("“%(text)s”") % {"text": quote})
    if row.kind == Kind.LINE_DAILY:
        parts += ["• " + headline for headline in c.get("headlines", [])]
        if c.get("more"):
            parts.append(_("และอีก %(more)s เรื่อง") % {"more": c["more"]})
    parts.append(absolute(row.url or reverse("notifications")))
    return "\n".join(parts)


def _line_links(user_ids) -> dict[int, LineLink]:
    return {link.user_id: link for link in LineLink.objects.filter(user_id__in=list(user_ids))}


def _to_email(row: Notification, detail: str, *, failed: bool) -> Notification:
    """A claimed LINE row goes by e-mail instead, in the same claim (its attempts start again)."""
    Notification.objects.filter(pk=row.pk, claimed_by=row.claimed_by, state=MailState.SENDING).update(
        channel=Channel.EMAIL, fell_back=failed, attempts=1, last_error=detail[:1000])
    row.channel, row.fell_back, row.attempts, row.last_error = Channel.EMAIL, failed, 1, detail[:1000]
    if failed:
        log.warning("notification %s to %s: LINE did not take it, sent by e-mail instead: %s", row.pk,
                    row.recipient_id, detail)
    return row


def _send_line(rows: list[Notification], preferences) -> tuple[int, list[Notification]]:
    """Push each claimed LINE row (one connection pool). Returns (sent, the rows to send by e-mail
    now). The rows LINE accepted are marked sent together at the end of the batch (one UPDATE), not
    one by one as e-mails are: a crash before that mark puts them back after CLAIM_LEASE, and their
    second push carries the same retry key, which LINE refuses as already accepted (409, taken as
    sent), so nobody gets a message twice. A 429 puts this row and the rest of the batch back for
    LINE's Retry-After (the rest not counted as an attempt); a server error or a broken connection
    retries with back-off; a permanent refusal (and the last attempt of any failure) falls back to
    e-mail, and a refusal about the person's account marks their link as not working."""
    links = _line_links({row.recipient_id for row in rows})
    fallen, accepted, pause_until = [], [], None
    client = line.Client() if line.enabled() else None
    try:
        for row in rows:
            recipient, link = row.recipient, links.get(row.recipient_id)
            preference = preferences.get(row.recipient_id)
            if not recipient.is_active:
                _finish(row, state=MailState.SKIPPED, next_attempt_at=None, last_error=_("บัญชีผู้ใช้ถูกปิดใช้งาน"))
                continue
            if pause_until is not None:  # LINE asked us to wait: not tried, not counted
                _finish(row, state=MailState.QUEUED, next_attempt_at=pause_until, attempts=F("attempts") - 1)
                continue
            if preference is None or not preference.wants_line(row.kind):  # changed their mind since
                fallen.append(_to_email(row, "", failed=False))
                continue
            if client is None or link is None or not link.works:
                why = _("ระบบยังไม่ได้ตั้งค่า LINE") if client is None else (
                    _("ผู้รับยังไม่ได้เชื่อมบัญชี LINE") if link is None else _("ส่งทาง LINE ไม่ได้: %(error)s") % {
                        "error": link.last_error})
                fallen.append(_to_email(row, why, failed=True))
                continue
            try:
                client.push(link.line_user_id, line_text(row), key=line.retry_key(row.pk))
            except line.LineNotSent as exc:
                now = timezone.now()
                if exc.status == 429 and not exc.permanent and row.attempts < max_attempts():
                    wait = exc.retry_after if exc.retry_after is not None else 60 * _backoff(row.attempts)
                    pause_until = now + datetime.timedelta(seconds=wait)
                    _finish(row, state=MailState.QUEUED, next_attempt_at=pause_until, last_error=exc.detail[:1000])
                    log.warning("LINE asked to wait %s s (429); notification %s and the rest of its batch wait", wait,
                                row.pk)
                    continue
                if exc.permanent or row.attempts >= max_attempts():
                    if exc.recipient:  # their other rows of this batch go by e-mail straight away
                        link.failed_at, link.last_error = now, exc.detail[:300]
                        LineLink.objects.filter(pk=link.pk).update(failed_at=now, last_error=link.last_error)
                    fallen.append(_to_email(row, exc.detail, failed=True))
                    continue
                _finish(row, state=MailState.QUEUED, last_error=exc.detail[:1000],
                        next_attempt_at=now + datetime.timedelta(minutes=_backoff(row.attempts)))
                log.warning("LINE push of notification %s not sent (attempt %s): %s", row.pk, row.attempts,
                            exc.detail)
                continue
            accepted.append(row)
    finally:
        if client is not None:
            client.close()
        sent = _mark_sent(accepted)
    return sent, fallen


def _mark_sent(rows: list[Notification]) -> int:
    """Rows of one claim that were accepted, marked sent in one UPDATE (still this claim's)."""
    if not rows:
        return 0
    return Notification.objects.filter(pk__in=[row.pk for row in rows], claimed_by=rows[0].claimed_by,
                                       state=MailState.SENDING).update(
        state=MailState.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error="", claimed_by="")


def send_queued(*, limit: int = TASK_SIZE) -> int:
    """Claim and send until ``limit`` rows were handled or nothing is due; the number sent."""
    sent = handled = 0
    while handled < limit:
        rows = claim(limit=min(CLAIM_BATCH, limit - handled))
        if not rows:
            break
        handled += len(rows)
        sent += send_claimed(rows)
    return sent


@transaction.atomic
def requeue(*, notifications, actor) -> int:
    """The administrator sends failed rows again (admin action)."""
    count = notifications.filter(state=MailState.FAILED).update(
        state=MailState.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_by="")
    if count:
        audit(actor=actor, action=AssessmentAction.ADMIN_OTHER,
              summary=_("ส่งอีเมลแจ้งเตือนที่ส่งไม่สำเร็จใหม่ %(n)s รายการ") % {"n": count})
        transaction.on_commit(lambda: enqueue_sending(count))
    return count
