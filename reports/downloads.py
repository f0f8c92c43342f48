"""Serving a published PDF: the stored bytes, checked against the SHA-256 recorded when it was
published, with ETag and Last-Modified; never a render. Behind nginx the web server sends
the bytes (PUBLISHED_FILE_HEADER, docs/DEPLOYMENT.md)."""

import hashlib
import logging
import os

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import gettext as _

from common.memo import Memo

from .models import PublishedDocument

log = logging.getLogger(__name__)


def pdf_response(request, document: PublishedDocument):
    """Serve a published document's PDF as it was published; never render."""
    filename = f"{document.title} {document.org.name} {document.fiscal_year} ฉบับที่ {document.version}.pdf"
    return published_file_response(
        request, document, filename=filename, content_type="application/pdf", attachment=False,
        refused=_("ไฟล์เอกสารนี้ไม่ตรงกับฉบับที่เผยแพร่ ระบบจึงงดให้ดาวน์โหลด ผู้ดูแลระบบได้รับแจ้งแล้ว"))


def published_file_response(request, stored, *, filename: str, content_type: str, attachment: bool, refused: str):
    """Serve a stored published file (a document's PDF, an OIT evidence file: anything with
    ``file``, ``sha256`` and ``published_at``) as it was published. Cheap repeats via ETag.

    The bytes are checked against the SHA-256 recorded at publishing; a file changed on
    disk is refused (503, ``refused``) and logged, never served."""
    etag = quote_etag(stored.sha256)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        sendfile = settings.PUBLISHED_FILE_HEADER
        data = _verified_bytes(stored, cache=bool(sendfile))
        if data is None:
            log.error("published file %s %s (%s) does not match its SHA-256; refused", type(stored).__name__,
                      stored.pk, stored.file.name)
            return HttpResponse(refused, status=503, content_type="text/plain; charset=utf-8")
        if sendfile:  # the web server sends the bytes
            response = HttpResponse(content_type=content_type)
            response[sendfile] = settings.PUBLISHED_FILE_PREFIX + stored.file.name
        else:
            response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stored.published_at.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


_verified = Memo("verified published files", max_size=10_000)  # (name, size, mtime, sha256) -> True


def _verified_bytes(document, *, cache: bool) -> bytes | None:
    """The file's bytes if they still hash to the published SHA-256, else None. With a
    sendfile header the check is remembered per process while the file is unchanged."""
    try:
        stat = os.stat(document.file.path)
        key = (document.file.name, stat.st_size, stat.st_mtime_ns, document.sha256)
    except FileNotFoundError:
        return None
    except NotImplementedError:  # object storage (S3): no local path, check every time
        cache, key = False, None
    if cache and _verified.peek(key):
        return b""
    with document.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        _verified.discard(key)
        return None
    if cache:
        _verified.put(key, True)
    return data
