"""Every URL of the portal, for every persona. A new URL without a row here fails."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import ANGTHONG, login

PERSONAS = ["anonymous", "editor_a", "editor_b", "approver_a", "supervisor_a", "supervisor_elsewhere", "admin"]
USERS = {
    "editor_a": "angthong_editor", "editor_b": "bokaeo_editor", "approver_a": "angthong_approver",
    "supervisor_a": "sup_angthong", "supervisor_elsewhere": "sup_kalasin", "admin": "admin",
}
LOGIN = "login"  # redirect to the sign-in page

# url name -> (example path, expected status per persona in PERSONAS order)
MATRIX = {
    "home": ("/", [200] * 7),
    "org-detail": (f"/orgs/{ANGTHONG}/", [200] * 7),
    "org-year": (f"/orgs/{ANGTHONG}/2568/", [200] * 7),
    "app-home": ("/app/", [LOGIN, 200, 200, 200, 200, 200, 200]),
    "scores-import": ("/app/scores/import/", [LOGIN, 200, 200, 403, 403, 403, 200]),
    "scores-export": (f"/app/scores/export/?org={ANGTHONG}&format=csv", [LOGIN, 200, 404, 200, 404, 404, 200]),
}
# Framework URLs whose rules belong to Django itself (admin, auth views).
FRAMEWORK_PREFIXES = ("admin/", "accounts/")


def portal_url_names():
    names = set()
    for entry in get_resolver().url_patterns:
        if str(entry.pattern).startswith(FRAMEWORK_PREFIXES):
            continue
        patterns = entry.url_patterns if isinstance(entry, URLResolver) else [entry]
        for pattern in patterns:
            assert isinstance(pattern, URLPattern), pattern
            names.add(pattern.name)
    return names


def test_every_portal_url_has_a_rule_for_every_persona():
    assert portal_url_names() == set(MATRIX)
    assert all(len(expected) == len(PERSONAS) for _, expected in MATRIX.values())


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(client, db, name, persona):
    path, expected = MATRIX[name]
    want = expected[PERSONAS.index(persona)]
    if persona != "anonymous":
        login(client, USERS[persona])
    response = client.get(path)
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want


def test_the_admin_is_for_staff_only(client, db):
    assert client.get("/admin/").status_code == 302
    login(client, "angthong_editor")
    assert client.get("/admin/").status_code == 302
    login(client, "admin")
    assert client.get("/admin/").status_code == 200
