"""The administrator sees every notification, its channel (e-mail or LINE), its sending's state
and last error, and can send failed ones again; and who has linked a LINE account."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin_mixins import ReadOnlyAdminMixin

from . import services
from .models import Follow, LineLink, MailState, Notification, Preference


class HasErrorFilter(admin.SimpleListFilter):
    title = _("ข้อผิดพลาด")
    parameter_name = "error"

    def lookups(self, request, model_admin):
        return [("yes", _("มีข้อผิดพลาด")), ("no", _("ไม่มีข้อผิดพลาด"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(last_error="").exclude(state=MailState.SKIPPED)
        if self.value() == "no":
            return queryset.filter(last_error="")
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written only by the services; read here, and failed ones can be sent again."""

    list_display = ["created_at", "recipient", "kind", "org", "channel", "state", "attempts", "next_attempt_at",
                    "sent_at", "fell_back", "last_error"]
    list_filter = ["state", "channel", "fell_back", HasErrorFilter, "kind"]
    list_select_related = ["recipient", "org"]
    search_fields = ["recipient__username", "recipient__email", "key", "last_error"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["send_again"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # for the action only; every field stays read-only

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    change_list_template = "admin/notifications/notification/change_list.html"

    def get_urls(self):
        reminders = path("reminders/", self.admin_site.admin_view(self.reminders_view),
                         name="notifications_notification_reminders")
        return [reminders, *super().get_urls()]

    def reminders_view(self, request):
        """The reminder pass, counted before it starts (e-mails, LINE messages, the month's LINE
        quota), and started on request: services.reminders_run_by (audited)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        if request.method == "POST":
            counts = services.reminders_run_by(actor=request.user)
            messages.success(request, gettext(
                "เริ่มรอบการแจ้งเตือนแล้ว: อีเมลรอส่ง %(email_queued)s ฉบับ, LINE รอส่ง %(line_queued)s ข้อความ") % counts)
            return redirect("admin:notifications_notification_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "preview": services.reminders_preview(), "title": gettext("รอบการแจ้งเตือน: นับก่อนเริ่ม")}
        return TemplateResponse(request, "admin/notifications/notification/reminders.html", context)

    @admin.action(description=_("ส่งอีเมลที่ส่งไม่สำเร็จอีกครั้ง"))
    def send_again(self, request, queryset):
        count = services.requeue(notifications=queryset, actor=request.user)
        messages.success(request, ngettext("ส่งใหม่ %(n)s รายการ", "ส่งใหม่ %(n)s รายการ", count) % {"n": count})


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "email_enabled", "off_kinds", "email_off_kinds", "line_kinds", "line_digest", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "org", "created_at"]
    list_select_related = ["user", "org"]
    search_fields = ["user__username", "org__name"]


class LineWorksFilter(admin.SimpleListFilter):
    title = _("การส่งทาง LINE")
    parameter_name = "works"

    def lookups(self, request, model_admin):
        return [("yes", _("ส่งได้")), ("no", _("ส่งไม่ถึง"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(failed_at__isnull=self.value() == "yes")
        return queryset


@admin.register(LineLink)
class LineLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the linking flow only (notifications/linking.py); a person unlinks on their settings page."""

    list_display = ["user", "linked_at", "failed_at", "last_error"]
    list_filter = [LineWorksFilter]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    exclude = ["line_user_id"]  # LINE's identifier of the person: not shown
