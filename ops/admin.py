"""The user admin, with the PDPA actions: export a person's data, erase it."""

import json

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from assessments.signals import record_admin_entries
from signin import otp

from . import privacy

User = get_user_model()
admin.site.unregister(User)

# The admin is the portal's, in Thai (tests/ops/test_admin_thai.py).
admin.site.site_header = _("ระบบรายงานผลการประเมิน ITA ขององค์กรปกครองส่วนท้องถิ่น")
admin.site.site_title = _("ผู้ดูแลระบบรายงานผลการประเมิน ITA")
admin.site.index_title = _("งานของผู้ดูแลระบบ")
admin.site.site_url = "/app/"

# Third-party models the operator has no use for in the admin (docs/ARCHITECTURE.md, "The admin"):
# django-otp's devices (secret keys; a lost phone is handled by the user admin's action
# "ยกเลิกการยืนยันตัวตนสองขั้นตอน") and django-tasks-db's queue rows (task paths, arguments and
# tracebacks for developers; the operator follows province-wide re-rendering as RepublishJob).
for _model in (TOTPDevice, StaticDevice, DBTaskResult):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
# django-axes names its app "Axes": the sign-in lockouts, in Thai for the admin's menu.
apps.get_app_config("axes").verbose_name = _("การระงับการเข้าสู่ระบบ")


@admin.action(permissions=["delete"], description=django_delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's action, audited also when several objects go at once: Django then bulk-creates
    their LogEntry rows, which sends no signal (one object goes through the signal)."""
    doomed = list(queryset) if request.POST.get("post") else []
    response = django_delete_selected(modeladmin, request, queryset)
    if response is None and len(doomed) > 1:
        content_type = ContentType.objects.get_for_model(modeladmin.model, for_concrete_model=False)
        record_admin_entries([LogEntry(user_id=request.user.pk, content_type=content_type, object_id=str(obj.pk),
                                       object_repr=str(obj)[:200], action_flag=DELETION) for obj in doomed])
    return response


admin.site.add_action(delete_selected, "delete_selected")


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    actions = ["export_personal_data", "erase_personal_data", "reset_second_factor"]

    @admin.action(description=_("ส่งออกข้อมูลส่วนบุคคล (JSON)"))
    def export_personal_data(self, request, queryset):
        data = privacy.export_personal_data(users=list(queryset), actor=request.user)
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response

    @admin.action(description=_("ลบข้อมูลส่วนบุคคล (เอกสารที่เผยแพร่แล้วคงเดิม)"))
    def erase_personal_data(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk):
            privacy.erase_personal_data(user=user, actor=request.user)
            count += 1
        messages.success(request, _("ลบข้อมูลส่วนบุคคลแล้ว %(n)s บัญชี") % {"n": count})

    @admin.action(description=_("ยกเลิกการยืนยันตัวตนสองขั้นตอน (โทรศัพท์หาย: ให้ตั้งค่าแอปใหม่)"))
    def reset_second_factor(self, request, queryset):
        count = 0
        for user in queryset:
            otp.otp_reset(user=user, actor=request.user)
            count += 1
        messages.success(request, _("ยกเลิกการยืนยันตัวตนสองขั้นตอนแล้ว %(n)s บัญชี ผู้ใช้จะเข้าสู่ระบบด้วยรหัสผ่าน "
                                    "แล้วตั้งค่าแอปใหม่ (เมื่อบัญชีนั้นต้องใช้)") % {"n": count})
