import re

from django.conf import settings
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

THAI = re.compile("[\u0e00-\u0e7f]")


@never_cache
def healthz(request):
    """A constant answer: for load balancers, and the bare-stack baseline in bench/load.py."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page links (the vendored icon in static/,
    kept a week): never a 404 in the log."""
    from pathlib import Path

    from django.http import FileResponse

    icon = Path(settings.BASE_DIR) / "static" / "favicon.ico"
    response = FileResponse(icon.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


def page_not_found(request, exception):
    """Django's 404 view, but the page shows a message only when it is one of the portal's own
    Thai sentences (Http404(_("ไม่พบ…"))): Django's English "No Organization matches the given
    query." and the URL resolver's details say nothing to a visitor."""
    message = exception.args[0] if exception is not None and exception.args else ""
    if not (isinstance(message, str) and THAI.search(message)):
        message = ""
    return HttpResponseNotFound(render_to_string("404.html", {"message": message}, request))


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW): a Thai page that says what to
    do, with the portal's header for the signed-in user (Django's own view renders the template
    without the request). With DEBUG on the page also names Django's technical reason."""
    context = {"reason": reason if settings.DEBUG else ""}
    return HttpResponseForbidden(render_to_string("403_csrf.html", context, request))


def bad_request(request, exception):
    """Django's 400 view without its CSRF step: Django's own is wrapped in requires_csrf_token,
    which reads ``request.POST`` again, and a body that could not be read the first time (a
    form in another charset, too many fields, too large) raised again inside the error page:
    the server's bare English 500 instead. Rendered without the request, as Django does."""
    return HttpResponseBadRequest(render_to_string("400.html"))


def server_error(request):
    """Django's 500 view without its CSRF step (see bad_request): a self-contained page."""
    return HttpResponseServerError(render_to_string("500.html"))
