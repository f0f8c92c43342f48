from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin_mixins import ReadOnlyAdminMixin

from .documents import Doc
from .models import PublishedDocument, ReportSettings, RepublishJob


class DocFilter(admin.SimpleListFilter):
    """The documents by their titles (the stored key has no database choices)."""

    title = _("เอกสาร")
    parameter_name = "doc"

    def lookups(self, request, model_admin):
        return Doc.choices

    def queryset(self, request, queryset):
        return queryset.filter(doc=self.value()) if self.value() else queryset


@admin.register(PublishedDocument)
class PublishedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published files never change: the admin can read them, not edit or delete them."""

    list_display = ["org", "fiscal_year", "doc_title", "version", "pages", "published_by", "published_at"]
    list_filter = [DocFilter, "fiscal_year"]
    list_select_related = ["org", "published_by"]
    search_fields = ["org__name"]
    exclude = ["snapshot"]
    show_full_result_count = False

    @admin.display(description=_("เอกสาร"), ordering="doc")
    def doc_title(self, document):
        return document.title


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["org", "preparer_name", "approver_name"]
    list_select_related = ["org"]
    raw_id_fields = ["org"]


@admin.register(RepublishJob)
class RepublishJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "province", "state", "done", "failed", "total", "requested_by"]
    list_select_related = ["province", "requested_by"]
