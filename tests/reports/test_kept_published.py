"""The published versions a plan's staff pages list, kept until the body publishes again
(reports.selectors.kept_published_by_year)."""

import pytest
from django.core.cache import cache

from assessments.models import Organization
from measures import services as measure_services
from reports import selectors
from tests.factories import ANGTHONG, EDITOR, build_plan, login


@pytest.fixture
def plan(db):
    return build_plan(Organization.objects.get(slug=ANGTHONG), 2570, measures=1)


def test_it_lists_the_new_version_on_the_plan_page_once_the_body_has_published(
        client, plan, editor, approver, django_capture_on_commit_callbacks):
    login(client, EDITOR)
    url = f"/app/orgs/{ANGTHONG}/2570/plan/"
    assert 'data-testid="documents"' not in client.get(url).content.decode()  # nothing published: kept so
    with django_capture_on_commit_callbacks(execute=True):
        measure_services.document_transition(plan=plan, actor=editor, action="submit")
        measure_services.document_transition(plan=plan, actor=approver, action="approve")
        measure_services.document_transition(plan=plan, actor=approver, action="publish")
    html = client.get(url).content.decode()
    assert 'data-testid="documents"' in html and "/orgs/thesaban-mueang-ang-thong/2570/measures.pdf" in html


def test_it_reads_nothing_from_the_database_while_the_body_publishes_nothing(plan, django_assert_num_queries):
    first = selectors.kept_published_by_year(plan.org, 2568)
    with django_assert_num_queries(0):
        assert selectors.kept_published_by_year(plan.org, 2568).keys() == first.keys()


def test_a_token_the_cache_lost_is_made_anew_and_never_answers_with_an_old_list(plan, django_assert_num_queries):
    selectors.kept_published_by_year(plan.org, 2568)
    cache.delete(selectors.PUBLISHED_TOKEN.format(org_id=plan.org.pk))
    with django_assert_num_queries(1):
        selectors.kept_published_by_year(plan.org, 2568)


def test_an_admin_change_makes_the_kept_list_stale(plan, django_assert_num_queries):
    from common import public_cache

    selectors.kept_published_by_year(plan.org, 2568)
    public_cache.bump_all()
    with django_assert_num_queries(1):
        selectors.kept_published_by_year(plan.org, 2568)
