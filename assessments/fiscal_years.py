"""The frameworks' token, and the fiscal years the portal has pages for: the year of every framework on record and the
year after it (a plan for year N+1 answers year N's result), and the current fiscal year (the
staff home links to its plans even before its framework is loaded). The <fy:...> URL
converter answers 404 for any other year, so no page, plan or download exists for FY 2500.

The years are kept in each process. A change to any framework or its catalogue (tools,
indicators, groups, items; admin, loader, restore) stores
a new token in the shared cache; a process that sees another token reads the years again.
In the steady state a request costs one cache read (held for the rest of the request) and no
query. A missing token (the cache was cleared or evicted it) keeps the years this process has and
puts its token back.

What a process keeps is a ``common.memo.Memo`` (tests clear every memo with one call). A change
made in a transaction that is then rolled back is noticed at this thread's next read (the
transaction's on-commit call is gone and never ran): the token changes again, so neither the
years nor anything kept under the token (the catalogues, the ITA answers) outlive the rollback."""

import datetime
import threading
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from common.memo import Memo
from common.thai import fiscal_year_bounds, fiscal_year_of, format_date

TOKEN_KEY = "fiscal-years:token"

_known = Memo("fiscal years")  # "current": (token, framework years, plan years) of this process
_thread = threading.local()  # .uncommitted: this thread changed a framework in a transaction not yet committed


def framework_years() -> frozenset[int]:
    """The fiscal years of the frameworks on record."""
    return _current()[1]


def plan_years() -> frozenset[int]:
    """The fiscal years with pages: every framework year, the year after it, and this year."""
    return _current()[2] | {fiscal_year_of(_today())}


def date_bounds() -> tuple[datetime.date, datetime.date]:
    """The first and last day a date of a plan may take (a measure's period, a round's due date):
    from the start of the earliest fiscal year with pages to the end of the year after the
    latest (a 12-month report is due in October after its year). Keeps "9999-12-31" out, whose
    copy one year on would not exist."""
    years = plan_years()
    return fiscal_year_bounds(min(years))[0], fiscal_year_bounds(max(years) + 1)[1]


def date_problem(day: datetime.date | None, label: str) -> str | None:
    """A Thai sentence naming the field ``label`` when ``day`` lies outside date_bounds(), else None."""
    first, last = date_bounds()
    if day is None or first <= day <= last:
        return None
    return _("%(label)s ต้องอยู่ระหว่างวันที่ %(first)s ถึง %(last)s (ปีงบประมาณที่มีในระบบและปีถัดไป) "
             "กรุณาตรวจปี พ.ศ. หรือ ค.ศ. ที่กรอก") % {"label": label, "first": format_date(first, thai_digits=False),
                                                 "last": format_date(last, thai_digits=False)}


def latest_result_year() -> int | None:
    """The newest framework year before the current fiscal year (whose results are out), else the
    newest framework year: the year the home page's national overview link shows. No query."""
    years = framework_years()
    done = [year for year in years if year < fiscal_year_of(_today())]
    return max(done or years, default=None)


def _today():
    return timezone.localdate()


def _current():
    if getattr(_thread, "uncommitted", False) and not _commit_pending():
        changed()  # rolled back: what was read inside that transaction must not be kept
    held = getattr(_thread, "held", None)
    if held is not None and _known.peek("current") is held:
        return held  # read once in this request already (and not cleared since)
    known = _read()
    if getattr(_thread, "in_request", False):
        _thread.held = known
    return known


def _read():
    token = cache.get(TOKEN_KEY)
    known = _known.peek("current")
    if known is not None and token in (None, known[0]):
        if token is None:
            cache.add(TOKEN_KEY, known[0], None)
        return known
    if token is None:
        token = uuid.uuid4().hex
        cache.add(TOKEN_KEY, token, None)
        token = cache.get(TOKEN_KEY, token)  # another process may have stored one first
    known = _load(token)
    _known.put("current", known)
    return known


def _load(token):
    from assessments.models import Framework

    years = frozenset(Framework.objects.values_list("fiscal_year", flat=True))
    return token, years, years | {year + 1 for year in years}


def changed() -> None:
    """A framework was added, changed or removed: every process reads the years again."""
    _thread.uncommitted = False
    _thread.held = None
    _known.clear()
    cache.set(TOKEN_KEY, uuid.uuid4().hex, None)


def _committed() -> None:
    changed()  # others may have read the years between the change and the commit
    _current()  # this process reads them now rather than during its next request


def _framework_changed(sender, **kwargs):
    changed()  # at once: this transaction (and a test) sees its own change
    transaction.on_commit(_committed)
    _thread.uncommitted = transaction.get_connection().in_atomic_block


def _commit_pending() -> bool:
    """Is this thread's on-commit call for a framework change still waiting? (Django drops it when
    the transaction, or the savepoint it was made in, is rolled back.)"""
    return any(entry[1] is _committed for entry in transaction.get_connection().run_on_commit)


def token() -> str:
    """Changes whenever any framework, tool, indicator, group or item changes: a key for
    whatever a process keeps of the frameworks (assessments.selectors keeps the catalogues)."""
    return _current()[0]


def _request_started(**kwargs) -> None:
    """A request reads the token once (a page asks for it four times or more: the year in its
    address, the catalogues, the years of plans) and holds it until it ends."""
    _thread.held, _thread.in_request = None, True


def _request_finished(**kwargs) -> None:
    _thread.held, _thread.in_request = None, False


def connect() -> None:
    from django.core.signals import request_finished, request_started

    from assessments.models import Framework, Indicator, Item, ItemGroup, Tool

    request_started.connect(_request_started, dispatch_uid="fiscal-years-request-started")
    request_finished.connect(_request_finished, dispatch_uid="fiscal-years-request-finished")

    for model in (Framework, Tool, Indicator, ItemGroup, Item):
        post_save.connect(_framework_changed, sender=model, dispatch_uid=f"fiscal-years-save-{model.__name__}")
        post_delete.connect(_framework_changed, sender=model, dispatch_uid=f"fiscal-years-delete-{model.__name__}")
