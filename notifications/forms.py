from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class PreferenceForm(forms.Form):
    """Per person: e-mail at all, and for each kind whether to be told at all and by e-mail."""

    email_enabled = forms.BooleanField(label=_("รับการแจ้งเตือนทางอีเมล"), required=False)

    def __init__(self, *args, preference=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(Kind.choices)
        for value, _label in self.kinds:
            self.fields[f"on_{value}"] = forms.BooleanField(required=False)
            self.fields[f"email_{value}"] = forms.BooleanField(required=False)
        if preference is not None and not self.is_bound:
            self.initial["email_enabled"] = preference.email_enabled
            for value, _label in self.kinds:
                self.initial[f"on_{value}"] = value not in preference.off_kinds
                self.initial[f"email_{value}"] = value not in preference.email_off_kinds

    def rows(self):
        return [(value, label, self[f"on_{value}"], self[f"email_{value}"]) for value, label in self.kinds]

    def values(self) -> dict:
        data = self.cleaned_data
        return {"email_enabled": data["email_enabled"],
                "off_kinds": [v for v, _label in self.kinds if not data[f"on_{v}"]],
                "email_off_kinds": [v for v, _label in self.kinds if not data[f"email_{v}"]]}
