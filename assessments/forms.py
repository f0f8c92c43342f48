from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Organization, Province

NO_PROVINCE = "none"


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("ชื่อหน่วยงาน"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("เช่น อบต.ดงขวาง หรือ เทศบาลเมืองอ่างทอง"),
                                                      "type": "search"}))
    # Every province, and the bodies recorded without one (``?province=none``, the breadcrumb of
    # such a body links to it): a plain choice of ids, read once (one query).
    province = forms.ChoiceField(label=_("จังหวัด"), required=False)
    district = forms.CharField(label=_("อำเภอ"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            ("", _("ทุกจังหวัด")), *((str(pk), name) for pk, name in Province.objects.values_list("pk", "name")),
            (NO_PROVINCE, _("ไม่ระบุจังหวัด"))]

    def has_query(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("q") or data.get("province") or data.get("district"))

    def province_filter(self) -> dict:
        """The search's province: {"province_id": id}, {"no_province": True} or {}."""
        chosen = self.cleaned_data.get("province")
        if chosen == NO_PROVINCE:
            return {"no_province": True}
        return {"province_id": int(chosen)} if chosen else {}


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("ไฟล์คะแนน (CSV หรือ XLSX ไม่เกิน 5 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.SCORE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("ไฟล์มีขนาดเกิน 5 MB"))
        return upload


class ScoreExportForm(forms.Form):
    org = forms.ModelChoiceField(label=_("หน่วยงาน"), queryset=Organization.objects.none(),
                                 to_field_name="slug")
    format = forms.ChoiceField(label=_("รูปแบบ"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv")

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
