"""Every write of a body's OIT year (docs/OIT.md): atomic, checked, audited (OitAction) in the
same transaction. Views call these and nothing else writes; a refusal is common.errors.Refusal
(Thai sentences, nothing written).

The workflow of an answer is the documents' (docs/ARCHITECTURE.md, "The review workflow"):
draft → submitted → approved → published, submitted → returned; the editor saves and submits,
an approver who did not submit it returns or approves, an approver publishes. Published =
approved: publishing copies the content the approver approved (the working fields, frozen
while submitted and approved) into ``published_*``, which is all the public reads. Editing a
published answer starts a new draft; the public keeps the published content until the next
publish."""

import datetime
import hashlib
import io
import logging
import re
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import user_roles
from assessments.documents import Doc
from assessments.models import Item, Membership
from assessments.services import audit
from common.errors import ConcurrentEdit, Refusal
from common.text import clean_text
from common.thai import ce_year

from . import selectors
from .audit_actions import OitAction
from .models import ANSWER_LIMITS, EDITABLE_STATES, EvidenceFile, ItemAnswer, Kind, LinkState, State

log = logging.getLogger("ita.oit")

# What an uploaded file may be, told by its first bytes (never by its name alone): extension,
# content type, and the check of its content.
FILE_KINDS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ZIP_MEMBERS = {"xlsx": "xl/", "docx": "word/"}
MAX_ZIP_MEMBERS = 10_000


def _file_kind(data: bytes, name: str) -> str | None:
    """The extension a file's bytes show it to be (pdf, png, jpg, xlsx, docx), else None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if len(names) > MAX_ZIP_MEMBERS or "[Content_Types].xml" not in names:
            return None
        for ext, prefix in ZIP_MEMBERS.items():
            if any(n.startswith(prefix) for n in names):
                return ext
    return None


def check_upload(upload) -> tuple[bytes, str]:
    """An uploaded evidence file's bytes and extension, or Refusal naming the file."""
    name = clean_text(upload.name or "")[:200] or _("ไฟล์ไม่มีชื่อ")
    limit = settings.OIT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise Refusal(_("ไฟล์ %(name)s มีขนาดเกิน %(limit)s MB") % {"name": name, "limit": limit // (1024 * 1024)})
    data = upload.read()
    upload.seek(0)
    if not data:
        raise Refusal(_("ไฟล์ %(name)s ว่างเปล่า") % {"name": name})
    ext = _file_kind(data, name)
    if ext is None:
        raise Refusal(_("ไฟล์ %(name)s ต้องเป็น PDF, PNG, JPEG, XLSX หรือ DOCX (ตรวจจากเนื้อไฟล์)") % {"name": name})
    return data, ext


def clean_url(value: str) -> str:
    """An external address as stored: trimmed, http(s) only, within its limit; Refusal otherwise."""
    url = clean_text(value or "").strip()
    if not url:
        raise Refusal(_("กรุณาใส่ที่อยู่เว็บของหลักฐาน"))
    if len(url) > ANSWER_LIMITS["url"]:
        raise Refusal(_("ที่อยู่เว็บยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร") % {
            "length": len(url), "limit": ANSWER_LIMITS["url"]})
    if re.search(r"\s", url):
        raise Refusal(_("ที่อยู่เว็บต้องไม่มีช่องว่าง (ช่องว่างในชื่อไฟล์ให้เขียนเป็น %20)"))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except Exception:  # noqa: BLE001 - ValidationError: one Thai sentence
        raise Refusal(_("ที่อยู่เว็บต้องขึ้นต้นด้วย http:// หรือ https:// และเป็นที่อยู่ที่ถูกต้อง")) from None
    return url


def _require(actor, org, role):
    """The step's role in the body, asked of the one policy (assessments.access.Policy)."""
    if role not in user_roles(actor).roles_in(org.pk):
        if role == Membership.Role.EDITOR:
            raise Refusal(_("เฉพาะเจ้าหน้าที่ผู้จัดทำของหน่วยงานเท่านั้นที่บันทึกหลักฐานได้"))
        raise Refusal(_("เฉพาะผู้บริหารของหน่วยงานเท่านั้นที่พิจารณาและเผยแพร่หลักฐานได้"))


def _answerable(item: Item) -> None:
    if selectors.auto_answer(item) is not None:
        raise Refusal(_("ข้อ %(code)s ได้หลักฐานจากการเผยแพร่เอกสารในระบบนี้โดยอัตโนมัติ ไม่ต้องบันทึกเอง") % {
            "code": selectors.display_code(item.code)})
    if item.indicator.tool.code != "OIT":
        raise Refusal(_("ข้อ %(code)s ไม่ใช่ข้อของแบบ OIT") % {"code": item.code})


def _next_file(*, org, item, data: bytes, ext: str, name: str, actor) -> tuple[EvidenceFile, bool]:
    """The item's file of these bytes: the latest version when it is the same file, else a new
    version written to storage (the caller's transaction holds the answer's lock)."""
    digest = hashlib.sha256(data).hexdigest()
    files = EvidenceFile.objects.filter(org=org, fiscal_year=item.framework.fiscal_year, item_code=item.code)
    latest = files.order_by("-version").first()
    if latest is not None and latest.sha256 == digest:
        return latest, False
    version = (latest.version if latest is not None else 0) + 1
    evidence = EvidenceFile(org=org, fiscal_year=item.framework.fiscal_year, item_code=item.code, version=version,
                            sha256=digest, size=len(data), ext=ext, content_type=FILE_KINDS[ext],
                            original_name=clean_text(name or "")[:255], uploaded_by=actor)
    evidence.file.save(f"{item.code}.{ext}", ContentFile(data), save=False)
    evidence.save()
    return evidence, True


def answer_save(*, org, item, actor, kind: str, url: str = "", upload=None, doc: str = "",
                doc_fiscal_year=None, note: str = "", expected_version=None) -> ItemAnswer:
    """Save the editor's evidence for one item as a draft: an external address, an uploaded file
    (a new version unless it is the same bytes as the latest) or a document of this portal."""
    _require(actor, org, Membership.Role.EDITOR)
    _answerable(item)
    year = item.framework.fiscal_year
    note = clean_text(note or "").strip()
    if len(note) > ANSWER_LIMITS["note"]:
        raise Refusal(_("หมายเหตุยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร") % {
            "length": len(note), "limit": ANSWER_LIMITS["note"]})
    if kind not in Kind.values:
        raise Refusal(_("กรุณาเลือกชนิดของหลักฐาน"))
    data = ext = None
    if kind == Kind.URL:
        url = clean_url(url)
    elif kind == Kind.FILE and upload is not None:
        data, ext = check_upload(upload)
    elif kind == Kind.DOCUMENT:
        if doc not in Doc.values:
            raise Refusal(_("กรุณาเลือกเอกสารที่เผยแพร่ผ่านระบบนี้"))
        try:
            doc_fiscal_year = int(doc_fiscal_year)
        except (TypeError, ValueError):
            doc_fiscal_year = None
        if doc_fiscal_year not in (year, year - 1):
            raise Refusal(_("เอกสารต้องเป็นของปีงบประมาณ %(year)s หรือ %(previous)s") % {
                "year": year, "previous": year - 1})
    written = None
    try:
        with transaction.atomic():
            answer = ItemAnswer.objects.select_for_update().filter(org=org, item=item).first()
            if answer is None and kind == Kind.FILE and data is None:
                raise Refusal(_("กรุณาเลือกไฟล์หลักฐาน"))
            if answer is not None:
                if expected_version is not None and int(expected_version) != answer.version:
                    raise ConcurrentEdit(_("หลักฐานข้อนี้ถูกบันทึกโดยผู้อื่นหลังจากที่คุณเปิดแบบฟอร์ม "
                                           "กรุณาตรวจสอบแล้วบันทึกอีกครั้ง"))
                if answer.state not in EDITABLE_STATES:
                    raise Refusal(_("หลักฐานข้อนี้อยู่ระหว่างการพิจารณาของผู้บริหาร (%(state)s) จึงแก้ไขไม่ได้") % {
                        "state": answer.get_state_display()})
                if kind == Kind.FILE and data is None and answer.file_id is None:
                    raise Refusal(_("กรุณาเลือกไฟล์หลักฐาน"))
            else:
                answer = ItemAnswer(org=org, item=item, fiscal_year=year, version=0)
            before = (answer.kind, answer.url)
            answer.kind, answer.note = kind, note
            answer.url = url if kind == Kind.URL else ""
            answer.doc, answer.doc_fiscal_year = (doc, doc_fiscal_year) if kind == Kind.DOCUMENT else ("", None)
            if kind == Kind.FILE and data is not None:
                answer.file, created = _next_file(org=org, item=item, data=data, ext=ext, name=upload.name,
                                                  actor=actor)
                written = answer.file if created else None
            elif kind != Kind.FILE:
                answer.file = None
            if (answer.kind, answer.url) != before:
                answer.link_state, answer.link_problem, answer.link_checked_at = LinkState.UNCHECKED, "", None
                answer.link_broken_since = None
            answer.state, answer.return_reason = State.DRAFT, ""
            answer.version += 1
            answer.updated_by = actor
            try:
                with transaction.atomic():
                    answer.save()
            except IntegrityError:
                raise ConcurrentEdit(_("หลักฐานข้อนี้ถูกบันทึกโดยผู้อื่นพร้อมกัน กรุณาเปิดหน้านี้ใหม่แล้วบันทึกอีกครั้ง")) from None
            audit(actor=actor, action=OitAction.ANSWER_SAVE, org=org,
                  summary=_("บันทึกหลักฐานข้อ %(code)s ปี %(year)s") % {"code": selectors.display_code(item.code),
                                                                         "year": year},
                  detail={"item": item.code, "fiscal_year": year, "kind": kind, "url": answer.url,
                          "file": answer.file.sha256 if answer.file else "", "doc": answer.doc})
            if kind == Kind.URL and (answer.kind, answer.url) != before and settings.OIT_LINK_CHECK_AFTER_SAVE:
                answer_id = answer.pk
                transaction.on_commit(lambda: _queue_check(answer_id))
    except BaseException:
        if written is not None:
            written.file.storage.delete(written.file.name)
        raise
    return answer


def _queue_check(answer_id: int) -> None:
    from .tasks import check_answer_link

    try:
        check_answer_link.enqueue(answer_id)
    except Exception:  # noqa: BLE001 - the daily pass checks it anyway
        log.exception("could not queue the link check of answer %s", answer_id)


# ---------------------------------------------------------------- the workflow

TRANSITIONS = {  # action: (from states, to state, role)
    "submit": ((State.DRAFT, State.RETURNED), State.SUBMITTED, Membership.Role.EDITOR),
    "return": ((State.SUBMITTED,), State.RETURNED, Membership.Role.APPROVER),
    "approve": ((State.SUBMITTED,), State.APPROVED, Membership.Role.APPROVER),
    "publish": ((State.APPROVED,), State.PUBLISHED, Membership.Role.APPROVER),
}
ACTIONS = {"submit": OitAction.ANSWER_SUBMIT, "return": OitAction.ANSWER_RETURN,
           "approve": OitAction.ANSWER_APPROVE, "publish": OitAction.ANSWER_PUBLISH}


def _step(answer: ItemAnswer, *, actor, action: str, reason: str, now) -> None:
    sources, target, _role = TRANSITIONS[action]
    if answer.state not in sources:
        raise Refusal(_("ข้อ %(code)s อยู่ในสถานะ “%(state)s” จึงทำขั้นตอนนี้ไม่ได้") % {
            "code": selectors.display_code(answer.item.code), "state": answer.get_state_display()})
    if action in ("return", "approve") and answer.submitted_by_id == actor.pk:
        raise Refusal(_("ผู้ที่ส่งหลักฐานข้อ %(code)s ให้พิจารณาเองจะเห็นชอบหรือส่งกลับเองไม่ได้") % {
            "code": selectors.display_code(answer.item.code)})
    if action == "submit":
        answer.submitted_by, answer.return_reason = actor, ""
    elif action == "return":
        answer.decided_by, answer.return_reason = actor, reason
    elif action == "approve":
        answer.decided_by = actor
    elif action == "publish":
        answer.published_kind, answer.published_url = answer.kind, answer.url
        answer.published_file, answer.published_note = answer.file, answer.note
        answer.published_doc, answer.published_doc_fiscal_year = answer.doc, answer.doc_fiscal_year
        answer.published_at, answer.published_by = now, actor
        if answer.file is not None and answer.file.published_at is None:
            EvidenceFile.objects.filter(pk=answer.file_id, published_at__isnull=True).update(published_at=now)
    answer.state = target
    answer.version += 1
    answer.save()


def answers_transition(*, org, fiscal_year: int, actor, action: str, codes=None, reason: str = "") -> int:
    """Move the year's answers (all of them in the right state, or only ``codes``) one step:
    how many moved. A return needs a reason; an approver never approves or returns what they
    submitted themselves (those are left as they are, and said so when nothing else moved)."""
    if action not in TRANSITIONS:
        raise Refusal(_("ไม่รู้จักขั้นตอนนี้"))
    sources, _target, role = TRANSITIONS[action]
    _require(actor, org, role)
    reason = clean_text(reason or "").strip()
    if action == "return" and not reason:
        raise Refusal(_("กรุณาระบุเหตุผลที่ส่งกลับให้แก้ไข"))
    if len(reason) > 2000:
        raise Refusal(_("เหตุผลยาวเกิน 2,000 ตัวอักษร"))
    now = timezone.now()
    with transaction.atomic():
        answers = (ItemAnswer.objects.select_for_update(of=("self",)).select_related("item", "file")
                   .filter(org=org, fiscal_year=fiscal_year).order_by("item__indicator__number", "item__order"))
        if codes is not None:
            answers = answers.filter(item__code__in=list(codes))
            chosen = list(answers)
            for answer in chosen:  # one item asked for: its own refusal, in Thai
                _step(answer, actor=actor, action=action, reason=reason, now=now)
            moved = chosen
        else:
            moved = []
            for answer in answers:
                if answer.state not in sources:
                    continue
                if action in ("return", "approve") and answer.submitted_by_id == actor.pk:
                    continue
                _step(answer, actor=actor, action=action, reason=reason, now=now)
                moved.append(answer)
        if not moved:
            raise Refusal(_("ไม่มีหลักฐานข้อใดที่อยู่ในสถานะที่ทำขั้นตอนนี้ได้"))
        labels = ", ".join(selectors.display_code(a.item.code) for a in moved)
        audit(actor=actor, action=ACTIONS[action], org=org,
              summary=(_("%(action)s ปี %(year)s: %(codes)s") % {
                  "action": ACTIONS[action].label, "year": fiscal_year, "codes": labels})[:300],
              detail={"fiscal_year": fiscal_year, "items": [a.item.code for a in moved], "reason": reason})
    return len(moved)


# ---------------------------------------------------------------- carrying forward (issue 25 point 6)


def carry_forward(*, org, fiscal_year: int, actor, codes) -> int:
    """The editor confirms the previous year's published evidence for the items ``codes`` of
    ``fiscal_year`` (each offered by selectors.carry_offers through the crosswalk): each becomes
    a draft answer with the same external address or the same document, the file re-used as a
    new version of this year's item. How many were carried."""
    _require(actor, org, Membership.Role.EDITOR)
    offers = {offer.item.code: offer for offer in selectors.carry_offers(org, fiscal_year)}
    chosen = [offers[code] for code in codes if code in offers]
    if not chosen:
        raise Refusal(_("ไม่มีข้อที่เลือกซึ่งใช้หลักฐานของปีก่อนต่อได้"))
    written = []
    try:
        with transaction.atomic():
            for offer in chosen:
                source = offer.source
                answer = ItemAnswer(org=org, item=offer.item, fiscal_year=fiscal_year, version=1,
                                    kind=source.published_kind, url=source.published_url, note=source.published_note,
                                    doc=source.published_doc, updated_by=actor, carried_from=source)
                if source.published_kind == Kind.DOCUMENT:
                    answer.doc_fiscal_year = source.published_doc_fiscal_year
                if source.published_kind == Kind.FILE:
                    old = source.published_file
                    with old.file.open("rb") as handle:
                        data = handle.read()
                    answer.file, created = _next_file(org=org, item=offer.item, data=data, ext=old.ext,
                                                      name=old.original_name, actor=actor)
                    if created:
                        written.append(answer.file)
                try:
                    with transaction.atomic():
                        answer.save()
                except IntegrityError:
                    raise Refusal(_("ข้อ %(code)s มีหลักฐานของปีนี้แล้ว") % {
                        "code": selectors.display_code(offer.item.code)}) from None
            audit(actor=actor, action=OitAction.CARRY_FORWARD, org=org,
                  summary=(_("ใช้หลักฐานของปีก่อนต่อสำหรับข้อ OIT ปี %(year)s: %(codes)s") % {
                      "year": fiscal_year,
                      "codes": ", ".join(selectors.display_code(o.item.code) for o in chosen)})[:300],
                  detail={"fiscal_year": fiscal_year,
                          "items": {o.item.code: o.source.item.code for o in chosen}})
            if settings.OIT_LINK_CHECK_AFTER_SAVE:
                ids = [o.item.pk for o in chosen if o.source.published_kind == Kind.URL]
                if ids:
                    transaction.on_commit(lambda: [_queue_check(a.pk) for a in ItemAnswer.objects.filter(
                        org=org, item_id__in=ids)])
    except BaseException:
        for evidence in written:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return len(chosen)


def oit_window(fiscal_year: int) -> datetime.date:
    """The day ITAS opens the OIT answers of ITA ``fiscal_year`` (OIT_WINDOW_OPENS, default 1 March)."""
    month, day = (int(part) for part in settings.OIT_WINDOW_OPENS.split("-"))
    return datetime.date(ce_year(fiscal_year), month, day)


def window_reminders_run(*, today: datetime.date | None = None) -> int:
    """Before the OIT window of this ITA year (OIT_WINDOW_OPENS, reminded OIT_WINDOW_REMIND_DAYS
    ahead) tell the editors of every body with items still unpublished, once per body and year
    (the outbox's unique key ``oitwindow:<year>``). How many bodies were reminded (0 outside the
    days before the window). A few queries whatever the number of bodies."""
    from assessments.models import Organization
    from common.thai import fiscal_year_of
    from notifications.models import Kind as NotificationKind
    from notifications.services import tell_editors

    today = today or timezone.localdate()
    year = fiscal_year_of(today)
    opens = oit_window(year)
    if not (opens - datetime.timedelta(days=settings.OIT_WINDOW_REMIND_DAYS) <= today < opens):
        return 0
    bodies = {pk: (name, slug) for pk, name, slug in Organization.objects.filter(
        memberships__role=Membership.Role.EDITOR).distinct().values_list("pk", "name", "slug")}
    covered = selectors.coverage(list(bodies), year)
    late = [(org_id, c) for org_id, c in covered.items() if c["items"] and c["answered"] < c["items"]]
    tell_editors([(org_id, f"oitwindow:{year}", reverse("oit-year", args=[bodies[org_id][1], year]),
                   {"org": bodies[org_id][0], "fiscal_year": year, "count": c["items"] - c["answered"],
                    "items": c["items"]}) for org_id, c in late],
                 kind=NotificationKind.OIT_WINDOW, due_date=opens)
    return len(late)
