"""Every public page and the staff pages of each role pass axe-core's WCAG 2.0/2.1 A and AA rules
with zero violations, on a PC and on a phone (with the phone's menu open), as government websites
must (axe-core is vendored in tests/vendor/axe-core and injected by Playwright; tests/browser.py).

A new page is one line in PAGES."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import connections
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import demo
from tests.browser import axe_report, axe_violations, browser  # noqa: F401 (fixtures)
from tests.factories import ADMIN, ANGTHONG, APPROVER, DEMO_PASSWORD, EDITOR, SUPERVISOR, build_plan, user

pytestmark = pytest.mark.browser

PLAN = f"/app/orgs/{ANGTHONG}/2569"
WIDTHS = [1280, 390]  # a PC, and a phone


@dataclass(frozen=True)
class Page:
    name: str
    who: str | None  # a demo user, or None: not signed in
    path: str  # may name the objects of _names(): {measure} (a measure of PLAN), {reported} (one with a
    #            6-month result), {published} (a published PDF's SHA-256), {library_entry}, {reset} and
    #            {unsubscribe} (EDITOR's links)
    then: str = ""  # an action after loading, one of ACTIONS
    status: int = 200  # the HTTP status of the page loaded (before the action)


# fmt: off
PAGES = [
    # Public pages (no sign-in).
    Page("home", None, "/"),
    Page("home-search", None, "/?q=อ่างทอง"),
    Page("home-search-nothing-found", None, "/?q=ไม่มีหน่วยงานชื่อนี้"),
    Page("body", None, f"/orgs/{ANGTHONG}/"),
    Page("body-year", None, f"/orgs/{ANGTHONG}/2568/"),
    Page("body-year-published", None, "/orgs/abt-bo-kaeo/2568/"),
    Page("body-year-glossary-open", None, "/orgs/abt-bo-kaeo/2568/", then="open_all_details"),
    Page("verify", None, "/verify/"),
    Page("verify-found", None, "/verify/?sha256={published}"),
    Page("verify-not-found", None, "/verify/?sha256=" + "0" * 64),
    Page("sign-in", None, "/accounts/login/"),
    Page("sign-in-wrong-password", None, "/accounts/login/", then="wrong_password"),
    Page("password-reset", None, "/accounts/password_reset/"),
    Page("password-reset-done", None, "/accounts/password_reset/done/"),
    Page("password-reset-confirm", None, "{reset}"),
    Page("password-reset-complete", None, "/accounts/reset/done/"),
    Page("error-404", None, "/orgs/no-such-body/", status=404),
    Page("error-403-csrf", None, "/accounts/login/", then="drop_csrf_cookie_and_submit"),
    Page("error-400", None, "/", then="show_400"),
    Page("error-500", None, "/", then="show_500"),
    Page("measure-library", None, "/measures/"),
    Page("measure-library-search", None, "/measures/?q=ข้อมูล"),
    Page("measure-library-nothing-found", None, "/measures/?q=ไม่มีมาตรการนี้"),
    Page("national-overview", None, "/overview/2568/"),
    Page("province-overview", None, "/provinces/KSN/2568/"),
    Page("invitation-invalid", None, "/invite/no-such-invitation/", status=404),
    Page("unsubscribe", None, "/unsubscribe/{unsubscribe}/"),
    # An editor's pages.
    Page("app-home", EDITOR, "/app/"),
    Page("plan", EDITOR, f"{PLAN}/plan/"),
    Page("plan-cards-and-tools-open", EDITOR, f"{PLAN}/plan/", then="open_all_details"),
    Page("plan-analysis", EDITOR, f"{PLAN}/plan/analysis/"),
    Page("measure-new", EDITOR, f"{PLAN}/measures/new/"),
    Page("measure-new-with-errors", EDITOR, f"{PLAN}/measures/new/", then="submit_main_form"),
    Page("measure-edit", EDITOR, f"{PLAN}/measures/{{measure}}/"),
    Page("measure-delete", EDITOR, f"{PLAN}/measures/{{measure}}/delete/"),
    Page("measure-history", EDITOR, f"{PLAN}/measures/{{measure}}/history/"),
    Page("round", EDITOR, f"{PLAN}/rounds/6/"),
    Page("entry-form", EDITOR, f"{PLAN}/rounds/6/measures/{{measure}}/"),
    Page("entry-form-with-errors", EDITOR, f"{PLAN}/rounds/6/measures/{{measure}}/", then="submit_main_form"),
    Page("entry-form-12-months-carry", EDITOR, f"{PLAN}/rounds/12/measures/{{reported}}/?carry=6"),
    Page("report-settings", EDITOR, f"/app/orgs/{ANGTHONG}/reports/settings/"),
    Page("preview-progress", EDITOR, f"{PLAN}/reports/measures.pdf", status=202),  # rendered by a worker
    Page("signature", EDITOR, "/app/signature/"),
    Page("scores-import", EDITOR, "/app/scores/import/"),
    Page("scores-edit", EDITOR, f"/app/orgs/{ANGTHONG}/scores/2568/"),
    Page("scores-edit-with-errors", EDITOR, f"/app/orgs/{ANGTHONG}/scores/2568/", then="submit_main_form"),
    Page("score-remove", EDITOR, f"/app/orgs/{ANGTHONG}/scores/2568/remove/?scope=indicator&code=4&part=0"),
    Page("password-change", EDITOR, "/accounts/password_change/"),
    Page("error-403", EDITOR, "/app/dashboard/", status=403),
    Page("error-404-signed-in", EDITOR, "/orgs/abt-bo-kaeo/2568/nope.pdf", status=404),
    Page("library-copy", EDITOR, "/app/library/{library_entry}/copy/"),
    Page("notifications", EDITOR, "/app/notifications/"),
    Page("notification-settings", EDITOR, "/app/notifications/settings/"),
    Page("line-link", EDITOR, "/line/link/?linkToken=abcdefgh12345678"),
    Page("line-link-bad-token", EDITOR, "/line/link/?linkToken=bad", status=400),
    Page("profile", EDITOR, "/app/profile/"),
    Page("email-confirm", EDITOR, "/app/profile/email/{email_change}/"),
    Page("security", EDITOR, "/app/security/"),
    Page("security-setup", EDITOR, "/app/security/setup/"),
    # An approver's pages.
    Page("approver-home", APPROVER, "/app/"),
    Page("approver-round", APPROVER, f"{PLAN}/rounds/6/"),
    Page("approver-plan-resubmitted", APPROVER, f"/app/orgs/{ANGTHONG}/2570/plan/"),
    Page("approver-round-resubmitted", APPROVER, f"/app/orgs/{ANGTHONG}/2570/rounds/6/"),
    Page("approver-dashboard", APPROVER, "/app/dashboard/"),
    Page("approver-people", APPROVER, f"/app/orgs/{ANGTHONG}/people/"),
    Page("approver-notifications", APPROVER, "/app/notifications/"),
    # A provincial supervisor's pages.
    Page("supervisor-home", SUPERVISOR, "/app/"),
    Page("supervisor-dashboard", SUPERVISOR, "/app/dashboard/?fy=2569"),
    Page("supervisor-plan", SUPERVISOR, f"{PLAN}/plan/"),
    Page("supervisor-area-people", SUPERVISOR, "/app/area/people/"),
    Page("supervisor-area-reach", SUPERVISOR, "/app/area/reach/"),
    Page("supervisor-province-overview", SUPERVISOR, "/provinces/ATG/2568/"),
    # The system administrator's.
    Page("admin-home", ADMIN, "/app/"),
    Page("admin-dashboard", ADMIN, "/app/dashboard/"),
    Page("admin-supervisors", ADMIN, "/app/supervisors/"),
    # A body's OIT year (oit/): the public page, the staff page and an item's form.
    Page("oit-public", None, f"/orgs/{ANGTHONG}/2569/ita/"),
    Page("editor-oit-year", EDITOR, f"/app/orgs/{ANGTHONG}/2569/ita/"),
    Page("editor-oit-item", EDITOR, f"/app/orgs/{ANGTHONG}/2569/ita/o1/"),
    Page("approver-oit-year", APPROVER, f"/app/orgs/{ANGTHONG}/2569/ita/"),
]
# fmt: on


def _submit_main_form(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def _wrong_password(page):
    page.locator("#id_username").fill("no_such_user")  # never locks a demo user out
    page.locator("#id_password").fill("not-the-password")
    _submit_main_form(page)


def _drop_csrf_cookie_and_submit(page):
    page.context.clear_cookies()
    _wrong_password(page)


def _show(template):
    """Pages Django renders without a request (400, 500): shown in place of the loaded page,
    which gives them the portal's address, static files and CSP."""
    def show(page):
        page.set_content(render_to_string(template))
    return show


def _open_all_details(page):
    """Every folded part open (the plan's measure cards and tools, a glossary)."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


ACTIONS = {
    "submit_main_form": _submit_main_form, "wrong_password": _wrong_password, "open_all_details": _open_all_details,
    "drop_csrf_cookie_and_submit": _drop_csrf_cookie_and_submit,
    "show_400": _show("400.html"), "show_500": _show("500.html"),
}


def _resubmitted(editor):
    """ANGTHONG's FY 2570 plan and 6-month report, each returned and sent again with changes
    (what an approver reads before deciding)."""
    from assessments.models import Organization
    from measures import services

    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=2)
    round6 = plan.rounds.get(months=6)
    first = plan.measures.order_by("order", "pk").first()
    services.entry_save(progress_round=round6, measure=first, actor=editor, data={"state": "done", "output": "ก"})
    for document in (None, round6):
        confirmed = [f.key for f in services.findings_for(plan, document) if f.needs_confirmation]
        services.document_transition(plan=plan, actor=editor, action="submit", progress_round=document,
                                     confirmed=confirmed)
        services.document_transition(plan=plan, actor=user(APPROVER), action="return", progress_round=document,
                                     comment="กรุณาแก้ไข")
    services.measure_save(plan=plan, measure=first, actor=editor, expected_version=first.version,
                          data={"title": first.title, "steps": first.steps, "target": "ร้อยละ 80"})
    services.entry_save(progress_round=round6, measure=first, actor=editor, data={"state": "done", "output": "ข"})
    for document in (None, round6):
        confirmed = [f.key for f in services.findings_for(plan, document) if f.needs_confirmation]
        services.document_transition(plan=plan, actor=editor, action="submit", progress_round=document,
                                     confirmed=confirmed)


def _preview_waiting(plan):
    """The plan's measures preview queued for a worker (none runs here): its address answers with
    the progress page."""
    from django.test import override_settings

    from reports import previews

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        previews.queue(previews.preview_of(plan, "measures"))


def _names():
    """The objects PAGES' paths name, from the demo data."""
    from library.models import LibraryEntry
    from measures import services
    from measures.models import MeasurePlan
    from notifications.services import unsubscribe_token
    from people import services as people_services
    from reports.models import PublishedDocument

    plan = MeasurePlan.objects.get(org__slug=ANGTHONG, fiscal_year=2569)
    editor = user(EDITOR)
    # A measure reported in the 6-month round, with evidence: the approver's round page reads it,
    # the 12-month form offers it.
    reported = plan.measures.order_by("order")[1]
    round6 = plan.rounds.get(months=6)
    services.entry_save(progress_round=round6, measure=reported, actor=editor,
                        data={"state": "in_progress", "percent": 50, "output": "ผลผลิตรอบ 6 เดือน"})
    services.evidence_add(progress_round=round6, measure=reported, actor=editor, url="https://example.go.th/6")
    _resubmitted(editor)
    _preview_waiting(plan)
    return {
        "measure": plan.measures.order_by("order").first().pk,
        "reported": reported.pk,
        "published": PublishedDocument.objects.order_by("pk").values_list("sha256", flat=True).first(),
        "library_entry": LibraryEntry.objects.order_by("pk").values_list("pk", flat=True).first(),
        "unsubscribe": unsubscribe_token(editor.pk, "returned"),
        "email_change": people_services.email_change_request(user=editor, email="editor.new@example.go.th")[1],
        "reset": f"/accounts/reset/{urlsafe_base64_encode(force_bytes(editor.pk))}/"
                 f"{default_token_generator.make_token(editor)}/",
    }


def _sign_in(browser, server, username):  # noqa: F811
    """The cookies of a real sign-in through the form."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/app/")
    state = context.storage_state()
    context.close()
    return state


def _open_phone_menu(page):
    toggler = page.locator("button.navbar-toggler")
    if toggler.count() and toggler.is_visible():
        toggler.click()
        page.locator("#nav.collapse.show").wait_for()


class Site:
    """The demo with the objects PAGES name, committed, served by a live server of this module's
    own, and one browser context (and page) per user, signed in through the form."""

    def __init__(self, browser, server, names):  # noqa: F811
        self.browser, self.server, self.names = browser, server, names
        self.pages = {}

    def page(self, who):
        if who not in self.pages:
            state = _sign_in(self.browser, self.server, who) if who else None
            context = self.browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, storage_state=state,
                                               reduced_motion="reduce")
            self.pages[who] = context.new_page()
        return self.pages[who]

    def check(self, entry) -> list[str]:
        """What is wrong with one page at each width, as text (none when nothing is). The page is
        loaded (and its action done) once, at the first width; the next widths resize the window,
        as a person turning a tablet or narrowing a window would (portal.js follows a resize)."""
        page = self.page(entry.who)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(self.server.url + entry.path.format(**self.names))
        if response.status != entry.status:
            return [f"{entry.name} ({page.url}): HTTP {response.status}, not {entry.status}"]
        if entry.then:
            ACTIONS[entry.then](page)
        problems = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            _open_phone_menu(page)
            violations = axe_violations(page)
            if violations:
                problems.append(axe_report(violations, f"{entry.name} ({page.url}, {width} px)"))
            wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wider > 0:  # a phone scrolls sideways only inside a table's own scroll box
                problems.append(f"{entry.name} ({page.url}, {width} px): the page is {wider} px wider than the screen")
        return problems


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker):  # noqa: F811
    """Set up once per worker for the page tests (each of them reads, none writes what another
    reads): the tests themselves run outside any transaction, like the live server they read."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        demo.restore()  # transactional tests before this one emptied the database
        names = _names()
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()  # its host in ALLOWED_HOSTS
    site = Site(chromium, server, names)
    try:
        with django_db_blocker.unblock():  # the live server's threads read the database
            yield site
    finally:
        for page in site.pages.values():
            page.context.close()
        server._live_server_modified_settings.disable()
        server.stop()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)  # as a transactional test leaves it
            connections.close_all()


@pytest.mark.parametrize("entry", PAGES, ids=[p.name for p in PAGES])
def test_the_page_has_no_wcag_2_aa_violations_on_a_pc_and_a_phone(site, entry):
    problems = site.check(entry)
    assert not problems, "\n\n".join(problems)


def test_the_check_finds_and_describes_what_is_wrong(browser, live_server):  # noqa: F811
    """The harness itself: axe runs under the portal's CSP and its report names rule, impact and node."""
    page = browser.new_page()
    page.goto(live_server.url + "/healthz")  # an address of the portal, with its CSP (needs no data)
    page.set_content('<!doctype html><html lang="th"><head><title>ทดสอบ</title></head><body><main>'
                     '<p style="color:#aaa">ข้อความสีจาง</p><img src="/static/x.png"></main></body></html>')
    violations = axe_violations(page)
    assert {v["id"] for v in violations} == {"color-contrast", "image-alt"}
    report = axe_report(violations, "ทดสอบ")
    assert "color-contrast [serious]" in report and "image-alt [critical]" in report
    assert '<img src="/static/x.png">' in report and "Element has insufficient color contrast" in report


def test_the_page_list_is_well_formed():
    assert len({p.name for p in PAGES}) == len(PAGES)
    assert all(p.then in ACTIONS for p in PAGES if p.then)
