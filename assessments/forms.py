from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.text import clean_text

from .models import Organization, Province
from .score_io import SCOPE_LABELS, SCOPES

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


PART_CHOICES = [("0", _("0 ทั้งหมด")), ("1", _("1 ส่วนที่ 1")), ("2", _("2 ส่วนที่ 2"))]


class ScoreFigureForm(forms.Form):
    """Which figure of a body's year: its scope, code and part, as in the score file."""

    scope = forms.ChoiceField(label=_("ประเภท (scope)"), choices=[(s, f"{SCOPE_LABELS[s]} ({s})") for s in SCOPES])
    code = forms.CharField(label=_("รหัส (code)"), required=False, max_length=20,
                           help_text=_("เครื่องมือ IIT/EIT/OIT, กลุ่มข้อ 9.1, ตัวชี้วัด 1–10, ข้อ i10 หรือ grade/pass "
                                       "สำหรับระดับ เว้นว่างสำหรับคะแนนรวมและข้อความ"))
    part = forms.ChoiceField(label=_("ส่วน (part)"), choices=PART_CHOICES, required=False, initial="0")

    def clean_code(self):
        return clean_text(self.cleaned_data["code"]).strip()


class ScoreEditForm(ScoreFigureForm):
    """One figure typed on the staff page; the service checks it as it checks a file's row."""

    value = forms.CharField(label=_("ค่าที่ประกาศ (value)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("คะแนน 0–100 ทศนิยมไม่เกิน 2 ตำแหน่ง (97.90 หรือ 97,90) ระดับตามที่ประกาศ "
                                        "หรือข้อความ ตามประเภท"))

    def clean_value(self):
        return clean_text(self.cleaned_data["value"])


class ScoreEditStartForm(forms.Form):
    """Which body's figures to open (the import page's chooser)."""

    org = forms.ModelChoiceField(label=_("หน่วยงาน"), queryset=Organization.objects.none(), to_field_name="slug")
    fy = forms.IntegerField(label=_("ปีงบประมาณ"), required=False, min_value=2500, max_value=2700)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
