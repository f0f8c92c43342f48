"""Django admin: every registered model's list and add pages open for the administrator."""

import pytest
from django.contrib import admin

from tests.factories import ADMIN, add_indicator_year, login, make_body

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_admin_lists_every_model(client, db, model):
    login(client, ADMIN)
    meta = model._meta
    response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
    assert response.status_code == 200
    first = model.objects.first()
    if first is not None:
        assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/").status_code == 200


def test_audit_events_cannot_be_edited_in_the_admin(client, db):
    login(client, ADMIN)
    assert client.get("/admin/assessments/auditevent/add/").status_code == 403


@pytest.mark.parametrize("path", ["/admin/assessments/organization/", "/admin/assessments/assessment/",
                                  "/admin/assessments/membership/", "/admin/reports/publisheddocument/"])
def test_admin_lists_run_the_same_queries_with_more_bodies(client, db, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, ADMIN)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(30):
        add_indicator_year(make_body(f"test-admin-{n}"), 2567)
    assert count() == before


@pytest.mark.parametrize("how_many", [1, 2])
def test_deleting_through_the_admin_action_is_audited_and_refreshes_public_pages(
        client, db, settings, django_capture_on_commit_callbacks, how_many):
    from django.core.cache import cache

    from assessments.models import AuditEvent, SupervisorScope

    settings.PUBLIC_CACHE_SECONDS = 300
    before = cache.get("pubver:all", 0)
    scopes = list(SupervisorScope.objects.order_by("pk").values_list("pk", flat=True)[:how_many])
    login(client, ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/assessments/supervisorscope/", {
            "action": "delete_selected", "_selected_action": scopes, "post": "yes"})
    assert response.status_code == 302
    assert not SupervisorScope.objects.filter(pk__in=scopes).exists()
    assert AuditEvent.objects.filter(action="admin.delete", actor__username=ADMIN).count() == how_many
    assert cache.get("pubver:all", 0) > before
