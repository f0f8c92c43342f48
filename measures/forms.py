from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from assessments.models import Indicator
from common.thai import format_score

from .models import (
    COMMENT_LIMITS,
    NOTE_LIMITS,
    PLAN_LIMITS,
    ROUND_CHOICES,
    TRANSITION_LIMITS,
    Measure,
    ProgressEntry,
    new_token,
)

TEXTAREA = {"rows": 3, "class": "autogrow"}
TOO_LONG = _("ข้อความยาว %(show_value)s ตัวอักษร เกินกำหนด %(limit_value)s ตัวอักษร กรุณาย่อให้สั้นลง")


def thai_limits(form):
    """Each limited field says its limit and the current length in Thai. No maxlength
    attribute: a browser would cut a long paste silently; the server answers and the text
    stays in the form. ``data-maxlength`` drives the counter under the field."""
    for field in form.fields.values():
        if getattr(field, "max_length", None):
            field.error_messages["max_length"] = TOO_LONG
            field.widget.attrs.pop("maxlength", None)
            field.widget.attrs["data-maxlength"] = field.max_length


class VersionedForm(forms.Form):
    """Carries the version the user started from, so a concurrent save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CreateTokenField(forms.CharField):
    """A one-time token given with a new-thing form: the same form sent twice makes one thing."""

    def __init__(self):
        super().__init__(required=False, widget=forms.HiddenInput, validators=[
            RegexValidator(r"^[0-9a-f]{32}$", _("แบบฟอร์มนี้ใช้ไม่ได้แล้ว กรุณาเปิดหน้าใหม่อีกครั้ง"))])


class MeasureForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    create_token = CreateTokenField()
    monitoring_rounds = forms.TypedMultipleChoiceField(
        label=_("การกำกับติดตาม"), choices=ROUND_CHOICES, coerce=int, initial=[6, 12],
        widget=forms.CheckboxSelectMultiple, required=False)
    new_units = forms.CharField(label=_("เพิ่มผู้รับผิดชอบที่ยังไม่มีในรายการ (บรรทัดละหนึ่งหน่วย)"), required=False,
                                max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "class": "autogrow"}))

    class Meta:
        model = Measure
        fields = ["title", "indicators", "guideline", "analysis", "steps", "period_start", "period_end",
                  "period_text", "responsible_units", "monitoring_rounds", "target", "budget"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "class": "autogrow"}),
            "indicators": forms.CheckboxSelectMultiple,
            "responsible_units": forms.CheckboxSelectMultiple,
            "guideline": forms.Textarea(attrs=TEXTAREA),
            "analysis": forms.Textarea(attrs=TEXTAREA),
            "steps": forms.Textarea(attrs={"rows": 5, "class": "autogrow",
                                           "placeholder": _("เช่น\nแต่งตั้งคณะทำงาน\nจัดประชุมชี้แจง\nเผยแพร่ผลบนเว็บไซต์")}),
            "target": forms.Textarea(attrs={"rows": 2, "class": "autogrow"}),
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, plan, framework, scorecard=None, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)
        self.fields["responsible_units"].queryset = plan.org.units.all()
        self.fields["indicators"].queryset = framework.indicators.all() if framework else Indicator.objects.none()

        def label(indicator):
            text = f"{indicator.number}. {indicator.name}"
            if scorecard is not None:
                figure = scorecard.result.indicator(indicator.number)
                if figure.value is not None:
                    text += f" ({format_score(figure.value)})"
            return text

        self.fields["indicators"].label_from_instance = label
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["create_token"].initial = new_token()

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("กรุณาระบุชื่อมาตรการ"))
        return title

    def clean_new_units(self):
        names = [" ".join(line.split()) for line in self.cleaned_data["new_units"].splitlines()]
        names = [n for n in names if n]
        if any(len(n) > 200 for n in names):
            raise forms.ValidationError(_("ชื่อส่วนราชการยาวเกิน 200 ตัวอักษร"))
        return names

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"))
        return data


class AnalysisForm(VersionedForm):
    analysis_summary = forms.CharField(label=_("สรุปผลการวิเคราะห์ภาพรวม"), required=False,
                                       max_length=PLAN_LIMITS["analysis_summary"],
                                       widget=forms.Textarea(attrs={"rows": 4, "class": "autogrow"}))
    recommendations = forms.CharField(label=_("ข้อเสนอแนะ"), required=False, max_length=PLAN_LIMITS["recommendations"],
                                      widget=forms.Textarea(attrs={"rows": 4, "class": "autogrow"}))

    def __init__(self, *args, note_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in note_keys:
            self.fields[f"note_{key}"] = forms.CharField(
                label=label, required=False, max_length=NOTE_LIMITS["text"],
                widget=forms.Textarea(attrs={"rows": 2, "class": "autogrow"}))
        thai_limits(self)

    def notes(self) -> dict[str, str]:
        return {name[5:]: value.strip() for name, value in self.cleaned_data.items() if name.startswith("note_")}


class EntryForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProgressEntry
        fields = ["state", "percent", "done_text", "output", "outcome", "problems", "remarks"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in
                   ["done_text", "output", "outcome", "problems", "remarks"]}
        widgets["percent"] = forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        data = super().clean()
        state, percent = data.get("state"), data.get("percent")
        if state == ProgressEntry.State.DONE and percent is not None and percent < 100:
            data["percent"] = 100
        if state == ProgressEntry.State.NOT_STARTED and percent:
            self.add_error("percent", _("มาตรการที่ยังไม่เริ่มต้องมีความคืบหน้าร้อยละ 0"))
        return data


class EvidenceForm(forms.Form):
    url = forms.URLField(label=_("ลิงก์หลักฐาน"), required=False, max_length=1000,
                         assume_scheme="https")
    file = forms.FileField(label=_("หรือไฟล์ (PDF, JPEG, PNG ไม่เกิน 10 MB)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    create_token = CreateTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["create_token"].initial = new_token()

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file"):
            raise forms.ValidationError(_("กรุณาใส่ลิงก์หรือเลือกไฟล์หลักฐาน"))
        return data


class DueDateForm(forms.Form):
    due_date = forms.DateField(label=_("กำหนดส่ง"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class KeyListField(forms.Field):
    """The keys of the empty cells the editor confirmed (checkboxes named ``confirm``, one per
    finding; measures/checks.py). The service compares them with the findings of the moment."""

    widget = forms.MultipleHiddenInput
    key = RegexValidator(r"^[a-z0-9-]{1,64}$", _("คำขอไม่ถูกต้อง"))
    most = 2_000

    def to_python(self, value):
        return [str(v) for v in value or []]

    def validate(self, value):
        super().validate(value)
        if len(value) > self.most:
            raise forms.ValidationError(_("คำขอไม่ถูกต้อง"))
        for item in value:
            self.key(item)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("submit", "return", "approve", "publish", "revise")])
    comment = forms.CharField(label=_("ความเห็น / เหตุผล"), required=False, max_length=TRANSITION_LIMITS["comment"],
                              widget=forms.Textarea(attrs={"rows": 2}))
    confirm = KeyListField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("ความเห็น"), max_length=COMMENT_LIMITS["text"],
                           widget=forms.Textarea(attrs={"rows": 2}))
    round = forms.TypedChoiceField(choices=[("", "")] + [(m, m) for m, _label in ROUND_CHOICES], coerce=int,
                                   required=False, empty_value=None, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)


class RecordedAfterForm(VersionedForm):
    """A plan entered from documents the body had already published (at creation, or on the
    plan page while it can be edited): never counted late."""

    recorded_after = forms.BooleanField(label=_("บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว"), required=False)
