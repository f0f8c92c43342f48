"""/line/webhook/: LINE's deliveries, each checked by its X-Line-Signature (HMAC-SHA256 of the body
with the channel secret, base64) before anything is read; anything unsigned or wrongly signed is
a 400 that changes nothing. A follow gets a link to link the account; LINE's accountLink event
binds the LINE user to the person whose nonce it brings; unfollow unlinks."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from assessments.models import AuditEvent
from notifications.models import Kind, LineLink, LineLinkNonce, Preference
from tests import line_stub
from tests.factories import EDITOR, login, user

from .conftest import link_line

URL = "/line/webhook/"
LINE_USER = line_stub.user_id(7)


def event(kind, line_user=LINE_USER, **extra):
    return {"type": kind, "mode": "active", "timestamp": 1767225600000, "webhookEventId": "01HTEST",
            "source": {"type": "user", "userId": line_user}, "deliveryContext": {"isRedelivery": False}, **extra}


def body_of(*events):
    return json.dumps({"destination": "U" + "f" * 32, "events": list(events)}).encode()


def deliver(client, body, settings, *, secret=None, signature=None):
    signature = signature if signature is not None else line_stub.sign(body, secret or settings.LINE_CHANNEL_SECRET)
    return client.post(URL, body, content_type="application/json", HTTP_X_LINE_SIGNATURE=signature)


@pytest.mark.parametrize("how", ["none", "other secret", "another body", "not base64"])
def test_a_delivery_without_the_right_signature_is_refused_and_changes_nothing(client, editor, settings, how):
    line_user = link_line(editor)
    body = body_of(event("unfollow", line_user))
    audited = AuditEvent.objects.count()
    if how == "none":
        response = client.post(URL, body, content_type="application/json")
    else:
        signature = {"other secret": line_stub.sign(body, "not-the-channel-secret"),
                     "another body": line_stub.sign(body_of(event("follow", line_user)), settings.LINE_CHANNEL_SECRET),
                     "not base64": "ไม่ใช่ลายมือชื่อ"}[how]
        response = deliver(client, body, settings, signature=signature)
    assert response.status_code == 400
    assert LineLink.objects.filter(user=editor, line_user_id=line_user).exists()
    assert AuditEvent.objects.count() == audited


def test_the_consoles_verify_button_is_answered(client, db, settings):
    """LINE Developers' "Verify" posts a signed delivery without events: 200, nothing else."""
    assert deliver(client, body_of(), settings).status_code == 200


def test_it_takes_post_only_and_refuses_a_large_body_unread(client, settings):
    assert client.get(URL).status_code == 405
    body = b"{" + b" " * (300 * 1024) + b"}"
    assert deliver(client, body, settings).status_code == 413


def test_without_line_set_up_there_is_no_webhook(client, settings):
    settings.LINE_CHANNEL_SECRET = ""
    assert client.post(URL, body_of(), content_type="application/json").status_code == 404


def test_a_follow_is_answered_with_a_link_to_link_the_account(client, db, settings, line_api,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, body_of(event("follow", replyToken="reply-1", follow={"isUnblocked": False})),
                           settings)
    assert response.status_code == 200
    [(token, line_user)] = line_api.link_tokens.items()
    assert line_user == LINE_USER
    [reply] = line_api.replies
    assert reply["token"] == "reply-1"
    assert f"http://127.0.0.1:8000/line/link/?linkToken={token}" in reply["text"]
    assert line_api.pushes == []  # a reply: free of the month's quota


def test_the_account_link_event_binds_the_line_user_to_the_person_whose_nonce_it_brings(
        client, editor, settings, line_api, django_capture_on_commit_callbacks):
    login(client, EDITOR)
    page = client.get("/line/link/?linkToken=abcdefgh12345678")
    assert page.status_code == 200 and "ยืนยันการเชื่อมบัญชี LINE" in page.content.decode()
    response = client.post("/line/link/", {"linkToken": "abcdefgh12345678"})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "access.line.me", "/dialog/bot/accountLink")
    query = parse_qs(target.query)
    assert query["linkToken"] == ["abcdefgh12345678"]
    [nonce] = query["nonce"]
    assert len(nonce) >= 32 and not LineLinkNonce.objects.filter(digest=nonce).exists()  # kept hashed only
    linked = event("accountLink", replyToken="reply-2", link={"result": "ok", "nonce": nonce})
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, body_of(linked), settings).status_code == 200
    link = LineLink.objects.get(user=editor)
    assert link.line_user_id == LINE_USER and link.works
    assert set(Preference.objects.get(user=editor).line_kinds) == set(Kind.values) - {Kind.LINE_DAILY}
    assert AuditEvent.objects.filter(action="notification.line_link", actor=editor).count() == 1
    assert "เชื่อมบัญชี LINE เรียบร้อยแล้ว" in line_api.replies[-1]["text"]
    # LINE delivers the same event again: the nonce is spent, nothing more happens.
    assert deliver(client, body_of(linked), settings).status_code == 200
    assert AuditEvent.objects.filter(action="notification.line_link").count() == 1


@pytest.mark.parametrize("how", ["expired", "failed", "unknown"])
def test_a_spent_expired_or_failed_nonce_binds_nothing(client, editor, settings, how):
    from notifications import linking

    nonce = linking.link_start(user=editor)
    if how == "expired":
        LineLinkNonce.objects.filter(user=editor).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    link = {"result": "failed" if how == "failed" else "ok", "nonce": nonce if how != "unknown" else "x" * 43}
    assert deliver(client, body_of(event("accountLink", link=link)), settings).status_code == 200
    assert not LineLink.objects.exists()


def test_another_link_of_the_same_line_account_moves_it(client, editor, approver, settings):
    line_user = link_line(editor, 3)
    link_line(approver, 3)
    assert list(LineLink.objects.values_list("user", "line_user_id")) == [(approver.pk, line_user)]
    assert AuditEvent.objects.filter(action="notification.line_unlink", actor=editor).exists()


def test_following_again_after_a_block_makes_the_link_work_and_says_so(client, editor, settings, line_api,
                                                                      django_capture_on_commit_callbacks):
    line_user = link_line(editor)
    LineLink.objects.filter(user=editor).update(failed_at=timezone.now(), last_error="LINE 400")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, body_of(event("follow", line_user, replyToken="r", follow={"isUnblocked": True})), settings)
    assert LineLink.objects.get(user=editor).works
    assert line_api.link_tokens == {} and "เชื่อมกับระบบแล้ว" in line_api.replies[-1]["text"]


def test_an_unfollow_unlinks_and_what_waited_for_line_goes_by_email(client, editor, settings):
    from measures import services as measure_services
    from notifications.models import Channel, Notification
    from tests.factories import SUPERVISOR, build_plan
    from tests.notifying import give_emails

    give_emails(EDITOR)
    line_user = link_line(editor)
    plan = build_plan(user(EDITOR).memberships.first().org, 2570, measures=1)
    measure_services.comment_add(plan=plan, actor=user(SUPERVISOR), text="โปรดเร่งรัด")
    row = Notification.objects.get(recipient=editor, kind=Kind.COMMENT, plan=plan)
    assert row.channel == Channel.LINE
    assert deliver(client, body_of(event("unfollow", line_user)), settings).status_code == 200
    assert not LineLink.objects.filter(user=editor).exists()
    row.refresh_from_db()
    assert row.channel == Channel.EMAIL
    assert AuditEvent.objects.filter(action="notification.line_unlink", actor=editor).count() == 1
    assert user(EDITOR).is_active  # nothing else about the person changes
