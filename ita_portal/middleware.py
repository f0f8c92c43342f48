"""Refusals before (and after) any view, each a Thai page with its proper status.

``RequestLimitsMiddleware`` (near the top of MIDDLEWARE, before sessions and the CSRF check):
- an address (path and query string) over ``MAX_URL_BYTES`` is a 414 (templates/414.html);
  gunicorn lets longer lines through (gunicorn.conf.py, ``limit_request_line``) so that the
  portal answers them, not gunicorn's bare English page;
- a form (``application/x-www-form-urlencoded`` or ``multipart/form-data``) that declares a
  charset other than UTF-8 is a 400 (templates/400.html): Django reads such a body only as
  UTF-8 and raised BadRequest inside the CSRF check, and again inside the error page.

``MethodNotAllowedPageMiddleware``: a 405 (``require_POST`` and friends answer one with an
empty body, e.g. a GET on /app/notifications/read-all/) gets templates/405.html, its Allow
header kept.
"""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

MAX_URL_BYTES = 4_096  # path and query string; the portal's own links stay far below
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WSGI gives the query string as the raw bytes read as Latin-1: one character a byte.
        length = len(request.META.get("QUERY_STRING", "")) + len(request.path.encode("utf-8", "surrogateescape"))
        if length > MAX_URL_BYTES:
            return HttpResponse(render_to_string("414.html", {"limit": f"{MAX_URL_BYTES:,}"}), status=414)
        if not utf8_or_undeclared(request.META.get("CONTENT_TYPE", "")):
            return HttpResponseBadRequest(render_to_string("400.html", {"message": _(
                "ระบบรับข้อมูลจากแบบฟอร์มเฉพาะที่เข้ารหัสอักขระแบบ UTF-8 ข้อมูลที่ส่งมาจึงยังไม่ได้บันทึก "
                "กรุณาเปิดหน้าเดิมจากระบบแล้วส่งแบบฟอร์มอีกครั้ง")}))
        return self.get_response(request)


def utf8_or_undeclared(content_type_header: str) -> bool:
    """False for a form body that declares a charset other than "utf-8" (any case): Django reads
    a urlencoded form only under that exact name (even "utf8" is a BadRequest there)."""
    content_type, params = parse_header_parameters(content_type_header or "")
    charset = params.get("charset", "").strip()
    return content_type not in FORM_TYPES or not charset or charset.lower() == "utf-8"


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            allowed = [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]
            page = HttpResponseNotAllowed(allowed, render_to_string("405.html", request=request))
            for header in ("Cache-Control", "Vary"):
                if header in response:
                    page[header] = response[header]
            return page
        return response


# Pages and files for signed-in staff, and the pages a personal link opens (an invitation, an
# unsubscribe link): never kept by a browser or a proxy (ASVS 14.3.2; docs/SECURITY.md). Every
# preview, .docx, evidence file and export of personal or unpublished data is under /app/ or
# /admin/; the public pages keep their own Cache-Control.
NO_STORE_PREFIXES = ("/app/", "/admin/", "/accounts/", "/invite/", "/unsubscribe/", "/line/")


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every answer under ``NO_STORE_PREFIXES``, whatever
    the view said (a redirect, a refusal, an error page and a download alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(NO_STORE_PREFIXES):
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response
