from django.contrib import admin

from common.admin_mixins import ReadOnlyAdminMixin

from .models import (
    Assessment,
    AuditEvent,
    Framework,
    GroupScore,
    Indicator,
    IndicatorScore,
    Item,
    ItemGroup,
    ItemScore,
    Membership,
    Organization,
    OrgUnit,
    Province,
    SupervisorScope,
    Tool,
    ToolScore,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code"]
    search_fields = ["name", "name_en"]


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "district", "dla_code", "slug"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    # name: trigram index (migration 0003); district from its start: prefix index (0004)
    search_fields = ["name", "^district"]
    show_full_result_count = False
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrgUnitInline, MembershipInline]


class ToolInline(admin.TabularInline):
    model = Tool
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "name", "pass_mark"]
    inlines = [ToolInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["framework", "number", "name", "tool"]
    list_filter = ["framework"]
    list_select_related = ["framework", "tool"]


@admin.register(ItemGroup)
class ItemGroupAdmin(admin.ModelAdmin):
    list_display = ["indicator", "code", "name"]
    list_select_related = ["indicator", "indicator__framework"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["framework", "code", "text", "indicator"]
    list_filter = ["framework"]
    list_select_related = ["framework", "indicator", "indicator__framework"]
    search_fields = ["code", "text"]


class ToolScoreInline(admin.TabularInline):
    model = ToolScore
    extra = 0


class IndicatorScoreInline(admin.TabularInline):
    model = IndicatorScore
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["org", "framework", "overall", "level", "updated_at"]
    list_filter = ["framework"]
    list_select_related = ["org", "framework"]
    search_fields = ["org__name"]
    autocomplete_fields = ["org"]
    inlines = [ToolScoreInline, IndicatorScoreInline]


for model in (GroupScore, ItemScore):
    admin.site.register(model, list_display=["assessment", "part", "score"],
                        list_select_related=["assessment__org", "assessment__framework"])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "org", "role", "position"]
    list_filter = ["role"]
    list_select_related = ["user", "org"]
    autocomplete_fields = ["user", "org"]


@admin.register(SupervisorScope)
class SupervisorScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "province", "district"]
    list_select_related = ["user", "province"]
    autocomplete_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "org", "summary"]
    list_filter = ["action"]
    list_select_related = ["actor", "org"]
    search_fields = ["summary"]
