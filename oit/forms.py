from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.documents import Doc

from .models import ANSWER_LIMITS, Kind
from .services import TRANSITIONS


class AnswerForm(forms.Form):
    """One item's evidence; the service checks every value again (tests post without the form)."""

    kind = forms.ChoiceField(label=_("ชนิดของหลักฐาน"), choices=Kind.choices, widget=forms.RadioSelect)
    url = forms.CharField(label=_("ที่อยู่เว็บ (ถ้าเลือกที่อยู่เว็บภายนอก)"), required=False,
                          widget=forms.URLInput(attrs={"inputmode": "url", "spellcheck": "false",
                                                       "placeholder": "https://"}))
    file = forms.FileField(label=_("ไฟล์ PDF, รูปภาพ PNG/JPEG, XLSX หรือ DOCX (ถ้าเลือกไฟล์ที่อัปโหลด)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.xlsx,.docx"}))
    doc = forms.ChoiceField(label=_("เอกสารของระบบนี้ (ถ้าเลือกเอกสารที่เผยแพร่ผ่านระบบนี้)"), required=False)
    doc_fiscal_year = forms.TypedChoiceField(label=_("ปีงบประมาณของเอกสาร"), coerce=int, required=False,
                                             empty_value=None)
    note = forms.CharField(label=_("หมายเหตุ (แสดงต่อสาธารณะเมื่อเผยแพร่)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc"].choices = [("", "—"), *Doc.choices]
        self.fields["doc_fiscal_year"].choices = [(fiscal_year, fiscal_year), (fiscal_year - 1, fiscal_year - 1)]

    def clean_note(self):
        note = self.cleaned_data.get("note", "")
        if len(note) > ANSWER_LIMITS["note"]:
            raise forms.ValidationError(_("หมายเหตุยาว %(length)s ตัวอักษร เกินกำหนด %(limit)s ตัวอักษร") % {
                "length": len(note), "limit": ANSWER_LIMITS["note"]})
        return note


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in TRANSITIONS])
    reason = forms.CharField(required=False, max_length=2000)


class CarryForm(forms.Form):
    codes = forms.MultipleChoiceField(choices=[], required=True)

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(o.item.code, o.item.code) for o in offers]
