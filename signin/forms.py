"""The code forms of sign-in: a code from the app or a recovery code, and an app code only."""


from django import forms
from django.utils.translation import gettext_lazy


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("รหัสยืนยัน"), max_length=32,
        help_text=gettext_lazy("รหัส 6 หลักที่แอปยืนยันตัวตนแสดงอยู่ขณะนี้ หรือรหัสสำรองหนึ่งรหัส"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": gettext_lazy("กรุณาใส่รหัสยืนยัน")},
    )


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("รหัส 6 หลักจากแอป"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("กรุณาใส่รหัส 6 หลักที่แอปแสดง")},
    )
