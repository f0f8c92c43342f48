"""/app/people/import/: the people file (the one ``import_people`` reads) uploaded on the web, by the
system administrator (every body, both roles) or a supervisor (the bodies of their area, their
approvers: assessments.access.Policy, which the people pages and services ask too).

Upload → a preview of what each row will do (nothing written) → confirm → the import, all or
nothing, then the mail. The rows travel from the preview to the confirmation signed in a hidden
field (people/importing.py: signed with the uploader and the preview's fingerprint, an hour at
most); the confirmation checks them again and imports only when the import would still do what
the preview showed. docs/PEOPLE.md."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.access import request_roles
from assessments.models import Membership
from common import params
from common.spreadsheet import file_too_big

from . import access as people_access_module
from . import importing, people_io, services
from .invitations import base_url


class PeopleFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("ไฟล์รายชื่อบุคลากร (CSV หรือ XLSX ไม่เกิน 5 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > people_io.MAX_BYTES:
            raise forms.ValidationError(file_too_big(people_io.MAX_BYTES))
        return upload


def _scope(request):
    """(the bodies the user may import into or None for every body, the roles they may give or None
    for both); 403 for anyone but the administrator and supervisors."""
    policy = people_access_module.require_area_supervisor(request)
    if policy.is_admin:
        return None, None
    return policy.area_bodies(), [Membership.Role.APPROVER]


def _page(request, *, form=None, errors=(), plans=None, payload="", filename="", status=200):
    changes = [p for p in plans or [] if p.changes]
    return render(request, "people/people_import.html", {
        "form": form or PeopleFileForm(), "errors": errors, "plans": plans, "payload": payload,
        "filename": filename, "changes": len(changes), "is_admin": request_roles(request).is_admin,
        "web_max_rows": people_io.WEB_MAX_ROWS,
    }, status=status)


def _checked(request, records, area, roles):
    rows = people_io.check_rows(records, area=area, roles=roles)
    return rows, importing.preview(rows, actor=request.user)


@login_required
def people_import(request):
    area, roles = _scope(request)
    if request.method != "POST":
        return _page(request)
    if "payload" in request.POST:
        return _confirm(request, area, roles)
    form = PeopleFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        records = people_io.read_rows(upload.read(), max_rows=people_io.WEB_MAX_ROWS)
        _rows, plans = _checked(request, records, area, roles)
    except people_io.PeopleFileRejected as rejected:
        return _page(request, form=form, errors=rejected.errors, status=400)
    payload = importing.sign(records, user=request.user, filename=upload.name, plans=plans)
    return _page(request, plans=plans, payload=payload, filename=upload.name)


def _confirm(request, area, roles):
    try:
        data = importing.unsign(params.text(request.POST, "payload", max_length=importing.PAYLOAD_MAX_LENGTH),
                                user=request.user)
    except importing.PayloadRejected as rejected:
        return _page(request, errors=[str(rejected)], status=400)
    records, filename = data["records"], data["file"]
    try:
        rows, plans = _checked(request, records, area, roles)
    except people_io.PeopleFileRejected as rejected:
        return _page(request, errors=rejected.errors, status=400)
    if importing.digest(plans) != data["digest"]:
        messages.warning(request, _("ข้อมูลในระบบเปลี่ยนไปหลังจากแสดงตัวอย่าง (เช่น มีผู้ตอบรับหรือเชิญไปแล้ว) "
                                    "ระบบยังไม่ได้นำเข้า กรุณาตรวจรายการด้านล่างอีกครั้งแล้วกดยืนยัน"))
        payload = importing.sign(records, user=request.user, filename=filename, plans=plans)
        return _page(request, plans=plans, payload=payload, filename=filename, status=409)
    try:
        results = services.safe_create(services.people_import, rows=rows, actor=request.user, system=False)
    except services.PeopleError as refused:
        return _page(request, errors=refused.messages, status=400)
    mailed = importing.send_mail(rows, results, actor=request.user, base=base_url(request))
    messages.success(request, _(
        "นำเข้าไฟล์ %(file)s แล้ว %(rows)s แถว: เชิญใหม่ %(invited)s คน, "
        "ส่งคำเชิญที่ยังส่งไม่สำเร็จอีกครั้ง %(resent)s คน, ไม่เปลี่ยนแปลง %(unchanged)s แถว") % {
        "file": filename, "rows": len(rows), **mailed.counts})
    if mailed.failed:
        messages.error(request, _("บันทึกคำเชิญแล้ว แต่ส่งอีเมลไม่สำเร็จ %(count)s ฉบับ คำเชิญเหล่านั้นแสดงว่า "
                                  "“ยังส่งไม่สำเร็จ” นำเข้าไฟล์เดิมอีกครั้งภายหลังเพื่อส่งใหม่") % {
            "count": len(mailed.failed)})
        for line in mailed.failed:
            messages.error(request, line)
    return redirect("people-import")
