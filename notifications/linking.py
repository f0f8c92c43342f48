"""A person's LINE account, linked and let go: LINE's account-linking flow and the webhook's events.

The flow (https://developers.line.biz/en/docs/messaging-api/linking-accounts/):
1. the person adds the Official Account as a friend (or writes to it): the webhook gets a
   ``follow`` (or ``message``) event with their LINE user ID, and the worker asks LINE for a link
   token for that user and answers in the chat with the portal's /line/link/?linkToken=… (a
   reply, free of the quota; ``line_answer``);
2. the person opens it, signs in to the portal and confirms: ``link_start`` keeps the SHA-256 of a
   new random nonce for them (single use, NONCE_MINUTES) and the page sends the browser to LINE's
   accountLink page with the link token and the nonce;
3. LINE sends the ``accountLink`` event with the LINE user ID, the nonce and the result:
   ``account_linked`` binds that LINE user to the person whose nonce it is (nobody else's: the
   nonce is the only link between the two), once.

A person unlinks from their settings (``unlink``); a person who blocks the Official Account
(``unfollow``) is unlinked too. Either way what was waiting to go to them by LINE goes by e-mail."""

import datetime
import hashlib
import logging
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.services import audit

from . import line
from .audit_actions import NotificationAction
from .models import PERSON_KINDS, Channel, LineLink, LineLinkNonce, MailState, Notification, Preference
from .services import absolute, enqueue_sending

log = logging.getLogger("ita.line")

# What the Official Account answers in the chat (line_answer).
OFFER, LINKED, NOT_LINKED, ALREADY = "offer", "linked", "not_linked", "already"


def nonce_digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


@transaction.atomic
def link_start(*, user) -> str:
    """A new nonce for ``user`` (only its SHA-256 is kept); the person's older ones and everyone's
    expired ones are removed. The caller sends the browser to LINE with it."""
    cutoff = timezone.now() - datetime.timedelta(minutes=line.NONCE_MINUTES)
    LineLinkNonce.objects.filter(user=user).delete()
    LineLinkNonce.objects.filter(created_at__lt=cutoff).delete()
    nonce = secrets.token_urlsafe(32)  # 256 bits; LINE takes 10 to 255 characters
    LineLinkNonce.objects.create(user=user, digest=nonce_digest(nonce))
    return nonce


@transaction.atomic
def account_linked(*, line_user_id: str, nonce: str, ok: bool):
    """LINE's ``accountLink`` event: bind ``line_user_id`` to the person whose unexpired nonce this
    is. The nonce is spent whatever the result; an unknown, expired or spent one binds nothing.
    A LINE account linked to someone else before moves to this person. The person, or None."""
    found = (LineLinkNonce.objects.select_for_update().select_related("user")
             .filter(digest=nonce_digest(nonce or "")).first())
    if found is None:
        return None
    found.delete()
    user = found.user
    fresh = found.created_at >= timezone.now() - datetime.timedelta(minutes=line.NONCE_MINUTES)
    if not (ok and fresh and user.is_active):
        return None
    moved = LineLink.objects.select_for_update().filter(line_user_id=line_user_id).exclude(user=user).first()
    if moved is not None:
        _unlink(moved, actor=moved.user, summary=_("ยกเลิกการเชื่อมบัญชี LINE เพราะบัญชี LINE นี้เชื่อมกับผู้ใช้อื่นแล้ว"))
    LineLink.objects.update_or_create(user=user, defaults={
        "line_user_id": line_user_id, "linked_at": timezone.now(), "failed_at": None, "last_error": ""})
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    first = not preference.line_kinds
    if first:  # the point of linking: what the person is told of goes by LINE (the settings page changes it)
        preference.line_kinds = [value for value, _label in PERSON_KINDS]
        preference.save(update_fields=["line_kinds", "updated_at"])
    audit(actor=user, action=NotificationAction.LINE_LINK, summary=_("เชื่อมบัญชี LINE เพื่อรับการแจ้งเตือน"),
          detail={"line_kinds": preference.line_kinds, "all_kinds_on_line": first})
    return user


def _unlink(link: LineLink, *, actor, summary: str) -> int:
    """Remove the link; what waited to go by LINE (queued, or held for the digest) goes by e-mail."""
    user_id = link.user_id
    link.delete()
    moved = Notification.objects.filter(recipient_id=user_id, channel=Channel.LINE,
                                        state__in=[MailState.QUEUED, MailState.HELD]).update(
        channel=Channel.EMAIL, state=MailState.QUEUED, next_attempt_at=timezone.now())
    audit(actor=actor, action=NotificationAction.LINE_UNLINK, summary=summary, detail={"to_email": moved})
    if moved:
        transaction.on_commit(lambda: enqueue_sending(moved))
    return moved


@transaction.atomic
def unlink(*, user) -> bool:
    """The person lets their LINE account go (settings page); False when none was linked."""
    link = LineLink.objects.select_for_update().filter(user=user).first()
    if link is None:
        return False
    _unlink(link, actor=user, summary=_("ยกเลิกการเชื่อมบัญชี LINE"))
    return True


@transaction.atomic
def unfollowed(*, line_user_id: str) -> bool:
    """LINE's ``unfollow`` event: the person blocked the Official Account; they get e-mail again."""
    link = LineLink.objects.select_for_update().select_related("user").filter(line_user_id=line_user_id).first()
    if link is None:
        return False
    _unlink(link, actor=link.user, summary=_("ยกเลิกการเชื่อมบัญชี LINE เพราะผู้ใช้บล็อกบัญชีทางการของ ITA Portal"))
    return True


@transaction.atomic
def webhook(events) -> dict:
    """One signed delivery's events, in order. Follow and message: a linked person's link works
    again (a follow after a block) and is told so, anyone else is offered a link; unfollow: unlinked;
    accountLink: bound (or not). Answers in the chat leave from the worker after the commit."""
    from linebot.v3.webhooks import AccountLinkEvent, FollowEvent, MessageEvent, UnfollowEvent  # lazily: line._sdk

    done = {"follow": 0, "unfollow": 0, "linked": 0, "message": 0}
    answers = []
    for event in events:
        line_user_id = getattr(getattr(event, "source", None), "user_id", None) or ""
        if not line.LINE_USER_ID.match(line_user_id):
            continue  # a group, a room, or no user: nothing of a person's
        reply_token = getattr(event, "reply_token", None) or ""
        if isinstance(event, UnfollowEvent):
            done["unfollow"] += unfollowed(line_user_id=line_user_id)
        elif isinstance(event, AccountLinkEvent):
            user = account_linked(line_user_id=line_user_id, nonce=event.link.nonce, ok=event.link.result == "ok")
            done["linked"] += user is not None
            answers.append((line_user_id, reply_token, LINKED if user is not None else NOT_LINKED))
        elif isinstance(event, FollowEvent | MessageEvent):
            done["follow" if isinstance(event, FollowEvent) else "message"] += 1
            linked = LineLink.objects.filter(line_user_id=line_user_id).update(failed_at=None, last_error="")
            answers.append((line_user_id, reply_token, ALREADY if linked else OFFER))
    if answers:
        from .tasks import line_answer as task

        def enqueue():
            for line_user_id, reply_token, answer in answers:
                task.enqueue(line_user_id=line_user_id, reply_token=reply_token, answer=answer)

        transaction.on_commit(enqueue)
    return done


def answer_text(answer: str, *, link_token: str = "") -> str:
    settings_url = absolute(reverse("notification-settings"))
    if answer == OFFER:
        return _("ITA Portal: เชื่อมบัญชี LINE นี้กับบัญชีของคุณในระบบเพื่อรับการแจ้งเตือนทาง LINE "
                 "เปิดลิงก์นี้ เข้าสู่ระบบ แล้วกดยืนยัน (ใช้ได้ภายใน %(minutes)s นาที)\n%(url)s") % {
            "minutes": line.NONCE_MINUTES, "url": absolute(reverse("line-link")) + "?linkToken=" + link_token}
    if answer == LINKED:
        return _("ITA Portal: เชื่อมบัญชี LINE เรียบร้อยแล้ว เลือกเรื่องที่จะรับทาง LINE ได้ที่\n%(url)s") % {
            "url": settings_url}
    if answer == ALREADY:
        return _("ITA Portal: บัญชี LINE นี้เชื่อมกับระบบแล้ว ตั้งค่าการแจ้งเตือนได้ที่\n%(url)s") % {"url": settings_url}
    return _("ITA Portal: เชื่อมบัญชีไม่สำเร็จหรือลิงก์หมดอายุ ส่งข้อความใดก็ได้ในแชตนี้เพื่อรับลิงก์ใหม่")


def line_answer(*, line_user_id: str, reply_token: str, answer: str) -> bool:
    """The Official Account's answer in the chat (in the worker): a reply to the event (free), or
    a push when the reply token has expired. An offer asks LINE for a link token first. True when
    LINE took it; a failure is logged, never raised (the person can write again)."""
    if not line.enabled():
        return False
    try:
        with line.Client() as client:
            token = client.link_token(line_user_id) if answer == OFFER else ""
            text = answer_text(answer, link_token=token)
            if reply_token:
                try:
                    client.reply(reply_token, text)
                    return True
                except line.LineNotSent as exc:
                    log.info("LINE reply not taken (%s); pushing instead", exc.detail)
            client.push(line_user_id, text, key=line.key_of(f"{answer}:{line_user_id}:{token or reply_token}"))
            return True
    except line.LineNotSent as exc:
        log.warning("LINE answer %r to a LINE user not sent: %s", answer, exc.detail)
        return False
