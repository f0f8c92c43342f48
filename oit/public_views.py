"""The public side of a body's OIT year (contract addresses, docs/OIT.md): the page listing
every item with its evidence and the ITAS links, the same as JSON and CSV, and the uploaded
files at addresses that never change."""

import csv
import io
import logging

from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.models import Organization
from common.public_cache import cached_public
from common.spreadsheet import spreadsheet_row
from reports.downloads import published_file_response

from . import selectors

log = logging.getLogger("ita.oit")
INLINE = {"pdf", "png", "jpg"}  # shown in the browser; XLSX and DOCX are downloaded


def _org(slug):
    return get_object_or_404(Organization.objects.select_related("province"), slug=slug)


def _rows_or_404(org, fy):
    rows = selectors.body_year(org, fy)
    if not rows:
        raise Http404(_("ไม่มีรายการข้อ OIT ของปีการประเมินนี้"))
    return rows


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if path.startswith("/") else path


def _record(request, org, fy, row) -> dict:
    """One item as open data: what ITAS gets (``url``) and what it is."""
    answer = row.answer if row.answer is not None and row.answer.published_at else None
    record = {"item": row.code, "name": row.item.text, "asks": row.item.asks, "period": row.item.period,
              "continues": [selectors.display_code(c) for c in row.item.continues],
              "confirmed": row.item.confirmed and (row.auto_confirmed if row.is_auto else True),
              "answered": row.answered, "kind": row.public_kind or None,
              "url": _absolute(request, row.public_path) if row.public_path else None,
              "note": answer.published_note if answer else "",
              "published_at": answer.published_at.isoformat() if answer else None,
              "file": None, "document": None}
    if answer and answer.published_kind == "file" and answer.published_file:
        f = answer.published_file
        record["file"] = {"version": f.version, "sha256": f.sha256, "size": f.size, "content_type": f.content_type,
                          "version_url": _absolute(request, selectors.file_version_path(
                              org.slug, fy, row.item.code, f.version, f.ext))}
    if row.is_auto:
        record["document"] = {"doc": row.auto_doc, "fiscal_year": row.auto_fiscal_year, "by_publishing": True}
    elif answer and answer.published_kind == "document":
        record["document"] = {"doc": answer.published_doc, "fiscal_year": answer.published_doc_fiscal_year,
                              "by_publishing": False}
    return record


@require_GET
@cached_public
def public_year(request, slug, fy):
    org = _org(slug)
    rows = _rows_or_404(org, fy)
    links = [_absolute(request, r.public_path) for r in rows]
    return render(request, "oit/public_year.html", {
        "org": org, "fiscal_year": fy, "rows": [(r, link) for r, link in zip(rows, links, strict=True)],
        "summary": selectors.summary(rows), "itas_text": "\n".join(links)})


@require_GET
@cached_public
def data_json(request, slug, fy):
    org = _org(slug)
    rows = _rows_or_404(org, fy)
    data = {"org": {"slug": org.slug, "name": org.name, "province": org.province.name if org.province else None},
            "assessment_year": fy, "items_count": len(rows), "answered": sum(r.answered for r in rows),
            "items": [_record(request, org, fy, r) for r in rows]}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


CSV_HEADER = ["org", "assessment_year", "item", "name", "period", "confirmed", "answered", "kind", "url", "note",
              "published_at", "file_version", "file_sha256", "document", "document_fiscal_year"]


@require_GET
@cached_public
def data_csv(request, slug, fy):
    org = _org(slug)
    rows = _rows_or_404(org, fy)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        r = _record(request, org, fy, row)
        f, d = r["file"] or {}, r["document"] or {}
        # Names and notes are typed by people: a leading = + - @ must not run as a formula in Excel.
        writer.writerow(spreadsheet_row([
            slug, fy, r["item"], r["name"], r["period"], "yes" if r["confirmed"] else "no",
            "yes" if r["answered"] else "no", r["kind"] or "", r["url"] or "", r["note"], r["published_at"] or "",
            f.get("version", ""), f.get("sha256", ""), d.get("doc", ""), d.get("fiscal_year", "")]))
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{fy}-ita.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _file_response(request, org, evidence):
    filename = f"{org.name} {evidence.fiscal_year} {selectors.display_code(evidence.item_code)} " \
               f"ฉบับที่ {evidence.version}.{evidence.ext}"
    response = published_file_response(
        request, evidence, filename=filename, content_type=evidence.content_type,
        attachment=evidence.ext not in INLINE,
        refused=_("ไฟล์นี้ไม่ตรงกับฉบับที่เผยแพร่ ระบบจึงงดให้ดาวน์โหลด ผู้ดูแลระบบได้รับแจ้งแล้ว"))
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"  # an uploaded file never runs
    return response


@require_GET
def public_file(request, slug, fy, code, ext):
    """An item's latest published file: /orgs/<slug>/<fy>/ita/<code>.<ext>. Asked with another
    extension than the latest version's (a PDF replaced by an XLSX), it redirects there."""
    org = _org(slug)
    evidence = selectors.published_file(org, fy, code.lower())
    if evidence is None:
        raise Http404(_("ยังไม่มีไฟล์ที่เผยแพร่ของข้อนี้"))
    if evidence.ext != ext.lower():
        return HttpResponseRedirect(selectors.file_path(org.slug, fy, evidence.item_code, evidence.ext))
    return _file_response(request, org, evidence)


@require_GET
def public_file_version(request, slug, fy, code, version, ext):
    """One published version of an item's file, for ever: /orgs/<slug>/<fy>/ita/<code>/v<n>.<ext>."""
    org = _org(slug)
    evidence = selectors.published_file(org, fy, code.lower(), version)
    if evidence is None or evidence.ext != ext.lower():
        raise Http404(_("ไม่พบไฟล์ฉบับนี้"))
    return _file_response(request, org, evidence)
