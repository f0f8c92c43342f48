from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import MAX_BYTES


class UploadForm(forms.Form):
    """A .docx or PDF, or a pasted table (the clipboard's HTML in a hidden field, its text in the
    box)."""

    file = forms.FileField(label=_("ไฟล์ Word (.docx) หรือ PDF"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,application/pdf,"
                                                                  "application/vnd.openxmlformats-officedocument."
                                                                  "wordprocessingml.document"}))
    paste_text = forms.CharField(label=_("หรือวางตารางที่คัดลอกจาก Word, Excel หรือ LibreOffice"), required=False,
                                 strip=False, widget=forms.Textarea(attrs={"rows": 5, "data-paste-target": "1"}))
    paste_html = forms.CharField(required=False, strip=False, widget=forms.HiddenInput(attrs={"data-paste-html": "1"}))
    source_url = forms.CharField(label=_("ที่อยู่ของเอกสารต้นฉบับที่เผยแพร่แล้ว (ถ้ามี)"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None and not (data.get("paste_text") or "").strip() and not (data.get("paste_html") or "").strip():
            raise forms.ValidationError(_("กรุณาเลือกไฟล์ หรือวางตารางในช่อง"))
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("ไฟล์มีขนาดเกิน %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)})
        return data
