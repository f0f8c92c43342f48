"""Shared set-up for browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import shutil
import weakref
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """One Chromium per worker process, for every browser test it runs (a launch costs a second or
    more). Playwright's sync API keeps its event loop open in this thread from here to the end of
    the run, so Django's async-safety check is off from here on; tests/conftest.py runs the browser
    tests last for that reason."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # The test's own ORM calls run in this thread beside Playwright's loop: safe, as nothing awaits.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium):
    """The worker's Chromium; the pages and contexts a test opens are closed after it."""
    before = set(chromium.contexts)
    yield chromium
    for context in chromium.contexts:
        if context not in before:
            context.close()
    # ORM calls made while Playwright's loop ran opened connections of their own context;
    # closed here, or PostgreSQL refuses to drop the test database at the end of the run.
    connections.close_all()


@pytest.fixture
def demo_live_server(demo_db, live_server):
    """A live server with the demo data, committed (tests/demo.py)."""
    return live_server


# --- Accessibility: axe-core (tests/vendor/axe-core, from npm) against WCAG 2.0/2.1 A and AA ---

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary})),
  })))"""


_AXE_ROUTED = weakref.WeakSet()


def axe_violations(page):
    """axe-core's WCAG 2 A/AA violations of the page as it is now (a list of dicts: id, impact,
    help, helpUrl, nodes[target, html, summary]). The portal's CSP allows scripts from its own
    origin only, so axe is offered at a same-origin address that Playwright answers itself (the
    page keeps its real CSP; the portal never serves axe)."""
    if page not in _AXE_ROUTED:  # once per page (a page may be reused for many checks)
        page.route("**/__test__/axe.min.js",
                   lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"))
        _AXE_ROUTED.add(page)
    page.add_script_tag(url=page.evaluate("location.origin") + "/__test__/axe.min.js")
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def axe_report(violations, title=""):
    """The violations as text a developer can act on: rule, impact, help, and each node."""
    lines = [f"{title}: {len(violations)} axe-core WCAG 2 A/AA violation(s)"] if title else []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}")
            lines.append(f"       {node['html'][:300]}")
            summary = (node["summary"] or "").replace("\n", "\n         ")
            lines.append(f"       {summary[:600]}")
    return "\n".join(lines)
