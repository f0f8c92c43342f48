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
("Notifications, exactly once") says what a crash can and cannot do."""

import datetime
import logging
import math
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import transaction
from django.db.models import F, Q
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

from .audit_actions import NotificationAction
from .models import Follow, Kind, MailState, Notification, Preference

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


def _record(rows: list[Notification], people: dict[int, tuple[bool, str]], *, enqueue: bool = True) -> int:
    """Store the rows nobody has yet (the unique rule drops the others): in-app for each, and
    an e-mail queued unless the person gets none. ``people``: {user id: (is_active, email)}.
    Returns the number of rows given; sending starts when the transaction commits."""
    if not rows:
        return 0
    preferences = _preferences({row.recipient_id for row in rows})
    now = timezone.now()
    kept = []
    for row in rows:
        preference = preferences.get(row.recipient_id)
        if preference is not None and not preference.wants(row.kind):
            continue
        is_active, email = people[row.recipient_id]
        reason = _no_mail_reason(is_active, email, preference, row.kind)
        row.reason = row.reason[:2000]
        if reason:
            row.state, row.last_error = MailState.SKIPPED, reason
        else:
            row.state, row.next_attempt_at = MailState.QUEUED, now
        kept.append(row)
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
def preference_save(*, user, email_enabled: bool, off_kinds, email_off_kinds) -> Preference:
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    preference.email_enabled = bool(email_enabled)
    preference.off_kinds = sorted(k for k in set(off_kinds) if k in Kind.values)
    preference.email_off_kinds = sorted(k for k in set(email_off_kinds) if k in Kind.values)
    preference.save()
    audit(actor=user, action=SETTINGS_ACTION, summary=_("แก้ไขการตั้งค่าการแจ้งเตือน"),
          detail={"email": preference.email_enabled, "off": preference.off_kinds,
                  "email_off": preference.email_off_kinds})
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
    Notification.objects.filter(recipient=user, kind=kind, state=MailState.QUEUED).update(
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


def reminders_run(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """One reminder pass: record what is owed today (the unique rule drops what an earlier or
    concurrent pass recorded), give crashed claims back to the queue, and start the sending.
    Safe to run any number of times, on any number of servers at once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts = {}
    with transaction.atomic():
        for name, kinds, (rows, people) in (
                ("due", [Kind.DUE_SOON, Kind.OVERDUE], _due_rows(today)),
                ("review", [Kind.REVIEW_WAITING], _review_rows(now)),
                ("digest", [Kind.DIGEST], _digest_rows(today))):
            started = timezone.now()
            _record(rows, people, enqueue=False)  # the pass starts the sending itself, below
            # New rows only: those an earlier (or a concurrent) pass recorded are not counted.
            counts[name] = Notification.objects.filter(kind__in=kinds, created_at__gte=started).count()
        counts["requeued"] = requeue_stale(now=now)
    due_now = max(now, timezone.now())
    counts["queued"] = Notification.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=due_now).count()
    if counts["queued"]:
        transaction.on_commit(lambda: enqueue_sending(counts["queued"]))  # now, outside a transaction
    return counts


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
    delay = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
    _finish(row, state=MailState.QUEUED, next_attempt_at=now + datetime.timedelta(minutes=delay),
            last_error=detail[:1000])


def send_claimed(rows: list[Notification]) -> int:
    """Send each claimed row over one connection; each is marked the moment it is accepted."""
    preferences = _preferences({row.recipient_id for row in rows})
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
