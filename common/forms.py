"""Form fields every app shares (Thai input)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from . import thai


class ThaiDateInput(forms.TextInput):
    """A text box for a date in the Buddhist era (a browser's date input is in the Christian era
    and reads 30/09/2569 as the year 2569 CE)."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": _("วว/ดด/ปปปป (พ.ศ.)"), "inputmode": "numeric", "autocomplete": "off",
                          "class": "thai-date", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return thai.format_date_input(value)
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """A date typed as day/month/Buddhist year (30/09/2569, ๓๐/๙/๒๕๖๙, 30 ก.ย. 2569), with a
    Thai message under the field when it cannot be read; a Christian year is refused."""

    widget = ThaiDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return thai.parse_thai_date(value)
        except thai.DateNotRead as error:
            raise forms.ValidationError(str(error), code="invalid") from None
