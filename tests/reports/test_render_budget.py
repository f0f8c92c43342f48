"""A render past its time budget never hangs a worker: the preview answers with a Thai page,
a publish fails as a whole (the document stays approved) and can be tried again."""

import pytest

from assessments.models import Organization
from measures import services as measure_services
from reports.models import PublishedDocument
from tests.factories import APPROVER, EDITOR, build_plan, login, user

SLUG = "thesaban-mueang-ang-thong"


@pytest.fixture
def approved(db):
    plan = build_plan(Organization.objects.get(slug=SLUG), 2570, measures=2)
    measure_services.document_transition(plan=plan, actor=user(EDITOR), action="submit")
    measure_services.document_transition(plan=plan, actor=user(APPROVER), action="approve")
    return plan


def test_it_answers_a_preview_past_its_budget_with_a_thai_page(client, approved, settings):
    # Past the request's budget the worker renders it (here at once: the tests' task backend), past
    # the worker's budget too the page says so (tests/reports/test_preview_renders.py: the queue).
    settings.RENDER_TIMEOUT_SECONDS = 0.001
    settings.PREVIEW_RENDER_TIMEOUT_SECONDS = 0.001
    login(client, EDITOR)
    response = client.get(f"/app/orgs/{SLUG}/2570/reports/measures.pdf")
    assert response.status_code == 503
    assert "ไม่เสร็จภายในเวลาที่กำหนด" in response.content.decode()


def test_a_publish_past_its_budget_fails_whole_and_can_be_tried_again(client, approved, settings):
    settings.RENDER_TIMEOUT_SECONDS = 0.001
    login(client, APPROVER)
    response = client.post(f"/app/orgs/{SLUG}/2570/plan/transition/", {"action": "publish"}, follow=True)
    assert "จึงยังไม่ได้เผยแพร่" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == "approved"
    assert not PublishedDocument.objects.filter(org=approved.org, fiscal_year=2570).exists()
    settings.RENDER_TIMEOUT_SECONDS = 20
    client.post(f"/app/orgs/{SLUG}/2570/plan/transition/", {"action": "publish"})
    approved.refresh_from_db()
    assert approved.status == "published"
    assert PublishedDocument.objects.filter(org=approved.org, fiscal_year=2570, doc="measures").count() == 1
