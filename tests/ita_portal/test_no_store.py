"""Cache-Control: no-store on staff pages and downloads (ita_portal/middleware.py NoStoreMiddleware;
every staff URL of the permission matrix is checked in test_url_permissions.py); public pages and
published files keep their caching."""

from tests.factories import ADMIN, ANGTHONG, EDITOR, login, user

PLAN = f"/app/orgs/{ANGTHONG}/2569"


def test_it_keeps_a_staff_preview_and_a_word_file_out_of_every_cache(client, db):
    login(client, EDITOR)
    for path in (f"{PLAN}/reports/measures.pdf", f"{PLAN}/reports/measures.docx", "/app/"):
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response["Cache-Control"] == "private, no-store", path
        assert "Expires" not in response


def test_it_keeps_the_sign_in_page_a_refusal_and_a_missing_staff_page_out_of_every_cache(client, db):
    assert client.get("/accounts/login/")["Cache-Control"] == "private, no-store"
    assert client.get("/app/")["Cache-Control"] == "private, no-store"  # the redirect to sign in
    login(client, EDITOR)
    assert client.get("/app/no-such-page/")["Cache-Control"] == "private, no-store"
    refused = client.get("/admin/")
    assert refused.status_code == 302 and refused["Cache-Control"] == "private, no-store"


def test_it_keeps_the_personal_data_export_out_of_every_cache(client, db):
    login(client, ADMIN)
    response = client.post("/admin/auth/user/", {"action": "export_personal_data",
                                                 "_selected_action": [user(EDITOR).pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_keep_their_caching(client, db):
    for path in ("/", f"/orgs/{ANGTHONG}/", "/favicon.ico"):
        response = client.get(path)
        assert "no-store" not in response.get("Cache-Control", ""), path
    assert client.get("/favicon.ico")["Cache-Control"] == "public, max-age=604800"
    published = client.get("/orgs/abt-bo-kaeo/2568/measures.pdf")
    b"".join(published.streaming_content) if published.streaming else None
    assert published.status_code == 200 and published["Cache-Control"] == "public, max-age=300"
