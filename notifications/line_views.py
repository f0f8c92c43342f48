"""LINE's pages: the webhook (LINE's deliveries, signed with the channel secret), the link a
person opens from the Official Account's chat to link their LINE account, and unlinking it from
the settings page (notifications/linking.py holds the flow)."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from common import params

from . import line, linking, selectors

log = logging.getLogger("ita.line")


def _require_line():
    if not line.enabled():
        raise Http404(_("ระบบนี้ยังไม่ได้เปิดใช้การแจ้งเตือนทาง LINE"))


@csrf_exempt  # LINE's servers post here; the signature is the authority
@require_POST
def line_webhook(request):
    """Every delivery's X-Line-Signature is checked (the SDK's parser) before anything is read from
    it; a delivery without a right one is refused (400) and changes nothing. A body over
    WEBHOOK_MAX_BYTES is refused unread (413)."""
    _require_line()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = line.WEBHOOK_MAX_BYTES + 1
    if length > line.WEBHOOK_MAX_BYTES:
        return HttpResponse(_("ข้อมูลยาวเกินกำหนด"), status=413, content_type="text/plain; charset=utf-8")
    try:
        events = line.parse_webhook(request.body, request.headers.get("X-Line-Signature", ""))
    except line.BadSignature:
        log.warning("LINE webhook refused: no valid X-Line-Signature (from %s)", request.META.get("REMOTE_ADDR"))
        return HttpResponse(_("ลายมือชื่อไม่ถูกต้อง"), status=400, content_type="text/plain; charset=utf-8")
    linking.webhook(events)
    return HttpResponse("OK", content_type="text/plain")


@login_required
@require_http_methods(["GET", "POST"])
def line_link(request):
    """The link the Official Account sent in the chat: the signed-in person confirms that this
    LINE account is theirs, and goes on to LINE with the link token and a new nonce."""
    _require_line()
    source = request.POST if request.method == "POST" else request.GET
    token = params.text(source, "linkToken", max_length=200).strip()
    if not line.LINK_TOKEN.match(token):
        return render(request, "notifications/line_link.html", {"invalid": True}, status=400)
    if request.method == "POST":
        nonce = linking.link_start(user=request.user)
        return HttpResponseRedirect(line.account_link_url(token, nonce))
    return render(request, "notifications/line_link.html", {
        "token": token, "line_link": selectors.line_link_of(request.user)})


@login_required
@require_POST
def line_unlink(request):
    if linking.unlink(user=request.user):
        messages.success(request, _("ยกเลิกการเชื่อมบัญชี LINE แล้ว ระบบจะส่งการแจ้งเตือนทางอีเมลแทน"))
    else:
        messages.info(request, _("บัญชีของคุณไม่ได้เชื่อมกับ LINE"))
    return redirect("notification-settings")
