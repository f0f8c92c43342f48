"""Publishing: render once (outside any transaction), store with version, SHA-256, who and when;
never change a file."""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Province
from assessments.services import audit
from common.errors import ConcurrentEdit, Refusal
from common.text import clean_text, length_errors
from measures import services as measure_services
from measures.models import Transition
from notifications import services as notification_services
from people.names import signing_name

from . import builders, documents, files, render, selectors
from .audit_actions import ReportAction
from .models import Doc, LogoImage, PublishedDocument, ReportSettings, RepublishJob, SignatureImage, UserSignature

log = logging.getLogger(__name__)


def approved_context(plan, doc, progress_round=None) -> dict | None:
    """The document as its approver approved it (kept with the approval), or None."""
    snapshot = (Transition.objects.filter(plan=plan, round=progress_round, action="approve")
                .order_by("-created_at", "-pk").values_list("snapshot", flat=True).first())
    return ((snapshot or {}).get("documents") or {}).get(doc)


def document_context(plan, doc, progress_round=None) -> dict:
    """What a document prints: once approved, exactly what was approved (never the live rows,
    which a revision may have changed since); before that, the current data."""
    if not documents.is_draft(plan, progress_round):
        context = approved_context(plan, doc, progress_round)
        if context is not None:
            return context
        log.warning("no approved context for %s %s %s; building from the current data", plan.pk, doc,
                    getattr(progress_round, "pk", None))
    return builders.build(plan, doc, progress_round)


def logo_bytes(org) -> bytes | None:
    """The body's logo, read through the storage API (MEDIA_ROOT or S3 alike); None if missing."""
    settings_ = ReportSettings.objects.filter(org=org).exclude(logo="").first()
    if settings_ is None:
        return None
    try:
        with settings_.logo.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        log.warning("logo of %s is missing from storage: %s", org.slug, settings_.logo.name)
        return None


def kept_logo_bytes(digest: str) -> bytes | None:
    """The logo kept with an approval (``LogoImage``), checked against its hash; None if missing."""
    kept = LogoImage.objects.filter(sha256=digest).first()
    if kept is None:
        log.error("the approved logo %s is not on record; printed without a logo", digest[:12])
        return None
    try:
        with kept.image.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        log.error("the approved logo %s is missing from storage: %s", digest[:12], kept.image.name)
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        log.error("the approved logo %s does not match its SHA-256; not drawn", digest[:12])
        return None
    return data


def document_logo(context: dict, org) -> bytes | None:
    """The logo a document prints: the one kept with its approval (named by ``logo_sha256``,
    "" for none), so a logo uploaded later never reaches it; a draft (and a document approved
    before logos were kept) prints the body's logo of today."""
    if "logo_sha256" in context:
        return kept_logo_bytes(context["logo_sha256"]) if context["logo_sha256"] else None
    return logo_bytes(org)


def signature_bytes(context: dict) -> dict[str, bytes]:
    """{SHA-256: PNG bytes} of the signature images a document's context names (one query, or
    none when it names none): the copies kept with its approval, each checked against its hash."""
    wanted = set()
    for role in render.SIGNERS:
        person = (context.get("signature") or {}).get(role)
        if isinstance(person, dict) and person.get("signature_sha256"):
            wanted.add(person["signature_sha256"])
    images = {}
    for kept in SignatureImage.objects.filter(sha256__in=wanted) if wanted else ():
        try:
            with kept.image.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError):
            log.error("signature image %s is missing from storage: %s", kept.sha256[:12], kept.image.name)
            continue
        if hashlib.sha256(data).hexdigest() != kept.sha256:
            log.error("signature image %s does not match its SHA-256; not drawn", kept.sha256[:12])
            continue
        images[kept.sha256] = data
    return images


def render_document(plan, doc, progress_round=None, *, draft: bool):
    context = document_context(plan, doc, progress_round)
    return context, render.render_pdf(context, draft=draft, logo=document_logo(context, plan.org),
                                      signatures=signature_bytes(context))


def without_login_names(plan, progress_round, context: dict) -> dict:
    """A document approved before names were required may carry a signer's login name in its
    stored signature block: that line prints the signer's Thai name instead (people/names.py),
    and a signer who still has none stops the publish with a Thai message (NameMissing)."""
    approval = Transition.objects.filter(plan=plan, round=progress_round, action="approve").select_related(
        "actor").order_by("-created_at", "-pk").first()
    if approval is None:
        return context
    submit = Transition.objects.filter(plan=plan, round=progress_round, action="submit",
                                       created_at__lte=approval.created_at).select_related("actor").last()
    signature = dict(context.get("signature") or {})
    changed = False
    for role, transition in (("preparer", submit), ("approver", approval)):
        person = dict(signature.get(role) or {})
        user = transition.actor if transition is not None else None
        if user is None or not person.get("name") or person["name"] != user.get_username():
            continue
        name = signing_name(user)
        if not name:
            raise measure_services.NameMissing(_(
                "ช่องลงนามของเอกสารนี้ยังไม่มีชื่อของ%(role)s (เห็นชอบไว้ก่อนที่ระบบจะกำหนดให้บันทึกชื่อ) "
                "เอกสารจะไม่พิมพ์ชื่อผู้ใช้สำหรับเข้าสู่ระบบ กรุณาให้%(role)sบันทึกชื่อและนามสกุลที่หน้า "
                "“ข้อมูลของฉัน” แล้วกดเผยแพร่อีกครั้ง") % {
                    "role": _("ผู้จัดทำ") if role == "preparer" else _("ผู้เห็นชอบ")})
        person["name"] = name
        signature[role] = person
        changed = True
    return {**context, "signature": signature} if changed else context


# ---------------------------------------------------------------- publishing
# docs/ARCHITECTURE.md, "Publishing, step by step": render outside any transaction and write
# the file under a temporary name; one short transaction adopts it with the version's row; a
# publish that does not commit removes its files; the sweep (files.py) removes what a crash left.


@dataclass
class Rendered:
    """One document rendered for publishing, its PDF written under a temporary name."""

    org: object
    fiscal_year: int
    doc: str
    context: dict
    sha256: str
    size: int
    pages: int
    pending: str
    measures: list | None = None  # the approval's plain data of the measures, for the library
    stored: str = ""  # the final name, once adopted

    def discard(self) -> None:
        files.discard(self.pending, self.stored)


def _render(*, org, fiscal_year, doc, context, measures=None) -> Rendered:
    """Render ``context`` as published (no transaction is needed, none should be open) and write
    the PDF under a temporary name."""
    pdf = render.render_pdf(context, draft=False, logo=document_logo(context, org),
                            signatures=signature_bytes(context))
    pending = files.write_pending(pdf.data)
    return Rendered(org=org, fiscal_year=fiscal_year, doc=doc, context=context,
                    sha256=hashlib.sha256(pdf.data).hexdigest(), size=len(pdf.data), pages=pdf.pages,
                    pending=pending, measures=measures)


# Called inside the transaction that stores a new published version, with the version and the
# approval's plain data of its measures (None when the version has none, as a re-publish): the apps
# above reports that show the latest version (library/apps.py) append theirs. docs/ARCHITECTURE.md,
# "Publishing, step by step".
version_hooks: list = []


def approved_measures(plan) -> list[dict] | None:
    """The plan's measures as its last approval kept them (measures.services.document_snapshot)."""
    from measures.models import Transition

    snapshot = (Transition.objects.filter(plan=plan, round=None, action="approve")
                .order_by("-created_at", "-pk").values_list("snapshot", flat=True).first())
    measures = (snapshot or {}).get("measures")
    return measures if isinstance(measures, list) else None


def _adopt(rendered: Rendered, *, actor) -> PublishedDocument:
    """Inside the caller's transaction: the next version's row, naming the rendered file moved
    to its final name, the measure library's rows and the audit record."""
    org, fiscal_year, doc = rendered.org, rendered.fiscal_year, rendered.doc
    last = (PublishedDocument.objects.select_for_update().filter(org=org, fiscal_year=fiscal_year,
                                                                 doc=doc).aggregate(top=Max("version"))["top"])
    document = PublishedDocument(org=org, fiscal_year=fiscal_year, doc=doc, version=(last or 0) + 1,
                                 sha256=rendered.sha256, size=rendered.size, pages=rendered.pages,
                                 snapshot=rendered.context, published_by=actor)
    rendered.stored = files.adopt(rendered.pending, document.file.field.generate_filename(document, "document.pdf"))
    document.file.name = rendered.stored
    document.save()
    transaction.on_commit(lambda: selectors.published_changed(org.pk))  # the staff pages' kept list
    # What shows the latest version (the measure library: library/apps.py) follows in the same transaction.
    for hook in version_hooks:
        hook(document, rendered.measures)
    audit(actor=actor, action=ReportAction.REPORT_PUBLISH, org=org,
          summary=_("เผยแพร่ %(doc)s ปี %(fy)s ฉบับที่ %(version)s") % {
              "doc": Doc(doc).label, "fy": fiscal_year, "version": document.version},
          detail={"doc": doc, "version": document.version, "sha256": rendered.sha256})
    return document


def _sweep_after_commit(org, fiscal_year) -> None:
    """The worker sweeps what an earlier crash may have left in this body-year's folder."""
    from .tasks import sweep_files

    folders = [files.PENDING, f"published/{org.slug}/{fiscal_year}/"]
    transaction.on_commit(lambda: sweep_files.enqueue(folders=folders))


class Publishing:
    """One publish of the review workflow, prepared (``publish_prepare``): adopted inside the
    workflow's short transaction, or discarded."""

    def __init__(self, rendered: list[Rendered], actor):
        self.rendered, self.actor, self.documents = rendered, actor, []

    def adopt(self, *, transition) -> None:
        for rendered in self.rendered:
            document = _adopt(rendered, actor=self.actor)
            # The body's followers are told of the new version (sent by the worker after the commit).
            notification_services.document_published(document=document, title=Doc(rendered.doc).label)
            self.documents.append(document)
        if self.rendered:
            _sweep_after_commit(self.rendered[0].org, self.rendered[0].fiscal_year)

    def discard(self) -> None:
        for rendered in self.rendered:
            rendered.discard()


def publish_prepare(*, plan, progress_round, actor) -> Publishing:
    """The measures workflow's publish hook, run before its transaction: the plan publishes its
    measures and analysis, a 6- or 12-month round its results report, each rendered from what was
    approved. A render past its time budget stops the whole publish (the document stays
    approved) and tells the approver to try again."""
    rendered = []
    try:
        for doc in documents.workflow_docs(plan, progress_round):
            context = without_login_names(plan, progress_round, document_context(plan, doc, progress_round))
            # The measures' plain data of the same approval, for what follows a version (version_hooks).
            measures = approved_measures(plan) if doc == Doc.MEASURES and progress_round is None else None
            try:
                rendered.append(_render(org=plan.org, fiscal_year=plan.fiscal_year, doc=doc, context=context,
                                        measures=measures))
            except render.RenderTimeout:
                log.error("publishing %s %s of plan %s ran past the render time budget", doc,
                          getattr(progress_round, "months", ""), plan.pk)
                raise Refusal(_(
                    "สร้างไฟล์ “%(doc)s” ไม่เสร็จภายในเวลาที่กำหนด จึงยังไม่ได้เผยแพร่ เอกสารยังอยู่ในสถานะเห็นชอบแล้ว "
                    "กรุณากดเผยแพร่อีกครั้งภายหลัง หากยังไม่สำเร็จ กรุณาแจ้งผู้ดูแลระบบ") % {
                        "doc": Doc(doc).label}) from None
    except BaseException:
        for item in rendered:
            item.discard()
        raise
    return Publishing(rendered, actor)


def report_republish(*, document: PublishedDocument, actor) -> PublishedDocument:
    """The same published content rendered again (today's templates and fonts; the logo and
    signatures it was approved with) as the next version; the words come from the stored
    snapshot, never from the live rows. Rendered outside the short transaction that stores it."""
    rendered = _render(org=document.org, fiscal_year=document.fiscal_year, doc=document.doc,
                       context=document.snapshot)
    try:
        with transaction.atomic():
            return _adopt(rendered, actor=actor)
    except BaseException:
        rendered.discard()
        raise


SETTINGS_TEXT = ["preparer_name", "preparer_position", "approver_name", "approver_position"]


@transaction.atomic
def report_settings_save(*, org, actor, measure_columns: list[str], result_columns: list[str], thai_numerals: bool,
                         preparer_name="", preparer_position="", approver_name="", approver_position="",
                         logo=None, expected_version=None, margins=None, header=None,
                         body_font_pt=None) -> ReportSettings:
    """A body's document settings, unless someone saved them after this form was opened.
    ``logo``: an uploaded file to use, False to remove the logo, None to keep it. The layout
    options (``margins``, ``header``, ``body_font_pt``): None keeps the current value. Like every
    setting, they apply to the next document built, never to one already approved."""
    settings_ = ReportSettings.objects.select_for_update().filter(org=org).first() or ReportSettings(org=org)
    current = settings_.version if settings_.pk else 0
    if expected_version is not None and current != expected_version:
        raise ConcurrentEdit(_("มีผู้อื่นบันทึกการตั้งค่านี้ไปแล้วระหว่างที่คุณแก้ไข สิ่งที่คุณเลือกยังอยู่ในแบบฟอร์ม "
                               "กรุณาเปิดหน้านี้ใหม่เพื่อดูฉบับล่าสุด แล้วแก้ไขซ้ำ"))
    settings_.measure_columns, settings_.result_columns = list(measure_columns), list(result_columns)
    for name, value in zip(SETTINGS_TEXT, (preparer_name, preparer_position, approver_name, approver_position),
                           strict=True):
        setattr(settings_, name, clean_text(value).strip())
    if errors := length_errors(settings_):
        raise Refusal(*errors)
    for name, value, choices in (("margins", margins, ReportSettings.Margins),
                                 ("header", header, ReportSettings.Header),
                                 ("body_font_pt", body_font_pt, ReportSettings.FontSize)):
        if value is None:
            continue
        if value not in choices.values:
            raise Refusal(_("ค่าที่เลือกสำหรับ “%(field)s” ไม่มีในรายการ") % {
                "field": ReportSettings._meta.get_field(name).verbose_name})
        setattr(settings_, name, value)
    if logo is False:
        settings_.logo = ""
    elif logo is not None:
        settings_.logo.save(logo.name, logo, save=False)
    settings_.version = current + 1
    settings_.save()
    org.thai_numerals = thai_numerals
    org.save(update_fields=["thai_numerals"])
    audit(actor=actor, action=ReportAction.REPORT_SETTINGS, org=org, summary=_("แก้ไขการตั้งค่าเอกสาร"),
          detail={"measure_columns": settings_.measure_columns, "result_columns": settings_.result_columns,
                  "thai_numerals": org.thai_numerals, "margins": settings_.margins, "header": settings_.header,
                  "body_font_pt": settings_.body_font_pt})
    return settings_


# ---------------------------------------------------------------- signatures

SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MAX_SIZE = (2000, 1000)  # pixels, width × height
SIGNATURE_MIN_SIZE = (60, 20)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def signature_png(data: bytes) -> tuple[bytes, int, int]:
    """An uploaded signature checked and cleaned: a PNG of at most ``SIGNATURE_MAX_BYTES``,
    within the size bounds, with a transparent background; decoded, cut to its strokes and
    encoded again (no metadata or extra chunks kept). (PNG bytes, width, height), or
    ``Refusal``."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > SIGNATURE_MAX_BYTES:
        raise Refusal(_("ไฟล์ลายมือชื่อต้องไม่เกิน %(kb)s KB") % {
            "kb": SIGNATURE_MAX_BYTES // 1024})
    if not data.startswith(PNG_MAGIC):
        raise Refusal(_("ลายมือชื่อต้องเป็นไฟล์ PNG พื้นหลังโปร่งใส"))
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG"])
        width, height = image.size
        too_big = width > SIGNATURE_MAX_SIZE[0] or height > SIGNATURE_MAX_SIZE[1]
        if too_big or width < SIGNATURE_MIN_SIZE[0] or height < SIGNATURE_MIN_SIZE[1]:
            raise Refusal(_(
                "ภาพลายมือชื่อต้องกว้าง %(min_w)s–%(max_w)s และสูง %(min_h)s–%(max_h)s พิกเซล "
                "(ภาพนี้ %(w)s × %(h)s พิกเซล)") % {
                "min_w": SIGNATURE_MIN_SIZE[0], "max_w": SIGNATURE_MAX_SIZE[0], "min_h": SIGNATURE_MIN_SIZE[1],
                "max_h": SIGNATURE_MAX_SIZE[1], "w": width, "h": height})
        image.load()
    except Refusal:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Refusal(_("อ่านไฟล์ PNG นี้ไม่ได้ กรุณาบันทึกภาพใหม่แล้วอัปโหลดอีกครั้ง")) from None
    if not image.has_transparency_data:
        raise Refusal(_(
            "ภาพลายมือชื่อต้องมีพื้นหลังโปร่งใส (PNG ที่มีช่องความโปร่งใส) ภาพนี้มีพื้นหลังทึบ "
            "ซึ่งจะพิมพ์เป็นกรอบสีขาวทับเส้นในเอกสาร"))
    image = image.convert("RGBA")
    alpha = image.getchannel("A")
    if alpha.getextrema()[0] == 255:
        raise Refusal(_(
            "ภาพลายมือชื่อต้องมีพื้นหลังโปร่งใส ภาพนี้ทึบทั้งภาพ"))
    strokes = alpha.point(lambda a: 255 if a > 16 else 0).getbbox()
    if strokes is None:
        raise Refusal(_("ไม่พบเส้นลายมือชื่อในภาพ (ภาพโปร่งใสทั้งภาพ)"))
    image = image.crop(strokes)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), image.width, image.height


@transaction.atomic
def signature_save(*, user, image: bytes | None = None, name: str = "", position: str = "") -> UserSignature:
    """A person's own signature: a new image (checked by ``signature_png``) and/or the name and
    position printed under it. Documents already approved keep the image they were approved
    with (``SignatureImage``); the replaced file is deleted once saved."""
    signature = UserSignature.objects.select_for_update().filter(user=user).first()
    if signature is None:
        if image is None:
            raise Refusal(_("กรุณาเลือกไฟล์ภาพลายมือชื่อ"))
        signature = UserSignature(user=user)
    signature.name, signature.position = clean_text(name).strip(), clean_text(position).strip()
    if errors := length_errors(signature):
        raise Refusal(*errors)
    replaced = None
    if image is not None:
        png, width, height = signature_png(image)
        replaced = signature.image.name or None
        signature.image.save("signature.png", ContentFile(png), save=False)
        signature.sha256, signature.width, signature.height = hashlib.sha256(png).hexdigest(), width, height
    signature.save()
    audit(actor=user, action=ReportAction.SIGNATURE_SAVE, summary=_("บันทึกลายมือชื่อสำหรับลงนามในเอกสาร"),
          detail={"signature": signature.sha256, "new_image": image is not None})
    if replaced:
        storage = signature.image.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return signature


@transaction.atomic
def signature_delete(*, user) -> None:
    """Remove a person's signature: documents they submit or approve from now on print their name
    and position only; documents already approved keep the image they were approved with."""
    signature = UserSignature.objects.select_for_update().filter(user=user).first()
    if signature is None:
        return
    name, storage = signature.image.name, signature.image.storage
    signature.delete()
    audit(actor=user, action=ReportAction.SIGNATURE_DELETE, summary=_("ลบลายมือชื่อสำหรับลงนามในเอกสาร"),
          detail={"signature": None})
    transaction.on_commit(lambda: storage.delete(name))


def republish_request(*, province, actor, reason: str = ""):
    """Queue the re-rendering of a province's published documents (runs in a worker). While a
    job of the province still waits in the queue, a second request (a double click) is that
    job: it will render the newest of everything anyway."""
    from .tasks import republish_province

    with transaction.atomic():
        Province.objects.select_for_update().get(pk=province.pk)  # a simultaneous twin waits here
        waiting = RepublishJob.objects.filter(province=province, state=RepublishJob.State.QUEUED).first()
        if waiting is not None:
            return waiting
        job = RepublishJob.objects.create(province=province, requested_by=actor)
        audit(actor=actor, action=ReportAction.REPORT_REPUBLISH,
              summary=_("สั่งสร้างเอกสารที่เผยแพร่ใหม่ทั้งจังหวัด%(province)s เหตุผล: %(reason)s") % {
                  "province": province.name, "reason": reason[:200]},
              detail={"job": job.pk, "reason": reason})
    transaction.on_commit(lambda: republish_province.enqueue(job_id=job.pk))
    return job


def republish_run(*, job_id: int) -> None:
    """Re-render the newest version of every published document of the job's province."""
    job = RepublishJob.objects.select_related("requested_by").get(pk=job_id)
    latest = {}
    for document in PublishedDocument.objects.filter(org__province=job.province).select_related("org").order_by(
            "org_id", "fiscal_year", "doc", "-version"):
        latest.setdefault((document.org_id, document.fiscal_year, document.doc), document)
    RepublishJob.objects.filter(pk=job.pk).update(state=RepublishJob.State.RUNNING, total=len(latest))
    for key, document in sorted(latest.items()):
        try:
            report_republish(document=document, actor=job.requested_by)
            RepublishJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
        except Exception:  # one broken document must not stop the province
            log.exception("republishing %s %s %s failed", *key)
            RepublishJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1)
    RepublishJob.objects.filter(pk=job.pk).update(state=RepublishJob.State.FINISHED, finished_at=timezone.now())
    # What an earlier crash may have left in these bodies' folders (docs/ARCHITECTURE.md).
    files.sweep(folders=[files.PENDING, *sorted({f"published/{d.org.slug}/" for d in latest.values()})])
