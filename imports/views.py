"""The editor's import: upload a .docx or PDF (or paste a table), see each cell where it will land,
change a column's field or skip rows, then import (all or nothing, services.import_records).

Nothing is written before the editor confirms: the tables read from the file travel between the
preview and the confirmation signed (the editor, the plan, the round, an hour), in the form's
hidden field, and are mapped again from them at each step (docs/IMPORTING.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import Refusal
from common.spreadsheet import FileRejected
from measures import services as measure_services
from measures.access import Access, plan_or_404, round_or_404
from measures.services import clean_filename

from . import mapping, reading, services
from .forms import UploadForm

SALT = "imports.preview"
PAYLOAD_SECONDS = 60 * 60
PAYLOAD_MAX_LENGTH = 4_000_000


def _load(request, slug, fy, months):
    """The body (its editor only), the plan and the round; the plan or round must be open."""
    access = Access(request, slug)
    access.require_edit()
    plan = plan_or_404(access, fy)
    progress_round = round_or_404(plan, months) if months is not None else None
    return access, plan, progress_round


def _back(plan, progress_round):
    if progress_round is not None:
        return reverse("round-detail", args=[plan.org.slug, plan.fiscal_year, progress_round.months])
    return reverse("plan-detail", args=[plan.org.slug, plan.fiscal_year])


def _closed(plan, progress_round) -> list[str]:
    """Why nothing can be imported now (the document in review, approved or published), else []."""
    try:
        if progress_round is None:
            measure_services.require_measures_open(plan)
        elif not progress_round.is_editable:
            raise measure_services.NotEditable(_("รายงานผลรอบนี้อยู่ระหว่างการพิจารณาหรือได้รับความเห็นชอบแล้ว "
                                                 "จึงนำเข้าไม่ได้"))
    except Refusal as refused:
        return refused.messages
    return []


@login_required
def import_start(request, slug, fy, months=None):
    access, plan, progress_round = _load(request, slug, fy, months)
    if closed := _closed(plan, progress_round):
        for message in closed:
            messages.error(request, message)
        return redirect(_back(plan, progress_round))
    status, errors = 200, []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload is not None:
                    filename = clean_filename(upload.name)
                    tables = reading.read_upload(upload.read(), filename)
                else:
                    filename = _("ตารางที่วาง")
                    tables = reading.read_paste(form.cleaned_data["paste_html"], form.cleaned_data["paste_text"])
                layouts = mapping.lay_out(tables)
                if not layouts:
                    raise FileRejected([_("ไม่พบตารางที่มีหัวคอลัมน์ที่ระบบรู้จัก ระบบต้องการหัวตารางอย่างน้อย "
                                          "“มาตรการ/โครงการ/กิจกรรม” กับคอลัมน์อื่น เช่น “ขั้นตอนหรือวิธีการปฏิบัติ” "
                                          "“ผู้รับผิดชอบ” “ระยะเวลาดำเนินการ” “ผลผลิต” หรือ “ผลลัพธ์”")])
            except FileRejected as rejected:
                errors, status = rejected.errors, 400
            else:
                chosen = mapping.choose(layouts, progress_round is not None)
                payload = {"user": request.user.pk, "plan": plan.pk, "round": getattr(progress_round, "pk", None),
                           "file": filename[:200], "source_url": form.cleaned_data.get("source_url", "")[:1000],
                           "tables": [t.as_data() for t in tables]}
                token = signing.dumps(payload, salt=SALT, compress=True)
                if len(token) > PAYLOAD_MAX_LENGTH:
                    errors, status = [_("ไฟล์มีตารางมากหรือยาวเกินกว่าที่นำเข้าได้ในครั้งเดียว กรุณาแยกไฟล์")], 400
                else:
                    return _preview(request, access, plan, progress_round, token=token, payload=payload,
                                    layouts=layouts, chosen=chosen, fields=None, skipped=None)
        else:
            status = 400
    else:
        form = UploadForm()
    return render(request, "imports/upload.html", {
        "access": access, "org": access.org, "plan": plan, "round": progress_round, "form": form, "errors": errors,
        "back": _back(plan, progress_round)}, status=status)


def _unsign(request, token, plan, progress_round) -> dict | None:
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=PAYLOAD_SECONDS)
    except signing.SignatureExpired:
        messages.error(request, _("หน้าตัวอย่างนี้เปิดไว้นานเกิน 1 ชั่วโมง กรุณาอัปโหลดไฟล์อีกครั้ง"))
        return None
    except signing.BadSignature:
        messages.error(request, _("ข้อมูลตัวอย่างไม่ถูกต้อง กรุณาอัปโหลดไฟล์อีกครั้ง"))
        return None
    if not isinstance(payload, dict) or payload.get("user") != request.user.pk or payload.get("plan") != plan.pk \
            or payload.get("round") != getattr(progress_round, "pk", None):
        messages.error(request, _("ข้อมูลตัวอย่างไม่ได้มาจากไฟล์ที่คุณอัปโหลดสำหรับเอกสารนี้ กรุณาอัปโหลดไฟล์อีกครั้ง"))
        return None
    return payload


@login_required
@require_POST
def import_preview(request, slug, fy, months=None):
    """The preview again with the editor's choices, or (``action=import``) the import."""
    access, plan, progress_round = _load(request, slug, fy, months)
    start = reverse("import-round" if progress_round else "import-plan",
                    args=[slug, fy, *([progress_round.months] if progress_round else [])])
    if closed := _closed(plan, progress_round):
        for message in closed:
            messages.error(request, message)
        return redirect(_back(plan, progress_round))
    token = request.POST.get("payload", "")
    payload = _unsign(request, token, plan, progress_round)
    if payload is None:
        return redirect(start)
    try:
        tables = [reading.Table.from_data(t) for t in payload["tables"]]
    except (KeyError, TypeError, ValueError):
        messages.error(request, _("ข้อมูลตัวอย่างไม่ถูกต้อง กรุณาอัปโหลดไฟล์อีกครั้ง"))
        return redirect(start)
    layouts = mapping.lay_out(tables)
    if not layouts:
        return redirect(start)
    chosen = _int(request.POST.get("table"), 0)
    chosen = chosen if 0 <= chosen < len(layouts) else 0
    same_table = _int(request.POST.get("shown_table"), -1) == chosen
    fields = skipped = None
    if same_table:
        allowed = {key for key, _label in mapping.field_choices(progress_round is not None)}
        fields = [request.POST.get(f"col-{c.index}", c.field) for c in layouts[chosen].columns]
        fields = [f if f in allowed else c.field for f, c in zip(fields, layouts[chosen].columns, strict=True)]
        numbers = {r.number for r in layouts[chosen].rows}
        skipped = {n for n in (_int(v, -1) for v in request.POST.getlist("skip")) if n in numbers}
    return _preview(request, access, plan, progress_round, token=token, payload=payload, layouts=layouts,
                    chosen=chosen, fields=fields, skipped=skipped,
                    importing=same_table and request.POST.get("action") == "import")


def _int(value, default):
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _preview(request, access, plan, progress_round, *, token, payload, layouts, chosen, fields, skipped,
             importing=False):
    layout = layouts[chosen]
    for_round = progress_round is not None
    if fields is None:
        fields = [c.field if c.field in dict(mapping.field_choices(for_round)) else "skip" for c in layout.columns]
    if skipped is None:
        skipped = mapping.default_skipped(layout)
    known = services.known_indicators(plan)
    records, errors = mapping.records(layout, fields=fields, skipped=skipped, fiscal_year=plan.fiscal_year,
                                      months=getattr(progress_round, "months", None), indicator_numbers_known=known)
    if not records and not errors:
        errors = [_("ไม่มีแถวที่จะนำเข้า")]
    status = 200
    if importing:
        if not errors:
            try:
                done = services.import_records(plan=plan, actor=request.user, records=records,
                                               progress_round=progress_round, filename=payload.get("file", ""),
                                               source_url=payload.get("source_url", ""))
            except Refusal as refused:
                errors = refused.messages
            else:
                if progress_round is not None:
                    messages.success(request, _("นำเข้าผลการดำเนินงาน %(n)s มาตรการแล้ว (เพิ่มมาตรการใหม่ %(c)s รายการ)")
                                     % {"n": done.entries, "c": done.created})
                else:
                    messages.success(request, _("นำเข้ามาตรการ %(n)s รายการแล้ว") % {"n": done.created})
                return redirect(_back(plan, progress_round))
        status = 400
    rows = services.plan_rows(plan, records, progress_round)
    by_number = {r.record.number: r for r in rows}
    choices = mapping.field_choices(for_round)
    labels = dict(choices)
    return render(request, "imports/preview.html", {
        "access": access, "org": access.org, "plan": plan, "round": progress_round, "payload": token,
        "filename": payload.get("file", ""), "layouts": layouts, "chosen": chosen, "layout": layout,
        "columns": [{"column": c, "field": f, "label": labels.get(f, "")} for c, f in zip(layout.columns, fields,
                                                                                           strict=True)],
        "choices": choices, "rows": [_row_view(r, fields, skipped, by_number, labels) for r in layout.rows],
        "errors": errors, "record_count": len(records), "back": _back(plan, progress_round),
        "adds": sum(1 for r in rows if r.adds_measure),
        "action": reverse("import-round-preview" if for_round else "import-plan-preview",
                          args=[access.org.slug, plan.fiscal_year, *([progress_round.months] if for_round else [])]),
    }, status=status)


def _row_view(row, fields, skipped, by_number, labels) -> dict:
    planned = by_number.get(row.number)
    cells = [{"text": text, "field": fields[c] if c < len(fields) else "skip",
              "label": labels.get(fields[c], "") if c < len(fields) else ""} for c, text in enumerate(row.cells)]
    return {"row": row, "cells": cells, "skipped": row.number in skipped, "planned": planned,
            "skippable": row.kind in ("data", "note")}
