from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Organization, Province


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("ชื่อหน่วยงาน"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("เช่น อบต.ดงขวาง หรือ เทศบาลเมืองอ่างทอง"),
                                                      "type": "search"}))
    province = forms.ModelChoiceField(label=_("จังหวัด"), queryset=Province.objects.all(), required=False,
                                      empty_label=_("ทุกจังหวัด"))
    district = forms.CharField(label=_("อำเภอ"), required=False, max_length=100)

    def has_query(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("q") or data.get("province") or data.get("district"))


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
