"""The user admin, with the PDPA actions: export a person's data, erase it."""

import json

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from . import privacy

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    actions = ["export_personal_data", "erase_personal_data"]

    @admin.action(description=_("ส่งออกข้อมูลส่วนบุคคล (JSON)"))
    def export_personal_data(self, request, queryset):
        data = [privacy.personal_data(user) for user in queryset]
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
