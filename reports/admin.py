from django.contrib import admin

from common.admin_mixins import ReadOnlyAdminMixin

from .models import PublishedDocument, ReportSettings, RepublishJob


@admin.register(PublishedDocument)
class PublishedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published files never change: the admin can read them, not edit or delete them."""

    list_display = ["org", "fiscal_year", "doc", "version", "pages", "published_by", "published_at"]
    list_filter = ["doc", "fiscal_year"]
    list_select_related = ["org", "published_by"]
    search_fields = ["org__name"]
    exclude = ["snapshot"]
    show_full_result_count = False


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["org", "preparer_name", "approver_name"]
    list_select_related = ["org"]
    raw_id_fields = ["org"]


@admin.register(RepublishJob)
class RepublishJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "province", "state", "done", "failed", "total", "requested_by"]
    list_select_related = ["province", "requested_by"]
