from django import forms
from django.utils.translation import gettext_lazy as _

from .documents import MEASURE_TABLE, RESULT_TABLE, setting_choices
from .models import ReportSettings

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class ReportSettingsForm(forms.ModelForm):
    measure_columns = forms.MultipleChoiceField(label=_("คอลัมน์ที่แสดงในเอกสารมาตรการ"),
                                                choices=setting_choices(MEASURE_TABLE),
                                                widget=forms.CheckboxSelectMultiple, required=False)
    result_columns = forms.MultipleChoiceField(label=_("คอลัมน์ที่แสดงในรายงานผลการดำเนินการ"),
                                               choices=setting_choices(RESULT_TABLE),
                                               widget=forms.CheckboxSelectMultiple, required=False)
    thai_numerals = forms.BooleanField(label=_("ใช้เลขไทยในเอกสาร"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReportSettings
        fields = ["measure_columns", "result_columns", "preparer_name", "preparer_position", "approver_name",
                  "approver_position", "logo"]

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["thai_numerals"].initial = org.thai_numerals
        self.fields["expected_version"].initial = self.instance.version if self.instance.pk else 0

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "read") and getattr(logo, "size", 0):
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError(_("ไฟล์ตราหน่วยงานต้องไม่เกิน 1 MB"))
            head = logo.read(8)
            logo.seek(0)
            if not head.startswith(LOGO_TYPES):
                raise forms.ValidationError(_("ตราหน่วยงานต้องเป็นไฟล์ PNG หรือ JPEG"))
        return logo
