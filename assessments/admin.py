from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from common import audit_actions
from common.admin_mixins import ReadOnlyAdminMixin
from common.memo import memoize

from . import framework_io, register_io, services
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
    OrganizationName,
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


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 1
    fields = ["name"]


class RegisterFileForm(forms.Form):
    file = forms.FileField(label=_("ไฟล์ทะเบียนหน่วยงาน (CSV หรือ XLSX)"),
                           help_text=_("รูปแบบเดียวกับไฟล์ที่ส่งออกจากหน้ารายการหน่วยงาน"))


def _register_changes(changes: dict) -> str:
    """What an import changed in a body, in Thai: "อำเภอ: “ก” → “ข”; ชื่ออื่นที่เพิ่ม: …"."""
    parts = []
    for name, (before, after) in changes.items():
        if name == "names":
            parts.append(_("ชื่ออื่นที่เพิ่ม: %(names)s") % {"names": ", ".join(after)})
            continue
        if name == "kind":
            before, after = (Organization.Kind(v).label if v else "" for v in (before, after))
        parts.append(_("%(field)s: “%(before)s” → “%(after)s”") % {
            "field": Organization._meta.get_field(name).verbose_name, "before": before or "", "after": after or ""})
    return "; ".join(parts)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "district", "dla_code", "slug"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    # name: trigram index (migration 0003); district from its start: prefix index (0004)
    search_fields = ["name", "^district"]
    show_full_result_count = False
    # The slug is made from the name when the body is saved (services.organization_save); nobody types it.
    readonly_fields = ["slug", "former_addresses"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [OrganizationNameInline, OrgUnitInline, MembershipInline]
    # The changelist's buttons: templates/admin/assessments/organization/change_list.html

    @admin.display(description=_("ที่อยู่เว็บเดิม (พาไปยังที่อยู่ปัจจุบัน)"))
    def former_addresses(self, obj):
        """Former slugs: shown, never typed or removed (links pasted into ITAS rely on them)."""
        return ", ".join(obj.former_slugs.values_list("slug", flat=True)) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        services.organization_save(org=obj, actor=request.user)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="assessments_organization_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="assessments_organization_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import the register from a CSV or XLSX file: services.organizations_import_file, all or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors, result = [], None
        form = RegisterFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > register_io.MAX_BYTES:
                errors = [_("ไฟล์มีขนาดเกิน %(limit)s MB") % {"limit": register_io.MAX_BYTES // (1024 * 1024)}]
            else:
                try:
                    result = services.organizations_import_file(data=upload.read(), filename=upload.name,
                                                                actor=request.user)
                except register_io.ImportRejected as rejected:
                    errors = rejected.errors
        updated = [(org, _register_changes(changes)) for org, changes in (result.updated[:200] if result else [])]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "errors": errors, "result": result, "updated": updated,
                   "separator": register_io.NAMES_SEPARATOR, "title": _("นำเข้าทะเบียนหน่วยงานจากไฟล์")}
        return TemplateResponse(request, "admin/assessments/organization/register_import.html", context,
                                status=400 if errors else 200)

    def export_view(self, request):
        """The register as the import reads it (XLSX; ?format=csv for CSV)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = register_io.export_rows()
        if request.GET.get("format") == "csv":
            data, content_type, ending = register_io.rows_to_csv(rows), "text/csv; charset=utf-8", "csv"
        else:
            data = register_io.rows_to_xlsx(rows)
            content_type, ending = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="register.{ending}"'
        return response


class ToolInline(admin.TabularInline):
    model = Tool
    extra = 0


class FrameworkFileForm(forms.Form):
    file = forms.FileField(label=_("ไฟล์กรอบการประเมิน (JSON หรือ XLSX)"),
                           help_text=_("ปีเดียวต่อไฟล์ รูปแบบเดียวกับไฟล์ที่คำสั่งโหลดกรอบการประเมินของระบบอ่าน "
                                       "(รายละเอียดในเอกสารประกอบของระบบ)"))


# The framework admin's two pages extend the admin's own templates in place (no template files).
FRAMEWORK_CHANGE_LIST = """{% extends "admin/change_list.html" %}{% load i18n %}
{% block object-tools-items %}<li><a href="{% url 'admin:assessments_framework_upload' %}">
{% translate "โหลดกรอบการประเมินจากไฟล์" %}</a></li>{{ block.super }}{% endblock %}"""
FRAMEWORK_UPLOAD = """{% extends "admin/base_site.html" %}{% load i18n %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">{% translate "Home" %}</a>
&rsaquo; <a href="{% url 'admin:assessments_framework_changelist' %}">{{ opts.verbose_name_plural|capfirst }}</a>
&rsaquo; {{ title }}</div>{% endblock %}
{% block content %}
<p>{% blocktranslate %}ไฟล์หนึ่งไฟล์คือกรอบการประเมินทั้งปี: เครื่องมือและน้ำหนัก ตัวชี้วัด กลุ่ม ข้อ เกณฑ์ระดับ
และข้อ ITA ที่เอกสารแต่ละชนิดใช้ประกอบ ระบบเพิ่มหรือปรับปรุงปีนั้นทั้งไฟล์ หรือไม่บันทึกเลยเมื่อพบข้อผิดพลาด
สิ่งที่ไฟล์ไม่มีจะถูกนำออก เว้นแต่มีคะแนนบันทึกไว้แล้ว ซึ่งทำให้ไม่โหลดทั้งไฟล์{% endblocktranslate %}</p>
{% if errors %}<p class="errornote">{% blocktranslate with count=errors|length %}ไม่ได้โหลดกรอบการประเมิน:
พบข้อผิดพลาด {{ count }} รายการ{% endblocktranslate %}</p>
<ul class="errorlist" data-testid="framework-errors">
{% for error in errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
<form method="post" enctype="multipart/form-data">{% csrf_token %}
<fieldset class="module aligned">{{ form.as_div }}</fieldset>
<div class="submit-row"><input type="submit" class="default" value="{% translate "โหลดไฟล์" %}"></div>
</form>
{% endblock %}"""


@memoize("admin page templates")
def _admin_page(source: str):
    return engines["django"].from_string(source)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "name", "pass_mark"]
    inlines = [ToolInline]

    @property
    def change_list_template(self):
        return _admin_page(FRAMEWORK_CHANGE_LIST)

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="assessments_framework_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        """Load or update one year from a JSON or XLSX file: services.framework_load_file, all or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors = []
        form = FrameworkFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.SCORE_IMPORT_MAX_BYTES:
                errors = [_("ไฟล์มีขนาดเกิน %(limit)s MB") % {"limit": settings.SCORE_IMPORT_MAX_BYTES // (1024 * 1024)}]
            else:
                try:
                    loaded = services.framework_load_file(data=upload.read(), filename=upload.name, actor=request.user)
                except framework_io.FrameworkRejected as rejected:
                    errors = rejected.errors
                else:
                    messages.success(request, _(
                        "โหลดกรอบการประเมิน ITA ปีงบประมาณ %(year)s แล้ว: ตัวชี้วัด %(indicators)s ข้อ %(items)s"
                    ) % {"year": loaded.framework.fiscal_year, **loaded.counts})
                    return redirect("admin:assessments_framework_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "errors": errors, "title": _("โหลดกรอบการประเมินจากไฟล์")}
        return TemplateResponse(request, _admin_page(FRAMEWORK_UPLOAD), context, status=400 if errors else 200)


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
    list_display = ["org", "framework", "overall", "grade", "pass_label", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["framework"]
    list_select_related = ["org", "framework"]
    search_fields = ["org__name"]
    autocomplete_fields = ["org"]
    inlines = [ToolScoreInline, IndicatorScoreInline]


class ScoreRowAdmin(admin.ModelAdmin):
    """A figure edited on its own: its assessment gets a new ``updated_at``, under which the
    evaluated result is kept (assessments/selectors.py ``kept_scorecard``). The assessment's own
    page (with the tool and indicator inlines) saves the assessment, which does the same."""

    list_display = ["assessment", "part", "score"]
    list_select_related = ["assessment__org", "assessment__framework"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.touch_assessments([obj.assessment_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.touch_assessments([obj.assessment_id])

    def delete_queryset(self, request, queryset):
        assessment_ids = set(queryset.values_list("assessment_id", flat=True))
        super().delete_queryset(request, queryset)
        services.touch_assessments(assessment_ids)


for model in (GroupScore, ItemScore):
    admin.site.register(model, ScoreRowAdmin)


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


class ActionFilter(admin.SimpleListFilter):
    """The audit actions by their Thai names: every registered one (common/audit_actions.py; the
    field holds no database choices)."""

    title = _("การกระทำ")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit_actions.registry.choices

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action_name", "org", "summary"]
    list_filter = [ActionFilter]
    list_select_related = ["actor", "org"]
    search_fields = ["summary"]

    @admin.display(description=_("การกระทำ"), ordering="action")
    def action_name(self, event):
        return event.action_label
