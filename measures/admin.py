from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from common.admin_mixins import ReadOnlyAdminMixin

from .models import Comment, Evidence, Measure, MeasurePlan, ProgressEntry, ProgressRound, Transition


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Workflow records are written by the services only."""


@admin.register(MeasurePlan)
class MeasurePlanAdmin(admin.ModelAdmin):
    list_display = ["org", "fiscal_year", "status", "updated_at"]
    list_filter = ["fiscal_year", "status"]
    list_select_related = ["org"]
    search_fields = ["org__name"]
    raw_id_fields = ["org", "based_on"]
    show_full_result_count = False


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "order"]
    list_select_related = ["plan", "plan__org"]
    raw_id_fields = ["plan"]
    filter_horizontal = ["responsible_units", "indicators"]
    show_full_result_count = False


@admin.register(ProgressRound)
class ProgressRoundAdmin(admin.ModelAdmin):
    list_display = ["plan", "months", "due_date", "status"]
    list_filter = ["months", "status"]
    list_select_related = ["plan", "plan__org"]
    raw_id_fields = ["plan"]
    show_full_result_count = False


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "round", "state", "percent"]
    list_filter = ["state"]
    list_select_related = ["measure", "round", "round__plan", "round__plan__org"]
    raw_id_fields = ["round", "measure"]
    show_full_result_count = False


@admin.register(Transition)
class TransitionAdmin(ReadOnly):
    list_display = ["created_at", "plan", "round", "action", "actor", "comment"]
    list_select_related = ["plan", "plan__org", "round", "round__plan", "round__plan__org", "actor"]
    show_full_result_count = False


@admin.register(Evidence, Comment)
class RecordAdmin(ReadOnly):
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
