from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from assessments import fiscal_years
from assessments.models import Indicator
from common.forms import ThaiDateField
from common.thai import format_score

from .models import (
    COMMENT_LIMITS,
    NOTE_LIMITS,
    PLAN_LIMITS,
    RECORD_LIMITS,
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


def checked_date(day, label):
    """A round's due date within the fiscal years on record and the next
    (assessments.fiscal_years.date_bounds), else the Thai message under it. (A measure's period
    has its own, narrower check: Measure.period_problem.)"""
    if problem := fiscal_years.date_problem(day, str(label)):
        raise forms.ValidationError(problem)
    return day


class ChoicesById(forms.ModelMultipleChoiceField):
    """Ticked rows, sent as their ids. A number no database column holds (past 64 bits) is an
    invalid choice before any query: SQLite cannot even compare it (OverflowError, a 500)."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # Django's own check names it an invalid value
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": str(pk)[:40]})
        return super()._check_values(value)


CHOICE_ERRORS = {"invalid_choice": _("ไม่มีตัวเลือก %(value)s ในรายการ กรุณาเลือกจากรายการอีกครั้ง"),
                 "invalid_pk_value": _("“%(pk)s” ไม่ใช่ตัวเลือกที่ถูกต้อง กรุณาเลือกจากรายการอีกครั้ง")}


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
    # Nothing is ticked for a person: a default would reach the document as if the body had chosen
    # it (a record after the fact would print monitoring its source never had).
    monitoring_rounds = forms.TypedMultipleChoiceField(
        label=_("การกำกับติดตาม"), choices=ROUND_CHOICES, coerce=int,
        widget=forms.CheckboxSelectMultiple, required=False)
    new_units = forms.CharField(label=_("เพิ่มผู้รับผิดชอบที่ยังไม่มีในรายการ (บรรทัดละหนึ่งหน่วย)"), required=False,
                                max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "class": "autogrow"}))

    class Meta:
        model = Measure
        fields = ["title", "indicators", "guideline", "analysis", "steps", "period_start", "period_end",
                  "spans_next_year", "period_text", "responsible_units", "monitoring_rounds", "target", "budget",
                  "record_url"]
        # Dates in the Buddhist era, typed (a browser's date input is in the Christian era).
        field_classes = {"indicators": ChoicesById, "responsible_units": ChoicesById,
                         "period_start": ThaiDateField, "period_end": ThaiDateField}
        error_messages = {"indicators": CHOICE_ERRORS, "responsible_units": CHOICE_ERRORS}
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "class": "autogrow"}),
            # Rendered one by one as Bootstrap's form-check rows (a thumb-sized box, the label the target).
            "indicators": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "responsible_units": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "guideline": forms.Textarea(attrs=TEXTAREA),
            "analysis": forms.Textarea(attrs=TEXTAREA),
            "steps": forms.Textarea(attrs={"rows": 5, "class": "autogrow",
                                           "placeholder": _("เช่น\nแต่งตั้งคณะทำงาน\nจัดประชุมชี้แจง\nเผยแพร่ผลบนเว็บไซต์")}),
            "target": forms.Textarea(attrs={"rows": 2, "class": "autogrow"}),
        }

    def __init__(self, *args, plan, framework, scorecard=None, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)
        self.plan = plan
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
        if plan.recorded_after:
            self.fields["record_url"].label = _("ที่อยู่ของเอกสารต้นฉบับที่เผยแพร่มาตรการนี้ (ถ้ามี)")
            self.fields["record_url"].help_text = _("เอกสาร PDF และหน้าสาธารณะจะแสดงลิงก์นี้ว่าเป็นแหล่งที่มาของข้อมูล")
        else:
            del self.fields["record_url"]
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
        elif start or end:
            probe = Measure(plan=self.plan, period_start=start, period_end=end,
                            spans_next_year=bool(data.get("spans_next_year")))
            if problem := probe.period_problem():
                self.add_error("period_end" if end and not start else "period_start", problem)
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
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        thai_limits(self)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["percent"].required = False
        if not self.instance.pk:
            # Nothing chosen for the person: the model's defaults (not started, 0 %) would reach the
            # report as if the body had said so (a value carried from the 6-month report is kept).
            for name in ("state", "percent"):
                if name not in given:
                    self.initial.pop(name, None)
                self.fields[name].initial = None
            self.fields["state"].choices = [("", _("— เลือกสถานะ —")), *ProgressEntry.State.choices]
            self.fields["state"].error_messages["required"] = _("กรุณาเลือกสถานะการดำเนินงาน")

    def clean(self):
        data = super().clean()
        state, percent = data.get("state"), data.get("percent")
        if percent is None and state:
            if state == ProgressEntry.State.IN_PROGRESS:
                self.add_error("percent", _("กรุณาระบุร้อยละความคืบหน้าของมาตรการที่กำลังดำเนินการ"))
            else:
                data["percent"] = 100 if state == ProgressEntry.State.DONE else 0
        if state == ProgressEntry.State.DONE and percent is not None and percent < 100:
            data["percent"] = 100
        if state == ProgressEntry.State.NOT_STARTED and percent:
            self.add_error("percent", _("มาตรการที่ยังไม่เริ่มต้องมีความคืบหน้าร้อยละ 0"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, most: int = 10, **kwargs):
        self.most = most
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.most:
            raise forms.ValidationError(_("เลือกไฟล์ได้ครั้งละไม่เกิน %(n)s ไฟล์") % {"n": self.most})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class EntryReportForm(EntryForm):
    """A measure's results and its evidence in one form and one save: what was typed is never lost
    to a second form. ``save_token``: the same form sent twice is saved once."""

    links = forms.CharField(label=_("ลิงก์หลักฐาน (บรรทัดละหนึ่งลิงก์)"), required=False, max_length=10_000,
                            widget=forms.Textarea(attrs={"rows": 2, "class": "autogrow", "inputmode": "url",
                                                         "placeholder": "https://"}))
    files = MultipleFileField(label=_("ไฟล์หลักฐาน (PDF, JPEG, PNG ไฟล์ละไม่เกิน 10 MB เลือกได้หลายไฟล์)"),
                              required=False)
    save_token = forms.CharField(required=False, widget=forms.HiddenInput, validators=[
        RegexValidator(r"^[0-9a-f]{32}$", _("แบบฟอร์มนี้ใช้ไม่ได้แล้ว กรุณาเปิดหน้าใหม่อีกครั้ง"))])
    carry = forms.TypedMultipleChoiceField(label=_("ใช้หลักฐานของรอบก่อนด้วย"), required=False, coerce=str,
                                           widget=forms.CheckboxSelectMultiple)
    most_links = 10

    def __init__(self, *args, earlier_evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["save_token"].initial = new_token()
        self.earlier_evidence = {e.token: e for e in earlier_evidence}
        self.fields["carry"].choices = [(e.token, e.original_name or e.url) for e in earlier_evidence]
        if not earlier_evidence:
            del self.fields["carry"]

    def clean_links(self):
        from django.core.validators import URLValidator

        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > self.most_links:
            raise forms.ValidationError(_("ใส่ลิงก์ได้ครั้งละไม่เกิน %(n)s ลิงก์") % {"n": self.most_links})
        links = []
        for number, line in enumerate(lines, start=1):
            url = line if "://" in line else "https://" + line
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError(_("ลิงก์บรรทัดที่ %(n)s “%(url)s” ไม่ใช่ที่อยู่เว็บ") % {
                    "n": number, "url": line[:80]}) from None
            if len(url) > 1000:
                raise forms.ValidationError(_("ลิงก์บรรทัดที่ %(n)s ยาวเกิน 1,000 ตัวอักษร") % {"n": number})
            links.append(url)
        return links

    def carried(self):
        return [self.earlier_evidence[token] for token in self.cleaned_data.get("carry") or []]


class DueDateForm(forms.Form):
    due_date = ThaiDateField(label=_("กำหนดส่งใหม่"))
    reason = forms.CharField(label=_("เหตุผลที่เปลี่ยนกำหนดส่ง (เก็บในประวัติและแจ้งผู้กำกับดูแลพื้นที่)"),
                             max_length=1_000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("กรุณาระบุเหตุผลที่เปลี่ยนกำหนดส่ง")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean_due_date(self):
        return checked_date(self.cleaned_data["due_date"], self.fields["due_date"].label)


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
    create_token = CreateTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)
        self.fields["create_token"].initial = new_token()


class RecordedAfterForm(VersionedForm):
    """A plan entered from documents the body had already published (at creation, or on the
    plan page while it can be edited): never counted late."""

    recorded_after = forms.BooleanField(label=_("บันทึกย้อนหลังจากเอกสารที่เผยแพร่แล้ว"), required=False)
    reason = forms.CharField(label=_("เหตุผล (เก็บในประวัติและแจ้งผู้กำกับดูแลพื้นที่)"), required=False,
                             max_length=1_000, widget=forms.Textarea(attrs={"rows": 2}))


class RecordSourceForm(VersionedForm):
    """What the published source of a record after the fact says; every field optional (the
    document prints no approval date and no signature lines for what the source does not give)."""

    source_url = forms.CharField(label=_("ที่อยู่ (ลิงก์) ของเอกสารต้นฉบับที่เผยแพร่แล้ว"), required=False,
                                 max_length=RECORD_LIMITS["source_url"],
                                 widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://"}))
    source_approved_on = ThaiDateField(label=_("วันที่ให้ความเห็นชอบ ตามเอกสารต้นฉบับ"), required=False)
    source_preparer_name = forms.CharField(label=_("ชื่อผู้จัดทำ ตามเอกสารต้นฉบับ"), required=False,
                                           max_length=RECORD_LIMITS["source_preparer_name"])
    source_preparer_position = forms.CharField(label=_("ตำแหน่งผู้จัดทำ"), required=False,
                                               max_length=RECORD_LIMITS["source_preparer_position"])
    source_approver_name = forms.CharField(label=_("ชื่อผู้รับรอง ตามเอกสารต้นฉบับ"), required=False,
                                           max_length=RECORD_LIMITS["source_approver_name"])
    source_approver_position = forms.CharField(label=_("ตำแหน่งผู้รับรอง"), required=False,
                                               max_length=RECORD_LIMITS["source_approver_position"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thai_limits(self)
