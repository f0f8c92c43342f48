"""Public overviews (the country, one province) and the open data of a whole fiscal year."""

import csv
import io
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import Http404, HttpResponseNotModified, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import fiscal_years
from assessments.models import Assessment, AuditEvent, Framework, Province
from assessments.selectors import frameworks_with_catalogue
from common import thai
from common.public_cache import NATIONAL, cached_public_area, province_key
from common.spreadsheet import spreadsheet_row
from reports import selectors
from reports.documents import OPEN_DATA_FIELDS
from reports.models import PublishedDocument

from . import overview as overview_selectors
from .overview_charts import hbar_chart

_provinces: dict[str, int] = {}  # code -> id, kept per process (77 rows; reloaded for a code not in it)


def _province_id(code: str) -> int | None:
    if code not in _provinces:
        _provinces.clear()
        _provinces.update(Province.objects.values_list("code", "pk"))
    return _provinces.get(code)


def _province_versions(code, fy):
    province_id = _province_id(code)
    return [province_key(province_id)] if province_id else []


def _no_year():
    return Http404(_("ยังไม่มีกรอบการประเมิน ITA ของปีงบประมาณนี้ จึงยังไม่มีภาพรวม"))


@require_http_methods(["GET", "HEAD"])
@cached_public_area(lambda fy: [NATIONAL])
def national_overview(request, fy):
    data = overview_selectors.overview(fy)
    if data is None:
        raise _no_year()
    return render(request, "publicsite/overview.html", _context(data, national=True))


@require_http_methods(["GET", "HEAD"])
@cached_public_area(_province_versions)
def province_overview(request, code, fy):
    province = overview_selectors.province_by_code(code)
    if province is None:
        raise Http404(_("ไม่พบจังหวัดรหัส “%(code)s”") % {"code": code[:10]})
    data = overview_selectors.overview(fy, province)
    if data is None:
        raise _no_year()
    return render(request, "publicsite/overview_province.html", _context(data, national=False))


def _years():
    return sorted(fiscal_years.framework_years())


def _context(data, *, national: bool) -> dict:
    year = thai.format_fiscal_year(data.fiscal_year)
    where = _("ทั้งประเทศ") if national else _("จังหวัด%(name)s") % {"name": data.province.name}
    return {
        "overview": data, "national": national, "where": where, "years": _years(),
        "documents_published": any(d.count for d in data.documents),  # else the year's CSV would be a header only
        "charts": {
            "bands": _bands_chart(data, year, where), "indicators": _indicators_chart(data, year, where),
            "documents": _documents_chart(data, year, where),
        },
    }


def _bands_chart(data, year, where) -> str:
    bands = data.bands
    desc = " ".join(_("ช่วงคะแนน %(range)s: %(count)s แห่ง") % {"range": b.range_text, "count": b.count}
                    for b in bands)
    return mark_safe(hbar_chart(  # noqa: S308  # nosec B308 B703 -- hbar_chart escapes every text
        chart_id="chart-bands",
        title=_("จำนวนหน่วยงานตามช่วงคะแนนรวม ITA ปีงบประมาณ %(year)s %(where)s") % {"year": year, "where": where},
        desc=desc, labels=[b.range_text for b in bands], series=[[b.count for b in bands]],
        maximum=max([b.count for b in bands] + [1]),
        value_text=lambda s, i: (_("%(count)s (%(share)s%%)") % {"count": bands[i].count,
                                                                 "share": thai.format_score(bands[i].share)}
                                 if bands[i].share is not None else str(bands[i].count))))


def _indicators_chart(data, year, where) -> str:
    rows = data.indicators
    series = [[r.average for r in rows]]
    names = [year]
    if data.previous is not None:
        series.append([r.previous for r in rows])
        names.append(thai.format_fiscal_year(data.fiscal_year - 1))
    desc = " ".join(_("ตัวชี้วัดที่ %(n)s: เฉลี่ย %(avg)s คะแนน") % {"n": r.number, "avg": thai.format_score(r.average)}
                    for r in rows)
    return mark_safe(hbar_chart(  # noqa: S308  # nosec B308 B703 -- hbar_chart escapes every text
        chart_id="chart-indicators",
        title=_("คะแนนเฉลี่ยรายตัวชี้วัด ปีงบประมาณ %(year)s %(where)s") % {"year": year, "where": where},
        desc=desc, labels=[_("ตัวชี้วัดที่ %(n)s") % {"n": r.number} for r in rows], series=series,
        series_labels=names, mark=data.pass_mark,
        mark_label=_("เกณฑ์ %(mark)s") % {"mark": thai.format_score(data.pass_mark)}))


def _documents_chart(data, year, where) -> str:
    docs = data.documents
    desc = " ".join(_("%(doc)s: %(count)s จาก %(total)s แห่ง") % {"doc": d.label, "count": d.count,
                                                                  "total": data.bodies} for d in docs)
    return mark_safe(hbar_chart(  # noqa: S308  # nosec B308 B703 -- hbar_chart escapes every text
        chart_id="chart-documents",
        title=_("ร้อยละของหน่วยงานที่เผยแพร่เอกสารแต่ละฉบับ ปีงบประมาณ %(year)s %(where)s") % {
            "year": year, "where": where},
        desc=desc, labels=[d.short for d in docs],
        series=[[d.share if d.share is not None else 0 for d in docs]],
        value_text=lambda s, i: _("%(share)s%%") % {"share": thai.format_score(docs[i].share or 0)}))


# ---------------------------------------------------------------- open data of a whole year

OPEN_DATA_FORMAT = 2  # part of the ETag: a change of the files' shape changes it too
STREAM_BYTES = 64 * 1024  # what the stream hands the server at a time


def _year_version(fy):
    """(ETag, Last-Modified) of a year's files: every change to what they hold is audited (or
    adds a published version), so the newest audit row and published version name the content."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", "created_at").first() or (0, None)
    newest = PublishedDocument.objects.aggregate(top=Max("pk"))["top"] or 0
    return f'W/"{fy}.{OPEN_DATA_FORMAT}.{last[0]}.{newest}"', last[1]


def _open_data_year(request, fy, content_type, filename, chunks, *, documents_only=False, scores_only=False):
    scored = Assessment.objects.filter(framework__fiscal_year=fy).exists()
    if scores_only and not scored:
        raise Http404(_("ไม่มีผลการประเมินของปีงบประมาณนี้"))
    if not (scored or PublishedDocument.objects.filter(fiscal_year=fy).exists()):
        raise Http404(_("ไม่มีข้อมูลที่เผยแพร่ของปีงบประมาณนี้"))
    etag, modified = _year_version(fy)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        base = request.build_absolute_uri("/")[:-1]

        def address(org, doc, version):
            return base + reverse("public-pdf-version", args=[org.slug, fy, doc, version])

        records = selectors.open_data_all(fy, address=address, documents_only=documents_only,
                                          scores_only=scores_only)
        response = StreamingHttpResponse(_buffered(chunks(records)), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _buffered(parts):
    """Strings gathered into pieces of about STREAM_BYTES, as UTF-8."""
    buffer, size = [], 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= STREAM_BYTES:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


@require_http_methods(["GET", "HEAD"])
def open_data_year_json(request, fy):
    """{"fiscal_year": …, "bodies": [each body's /data/orgs/<slug>/<fy>.json, …]}, by slug."""

    def chunks(records):
        yield '{"fiscal_year": ' + str(fy) + ', "bodies": ['
        for n, record in enumerate(records):
            yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder)
        yield "\n]}\n"

    return _open_data_year(request, fy, "application/json", f"ita-{fy}.json", chunks)


@require_http_methods(["GET", "HEAD"])
def open_data_year_csv(request, fy):
    """Each body's /data/orgs/<slug>/<fy>.csv rows after one header, by slug; UTF-8 with a BOM."""

    def chunks(records):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["org", "fiscal_year", "doc", *OPEN_DATA_FIELDS])
        yield "\ufeff" + buffer.getvalue()
        for record in records:
            buffer.seek(0)
            buffer.truncate()
            slug = record["org"]["slug"]
            for doc, cells in selectors.open_data_rows(record):
                writer.writerow(spreadsheet_row([slug, fy, doc, *cells]))
            yield buffer.getvalue()

    # Its rows are the published tables: the bodies with a published document, without scores.
    return _open_data_year(request, fy, "text/csv; charset=utf-8", f"ita-{fy}.csv", chunks, documents_only=True)


@require_http_methods(["GET", "HEAD"])
def open_data_year_scores_csv(request, fy):
    """Each body's /data/orgs/<slug>/<fy>-scores.csv row after one header, by slug; UTF-8 with a BOM."""
    framework = Framework.objects.filter(fiscal_year=fy).first()
    if framework is None:
        raise Http404(_("ไม่มีผลการประเมินของปีงบประมาณนี้"))
    framework = frameworks_with_catalogue([framework.pk])[framework.pk]

    def chunks(records):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(selectors.score_header(framework))
        yield "\ufeff" + buffer.getvalue()
        for record in records:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(spreadsheet_row(selectors.score_cells(record, framework)))
            yield buffer.getvalue()

    return _open_data_year(request, fy, "text/csv; charset=utf-8", f"ita-{fy}-scores.csv", chunks, scores_only=True)
