"""/line/link/ (the link the Official Account sends in the chat), the LINE part of the notification
settings page (the steps, choosing LINE per kind, the daily digest) and unlinking."""

from assessments.models import AuditEvent
from notifications.models import Kind, LineLink, LineLinkNonce, Preference
from tests.factories import EDITOR, login

from .conftest import link_line

TOKEN = "abcdefgh12345678"
SETTINGS = "/app/notifications/settings/"


def test_the_link_asks_to_sign_in_first_and_comes_back(client, db):
    response = client.get(f"/line/link/?linkToken={TOKEN}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/line/link/%3FlinkToken%3Dabcdefgh12345678")


def test_a_bad_link_token_is_a_thai_400_and_makes_no_nonce(client, editor):
    login(client, EDITOR)
    for token in ("", "short", "<script>", "a" * 129):
        response = client.post("/line/link/", {"linkToken": token})
        assert response.status_code == 400 and "ลิงก์นี้ใช้ไม่ได้" in response.content.decode()
    assert not LineLinkNonce.objects.exists()


def test_each_confirmation_keeps_one_fresh_nonce_for_the_person(client, editor):
    login(client, EDITOR)
    first = client.post("/line/link/", {"linkToken": TOKEN})["Location"]
    second = client.post("/line/link/", {"linkToken": TOKEN})["Location"]
    assert first != second and LineLinkNonce.objects.filter(user=editor).count() == 1


def test_the_settings_page_shows_how_to_link_with_the_official_accounts_id(client, editor, settings):
    settings.LINE_OA_ID = "@123abcde"
    login(client, EDITOR)
    html = client.get(SETTINGS).content.decode()
    assert 'data-testid="line-steps"' in html and "<strong>@123abcde</strong>" in html
    assert 'href="https://line.me/R/ti/p/%40123abcde"' in html
    assert '<option value="line">LINE (ถ้าส่งไม่ได้ใช้อีเมล)</option>' in html


def test_a_person_chooses_line_per_kind_and_the_daily_digest(client, editor):
    login(client, EDITOR)
    channels = {f"channel_{k}": "email" for k in Kind.values}
    on = {f"on_{k}": "on" for k in Kind.values}
    response = client.post(SETTINGS, {"email_enabled": "on", "line_digest": "on", **on, **channels,
                                      "channel_returned": "line", "channel_due_soon": "line",
                                      "channel_comment": "none"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=editor)
    assert preference.line_kinds == [Kind.DUE_SOON, Kind.RETURNED] and preference.line_digest
    assert preference.email_off_kinds == [Kind.COMMENT]
    html = client.get(SETTINGS).content.decode()
    assert 'name="channel_returned" id="id_channel_returned"' in html
    assert '<option value="line" selected>' in html.split('name="channel_returned"')[1].split("</select>")[0]
    assert AuditEvent.objects.filter(action="notification.settings", actor=editor).latest("pk").detail["line"] == [
        Kind.DUE_SOON, Kind.RETURNED]
    assert client.post(SETTINGS, {"channel_returned": "carrier-pigeon"}).status_code == 400


def test_a_linked_person_sees_it_and_unlinks(client, editor):
    link_line(editor)
    login(client, EDITOR)
    html = client.get(SETTINGS).content.decode()
    assert 'data-testid="line-linked"' in html and 'data-testid="line-unlink"' in html
    response = client.post("/app/notifications/line/unlink/", follow=True)
    assert "ยกเลิกการเชื่อมบัญชี LINE แล้ว" in response.content.decode()
    assert not LineLink.objects.filter(user=editor).exists()
    assert AuditEvent.objects.filter(action="notification.line_unlink", actor=editor).count() == 1
    assert "บัญชีของคุณไม่ได้เชื่อมกับ LINE" in client.post("/app/notifications/line/unlink/",
                                                            follow=True).content.decode()
    assert client.get("/app/notifications/line/unlink/").status_code == 405


def test_without_line_set_up_the_page_offers_email_only(client, editor, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    login(client, EDITOR)
    html = client.get(SETTINGS).content.decode()
    assert 'data-testid="line-section"' not in html and 'value="line"' not in html
    assert client.get(f"/line/link/?linkToken={TOKEN}").status_code == 404
