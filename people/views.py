"""The people pages: a body's people (บุคลากร), a supervisor's area, the supervisors, the
invitation a person accepts, and one's own name and position.

Every view: load what the user may see (404 otherwise) -> check the action (403) -> bind a
form -> call a service -> send the mail -> redirect."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Membership, Organization
from common import params
from common.redirects import safe_url

from . import access as people_access_module
from . import selectors, services
from .access import invitation_or_404, membership_or_404, people_access
from .forms import AcceptForm, HandoverForm, InviteForm, ProfileForm, RoleForm, SupervisorForm
from .invitations import MailNotSent, base_url, send_email_change, send_email_removed, send_invitation
from .models import InvitedRole
from .names import signing_name, split_name

AREA_PAGE = 50


def _people_url(org):
    return reverse("people-org", args=[org.slug])


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form, error):
    """A refused service call shown on the form: its Thai sentences as non-field errors."""
    for message in error.messages:
        form.add_error(None, message)


def _call(request, service, success, **arguments) -> bool:
    """``service(actor=request.user, **arguments)``: its refusal as error messages, or ``success``
    as the success message."""
    try:
        service(actor=request.user, **arguments)
    except services.PeopleError as error:
        _errors(request, error)
        return False
    messages.success(request, success)
    return True


def _managed(request, slug, load, object_id):
    """(the body's access, the membership or invitation ``load`` finds) when the user may manage
    its role: 404 for a body or object the user may not see, 403 for a role they may not manage."""
    access = people_access(request, slug)
    managed = load(access, object_id)
    access.require(managed.role)
    return access, managed


def _cancel(request, invitation):
    _call(request, services.invitation_cancel, _("ยกเลิกคำเชิญ %(email)s แล้ว ลิงก์ในอีเมลใช้ไม่ได้อีก") % {
        "email": invitation.email}, invitation=invitation)


# ---------------------------------------------------------------- a body's people


def _people_page(request, access, *, invite_form=None, status=200):
    org = access.org
    people = selectors.body_people(org)
    for membership in people:
        membership.manageable = access.may(membership.role)
        # A lost second factor (signin/views.py people_second_factor_reset), never one's own.
        membership.second_factor_resettable = (access.policy.may_reset_second_factor(org, membership.role)
                                               and membership.user_id != request.user.pk)
        since = membership.grant.granted_at if hasattr(membership, "grant") else membership.user.date_joined
        membership.since = timezone.localtime(since).date()
    invitations = selectors.body_invitations(org)
    for invitation in invitations:
        invitation.manageable = access.may(invitation.role)
    context = {
        "org": org, "access": access, "people": people, "invitations": invitations,
        "log": selectors.body_log(org), "invite_form": invite_form or InviteForm(roles=access.roles),
        "role_form": RoleForm(), "handover_form": HandoverForm(),
        "approver_count": sum(m.role == Membership.Role.APPROVER for m in people),
        "people_users": sorted({m.user for m in people}, key=lambda u: signing_name(u) or u.get_username()),
    }
    return render(request, "people/org_people.html", context, status=status)


@login_required
def people_page(request, slug):
    return _people_page(request, people_access(request, slug))


def _posted_role(request, access):
    role = params.text(request.POST, "role")
    if role in Membership.Role.values:
        access.require(role)
    return role


def _send(request, invitation):
    """Mail an invitation; the outcome as a message (a failure keeps it, marked unsent)."""
    try:
        send_invitation(invitation=invitation, actor=request.user, base=base_url(request))
    except MailNotSent:
        messages.error(request, _("บันทึกคำเชิญ %(email)s แล้ว แต่ส่งอีเมลไม่สำเร็จ ระบบยังไม่ได้ส่งอีเมลใด ๆ "
                                  "คำเชิญแสดงว่า “ยังส่งไม่สำเร็จ” กรุณากด “ส่งอีกครั้ง” ภายหลัง หรือแจ้งผู้ดูแลระบบ")
                       % {"email": invitation.email})
        return False
    except services.PeopleError as error:
        _errors(request, error)
        return False
    messages.success(request, _("ส่งอีเมลคำเชิญถึง %(email)s แล้ว ลิงก์ใช้ได้ %(days)s วัน และใช้ได้ครั้งเดียว")
                     % {"email": invitation.email, "days": settings.INVITATION_DAYS})
    return True


def _after_invite(request, result):
    """An invitation's outcome. An address with an account is invited too: the role is given when
    that account opens the link, signed in (an address alone gives nothing)."""
    if result.kind == "invited":
        _send(request, result.invitation)
    elif result.kind == "pending":
        messages.info(request, _("มีคำเชิญ %(email)s ที่รอตอบรับอยู่แล้ว ถ้าผู้นั้นไม่ได้รับอีเมล กด “ส่งอีกครั้ง”")
                      % {"email": result.invitation.email})
    else:
        messages.info(request, _("บัญชีนี้มีบทบาทนี้อยู่แล้ว ไม่มีการเปลี่ยนแปลง"))


@login_required
@require_POST
def people_invite(request, slug):
    access = people_access(request, slug)
    _posted_role(request, access)
    form = InviteForm(request.POST, roles=access.roles)
    if not form.is_valid():
        return _people_page(request, access, invite_form=form, status=400)
    data = form.cleaned_data
    try:
        result = services.safe_create(services.invitation_create, org=access.org, email=data["email"],
                                      role=data["role"], position=data["position"], actor=request.user)
    except services.PeopleError as error:
        _form_errors(form, error)
        return _people_page(request, access, invite_form=form, status=400)
    _after_invite(request, result)
    return redirect(_people_url(access.org))


@login_required
@require_POST
def people_role(request, slug, membership_id):
    access, membership = _managed(request, slug, membership_or_404, membership_id)
    _posted_role(request, access)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("กรุณาเลือกบทบาท"))
    else:
        _call(request, services.membership_role_change, _("เปลี่ยนบทบาทเรียบร้อยแล้ว"), membership=membership,
              role=form.cleaned_data["role"])
    return redirect(_people_url(access.org))


@login_required
@require_POST
def people_remove(request, slug, membership_id):
    access, membership = _managed(request, slug, membership_or_404, membership_id)
    user = membership.user
    _call(request, services.membership_remove, _("นำ %(person)s ออกจากบทบาทแล้ว") % {
        "person": signing_name(user) or user.email or user.get_username()}, membership=membership)
    return redirect(_people_url(access.org))


@login_required
@require_POST
def people_handover(request, slug, membership_id):
    access, membership = _managed(request, slug, membership_or_404, membership_id)
    people = type(membership.user).objects.filter(memberships__org=access.org).distinct()
    form = HandoverForm(request.POST, people=people)
    if not form.is_valid():
        for message in form.errors.get("__all__", []) or [_("กรุณาตรวจสอบข้อมูลผู้รับมอบ")]:
            messages.error(request, message)
        return redirect(_people_url(access.org))
    data = form.cleaned_data
    try:
        result = services.safe_create(services.membership_handover, membership=membership, actor=request.user,
                                      successor=data["successor"], email=data["email"], position=data["position"])
    except services.PeopleError as error:
        _errors(request, error)
        return redirect(_people_url(access.org))
    if result.kind == "invited":
        if _send(request, result.invitation):
            messages.info(request, _("%(person)s ยังคงมีบทบาทเดิมจนกว่าผู้รับมอบจะตอบรับคำเชิญ เมื่อตอบรับแล้ว "
                                     "ระบบจะนำบทบาทเดิมออกให้เอง") % {
                "person": signing_name(membership.user) or membership.user.get_username()})
    else:
        messages.success(request, _("ส่งมอบบทบาทเรียบร้อยแล้ว"))
    return redirect(_people_url(access.org))


@login_required
@require_POST
def invitation_resend(request, slug, invitation_id):
    access, invitation = _managed(request, slug, invitation_or_404, invitation_id)
    _send(request, invitation)
    return redirect(_people_url(access.org))


@login_required
@require_POST
def invitation_cancel(request, slug, invitation_id):
    access, invitation = _managed(request, slug, invitation_or_404, invitation_id)
    _cancel(request, invitation)
    return redirect(_people_url(access.org))


# ---------------------------------------------------------------- a supervisor's area


@login_required
def area_people(request):
    roles = people_access_module.require_area_supervisor(request)
    orgs = roles.area_bodies()
    q = params.text(request.GET, "q").strip()
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(district__icontains=q) | Q(dla_code=q))
    missing = params.text(request.GET, "missing") == "1"
    if missing:
        orgs = orgs.exclude(memberships__role=Membership.Role.APPROVER)
    page = Paginator(selectors.with_approvers(orgs), AREA_PAGE).get_page(params.text(request.GET, "page"))
    return render(request, "people/area_people.html", {"page": page, "q": q, "missing": missing,
                                                       "scopes": roles.scopes})


# ---------------------------------------------------------------- supervisors (the administrator)


@login_required
def supervisors_page(request):
    people_access_module.require_admin(request)
    form = SupervisorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.safe_create(services.supervisor_appoint, email=data["email"],
                                              province=data["province"], district=data["district"],
                                              actor=request.user)
            except services.PeopleError as error:
                _form_errors(form, error)
            else:
                _after_invite(request, result)
                return redirect("supervisors")
        status = 400
    return render(request, "people/supervisors.html", {
        "form": form, "scopes": selectors.supervisors(), "invitations": selectors.supervisor_invitations(),
        "log": selectors.supervisor_log()}, status=status)


@login_required
@require_POST
def supervisor_remove(request, scope_id):
    people_access_module.require_admin(request)
    scope = people_access_module.scope_or_404(scope_id)
    _call(request, services.supervisor_remove, _("ยกเลิกพื้นที่กำกับดูแลแล้ว"), scope=scope)
    return redirect("supervisors")


@login_required
@require_POST
def supervisor_invitation(request, invitation_id, action):
    people_access_module.require_admin(request)
    invitation = people_access_module.supervisor_invitation_or_404(invitation_id)
    if action == "resend":
        _send(request, invitation)
    else:
        _cancel(request, invitation)
    return redirect("supervisors")


# ---------------------------------------------------------------- the invitee


def invitation_accept(request, token):
    """The link of an invitation. A new address: the person sets their name and password. An
    address that has an account: that account, signed in, accepts with one button; anyone else
    signed in is told to sign out (403), nobody signed in is asked to sign in."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "people/invitation_invalid.html", {"invitation": None}, status=404)
    if not invitation.is_usable:
        return render(request, "people/invitation_invalid.html", {"invitation": invitation}, status=410)
    try:
        account = services.account_for(invitation.email)
    except services.PeopleError as error:  # two accounts with the address, or a suspended one
        return _invitation_page(request, invitation, "refused", errors=error.messages, status=409)
    if request.user.is_authenticated:
        if account is None or account.pk != request.user.pk:
            return _invitation_page(request, invitation, "other_account", has_account=account is not None,
                                    status=403)
        return _accept_signed_in(request, token, invitation)
    if account is not None:
        return _invitation_page(request, invitation, "sign_in")
    first, last = split_name(invitation.name)
    form = AcceptForm(request.POST or None, initial={"first_name": first, "last_name": last,
                                                     "position": invitation.position})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        weak = services.password_errors(data["password1"], email=invitation.email, first_name=data["first_name"],
                                        last_name=data["last_name"])
        for message in weak:
            form.add_error("password1", message)
        if not weak:
            try:
                user = services.safe_create(services.invitation_accept, token=token, first_name=data["first_name"],
                                            last_name=data["last_name"], position=data["position"],
                                            password=data["password1"])
            except services.PeopleError as error:
                _form_errors(form, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("ยินดีต้อนรับ %(name)s บัญชีของคุณพร้อมใช้งานแล้ว ครั้งต่อไปเข้าสู่ระบบด้วย"
                                            "ชื่อผู้ใช้ %(username)s และรหัสผ่านที่เพิ่งตั้ง") % {
                    "name": signing_name(user), "username": user.get_username()})
                return redirect("app-home")
    context = {"invitation": invitation, "form": form, "is_supervisor": invitation.role == InvitedRole.SUPERVISOR}
    return render(request, "people/invitation_accept.html", context, status=400 if form.errors else 200)


def _invitation_page(request, invitation, mode, *, status=200, **extra):
    context = {"invitation": invitation, "mode": mode, "is_supervisor": invitation.role == InvitedRole.SUPERVISOR,
               "login_url": reverse("login") + "?" + urlencode({"next": request.path}), **extra}
    return render(request, "people/invitation_account.html", context, status=status)


def _accept_signed_in(request, token, invitation):
    """The invited address's own account: GET shows what accepting gives, POST accepts."""
    if request.method != "POST":
        return _invitation_page(request, invitation, "confirm")
    try:
        services.safe_create(services.invitation_accept_signed_in, token=token, user=request.user)
    except services.PeopleError as error:
        return _invitation_page(request, invitation, "confirm", errors=error.messages, status=409)
    messages.success(request, _("ตอบรับคำเชิญแล้ว บัญชีของคุณได้รับบทบาท “%(role)s” (%(place)s)") % {
        "role": invitation.get_role_display(), "place": invitation.place})
    return redirect("app-home")


# ---------------------------------------------------------------- one's own name


@login_required
def profile(request):
    user = request.user
    orgs = list(Organization.objects.filter(memberships__user=user).distinct().order_by("name"))
    positions = {}
    for org_id, position in Membership.objects.filter(user=user).exclude(position="").values_list("org_id",
                                                                                                    "position"):
        positions.setdefault(org_id, position)
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
               **{f"position_{org.pk}": positions.get(org.pk, "") for org in orgs}}
    form = ProfileForm(request.POST or None, initial=initial, orgs=orgs)
    next_url = safe_url(request, params.text(request.POST or request.GET, "next", max_length=2_000))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.safe_create(services.profile_save, user=user, first_name=data["first_name"],
                                         last_name=data["last_name"], email=data["email"],
                                         positions=form.positions())
        except services.PeopleError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("บันทึกชื่อและตำแหน่งเรียบร้อยแล้ว"))
            _after_profile(request, saved)
            return redirect(next_url or "profile")
    return render(request, "people/profile.html", {"form": form, "next": next_url, "orgs": orgs,
                                                   "username": user.get_username(),
                                                   "pending_email": selectors.pending_email(user)},
                  status=400 if form.errors else 200)


def _after_profile(request, saved):
    """Mail what the profile change asks for: the link to a new address (and a notice to the old
    one), or a notice to an address taken off the account."""
    base = base_url(request)
    if saved.change is not None:
        try:
            send_email_change(user=saved.user, change=saved.change, token=saved.token, base=base)
        except MailNotSent:
            messages.error(request, _("ส่งอีเมลยืนยันไปที่ %(email)s ไม่สำเร็จ ระบบยังไม่ได้ส่งอีเมลใด ๆ "
                                      "อีเมลของบัญชียังเป็นอีเมลเดิม กรุณาลองใหม่ภายหลัง") % {"email": saved.change.email})
        else:
            messages.info(request, _("ส่งลิงก์ยืนยันไปที่ %(email)s แล้ว อีเมลของบัญชียังเป็นอีเมลเดิมจนกว่าคุณจะเปิดลิงก์นั้น"
                                     "ขณะเข้าสู่ระบบด้วยบัญชีนี้ (ภายใน %(hours)s ชั่วโมง)") % {
                "email": saved.change.email, "hours": services.EMAIL_CHANGE_HOURS})
    elif saved.removed:
        try:
            send_email_removed(user=saved.user, previous=saved.removed, base=base)
        except MailNotSent:
            pass  # the address is off the account already; the change is in the audit log


@login_required
def email_confirm(request, token):
    """The link mailed to a new address: GET shows it, POST (by the account that asked) makes it
    the account's address. Another account is told to sign out (403)."""
    change = services.email_change_for_token(token)
    if change is None:
        return render(request, "people/email_confirm.html", {"state": "unknown"}, status=404)
    state = ("used" if change.confirmed_at else "other_account" if change.user_id != request.user.pk
             else "expired" if change.is_expired else "ready")
    status = {"used": 410, "expired": 410, "other_account": 403, "ready": 200}[state]
    context = {"state": state, "change": change}
    if state == "ready" and request.method == "POST":
        try:
            services.safe_create(services.email_change_confirm, token=token, user=request.user)
        except services.PeopleError as error:
            context["errors"], status = error.messages, 409
        else:
            messages.success(request, _("ยืนยันแล้ว อีเมลของบัญชีนี้คือ %(email)s") % {"email": change.email})
            return redirect("profile")
    return render(request, "people/email_confirm.html", context, status=status)
