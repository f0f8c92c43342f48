"""Forms of the measure library: the search (public) and "copy into my plan" (an editor's)."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from assessments import fiscal_years
from assessments.models import Indicator, Organization, Province
from measures.forms import CreateTokenField
from measures.models import new_token

QUERY_MAX = 200  # characters: a query, not a pasted page


def indicator_choices() -> list[tuple[int, str]]:
    """The ten indicators, named as the newest framework names them (one query)."""
    names = {}
    for number, name in Indicator.objects.order_by("tool__framework__fiscal_year").values_list("number", "name"):
        names[number] = name  # the newest year's name wins
    return [(number, _("ตัวชี้วัดที่ %(n)s %(name)s") % {"n": number, "name": name})
            for number, name in sorted(names.items())]


class Select(forms.Select):
    """Django's select, its options written in Python instead of two templates per option (the
    province list has 77, and the search page is public and uncached for signed-in people):
    the same markup, in a fraction of the time. Named Select so crispy gives it the same class."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options, selected = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            is_selected = not selected and option_value in chosen
            selected |= is_selected
            options.append((option_value, flatatt({"selected": is_selected}), label))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           format_html_join("", '<option value="{}"{}>{}</option>', options))


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("คำค้น"), required=False, max_length=QUERY_MAX,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _(
                            "เช่น จัดซื้อ หรือ เปิดเผยข้อมูล หรือ ของขวัญ")}))
    indicator = forms.TypedChoiceField(label=_("ตัวชี้วัด"), required=False, coerce=int, empty_value=None,
                                       widget=Select)
    fiscal_year = forms.TypedChoiceField(label=_("ปีงบประมาณ"), required=False, coerce=int, empty_value=None,
                                         widget=Select)
    province = forms.ModelChoiceField(label=_("จังหวัด"), queryset=Province.objects.all(), required=False,
                                      empty_label=_("ทุกจังหวัด"), widget=Select)
    kind = forms.ChoiceField(label=_("ประเภทหน่วยงาน"), required=False,
                             choices=[("", _("ทุกประเภท")), *Organization.Kind.choices], widget=Select)
    rose = forms.BooleanField(label=_("คะแนนตัวชี้วัดนี้สูงขึ้นในปีถัดไป"), required=False)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("ทุกตัวชี้วัด")), *indicators]
        years = sorted(fiscal_years.plan_years(), reverse=True)
        self.fields["fiscal_year"].choices = [("", _("ทุกปี")), *((y, str(y)) for y in years)]

    def has_query(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) for name in ("q", "indicator", "fiscal_year", "province", "kind", "rose"))


class LibraryCopyForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("คัดลอกไปยังแผนมาตรการ (ฉบับร่างของหน่วยงานของคุณ)"), queryset=None,
                                  empty_label=None)
    indicator = forms.TypedChoiceField(label=_("ตัวชี้วัดที่มาตรการนี้ตอบ"), required=False, coerce=int,
                                       empty_value=None)
    create_token = CreateTokenField()  # the same form sent twice makes one copy

    def __init__(self, *args, plans, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["create_token"].initial = new_token()
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: _("%(org)s ปีงบประมาณ %(fy)s") % {
            "org": plan.org.name, "fy": plan.fiscal_year}
        self.fields["indicator"].choices = [("", _("ไม่ระบุตัวชี้วัด")), *indicators]
