"""PDPA: an admin exports and erases a person's data without breaking published documents."""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from reports.models import PublishedDocument
from tests.factories import ADMIN, DEMO_PASSWORD, OTHER_APPROVER, login


def test_an_admin_exports_a_persons_data(client, db):
    login(client, ADMIN)
    target = get_user_model().objects.get(username=OTHER_APPROVER)
    response = client.post("/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [target.pk]})
    data = json.loads(response.content)[0]
    assert data["user"]["username"] == OTHER_APPROVER
    assert data["memberships"] == [{"org": "องค์การบริหารส่วนตำบลบ่อแก้ว", "role": "approver",
                                    "position": "ปลัดองค์การบริหารส่วนตำบลบ่อแก้ว"}]
    assert any(a["action"] == "document.approve" for a in data["activity"])


def test_erasing_removes_what_identifies_the_person_and_keeps_published_documents(client, db):
    document = PublishedDocument.objects.get(org__slug="abt-bo-kaeo", fiscal_year=2568, doc="measures")
    login(client, ADMIN)
    target = get_user_model().objects.get(username=OTHER_APPROVER)
    client.post("/admin/auth/user/", {"action": "erase_personal_data", "_selected_action": [target.pk]})
    target.refresh_from_db()
    assert target.username == f"erased-{target.pk}"
    assert (target.first_name, target.email, target.is_active, target.has_usable_password()) == ("", "", False, False)
    assert not target.memberships.exclude(position="").exists()
    client.logout()
    response = client.get("/orgs/abt-bo-kaeo/2568/measures.pdf")
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    response = client.post("/accounts/login/", {"username": OTHER_APPROVER, "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_export_is_json_so_a_name_that_looks_like_a_formula_is_kept_exactly_as_typed(client, db):
    """JSON is never run as a spreadsheet; a guard quote here would change the person's data."""
    login(client, ADMIN)
    target = get_user_model().objects.get(username=OTHER_APPROVER)
    target.first_name = '=HYPERLINK("https://evil.example","คลิก")'
    target.save()
    response = client.post("/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [target.pk]})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    assert json.loads(response.content)[0]["user"]["first_name"] == target.first_name


def test_erasing_a_person_removes_their_signature_and_the_export_lists_it(client, db):
    from ops import privacy
    from reports import services as report_services
    from reports.models import UserSignature
    from tests.factories import user
    from tests.reports.test_signature import signature_png

    person = user(OTHER_APPROVER)
    report_services.signature_save(user=person, image=signature_png(), name="นายทดสอบ ลงนาม", position="นายก")
    assert privacy.personal_data(person)["signature"][0]["name"] == "นายทดสอบ ลงนาม"
    privacy.erase_personal_data(user=person, actor=user(ADMIN))
    assert not UserSignature.objects.filter(user=person).exists()


def test_erasing_ends_the_persons_sessions_in_the_cache_too(client, db, settings):
    """With sessions read from the cache (cached_db, as in production with Redis), erasing removes
    each session's copy in the cache as well as its row."""
    from django.core.cache import cache

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    theirs = Client()
    login(theirs, OTHER_APPROVER)
    key = theirs.session.session_key
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None
    login(client, ADMIN)
    target = get_user_model().objects.get(username=OTHER_APPROVER)
    client.post("/admin/auth/user/", {"action": "erase_personal_data", "_selected_action": [target.pk]})
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is None
    assert not Session.objects.filter(session_key=key).exists()
