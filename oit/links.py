"""The link checker (issue 25 point 4, docs/OIT.md): does each external address a body gave as
evidence still open for an assessor without a sign-in?

``check_url`` fetches an address the way an assessor's browser would, one hop at a time:
redirects are followed here (at most ``MAX_REDIRECTS``), and before every hop the host name is
resolved and each of its addresses checked: a private, loopback, link-local, reserved,
multicast or unspecified address is refused (SSRF), and the connection is made to the address
that was checked (never resolved a second time, so a name cannot change its answer in between).
``OIT_LINK_CHECK_ALLOW_LOCAL`` lets the tests reach a local server on 127.0.0.1; never set it in
production. A link is broken on a timeout, a failed connection or DNS lookup, a 4xx/5xx answer,
too many redirects, a page asking for a sign-in (401, a password field, an address naming a
login), or an HTML page where the address names a file (.pdf, .docx, …: the vendor's "file not
found" page answers 200).

``check_answer`` records the result (a ``LinkCheck`` row, the answer's ``link_*`` fields) and,
the first time an address is found broken, tells the body's editors once through the
notifications outbox (the key names the answer and the moment it broke: the unique rule makes a
second recording a no-op). ``check_all`` is the daily pass (``manage.py check_links``)."""

import http.client
import ipaddress
import logging
import re
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ItemAnswer, Kind, LinkCheck, LinkState
from .selectors import display_code

log = logging.getLogger("ita.oit.links")

MAX_REDIRECTS = 5
READ_BYTES = 64 * 1024  # enough of a page to see a sign-in form
KEPT_CHECKS = 10  # per answer
WORKERS = 8
USER_AGENT = "ITA-Portal-LinkCheck/1.0 (+ITA evidence check)"
FILE_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "zip", "rar", "csv", "odt",
                   "ods"}
SIGN_IN_WORDS = re.compile(r"(^|[/_.-])(login|log-in|signin|sign-in|sso|auth|authenticate|wp-login)([/_.?-]|$)", re.I)
PASSWORD_FIELD = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.I)


@dataclass(frozen=True)
class Result:
    ok: bool
    problem: str = ""  # timeout, connection, dns, address, scheme, http, sign_in, html, redirects
    detail: str = ""  # a Thai sentence for the body
    status: int | None = None
    final_url: str = ""


class Refused(Exception):
    def __init__(self, problem, detail):
        super().__init__(detail)
        self.problem, self.detail = problem, detail


def address_allowed(ip: str) -> bool:
    """A public address (the local loopback too when OIT_LINK_CHECK_ALLOW_LOCAL, tests only)."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if settings.OIT_LINK_CHECK_ALLOW_LOCAL and address.is_loopback:
        return True
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified or not address.is_global)


def _resolve(host: str, port: int) -> str:
    """The one address this hop connects to, after every address of the name was checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Refused("dns", _("ไม่พบชื่อโดเมน %(host)s") % {"host": host}) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused("dns", _("ไม่พบชื่อโดเมน %(host)s") % {"host": host})
    for address in addresses:
        if not address_allowed(address):
            raise Refused("address", _("ที่อยู่ %(host)s ชี้ไปยังเครือข่ายภายใน (%(address)s) ระบบจึงไม่เปิด") % {
                "host": host, "address": address})
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _expects_file(url: str) -> bool:
    path = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    return "." in path and path.rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS


def _fetch(url: str, timeout: float):
    """One hop: (status, headers, first bytes of the body)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("scheme", _("ที่อยู่ต้องขึ้นต้นด้วย http:// หรือ https://"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("scheme", _("หมายเลขพอร์ตในที่อยู่ไม่ถูกต้อง")) from None
    ip = _resolve(parts.hostname, port)
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(parts.hostname, port, ip, timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "*/*",
                                                   "Accept-Language": "th,en;q=0.5"})
        response = connection.getresponse()
        body = response.read(READ_BYTES)
        return response.status, response.headers, body
    except TimeoutError:
        raise Refused("timeout", _("เว็บไซต์ไม่ตอบภายใน %(seconds)s วินาที") % {"seconds": int(timeout)}) from None
    except ssl.SSLError as error:
        raise Refused("connection", _("ใบรับรองความปลอดภัย (HTTPS) ของเว็บไซต์ใช้ไม่ได้: %(error)s") % {
            "error": str(error)[:100]}) from None
    except (OSError, http.client.HTTPException) as error:
        raise Refused("connection", _("เชื่อมต่อเว็บไซต์ไม่ได้: %(error)s") % {"error": str(error)[:100]}) from None
    finally:
        connection.close()


def check_url(url: str, *, timeout: float | None = None) -> Result:
    """Open ``url`` as an assessor would (see the module's docstring); never raises."""
    timeout = timeout or settings.OIT_LINK_CHECK_TIMEOUT
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            status, headers, body = _fetch(current, timeout)
            if status in (301, 302, 303, 307, 308) and headers.get("Location"):
                current = urljoin(current, headers["Location"].strip())
                continue
            if status == 401:
                return Result(False, "sign_in", _("ต้องเข้าสู่ระบบก่อนจึงจะเปิดได้ (401)"), status, current)
            if status >= 400:
                return Result(False, "http", _("เว็บไซต์ตอบว่าเปิดไม่ได้ (รหัส %(status)s)") % {"status": status},
                              status, current)
            content_type = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            html = content_type in ("text/html", "application/xhtml+xml")
            if html and (PASSWORD_FIELD.search(body) or (current != url and SIGN_IN_WORDS.search(
                    urlsplit(current).path + "?" + urlsplit(current).query))):
                return Result(False, "sign_in", _("เปิดแล้วพบหน้าเข้าสู่ระบบแทนหลักฐาน"), status, current)
            if html and _expects_file(url):
                return Result(False, "html", _("ที่อยู่นี้ควรเป็นไฟล์ แต่เปิดแล้วได้หน้าเว็บ (ไฟล์อาจถูกย้ายหรือลบ)"),
                              status, current)
            if status >= 300:
                return Result(False, "http", _("เว็บไซต์ตอบว่าเปิดไม่ได้ (รหัส %(status)s)") % {"status": status},
                              status, current)
            return Result(True, status=status, final_url=current)
        return Result(False, "redirects", _("เปลี่ยนเส้นทางเกิน %(n)s ครั้ง") % {"n": MAX_REDIRECTS}, None, current)
    except Refused as refused:
        return Result(False, refused.problem, refused.detail, None, current)
    except Exception as error:  # noqa: BLE001 - a checker never stops the pass on one address
        log.warning("link check of %s failed unexpectedly: %s", url, error)
        return Result(False, "connection", _("ตรวจลิงก์ไม่สำเร็จ"), None, current)


def record(answer_id: int, url: str, result: Result) -> bool:
    """Store one result for the answer if it still has this address; tell its editors once when
    the address is newly broken. True when the result was stored."""
    from notifications.models import Kind as NotificationKind
    from notifications.services import tell_editors

    now = timezone.now()
    with transaction.atomic():
        answer = (ItemAnswer.objects.select_for_update(of=("self",)).select_related("org", "item")
                  .filter(pk=answer_id, kind=Kind.URL, url=url).first())
        if answer is None:  # the address changed (or went) while it was being checked
            return False
        LinkCheck.objects.create(answer=answer, url=url, ok=result.ok, status=result.status,
                                 problem=result.problem, detail=result.detail[:300],
                                 final_url=result.final_url[:1000] if result.final_url.startswith("http") else "")
        newly_broken = not result.ok and answer.link_state != LinkState.BROKEN
        answer.link_state = LinkState.OK if result.ok else LinkState.BROKEN
        answer.link_problem = result.detail[:300]
        answer.link_checked_at = now
        if result.ok:
            answer.link_broken_since = None
        elif newly_broken or answer.link_broken_since is None:
            answer.link_broken_since = now
        ItemAnswer.objects.filter(pk=answer.pk).update(
            link_state=answer.link_state, link_problem=answer.link_problem, link_checked_at=now,
            link_broken_since=answer.link_broken_since)
        stale = list(LinkCheck.objects.filter(answer=answer).values_list("pk", flat=True)[KEPT_CHECKS:])
        if stale:
            LinkCheck.objects.filter(pk__in=stale).delete()
        if not result.ok:
            since = answer.link_broken_since.strftime("%Y%m%dT%H%M%S%f")
            tell_editors([(answer.org_id, f"oitlink:{answer.pk}:{since}",
                           reverse("oit-item", args=[answer.org.slug, answer.fiscal_year, answer.item.code]),
                           {"item": display_code(answer.item.code), "fiscal_year": answer.fiscal_year,
                            "org": answer.org.name, "address": url, "problem": result.detail})],
                         kind=NotificationKind.OIT_LINK_BROKEN)
    return True


def check_answer(answer_id: int) -> str:
    """Check one answer's address now: "ok", "broken" or "" (no external address any more)."""
    url = ItemAnswer.objects.filter(pk=answer_id, kind=Kind.URL).values_list("url", flat=True).first()
    if not url:
        return ""
    result = check_url(url)
    record(answer_id, url, result)
    return "ok" if result.ok else "broken"


def check_all(*, org_ids=None) -> dict:
    """Every external address (of these bodies): fetched in parallel, recorded one by one."""
    answers = ItemAnswer.objects.filter(kind=Kind.URL).exclude(url="")
    if org_ids is not None:
        answers = answers.filter(org_id__in=list(org_ids))
    targets = list(answers.order_by("pk").values_list("pk", "url"))
    counts = {"checked": 0, "ok": 0, "broken": 0}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for (answer_id, url), result in zip(targets, pool.map(lambda t: check_url(t[1]), targets), strict=True):
            if record(answer_id, url, result):
                counts["checked"] += 1
                counts["ok" if result.ok else "broken"] += 1
    return counts
