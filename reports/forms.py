import hashlib
import re

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from common.text import clean_text, too_long

from .documents import MEASURE_TABLE, RESULT_TABLE, setting_choices
from .models import ReportSettings, UserSignature

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
LAYOUT_FIELDS = ("margins", "header", "body_font_pt")


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
                  "approver_position", "logo", "margins", "header", "body_font_pt"]
        widgets = {"margins": forms.RadioSelect, "header": forms.RadioSelect, "body_font_pt": forms.RadioSelect}
        help_texts = {
            "margins": _("แบบหนังสือราชการ: ขอบซ้าย 3 ซม. ขวา 2 ซม. ตามคำอธิบายการพิมพ์หนังสือราชการของสำนักนายกรัฐมนตรี"),
            "header": _("ระบบไม่พิมพ์ตราครุฑ เลือกได้ระหว่างตราของหน่วยงานหรือหัวเอกสารที่เป็นข้อความอย่างเดียว"),
            "body_font_pt": _("มาตรฐานหนังสือราชการใช้ตัวอักษรขนาด 16 พอยต์"),
        }

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["thai_numerals"].initial = org.thai_numerals
        self.fields["expected_version"].initial = self.instance.version if self.instance.pk else 0
        for name in LAYOUT_FIELDS:  # not sent: kept as they are
            self.fields[name].required = False

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


class SignatureForm(forms.Form):
    """A person's own signature. The checks here are the quick ones (size, the PNG signature
    bytes); ``services.signature_png`` decodes the image and checks the rest."""

    image = forms.FileField(label=_("ภาพลายมือชื่อ (PNG พื้นหลังโปร่งใส ไม่เกิน 300 KB)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/png"}))
    name = forms.CharField(label=_("ชื่อที่พิมพ์ใต้ลายมือชื่อ"), required=False,
                           help_text=_("เช่น นายสมชาย ใจดี เว้นว่างไว้จะใช้ชื่อบัญชีผู้ใช้"))
    position = forms.CharField(label=_("ตำแหน่งที่พิมพ์ใต้ชื่อ"), required=False,
                               help_text=_("เช่น นายกเทศมนตรีเมืองอ่างทอง เว้นว่างไว้จะใช้ตำแหน่งในหน่วยงาน"))

    def __init__(self, *args, signature: UserSignature | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signature = signature
        if signature is not None:
            self.fields["name"].initial, self.fields["position"].initial = signature.name, signature.position
            self.fields["image"].label = _("เปลี่ยนภาพลายมือชื่อ (PNG พื้นหลังโปร่งใส ไม่เกิน 300 KB)")
        for name, limit in (("name", UserSignature._meta.get_field("name").max_length),
                            ("position", UserSignature._meta.get_field("position").max_length)):
            self.fields[name].limit = limit

    def _clean_text(self, name):
        value = clean_text(self.cleaned_data.get(name, "")).strip()
        limit = self.fields[name].limit
        if len(value) > limit:
            raise forms.ValidationError(too_long(self.fields[name].label, len(value), limit))
        return value

    def clean_name(self):
        return self._clean_text("name")

    def clean_position(self):
        return self._clean_text("position")

    def clean_image(self):
        from .services import PNG_MAGIC, SIGNATURE_MAX_BYTES

        image = self.cleaned_data.get("image")
        if not image:
            if self.signature is None:
                raise forms.ValidationError(_("กรุณาเลือกไฟล์ภาพลายมือชื่อ"))
            return None
        if image.size > SIGNATURE_MAX_BYTES:
            raise forms.ValidationError(_("ไฟล์ลายมือชื่อต้องไม่เกิน %(kb)s KB (ไฟล์นี้ %(size)s KB)") % {
                "kb": SIGNATURE_MAX_BYTES // 1024, "size": -(-image.size // 1024)})
        data = image.read()
        if not data.startswith(PNG_MAGIC):
            raise forms.ValidationError(_("ลายมือชื่อต้องเป็นไฟล์ PNG พื้นหลังโปร่งใส"))
        return data


# ---------------------------------------------------------------- /verify/

VERIFY_MAX_BYTES = 20 * 1024 * 1024
SHA256_TEXT = re.compile(r"[0-9a-f]{64}")


class HashedUpload(UploadedFile):
    """An uploaded file of which only the name, the size and the SHA-256 were kept."""

    def __init__(self, name, size, sha256):
        super().__init__(file=None, name=name, size=size)
        self.sha256 = sha256


class HashingUploadHandler(FileUploadHandler):
    """Hashes an uploaded file as it arrives and keeps nothing of it: no memory buffer, no
    temporary file. Past ``limit`` bytes it stops reading the file (``too_large``)."""

    chunk_size = 64 * 1024

    def __init__(self, request=None, limit=VERIFY_MAX_BYTES):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.hasher, self.received = hashlib.sha256(), 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.hasher.update(raw_data)
        return None

    def file_complete(self, file_size):
        return HashedUpload(self.file_name, file_size, self.hasher.hexdigest())


def file_sha256(upload) -> str:
    """The SHA-256 of an uploaded file: from the hashing upload handler, else read in chunks."""
    if isinstance(upload, HashedUpload):
        return upload.sha256
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


class VerifyForm(forms.Form):
    """A published file (a PDF, or an OIT evidence file; hashed, never kept) or its SHA-256 typed or pasted."""

    file = forms.FileField(label=_("ไฟล์ที่ต้องการตรวจสอบ (PDF หรือไฟล์หลักฐาน ITA ไม่เกิน 20 MB)"), required=False,
                           widget=forms.ClearableFileInput(attrs={
                               "accept": "application/pdf,.pdf,.png,.jpg,.jpeg,.xlsx,.docx"}))
    sha256 = forms.CharField(label=_("หรือวางค่า SHA-256 ของไฟล์"), required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                           "placeholder": _("เลขฐานสิบหก 64 ตัว (0–9, a–f)")}))

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_sha256(self):
        text = re.sub(r"\s+", "", self.cleaned_data.get("sha256", "")).lower()
        text = text.removeprefix("sha256:").removeprefix("sha-256:")
        if text and not SHA256_TEXT.fullmatch(text):
            raise forms.ValidationError(_("ค่า SHA-256 ต้องเป็นเลขฐานสิบหก (0–9, a–f) 64 ตัว"))
        return text

    def clean(self):
        data = super().clean()
        if self.too_large:
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน 20 MB เอกสารที่เผยแพร่ผ่านระบบมีขนาดไม่ถึงนี้"))
        upload = data.get("file")
        if upload and upload.size > VERIFY_MAX_BYTES:
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน 20 MB เอกสารที่เผยแพร่ผ่านระบบมีขนาดไม่ถึงนี้"))
        if upload:
            data["digest"] = file_sha256(upload)
        elif data.get("sha256"):
            data["digest"] = data["sha256"]
        elif not self.errors:
            raise forms.ValidationError(_("กรุณาเลือกไฟล์ หรือวางค่า SHA-256 ของไฟล์"))
        return data
