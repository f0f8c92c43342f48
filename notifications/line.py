"""LINE beside e-mail: the LINE Official Account's Messaging API, through line-bot-sdk v3.

Everything the portal says to LINE goes through here: a message to a person (push, once, with
an ``X-Line-Retry-Key`` made from the notification, so a push repeated after a crash is refused
by LINE as already accepted, 409), a reply to a webhook event (free of the monthly quota), a link
token for the account-linking flow, the month's quota and use; and the one check of a webhook
delivery (``X-Line-Signature``: HMAC-SHA256 of the body with the channel secret, base64; the
SDK's ``WebhookParser``). The API's address is ``LINE_API_URL`` (tests point it at a local
stand-in, tests/line_stub.py); LINE is on only when ``LINE_CHANNEL_ACCESS_TOKEN`` and
``LINE_CHANNEL_SECRET`` are both set. docs/ARCHITECTURE.md "Notifications, exactly once"."""

import datetime
import email.utils
import logging
import re
import uuid
from urllib.parse import urlencode

import urllib3
from django.conf import settings
from django.utils import timezone

log = logging.getLogger("ita.line")

# LINE's account-linking page: the person's link token and the portal's nonce go there.
ACCOUNT_LINK_URL = "https://access.line.me/dialog/bot/accountLink"
NONCE_MINUTES = 10  # a link token lives 10 minutes at LINE; the nonce no longer
LINK_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")  # what LINE issues (opaque letters and digits)
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")  # a user ID as the Messaging API gives it
TEXT_LIMIT = 5_000  # characters in one text message
WEBHOOK_MAX_BYTES = 256 * 1024  # a delivery holds a few events; anything larger is refused unread
RETRY_AFTER_MAX = 3_600  # seconds: a longer Retry-After is taken as an hour
RETRY_KEY_SPACE = uuid.UUID("0b6f2a7e-6a1c-5d64-9c1e-5a7f0c3e2d28")  # the portal's own name space


class BadSignature(Exception):
    """A webhook delivery without a right X-Line-Signature, or signed but not a webhook body."""


def _sdk():
    """line-bot-sdk's Messaging API, imported on first use: its models take 1 to 2 s to import,
    which every process (each test worker, each manage.py command, each db_worker) would
    otherwise pay at start whether or not LINE is on."""
    from linebot.v3 import messaging

    return messaging


def enabled() -> bool:
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN and settings.LINE_CHANNEL_SECRET)


def retry_key(notification_id: int) -> str:
    """The same UUID for every attempt of one notification (and only for it): LINE accepts a push
    with a given retry key once and answers 409 to any repeat within 24 hours."""
    return key_of(f"{settings.PORTAL_URL}/notification/{notification_id}")


def key_of(text: str) -> str:
    """A retry key (a UUID) named by ``text``: the same text, the same key."""
    return str(uuid.uuid5(RETRY_KEY_SPACE, text))


class LineNotSent(Exception):
    """The message did not leave (or LINE did not say it did). ``retry_after``: seconds LINE
    asked us to wait (429); ``permanent``: trying again cannot help (400, 403, 404: the person
    is unknown to the Official Account, or the request is wrong; 401: the access token; 429 for the
    month's quota used up); ``recipient``: the refusal is about the person's LINE account (so their
    link stops counting as working)."""

    def __init__(self, detail: str, *, status: int = 0, retry_after: int | None = None, permanent=False,
                 recipient=False):
        super().__init__(detail)
        self.detail, self.status, self.retry_after = detail, status, retry_after
        self.permanent, self.recipient = permanent, recipient


def retry_after_seconds(value, *, now=None) -> int | None:
    """Retry-After as seconds (a number, or an HTTP date), at most RETRY_AFTER_MAX; None if absent."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if text.isdigit():
        return min(int(text), RETRY_AFTER_MAX)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0, min(int((when - (now or timezone.now())).total_seconds()), RETRY_AFTER_MAX))


def _refusal(exc) -> LineNotSent:
    """What the SDK's ApiException says, as the portal acts on it."""
    status = exc.status or 0
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else str(exc.body or "")
    detail = f"LINE {status} {exc.reason or ''}: {body}".strip()[:900]
    if status == 429 and "monthly limit" in body.lower():  # the plan's messages are used up: e-mail carries it
        return LineNotSent(detail, status=status, permanent=True)
    if status == 429:
        wait = retry_after_seconds((exc.headers or {}).get("Retry-After"))
        return LineNotSent(detail, status=status, retry_after=wait)
    if status in (400, 403, 404):
        return LineNotSent(detail, status=status, permanent=True, recipient=True)
    if status == 401:  # the portal's access token: nobody's account is at fault, e-mail carries it
        return LineNotSent(detail, status=status, permanent=True)
    return LineNotSent(detail, status=status)  # 5xx, anything else: try again later


class Client:
    """One connection pool to the Messaging API (a worker's batch, a webhook's replies)."""

    def __init__(self):
        self.sdk = sdk = _sdk()
        configuration = sdk.Configuration(host=settings.LINE_API_URL, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN)
        self.api_client = sdk.ApiClient(configuration)
        self.api = sdk.MessagingApi(self.api_client)
        self.timeout = settings.LINE_TIMEOUT

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.api_client.close()

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, _request_timeout=self.timeout, **kwargs)
        except self.sdk.ApiException as exc:
            raise _refusal(exc) from exc
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            raise LineNotSent(f"LINE: {type(exc).__name__}: {exc}"[:900]) from exc

    def push(self, to: str, text: str, *, key: str) -> bool:
        """Send one text message; True once LINE accepted it (now, or earlier under the same
        retry key: 409). Raises LineNotSent."""
        request = self.sdk.PushMessageRequest(to=to, messages=[self.sdk.TextMessage(text=text[:TEXT_LIMIT])])
        try:
            self._call(self.api.push_message, request, x_line_retry_key=key)
        except LineNotSent as exc:
            if exc.status == 409:  # this retry key was accepted before: the message went then
                return True
            raise
        return True

    def reply(self, reply_token: str, text: str) -> None:
        """Answer a webhook event (replies do not count against the monthly quota)."""
        self._call(self.api.reply_message, self.sdk.ReplyMessageRequest(
            reply_token=reply_token, messages=[self.sdk.TextMessage(text=text[:TEXT_LIMIT])]))

    def link_token(self, line_user_id: str) -> str:
        """A link token for the account-linking flow (valid 10 minutes, once)."""
        return self._call(self.api.issue_link_token, line_user_id).link_token

    def quota(self) -> tuple[int | None, int]:
        """(the month's message limit or None when unlimited, messages used so far this month)."""
        limit = self._call(self.api.get_message_quota)
        used = self._call(self.api.get_message_quota_consumption)
        value = limit.value if str(getattr(limit.type, "value", limit.type)) == "limited" else None
        return value, used.total_usage


def parse_webhook(body: bytes, signature: str):
    """The events of a webhook delivery whose signature is right; raises BadSignature for any
    other (a missing or wrong signature, a body that is not UTF-8 JSON)."""
    from linebot.v3.exceptions import InvalidSignatureError
    from linebot.v3.webhook import WebhookParser

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadSignature("body is not UTF-8") from None
    try:
        return WebhookParser(settings.LINE_CHANNEL_SECRET).parse(text, signature or "")
    except InvalidSignatureError as exc:
        raise BadSignature(str(exc)) from None
    except (ValueError, KeyError, TypeError) as exc:  # signed, but not a webhook body
        raise BadSignature(f"not a webhook body: {exc}") from None


def account_link_url(link_token: str, nonce: str) -> str:
    """LINE's page that links the account: the person's link token and the portal's nonce."""
    return f"{ACCOUNT_LINK_URL}?{urlencode({'linkToken': link_token, 'nonce': nonce})}"
