"""Every change to a body's people, its supervisors and a person's own name: one function per
action, atomic, checked, audited in the same transaction (people/audit_actions.py).

Who may do what is assessments.access.Policy's to say (``may_manage_people``, asked here and by
the people pages): the system administrator everything; a body's approver everything for that
body; a supervisor the approvers of the bodies in their area. Mail is sent
by people/invitations.py after the change is saved (an invitation whose mail did not go is kept,
marked "ยังส่งไม่สำเร็จ", and can be sent again).

An e-mail address gives nothing by itself (issue 21): a role reaches a person only through a
link mailed to the address and opened by its owner (an invitation, accepted by a new person or
by the account with that address, signed in), or when the person is chosen from a body's list
(a handover); a person's new address counts only once they open the link mailed to it
(``email_change_request`` / ``email_change_confirm``)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import user_roles
from assessments.models import Membership, Organization, Province, SupervisorScope
from assessments.services import audit
from common.errors import Refusal
from common.text import clean_text, too_long

from .audit_actions import PeopleAction
from .models import INVITATION_LIMITS, EmailChange, Invitation, InvitedRole, MembershipGrant, new_token, token_digest
from .names import signing_name, split_name

ROLE_LABELS = dict(InvitedRole.choices)


class PeopleError(Refusal):
    """A change to a body's people or to an account refused (a ``Refusal``: Thai ``messages``,
    nothing written). Its own name because the people pages and imports catch exactly these."""


@dataclass(frozen=True)
class Invited:
    """What an invitation did: ``kind`` is "invited" (a new invitation to send), "pending" (one
    was already waiting: nothing new), "unchanged" (the address's account already holds the
    role), "added" (a handover to a person chosen from the body's list: the role moved)."""

    kind: str
    invitation: Invitation | None = None
    user: object = None
    membership: Membership | None = None


# ---------------------------------------------------------------- who may manage


def _require_manage(actor, org, role):
    """``actor`` may give, change, remove or hand over ``role`` in ``org``: the one rule the people
    pages ask too (assessments.access.Policy.may_manage_people)."""
    if not user_roles(actor).may_manage_people(org, role):
        if role == Membership.Role.APPROVER:
            raise PeopleError(_("เฉพาะผู้บริหารของหน่วยงาน ผู้กำกับดูแลพื้นที่ หรือผู้ดูแลระบบเท่านั้นที่จัดการผู้บริหารได้"))
        raise PeopleError(_("เฉพาะผู้บริหารของหน่วยงานหรือผู้ดูแลระบบเท่านั้นที่จัดการเจ้าหน้าที่ผู้จัดทำได้"))


def _require_admin(actor):
    if not user_roles(actor).may_appoint_supervisors:
        raise PeopleError(_("เฉพาะผู้ดูแลระบบเท่านั้นที่แต่งตั้งผู้กำกับดูแลพื้นที่ได้"))


# ---------------------------------------------------------------- checking values


def clean_email(value: str) -> str:
    email = clean_text(value or "").strip().lower()
    if not email:
        raise PeopleError(_("กรุณากรอกอีเมล"))
    if len(email) > INVITATION_LIMITS["email"]:
        raise PeopleError(too_long(_("อีเมล"), len(email), INVITATION_LIMITS["email"]))
    try:
        validate_email(email)
    except ValidationError:
        raise PeopleError(_("อีเมล “%(email)s” ไม่ถูกต้อง") % {"email": email}) from None
    return email


def clean_short(value: str, label, limit: int) -> str:
    text = " ".join(clean_text(value or "").split())
    if len(text) > limit:
        raise PeopleError(too_long(label, len(text), limit))
    return text


def _role(value: str) -> str:
    if value not in Membership.Role.values:
        raise PeopleError(_("บทบาทต้องเป็น “เจ้าหน้าที่ผู้จัดทำ” หรือ “ผู้บริหารผู้รับรอง”"))
    return value


def account_for(email: str):
    """The one active account with this e-mail, or None; two accounts with it is an error the
    system administrator resolves (the portal cannot tell which one is meant)."""
    accounts = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if len(accounts) > 1:
        raise PeopleError(_("มีบัญชีผู้ใช้มากกว่าหนึ่งบัญชีที่ใช้อีเมล %(email)s กรุณาแจ้งผู้ดูแลระบบให้แก้ไขก่อน")
                          % {"email": email})
    if accounts and not accounts[0].is_active:
        raise PeopleError(_("บัญชีที่ใช้อีเมล %(email)s ถูกระงับการใช้งาน กรุณาแจ้งผู้ดูแลระบบ") % {"email": email})
    return accounts[0] if accounts else None


def _expiry():
    return timezone.now() + timezone.timedelta(days=settings.INVITATION_DAYS)


def _approver_count(org) -> int:
    return Membership.objects.filter(org=org, role=Membership.Role.APPROVER).count()


def _describe(membership) -> dict:
    return {"membership": membership.pk, "user": membership.user_id, "role": membership.role,
            "email": membership.user.email, "name": signing_name(membership.user) or membership.user.get_username()}


def _person(user) -> str:
    """Who a sentence of the audit log is about: their name, else their e-mail or login."""
    return signing_name(user) or user.email or user.get_username()


# ---------------------------------------------------------------- roles


def _grant(*, user, org, role, position, actor) -> tuple[Membership, bool]:
    membership, created = Membership.objects.get_or_create(user=user, org=org, role=role,
                                                           defaults={"position": position})
    if created:
        MembershipGrant.objects.create(membership=membership, granted_by=actor if actor and actor.pk else None)
    elif position and not membership.position:
        membership.position = position
        membership.save(update_fields=["position"])
    return membership, created


@transaction.atomic
def role_add(*, user, org, role, position="", actor, system=False) -> tuple[Membership, bool]:
    """Give an existing account a role in a body; (membership, False) when they hold it already.
    ``system``: the operator's command line (import_people), which needs no role."""
    role = _role(role)
    if not system:
        _require_manage(actor, org, role)
    position = clean_short(position, _("ตำแหน่ง"), INVITATION_LIMITS["position"])
    membership, created = _grant(user=user, org=org, role=role, position=position, actor=actor)
    if created:
        audit(actor=actor, action=PeopleAction.PEOPLE_ROLE_ADD, org=org,
              summary=_("เพิ่มบทบาท %(role)s ให้ %(person)s") % {"role": ROLE_LABELS[role], "person": _person(user)},
              detail=_describe(membership))
    return membership, created


@transaction.atomic
def invitation_create(*, org, email, role, actor, position="", name="", replaces=None, system=False) -> Invited:
    """Invite an address to a role in a body. Nobody gets the role here, whether or not the
    address has an account: it is given when the link mailed to the address is opened by its
    owner (``invitation_accept``: a new person; ``invitation_accept_signed_in``: the account with
    that address). "unchanged": that account holds the role already; "pending": an invitation
    is already waiting."""
    role = _role(role)
    if not system:
        _require_manage(actor, org, role)
    email = clean_email(email)
    position = clean_short(position, _("ตำแหน่ง"), INVITATION_LIMITS["position"])
    name = clean_short(name, _("ชื่อ-นามสกุล"), INVITATION_LIMITS["name"])
    account = account_for(email)
    if account is not None and account.memberships.filter(org=org, role=role).exists():
        return Invited("unchanged", user=account, membership=account.memberships.get(org=org, role=role))
    pending = Invitation.objects.pending().filter(org=org, email=email, role=role).first()
    if pending is not None:
        return Invited("pending", invitation=pending)
    return Invited("invited", invitation=_invite(org=org, email=email, role=role, actor=actor, position=position,
                                                 name=name, replaces=replaces))


def _invite(*, org, email, role, actor, position="", name="", replaces=None) -> Invitation:
    invitation = Invitation(org=org, email=email, role=role, position=position, name=name, invited_by=actor,
                            token_hash=token_digest(new_token()), expires_at=_expiry(), replaces=replaces)
    invitation.save()
    audit(actor=actor, action=PeopleAction.PEOPLE_INVITE, org=org,
          summary=_("เชิญ %(email)s เป็น%(role)s") % {"email": email, "role": ROLE_LABELS[role]},
          detail={"invitation": invitation.pk, "email": email, "role": role,
                  "replaces": replaces.pk if replaces else None})
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation, actor) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_invitation_manager(actor, invitation)
    if not invitation.is_pending:
        raise PeopleError(_("คำเชิญนี้ถูกตอบรับหรือยกเลิกไปแล้ว"))
    invitation.cancelled_at, invitation.cancelled_by = timezone.now(), actor
    invitation.save(update_fields=["cancelled_at", "cancelled_by"])
    audit(actor=actor, action=PeopleAction.PEOPLE_INVITE_CANCEL, org=invitation.org,
          summary=_("ยกเลิกคำเชิญ %(email)s (%(role)s)") % {"email": invitation.email,
                                                           "role": ROLE_LABELS[invitation.role]},
          detail={"invitation": invitation.pk})
    return invitation


def _require_invitation_manager(actor, invitation):
    if invitation.role == InvitedRole.SUPERVISOR:
        _require_admin(actor)
    else:
        _require_manage(actor, invitation.org, invitation.role)


@transaction.atomic
def invitation_mark_sent(*, invitation, token: str, actor) -> Invitation:
    """The mail with ``token`` left: that token is now the invitation's (any earlier link stops
    working) and the link is valid for INVITATION_DAYS from now."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise PeopleError(_("คำเชิญนี้ถูกตอบรับหรือยกเลิกไปแล้ว"))
    now = timezone.now()
    invitation.token_hash, invitation.sent_at, invitation.send_failed_at = token_digest(token), now, None
    invitation.expires_at = _expiry()
    invitation.save(update_fields=["token_hash", "sent_at", "send_failed_at", "expires_at"])
    audit(actor=actor, action=PeopleAction.PEOPLE_INVITE_SEND, org=invitation.org,
          summary=_("ส่งอีเมลคำเชิญถึง %(email)s") % {"email": invitation.email},
          detail={"invitation": invitation.pk, "expires_at": invitation.expires_at.isoformat()})
    return invitation


def invitation_mark_failed(*, invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(send_failed_at=timezone.now())


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("org", "province", "invited_by").filter(
        token_hash=token_digest(token)).first()


def _username_for(email: str) -> str:
    User = get_user_model()
    base = email[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def password_errors(password: str, *, email: str, first_name: str, last_name: str) -> list[str]:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), their messages in Thai."""
    probe = get_user_model()(username=email, email=email, first_name=first_name, last_name=last_name)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as error:
        return list(error.messages)
    return []


def _usable(token: str) -> Invitation:
    """The token's invitation, locked, while it can still be accepted."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise PeopleError(_("ลิงก์คำเชิญไม่ถูกต้อง"))
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related(
        "org", "province", "replaces").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise PeopleError(_("ลิงก์คำเชิญนี้ใช้ไม่ได้แล้ว"))
    return invitation


def _mark_accepted(invitation, user):
    """The link works once: the invitation is updated only while it is still pending, so a
    second use (or a concurrent one) finds it taken."""
    taken = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user)
    if taken != 1:
        raise PeopleError(_("ลิงก์คำเชิญนี้ใช้ไม่ได้แล้ว"))


def is_invitee(user, invitation) -> bool:
    """Is ``user`` the account of the invited address (the one active account with it)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    account = account_for(invitation.email)
    return account is not None and account.pk == user.pk


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, position: str, password: str):
    """Create the invitee's account with the invited role; the link works once."""
    invitation = _usable(token)
    first_name = clean_short(first_name, _("ชื่อ"), 150)
    last_name = clean_short(last_name, _("นามสกุล"), 150)
    position = clean_short(position, _("ตำแหน่ง"), INVITATION_LIMITS["position"])
    if not first_name or not last_name:
        raise PeopleError(_("กรุณากรอกชื่อและนามสกุลภาษาไทย ซึ่งจะพิมพ์ในเอกสารที่คุณจัดทำหรือเห็นชอบ"))
    if account_for(invitation.email) is not None:
        raise PeopleError(_("มีบัญชีที่ใช้อีเมล %(email)s อยู่แล้ว กรุณาเข้าสู่ระบบด้วยบัญชีนั้น "
                            "แล้วเปิดลิงก์คำเชิญนี้อีกครั้ง") % {"email": invitation.email})
    if errors := password_errors(password, email=invitation.email, first_name=first_name, last_name=last_name):
        raise PeopleError(*errors)
    User = get_user_model()
    user = User(username=_username_for(invitation.email), email=invitation.email, first_name=first_name,
                last_name=last_name)
    user.set_password(password)
    user.save()
    _mark_accepted(invitation, user)
    _take_role(invitation, user, position=position or invitation.position)
    return user


@transaction.atomic
def invitation_accept_signed_in(*, token: str, user):
    """The account with the invited address, signed in, accepts: the role is given now (and a
    handover's outgoing role removed). Anyone else is refused, whatever link they hold."""
    invitation = _usable(token)
    if not is_invitee(user, invitation):
        raise PeopleError(_("คำเชิญนี้ส่งถึง %(email)s กรุณาออกจากระบบ แล้วเข้าสู่ระบบด้วยบัญชีที่ใช้อีเมลนี้ "
                            "จึงจะตอบรับได้") % {"email": invitation.email})
    _mark_accepted(invitation, user)
    if invitation.name and not signing_name(user):
        user.first_name, user.last_name = split_name(invitation.name)
        user.save(update_fields=["first_name", "last_name"])
    _take_role(invitation, user, position=invitation.position)
    return user


def _take_role(invitation, user, *, position):
    """What accepting gives: the supervisor's area, or the role in the body (a handover also
    removes the outgoing person's role), audited."""
    if invitation.role == InvitedRole.SUPERVISOR:
        SupervisorScope.objects.get_or_create(user=user, province=invitation.province, district=invitation.district)
        audit(actor=user, action=PeopleAction.PEOPLE_INVITE_ACCEPT, org=None,
              summary=_("%(person)s ตอบรับคำเชิญเป็นผู้กำกับดูแล %(place)s") % {
                  "person": _person(user), "place": invitation.place},
              detail={"invitation": invitation.pk, "user": user.pk, "province": invitation.province_id,
                      "district": invitation.district})
        return
    membership, _created = _grant(user=user, org=invitation.org, role=invitation.role, position=position,
                                  actor=invitation.invited_by)
    audit(actor=user, action=PeopleAction.PEOPLE_INVITE_ACCEPT, org=invitation.org,
          summary=_("%(person)s ตอบรับคำเชิญเป็น%(role)s") % {"person": _person(user),
                                                             "role": ROLE_LABELS[invitation.role]},
          detail={"invitation": invitation.pk, **_describe(membership)})
    outgoing = invitation.replaces
    if outgoing is not None and outgoing.org_id == invitation.org_id and outgoing.pk != membership.pk:
        _finish_handover(outgoing=outgoing, successor=membership, actor=invitation.invited_by)


def _finish_handover(*, outgoing, successor, actor):
    detail = {"from": _describe(outgoing), "to": _describe(successor)}
    outgoing_name = _person(outgoing.user)
    outgoing.delete()
    audit(actor=actor, action=PeopleAction.PEOPLE_HANDOVER, org=successor.org,
          summary=_("ส่งมอบบทบาท %(role)s จาก %(old)s ให้ %(new)s") % {
              "role": ROLE_LABELS[successor.role], "old": outgoing_name, "new": _person(successor.user)},
          detail=detail)


def _locked_membership(membership) -> Membership:
    try:
        return Membership.objects.select_for_update().select_related("user", "org").get(pk=membership.pk)
    except Membership.DoesNotExist:
        raise PeopleError(_("ไม่พบบทบาทนี้ อาจมีผู้อื่นแก้ไขไปแล้ว")) from None


def _lock_org(org):
    """Changes to one body's people happen one at a time (the last-approver rule counts rows)."""
    Organization.objects.select_for_update().filter(pk=org.pk).first()


@transaction.atomic
def membership_role_change(*, membership, role, actor) -> Membership:
    role = _role(role)
    _lock_org(membership.org)
    membership = _locked_membership(membership)
    _require_manage(actor, membership.org, membership.role)
    _require_manage(actor, membership.org, role)
    if membership.role == role:
        raise PeopleError(_("บุคคลนี้มีบทบาทนี้อยู่แล้ว"))
    if Membership.objects.filter(user=membership.user, org=membership.org, role=role).exists():
        raise PeopleError(_("บุคคลนี้มีบทบาท “%(role)s” ในหน่วยงานนี้อยู่แล้ว ให้นำบทบาทเดิมออกแทน")
                          % {"role": ROLE_LABELS[role]})
    if membership.role == Membership.Role.APPROVER and _approver_count(membership.org) <= 1:
        raise PeopleError(_("หน่วยงานต้องมีผู้บริหารผู้รับรองอย่างน้อยหนึ่งคน กรุณาเชิญหรือส่งมอบบทบาทให้ผู้บริหารคนใหม่ก่อน"))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(actor=actor, action=PeopleAction.PEOPLE_ROLE_CHANGE, org=membership.org,
          summary=_("เปลี่ยนบทบาทของ %(person)s จาก %(old)s เป็น %(new)s") % {
              "person": _person(membership.user), "old": ROLE_LABELS[before], "new": ROLE_LABELS[role]},
          detail={**_describe(membership), "from": before})
    return membership


@transaction.atomic
def membership_remove(*, membership, actor) -> None:
    _lock_org(membership.org)
    membership = _locked_membership(membership)
    _require_manage(actor, membership.org, membership.role)
    if membership.role == Membership.Role.APPROVER and _approver_count(membership.org) <= 1:
        raise PeopleError(_("นำผู้บริหารผู้รับรองคนสุดท้ายของหน่วยงานออกไม่ได้ กรุณาใช้ “ส่งมอบบทบาท” "
                            "ให้ผู้บริหารคนใหม่แทน"))
    detail = _describe(membership)
    person, org, role = _person(membership.user), membership.org, membership.role
    membership.delete()
    audit(actor=actor, action=PeopleAction.PEOPLE_REMOVE, org=org,
          summary=_("นำ %(person)s ออกจากบทบาท %(role)s") % {"person": person, "role": ROLE_LABELS[role]},
          detail=detail)


@transaction.atomic
def membership_handover(*, membership, actor, email="", successor=None, position="") -> Invited:
    """The outgoing person's role passes to ``successor`` (a person of the body, chosen from its
    list): at once, and the outgoing role is removed. An ``email`` is invited, whether or not it
    has an account (an address proves nothing until its owner opens the link mailed to it); the
    outgoing person keeps the role until the invitation is accepted."""
    _lock_org(membership.org)
    membership = _locked_membership(membership)
    org, role = membership.org, membership.role
    _require_manage(actor, org, role)
    position = clean_short(position, _("ตำแหน่ง"), INVITATION_LIMITS["position"]) or membership.position
    if successor is None:
        email = clean_email(email)
        if account_for(email) == membership.user:
            raise PeopleError(_("ผู้รับมอบต้องเป็นคนละคนกับผู้ส่งมอบ"))
        if Invitation.objects.pending().filter(org=org, email=email, role=role).exists():
            raise PeopleError(_("มีคำเชิญ %(email)s เป็น%(role)sที่ยังรอตอบรับอยู่แล้ว กรุณายกเลิกคำเชิญเดิมก่อน")
                              % {"email": email, "role": ROLE_LABELS[role]})
        return Invited("invited", invitation=_invite(org=org, email=email, role=role, actor=actor,
                                                     position=position, replaces=membership))
    if not successor.memberships.filter(org=org).exists():
        raise PeopleError(_("ผู้รับมอบต้องเป็นบุคลากรของหน่วยงานนี้ หรือระบุอีเมลของผู้รับมอบ"))
    if successor.pk == membership.user_id:
        raise PeopleError(_("ผู้รับมอบต้องเป็นคนละคนกับผู้ส่งมอบ"))
    incoming, created = _grant(user=successor, org=org, role=role, position=position, actor=actor)
    _finish_handover(outgoing=membership, successor=incoming, actor=actor)
    return Invited("added" if created else "unchanged", user=successor, membership=incoming)


# ---------------------------------------------------------------- supervisors


@transaction.atomic
def supervisor_appoint(*, email, province, district="", actor) -> Invited:
    """The administrator appoints a supervisor of a province (or one district of it) by
    invitation, whether or not the address has an account: the area is given when the link mailed
    to the address is opened by its owner ("unchanged": that account has the area already)."""
    _require_admin(actor)
    email = clean_email(email)
    if not isinstance(province, Province):
        raise PeopleError(_("กรุณาเลือกจังหวัด"))
    district = clean_short(district, _("อำเภอ"), 100)
    if district and not Organization.objects.filter(province=province, district=district).exists():
        raise PeopleError(_("ไม่พบอำเภอ “%(district)s” ในจังหวัด%(province)s") % {"district": district,
                                                                               "province": province.name})
    place = f"{province.name} {district}".strip()
    account = account_for(email)
    if account is not None and SupervisorScope.objects.filter(user=account, province=province,
                                                              district=district).exists():
        return Invited("unchanged", user=account)
    pending = Invitation.objects.pending().filter(role=InvitedRole.SUPERVISOR, province=province, district=district,
                                                  email=email).first()
    if pending is not None:
        return Invited("pending", invitation=pending)
    invitation = Invitation.objects.create(email=email, role=InvitedRole.SUPERVISOR, province=province,
                                           district=district, invited_by=actor, token_hash=token_digest(new_token()),
                                           expires_at=_expiry())
    audit(actor=actor, action=PeopleAction.PEOPLE_INVITE, org=None,
          summary=_("เชิญ %(email)s เป็นผู้กำกับดูแล %(place)s") % {"email": email, "place": place},
          detail={"invitation": invitation.pk, "email": email, "role": InvitedRole.SUPERVISOR})
    return Invited("invited", invitation=invitation)


@transaction.atomic
def supervisor_remove(*, scope, actor) -> None:
    _require_admin(actor)
    scope = SupervisorScope.objects.select_related("user", "province").filter(pk=scope.pk).first()
    if scope is None:
        raise PeopleError(_("ไม่พบพื้นที่กำกับดูแลนี้ อาจมีผู้อื่นแก้ไขไปแล้ว"))
    place = f"{scope.province.name} {scope.district}".strip()
    detail = {"scope": scope.pk, "user": scope.user_id, "province": scope.province_id, "district": scope.district}
    person = _person(scope.user)
    scope.delete()
    audit(actor=actor, action=PeopleAction.SUPERVISOR_REMOVE, org=None,
          summary=_("ยกเลิก %(person)s จากผู้กำกับดูแล %(place)s") % {"person": person, "place": place},
          detail=detail)


# ---------------------------------------------------------------- one's own name


EMAIL_CHANGE_HOURS = 48  # how long the link that confirms a new address works


@dataclass(frozen=True)
class ProfileSaved:
    """What ``profile_save`` did: ``change`` and ``token``, a new address waiting for its link
    (to be mailed: people/invitations.py ``send_email_change``); ``removed``, the address taken
    off the account (to be told)."""

    user: object
    change: EmailChange | None = None
    token: str = ""
    removed: str = ""


def _require_free(email: str, user) -> None:
    if get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise PeopleError(_("อีเมล %(email)s เป็นของบัญชีอื่นแล้ว") % {"email": email})


@transaction.atomic
def profile_save(*, user, first_name, last_name, email, positions: dict[int, str]) -> ProfileSaved:
    """A person's Thai name and position in each of their bodies (the signature block prints
    them), and their e-mail. ``positions``: {body id: position}.

    A new address does not change ``user.email``: it waits (``EmailChange``) until the person
    opens the link mailed to it (``email_change_confirm``), so nobody takes an address, and the
    roles invited to it, by typing it. Leaving the field empty takes the address off at once."""
    first_name = clean_short(first_name, _("ชื่อ"), 150)
    last_name = clean_short(last_name, _("นามสกุล"), 150)
    if not first_name or not last_name:
        raise PeopleError(_("กรุณากรอกทั้งชื่อและนามสกุล"))
    email = clean_email(email) if (email or "").strip() else ""
    current = (user.email or "").lower()
    if email and email != current:
        _require_free(email, user)
    cleaned = {org_id: clean_short(p, _("ตำแหน่ง"), INVITATION_LIMITS["position"]) for org_id, p in positions.items()}
    before = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    removed = user.email if (not email and user.email) else ""
    user.first_name, user.last_name = first_name, last_name
    if removed:
        user.email = ""
    user.save(update_fields=["first_name", "last_name", "email"])
    for org_id, position in cleaned.items():
        Membership.objects.filter(user=user, org_id=org_id).update(position=position)
    audit(actor=user, action=PeopleAction.PROFILE_SAVE, org=None,
          summary=_("%(person)s แก้ไขชื่อและตำแหน่งของตนเอง") % {"person": _person(user)},
          detail={"before": before, "email": user.email, "positions": {str(k): v for k, v in cleaned.items()}})
    if email and email != current:
        change, token = email_change_request(user=user, email=email)
        return ProfileSaved(user, change=change, token=token)
    return ProfileSaved(user, removed=removed)


@transaction.atomic
def email_change_request(*, user, email) -> tuple[EmailChange, str]:
    """A person asks for a new address: (the waiting change, the token its link carries). Their
    address stays as it is until they open the link; asking again replaces the earlier request
    (its link stops working)."""
    email = clean_email(email)
    if email == (user.email or "").lower():
        raise PeopleError(_("อีเมล %(email)s เป็นอีเมลของบัญชีนี้อยู่แล้ว") % {"email": email})
    _require_free(email, user)
    EmailChange.objects.pending().filter(user=user).delete()
    token = new_token()
    change = EmailChange.objects.create(user=user, email=email, previous=user.email or "",
                                        token_hash=token_digest(token),
                                        expires_at=timezone.now() + timezone.timedelta(hours=EMAIL_CHANGE_HOURS))
    audit(actor=user, action=PeopleAction.PROFILE_EMAIL_REQUEST, org=None,
          summary=_("%(person)s ขอเปลี่ยนอีเมลเป็น %(email)s (รอยืนยันจากลิงก์ในอีเมล)") % {
              "person": _person(user), "email": email},
          detail={"change": change.pk, "from": user.email, "to": email, "expires_at": change.expires_at.isoformat()})
    return change, token


def email_change_discard(*, change) -> None:
    """The confirmation mail did not go: the request is dropped (the address stays as it was)."""
    EmailChange.objects.filter(pk=change.pk, confirmed_at__isnull=True).delete()


def email_change_for_token(token: str) -> EmailChange | None:
    if not token or len(token) > 100:
        return None
    return EmailChange.objects.select_related("user").filter(token_hash=token_digest(token)).first()


@transaction.atomic
def email_change_confirm(*, token: str, user):
    """The person opened the link mailed to their new address, signed in as themselves: the
    address is theirs now. The link works once, until it expires, for that account only, and
    only while no other account has taken the address meanwhile."""
    change = email_change_for_token(token)
    if change is None:
        raise PeopleError(_("ลิงก์ยืนยันอีเมลไม่ถูกต้อง"))
    # Requests for the same address are confirmed one at a time (the check below sees the other's).
    locked = {c.pk: c for c in EmailChange.objects.select_for_update().filter(email=change.email).order_by("pk")}
    change = locked.get(change.pk)
    if change is None or change.confirmed_at is not None:
        raise PeopleError(_("ลิงก์ยืนยันอีเมลนี้ใช้ไปแล้วหรือถูกแทนที่ด้วยคำขอใหม่"))
    if change.user_id != getattr(user, "pk", None):
        raise PeopleError(_("ลิงก์นี้ยืนยันอีเมลของบัญชีอื่น กรุณาออกจากระบบ แล้วเข้าสู่ระบบด้วยบัญชีที่ขอเปลี่ยนอีเมล"))
    if change.is_expired:
        raise PeopleError(_("ลิงก์ยืนยันอีเมลนี้หมดอายุแล้ว กรุณากรอกอีเมลใหม่ในหน้าข้อมูลของฉันอีกครั้ง"))
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_free(change.email, user)
    taken = EmailChange.objects.filter(pk=change.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    if taken != 1:
        raise PeopleError(_("ลิงก์ยืนยันอีเมลนี้ใช้ไปแล้วหรือถูกแทนที่ด้วยคำขอใหม่"))
    before = user.email
    user.email = change.email
    user.save(update_fields=["email"])
    audit(actor=user, action=PeopleAction.PROFILE_EMAIL_CONFIRM, org=None,
          summary=_("%(person)s ยืนยันอีเมลใหม่ %(email)s จากลิงก์ในอีเมล") % {"person": _person(user),
                                                                            "email": change.email},
          detail={"change": change.pk, "from": before, "to": change.email})
    return user


@transaction.atomic
def people_import(*, rows, actor=None, system=True) -> list[Invited]:
    """``import_people`` (``system``: the operator's command line, no role needed) and the web
    upload (``system=False``: ``actor`` must manage every row's role in its body, ``Policy.may_manage_people``):
    every row of a checked file (people_io.check_rows), all in one transaction. Re-running a file
    changes nothing it already did: a role held stays ("unchanged"), an invitation waiting stays
    ("pending")."""
    return [invitation_create(org=row.org, email=row.email, role=row.role, position=row.position, name=row.name,
                              actor=actor, system=system) for row in rows]


def safe_create(fn, **kwargs):
    """Run a service; a unique constraint met by a concurrent request is a Thai error."""
    try:
        return fn(**kwargs)
    except IntegrityError:
        raise PeopleError(_("มีผู้อื่นบันทึกรายการเดียวกันพร้อมกัน กรุณาโหลดหน้าใหม่แล้วตรวจสอบอีกครั้ง")) from None
