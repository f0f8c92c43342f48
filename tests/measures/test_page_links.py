"""Every address on the plan and round pages is one the portal answers: the templates build each one
from its URL name ({% url %}), never by cutting another address, so renaming a pattern cannot break
a link silently (issue 23 point 8)."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from assessments.models import Organization
from measures import services
from tests.factories import ANGTHONG, APPROVER, EDITOR, build_plan, login, user

PLAN = f"/app/orgs/{ANGTHONG}/2570"
PDF = b"%PDF-1.4\n" + b"0" * 200


class _Addresses(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "action", "src", "formaction") and value:
                self.found.append(value)


def internal_paths(html: str) -> set[str]:
    """The paths of the page's own addresses (no other site, no static file, no fragment only)."""
    parser = _Addresses()
    parser.feed(html)
    paths = set()
    for value in parser.found:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path:  # another site, mailto:, "#review", "?page=2"
            continue
        if parts.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            continue
        paths.add(parts.path)
    return paths


def assert_all_resolve(client, path):
    response = client.get(path)
    assert response.status_code == 200
    paths = internal_paths(response.content.decode())
    unresolved = []
    for found in sorted(paths):
        try:
            resolve(found)
        except Resolver404:
            unresolved.append(found)
    assert not unresolved, f"{path} links to addresses the portal does not answer: {unresolved}"
    return paths


@pytest.fixture
def plan(db):
    """Angthong's FY 2570 plan, three measures, the 6-month round reported with a link and a file."""
    plan = build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=3)
    round6 = plan.rounds.get(months=6)
    for measure in plan.measures.all():
        services.entry_report(progress_round=round6, measure=measure, actor=user(EDITOR),
                              data={"state": "in_progress", "percent": 40, "done_text": "ดำเนินการแล้วบางส่วน"},
                              links=["https://example.go.th/evidence"],
                              uploads=[SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf")])
    return plan


def test_it_links_the_editors_plan_and_round_pages_to_addresses_that_resolve(client, plan):
    login(client, EDITOR)
    plan_links = assert_all_resolve(client, f"{PLAN}/plan/")
    measure = plan.measures.order_by("order").first()
    # the per-measure actions are on the page, each from its own URL name
    assert {f"{PLAN}/measures/{measure.pk}/", f"{PLAN}/measures/{measure.pk}/move/",
            f"{PLAN}/measures/{measure.pk}/history/"} <= plan_links
    round_links = assert_all_resolve(client, f"{PLAN}/rounds/6/")
    assert f"{PLAN}/rounds/6/measures/{measure.pk}/" in round_links


def test_it_links_the_approvers_plan_and_round_pages_to_addresses_that_resolve(client, plan):
    round6 = plan.rounds.get(months=6)
    services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    services.document_transition(plan=plan, progress_round=round6, actor=user(EDITOR), action="submit")
    login(client, APPROVER)
    assert f"{PLAN}/plan/transition/" in assert_all_resolve(client, f"{PLAN}/plan/")
    round_links = assert_all_resolve(client, f"{PLAN}/rounds/6/")
    assert f"{PLAN}/rounds/6/transition/" in round_links
    assert any(found.startswith("/app/evidence/") for found in round_links)  # the evidence, read before deciding
