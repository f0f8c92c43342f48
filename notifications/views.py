"""The notification pages: the list behind the bell, a person's settings, following a body,
the e-mail's unsubscribe link (no sign-in), and who in a supervisor's area no channel reaches.
LINE's own pages (webhook, linking) are in line_views.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from assessments.models import Organization
from common import params
from common.redirects import safe_url
from people import access as people_access

from . import line, selectors, services
from .forms import PreferenceForm
from .models import Kind

PAGE = 30
REACH_PAGE = 50


@login_required
def notification_list(request):
    unread_only = params.text(request.GET, "unread") == "1"
    page = Paginator(selectors.notifications_for(request.user, unread_only=unread_only), PAGE).get_page(
        params.text(request.GET, "page"))
    response = render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def notification_open(request, pk):
    """Opening a notification marks it read and goes where it points."""
    notification = selectors.notification_for_user(request.user, pk)
    if notification is None:
        raise Http404(_("ไม่พบการแจ้งเตือน"))
    services.mark_read(notification=notification)
    return redirect(safe_url(request, notification.url, "notifications"))


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว %(n)s รายการ") % {"n": count})
    return redirect("notifications")


@login_required
def notification_settings(request):
    preference = services.preference_for(request.user)
    line_on = line.enabled()
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST, preference=preference, line_on=line_on)
        if form.is_valid():
            services.preference_save(user=request.user, **form.values())
            messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
            return redirect("notification-settings")
        status = 400
    else:
        form = PreferenceForm(preference=preference, line_on=line_on)
    return render(request, "notifications/settings.html", {
        "form": form, "follows": selectors.follows_of(request.user),
        "has_email": bool(request.user.email.strip()), "line_on": line_on,
        "line_link": selectors.line_link_of(request.user) if line_on else None,
        "line_oa_id": settings.LINE_OA_ID, "line_add_url": selectors.line_add_friend_url(settings.LINE_OA_ID),
        "line_digest_hour": settings.LINE_DIGEST_HOUR}, status=status)


@login_required
@require_POST
def follow(request, slug):
    """Follow (or, with ``follow=0``, stop following) a body's published documents. Every
    body's published documents are public, so anyone signed in may follow any body."""
    org = get_object_or_404(Organization, slug=slug)
    on = params.text(request.POST, "follow", "1") != "0"
    services.follow_set(user=request.user, org=org, follow=on)
    if on:
        messages.success(request, _("ติดตาม%(org)s แล้ว ระบบจะแจ้งเมื่อมีเอกสารฉบับใหม่เผยแพร่") % {"org": org.name})
    else:
        messages.success(request, _("เลิกติดตาม%(org)s แล้ว") % {"org": org.name})
    return redirect(safe_url(request, params.text(request.POST, "next", max_length=2_000), "notification-settings"))


@csrf_exempt  # the signed token is the authority; mail programs POST here (RFC 8058 one-click)
def unsubscribe(request, token):
    """No sign-in: the token (signed by the portal) names the person and the kind. GET shows
    what will stop and one button; POST stops it (so a link scanner opening the page changes
    nothing)."""
    found = services.read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=found[0]).first() if found else None
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind = Kind(found[1])
    done = False
    if request.method == "POST":
        services.unsubscribe(user_id=user.pk, kind=kind)
        done = True
    response = render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "token": token})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def area_reach(request):
    """A supervisor's area (every body for the administrator): the people no channel reaches (no
    working e-mail and no working LINE link), or everyone with ``?all=1``, a page at a time."""
    roles = people_access.require_area_supervisor(request)
    orgs = roles.area_bodies()
    everyone = params.text(request.GET, "all") == "1"
    page = Paginator(selectors.area_reach(orgs, everyone=everyone), REACH_PAGE).get_page(
        params.text(request.GET, "page"))
    for row in page.object_list:
        row.reasons = selectors.reach_reasons(row)
    return render(request, "notifications/area_reach.html", {
        "page": page, "everyone": everyone, "counts": selectors.area_reach_counts(orgs), "line_on": line.enabled()})
