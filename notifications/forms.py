from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PERSON_KINDS

EMAIL, LINE, NONE = "email", "line", "none"


class PreferenceForm(forms.Form):
    """Per person: e-mail at all, and for each kind whether to be told at all and how it is sent:
    by e-mail, by LINE (e-mail instead while LINE cannot deliver it) or not sent (the bell only);
    LINE's daily digest. Without LINE set up (``line_on`` False) the choices are e-mail or none."""

    email_enabled = forms.BooleanField(label=_("รับการแจ้งเตือนทางอีเมล"), required=False)
    line_digest = forms.BooleanField(label=_("รวมข้อความ LINE ของแต่ละวันเป็นข้อความเดียว (ส่งวันละครั้ง)"),
                                     required=False)

    def __init__(self, *args, preference=None, line_on=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(PERSON_KINDS)
        self.line_on = line_on
        choices = [(EMAIL, _("อีเมล")), *([(LINE, _("LINE (ถ้าส่งไม่ได้ใช้อีเมล)"))] if line_on else []),
                   (NONE, _("ไม่ส่ง (แจ้งในระบบเท่านั้น)"))]
        for value, _label in self.kinds:
            self.fields[f"on_{value}"] = forms.BooleanField(required=False)
            # Left out of a post: e-mail (the default of a person who never chose).
            self.fields[f"channel_{value}"] = forms.ChoiceField(choices=choices, initial=EMAIL, required=False)
        if preference is not None and not self.is_bound:
            self.initial["email_enabled"] = preference.email_enabled
            self.initial["line_digest"] = preference.line_digest
            for value, _label in self.kinds:
                self.initial[f"on_{value}"] = value not in preference.off_kinds
                channel = preference.channel_of(value)
                self.initial[f"channel_{value}"] = channel if channel != LINE or line_on else EMAIL

    def rows(self):
        return [(value, label, self[f"on_{value}"], self[f"channel_{value}"]) for value, label in self.kinds]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {"email_enabled": data["email_enabled"],
                  "off_kinds": [v for v, _label in self.kinds if not data[f"on_{v}"]],
                  "email_off_kinds": [v for v, _label in self.kinds if data[f"channel_{v}"] == NONE]}
        if self.line_on:
            values["line_kinds"] = [v for v, _label in self.kinds if data[f"channel_{v}"] == LINE]
            values["line_digest"] = data["line_digest"]
        return values
