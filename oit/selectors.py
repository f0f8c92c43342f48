"""The reads of a body's OIT year (docs/OIT.md), each a fixed number of queries whatever the
number of items or answers (tests/oit/test_selectors.py asserts them at two sizes)."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from assessments.framework_io import normalise_item_code
from assessments.models import Item
from common.thai import format_date
from reports.documents import ita_answers
from reports.models import PublishedDocument

from .models import EvidenceFile, ItemAnswer, Kind, LinkState


def display_code(code: str) -> str:
    """An item's code as ITAS writes it (O25); stored lower case (o25)."""
    return code.upper()


def year_items(fiscal_year: int) -> list[Item]:
    """The OIT items of ITA ``fiscal_year`` in ITAS order (indicator, then the file's order): one query."""
    return list(Item.objects.filter(framework__fiscal_year=fiscal_year, indicator__tool__code="OIT")
                .select_related("indicator", "group", "framework").order_by("indicator__number", "order", "code"))


def auto_by_code(fiscal_year: int) -> dict:
    """{item code: (doc, answers)} for the items of ITA ``fiscal_year`` that a portal document
    answers (the framework's ``documents``: O25 ← the measures, O26 ← last year's 12-month report)."""
    return {normalise_item_code(found.item): (doc, found) for doc, found in ita_answers().get(fiscal_year, {}).items()}


def auto_answer(item: Item):
    return auto_by_code(item.framework.fiscal_year).get(item.code)


def file_path(slug: str, fiscal_year: int, code: str, ext: str) -> str:
    """The address of an item's latest published file: /orgs/<slug>/<fy>/ita/<code>.<ext>."""
    return reverse("oit-file", args=[slug, fiscal_year, code, ext])


def file_version_path(slug: str, fiscal_year: int, code: str, version: int, ext: str) -> str:
    return reverse("oit-file-version", args=[slug, fiscal_year, code, version, ext])


def document_path(slug: str, fiscal_year: int, doc: str) -> str:
    return reverse("public-pdf", args=[slug, fiscal_year, doc])


@dataclass
class Row:
    """One item of the year with the body's evidence for it."""

    item: Item
    answer: ItemAnswer | None = None
    auto_doc: str = ""  # the portal document that answers it by being published
    auto_fiscal_year: int | None = None
    auto_confirmed: bool = True
    documents: dict = field(default_factory=dict)  # {(doc, fiscal year): newest published version}
    slug: str = ""

    @property
    def code(self) -> str:
        return display_code(self.item.code)

    @property
    def is_auto(self) -> bool:
        return bool(self.auto_doc)

    def _document(self, doc, fiscal_year) -> str:
        if doc and (doc, fiscal_year) in self.documents:
            return document_path(self.slug, fiscal_year, doc)
        return ""

    @property
    def public_path(self) -> str:
        """The address the public and ITAS get ("" while nothing is published): an address on
        this portal (a path) or the body's own external address."""
        if self.is_auto:
            return self._document(self.auto_doc, self.auto_fiscal_year)
        answer = self.answer
        if answer is None or answer.published_at is None:
            return ""
        if answer.published_kind == Kind.FILE and answer.published_file is not None:
            return file_path(self.slug, answer.fiscal_year, self.item.code, answer.published_file.ext)
        if answer.published_kind == Kind.URL:
            return answer.published_url
        if answer.published_kind == Kind.DOCUMENT:
            return self._document(answer.published_doc, answer.published_doc_fiscal_year)
        return ""

    @property
    def public_kind(self) -> str:
        if self.is_auto:
            return Kind.DOCUMENT if self.public_path else ""
        return self.answer.published_kind if self.answer and self.answer.published_at else ""

    @property
    def public_is_external(self) -> bool:
        return self.public_kind == Kind.URL

    @property
    def answered(self) -> bool:
        return bool(self.public_path)

    @property
    def working_path(self) -> str:
        """The address of what the editor saved (a draft's file is not public yet: no address)."""
        answer = self.answer
        if answer is None:
            return ""
        if answer.kind == Kind.URL:
            return answer.url
        if answer.kind == Kind.DOCUMENT:
            return self._document(answer.doc, answer.doc_fiscal_year)
        return ""

    @property
    def broken(self) -> bool:
        return self.answer is not None and self.answer.kind == Kind.URL and self.answer.link_state == LinkState.BROKEN

    @property
    def unpublished_change(self) -> bool:
        """The editor's evidence differs from what the public sees (a draft or one in review)."""
        return self.answer is not None and self.answer.state != "published"


def body_year(org, fiscal_year: int) -> list[Row]:
    """Every OIT item of the year with the body's answer and the documents that answer it:
    four queries at most (items, answers, published documents, the frameworks' documents)."""
    items = year_items(fiscal_year)
    if not items:
        return []
    autos = auto_by_code(fiscal_year)
    answers = {a.item_id: a for a in ItemAnswer.objects.filter(org=org, fiscal_year=fiscal_year)
               .select_related("file", "published_file", "submitted_by", "decided_by")}
    pairs = {(doc, found.fiscal_year) for doc, found in autos.values()}
    for answer in answers.values():
        pairs.add((answer.doc, answer.doc_fiscal_year))
        pairs.add((answer.published_doc, answer.published_doc_fiscal_year))
    pairs = {(doc, year) for doc, year in pairs if doc and year}
    documents = {}
    if pairs:
        rows = (PublishedDocument.objects.filter(org=org, fiscal_year__in={y for _d, y in pairs},
                                                 doc__in={d for d, _y in pairs})
                .values("doc", "fiscal_year").annotate(newest=Max("version")))
        documents = {(r["doc"], r["fiscal_year"]): r["newest"] for r in rows if (r["doc"], r["fiscal_year"]) in pairs}
    result = []
    for item in items:
        auto = autos.get(item.code)
        row = Row(item=item, answer=answers.get(item.pk), documents=documents, slug=org.slug)
        if auto is not None:
            doc, found = auto
            row.auto_doc, row.auto_fiscal_year, row.auto_confirmed = doc, found.fiscal_year, found.confirmed
        result.append(row)
    return result


def item_of_year(fiscal_year: int, code: str) -> Item | None:
    return (Item.objects.filter(framework__fiscal_year=fiscal_year, indicator__tool__code="OIT", code=code.lower())
            .select_related("indicator__tool", "group", "framework").first())


def item_files(org, fiscal_year: int, code: str) -> list[EvidenceFile]:
    return list(EvidenceFile.objects.filter(org=org, fiscal_year=fiscal_year, item_code=code).order_by("-version"))


def published_file(org, fiscal_year: int, code: str, version: int | None = None) -> EvidenceFile | None:
    """An item's published file: that version, or the latest version ever published."""
    files = EvidenceFile.objects.filter(org=org, fiscal_year=fiscal_year, item_code=code, published_at__isnull=False)
    if version is not None:
        return files.filter(version=version).first()
    return files.order_by("-version").first()


def files_with_sha256(sha256: str, limit: int = 10) -> list[EvidenceFile]:
    """/verify/: the published evidence files of these bytes, each with its body: one query."""
    newest = (EvidenceFile.objects.filter(org=OuterRef("org"), fiscal_year=OuterRef("fiscal_year"),
                                          item_code=OuterRef("item_code"), published_at__isnull=False)
              .order_by("-version").values("version")[:1])
    return list(EvidenceFile.objects.filter(sha256=sha256, published_at__isnull=False)
                .select_related("org", "org__province").annotate(newest_version=Subquery(newest))
                .order_by("org__name", "fiscal_year", "item_code", "version")[:limit])


def verified_files(sha256: str, address) -> list[dict]:
    """/verify/'s matches among the published evidence files, in the shape of its document
    matches; ``address(path)`` makes an address absolute. One query."""
    found = []
    for f in files_with_sha256(sha256):
        path = file_version_path(f.org.slug, f.fiscal_year, f.item_code, f.version, f.ext)
        found.append({
            "org": f.org, "fiscal_year": f.fiscal_year,
            "title": gettext("หลักฐาน OIT ข้อ %(code)s ของ ITA") % {"code": display_code(f.item_code)},
            "versions": [{"version": f.version, "url": address(path),
                          "published_on": format_date(timezone.localtime(f.published_at), False)}],
            "newest_version": f.newest_version, "newer": f.newest_version > f.version,
            "newest_url": file_version_path(f.org.slug, f.fiscal_year, f.item_code, f.newest_version, f.ext)})
    return found


def summary(rows: list[Row]) -> dict:
    return {"items": len(rows), "answered": sum(r.answered for r in rows), "broken": sum(r.broken for r in rows),
            "waiting": sum(1 for r in rows if r.answer and r.answer.state in ("submitted", "approved"))}


# ---------------------------------------------------------------- carrying forward


@dataclass
class Offer:
    """Last year's published evidence offered for an item of this year (through ``continues``)."""

    item: Item
    source: ItemAnswer


def carry_offers(org, fiscal_year: int) -> list[Offer]:
    """Items of ``fiscal_year`` of this year's evidence period, with no answer yet, that continue
    an item the body answered last year with an external address or a file (a standing address:
    its structure page, its complaint channel): three queries."""
    items = [i for i in year_items(fiscal_year) if i.continues and i.period != "previous"]
    if not items:
        return []
    autos = auto_by_code(fiscal_year)
    answered = set(ItemAnswer.objects.filter(org=org, fiscal_year=fiscal_year).values_list("item_id", flat=True))
    previous = {a.item.code: a for a in ItemAnswer.objects.filter(
        org=org, fiscal_year=fiscal_year - 1, published_at__isnull=False,
        published_kind__in=[Kind.URL, Kind.FILE]).select_related("item", "published_file")}
    offers = []
    for item in items:
        if item.pk in answered or item.code in autos:
            continue
        source = next((previous[code] for code in item.continues if code in previous), None)
        if source is not None:
            offers.append(Offer(item, source))
    return offers


# ---------------------------------------------------------------- coverage (supervisors)


def coverage(org_ids, fiscal_year: int, *, by: str = "id") -> dict:
    """{body: {"answered", "items", "broken"}} for the bodies ``org_ids`` (their ids, or their
    slugs with ``by="slug"``) in ITA ``fiscal_year``: an item is answered when its evidence is
    published (or the document that answers it is); broken counts the external addresses the last
    check could not open. Three queries whatever the number of bodies (up to 5,000 a batch): the
    items of the year, the answers grouped by body, the published documents grouped by body."""
    keys = list(org_ids)
    field = "org_id" if by == "id" else "org__slug"
    items = Item.objects.filter(framework__fiscal_year=fiscal_year, indicator__tool__code="OIT").count()
    result = {key: {"answered": 0, "items": items, "broken": 0} for key in keys}
    if not items or not keys:
        return result
    autos = auto_by_code(fiscal_year)
    for start in range(0, len(keys), 5000):
        chunk = keys[start:start + 5000]
        rows = (ItemAnswer.objects.filter(fiscal_year=fiscal_year, **{f"{field}__in": chunk})
                .exclude(item__code__in=list(autos))
                .values(field).annotate(answered=Count("id", filter=Q(published_at__isnull=False)),
                                        broken=Count("id", filter=Q(link_state=LinkState.BROKEN, kind=Kind.URL))))
        for row in rows:
            result[row[field]]["answered"] += row["answered"]
            result[row[field]]["broken"] += row["broken"]
        if autos:
            condition = Q(pk__in=[])
            for doc, found in autos.values():
                condition |= Q(doc=doc, fiscal_year=found.fiscal_year)
            docs = (PublishedDocument.objects.filter(condition, **{f"{field}__in": chunk}).values(field)
                    .annotate(n=Count("doc", distinct=True)))
            for row in docs:
                result[row[field]]["answered"] += row["n"]
    return result
