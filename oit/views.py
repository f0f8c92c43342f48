"""The staff pages of a body's OIT year (/app/orgs/<slug>/<fy>/ita/): load through Access, read
through selectors, write through services (docs/OIT.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from assessments.access import Access
from common.errors import ConcurrentEdit, Refusal

from . import selectors, services
from .forms import AnswerForm, CarryForm, TransitionForm
from .models import LinkCheck

REVIEW_ACTIONS = ("return", "approve", "publish")
ACTION_DONE = {"submit": gettext_lazy("ส่งให้ผู้บริหารพิจารณาแล้ว %(n)s ข้อ"),
               "return": gettext_lazy("ส่งกลับให้แก้ไขแล้ว %(n)s ข้อ"),
               "approve": gettext_lazy("เห็นชอบแล้ว %(n)s ข้อ"), "publish": gettext_lazy("เผยแพร่แล้ว %(n)s ข้อ")}


def _year_url(slug, fy) -> str:
    return reverse("oit-year", args=[slug, fy])


def _item_or_404(fy, code):
    item = selectors.item_of_year(fy, code)
    if item is None:
        raise Http404(_("ไม่มีข้อนี้ในแบบ OIT ของปีนี้"))
    return item


def _require_action(access, action):
    if action in REVIEW_ACTIONS:
        if not access.can_review:
            raise PermissionDenied(_("เฉพาะผู้บริหารของหน่วยงานเท่านั้นที่พิจารณาและเผยแพร่หลักฐานได้"))
    else:
        access.require_edit()


@login_required
def year(request, slug, fy):
    access = Access(request, slug)
    rows = selectors.body_year(access.org, fy)
    if not rows:
        raise Http404(_("ไม่มีรายการข้อ OIT ของปีการประเมินนี้"))
    offers = selectors.carry_offers(access.org, fy) if access.can_edit else []
    return render(request, "oit/year.html", {
        "org": access.org, "fiscal_year": fy, "rows": rows, "summary": selectors.summary(rows), "access": access,
        "offers": offers, "window": services.oit_window(fy),
        "public_url": reverse("oit-public", args=[access.org.slug, fy])})


@login_required
@require_http_methods(["GET", "POST"])
def item(request, slug, fy, code):
    access = Access(request, slug)
    item = _item_or_404(fy, code)
    row = next(r for r in selectors.body_year(access.org, fy) if r.item.pk == item.pk)
    answer = row.answer
    initial = {"kind": answer.kind if answer else "url", "url": answer.url if answer else "",
               "doc": answer.doc if answer else "", "doc_fiscal_year": answer.doc_fiscal_year if answer else fy,
               "note": answer.note if answer else "", "version": answer.version if answer else None}
    form, status = AnswerForm(initial=initial, fiscal_year=fy), 200
    if request.method == "POST":
        access.require_edit()
        form = AnswerForm(request.POST, request.FILES, fiscal_year=fy)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_save(org=access.org, item=item, actor=request.user, kind=data["kind"], url=data["url"],
                                     upload=data["file"], doc=data["doc"], doc_fiscal_year=data["doc_fiscal_year"],
                                     note=data["note"], expected_version=data["version"])
            except ConcurrentEdit as error:
                form.add_error(None, " ".join(error.messages))
                status = 409
            except Refusal as error:
                form.add_error(None, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, _("บันทึกหลักฐานข้อ %(code)s เป็นร่างแล้ว ส่งให้ผู้บริหารพิจารณาเมื่อพร้อม") % {
                    "code": row.code})
                return redirect(reverse("oit-item", args=[slug, fy, item.code]))
        else:
            status = 400
    checks = list(LinkCheck.objects.filter(answer=answer)[:5]) if answer else []
    return render(request, "oit/item.html", {
        "org": access.org, "fiscal_year": fy, "row": row, "answer": answer, "form": form, "access": access,
        "files": selectors.item_files(access.org, fy, item.code), "checks": checks,
        "editable": access.can_edit and not row.is_auto and (answer is None or answer.editable)}, status=status)


def _transition(request, access, fy, codes, next_url):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("คำขอไม่ถูกต้อง"))
        return redirect(next_url)
    action = form.cleaned_data["action"]
    _require_action(access, action)
    try:
        moved = services.answers_transition(org=access.org, fiscal_year=fy, actor=request.user, action=action,
                                            codes=codes, reason=form.cleaned_data["reason"])
    except Refusal as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(ACTION_DONE[action]) % {"n": moved})
    return redirect(next_url)


@login_required
@require_POST
def transition(request, slug, fy):
    """One step for every answer of the year in the right state (the page's buttons)."""
    access = Access(request, slug)
    if not selectors.year_items(fy):
        raise Http404(_("ไม่มีรายการข้อ OIT ของปีการประเมินนี้"))
    return _transition(request, access, fy, None, _year_url(slug, fy))


@login_required
@require_POST
def item_transition(request, slug, fy, code):
    access = Access(request, slug)
    item = _item_or_404(fy, code)
    return _transition(request, access, fy, [item.code], reverse("oit-item", args=[slug, fy, item.code]))


@login_required
@require_POST
def carry(request, slug, fy):
    """The editor confirms last year's evidence for the items ticked (issue 25 point 6)."""
    access = Access(request, slug)
    access.require_edit()
    offers = selectors.carry_offers(access.org, fy)
    form = CarryForm(request.POST, offers=offers)
    if not form.is_valid():
        messages.error(request, _("กรุณาเลือกข้อที่จะใช้หลักฐานของปีก่อนต่อ"))
        return redirect(_year_url(slug, fy))
    try:
        carried = services.carry_forward(org=access.org, fiscal_year=fy, actor=request.user,
                                         codes=form.cleaned_data["codes"])
    except Refusal as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("ใช้หลักฐานของปีก่อนต่อแล้ว %(n)s ข้อ (เป็นร่าง ตรวจแล้วส่งให้ผู้บริหารพิจารณา)") % {
            "n": carried})
    return redirect(_year_url(slug, fy))
