"""Forms of the people pages. Lengths are checked by the services (a Thai sentence with the
limit and the length) and the forms carry no maxlength attribute, as elsewhere in the portal."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessments.models import Membership, Province

ROLE_CHOICES = Membership.Role.choices


def _text(label, *, required=False, help_text="", **attrs):
    return forms.CharField(label=label, required=required, help_text=help_text, strip=True,
                           widget=forms.TextInput(attrs=attrs))


class InviteForm(forms.Form):
    email = _text(_("อีเมล"), required=True, type="email", autocomplete="off")
    role = forms.ChoiceField(label=_("บทบาท"), choices=ROLE_CHOICES)
    position = _text(_("ตำแหน่ง"), help_text=_("เช่น นักวิเคราะห์นโยบายและแผน หรือ ปลัดเทศบาล"))

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = [(v, label) for v, label in ROLE_CHOICES if v in roles]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("บทบาทใหม่"), choices=ROLE_CHOICES)


class HandoverForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("ส่งมอบให้บุคลากรของหน่วยงาน"), queryset=get_user_model().objects.none(),
                                       required=False, empty_label=_("— เลือก หรือกรอกอีเมลด้านล่าง —"))
    email = _text(_("หรืออีเมลของผู้รับมอบ"), type="email", autocomplete="off",
                  help_text=_("ถ้ายังไม่มีบัญชี ระบบจะส่งคำเชิญ และผู้ส่งมอบยังคงมีบทบาทเดิมจนกว่าผู้รับมอบจะตอบรับ"))
    position = _text(_("ตำแหน่งของผู้รับมอบ"), help_text=_("เว้นว่าง = ใช้ตำแหน่งเดิม"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["successor"].queryset = people

    def clean(self):
        data = super().clean()
        if bool(data.get("successor")) == bool(data.get("email")):
            raise forms.ValidationError(_("กรุณาเลือกผู้รับมอบจากรายชื่อ หรือกรอกอีเมล อย่างใดอย่างหนึ่ง"))
        return data


class AcceptForm(forms.Form):
    first_name = _text(_("ชื่อ (ภาษาไทย)"), required=True, autocomplete="given-name")
    last_name = _text(_("นามสกุล (ภาษาไทย)"), required=True, autocomplete="family-name")
    position = _text(_("ตำแหน่ง"), help_text=_("พิมพ์ใต้ชื่อของคุณในเอกสารที่คุณจัดทำหรือเห็นชอบ"))
    password1 = forms.CharField(label=_("รหัสผ่าน"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("อย่างน้อย 8 ตัวอักษร ไม่ใช่ตัวเลขล้วน ไม่ใช่รหัสผ่านที่ใช้กันทั่วไป "
                                            "และไม่คล้ายชื่อหรืออีเมลของคุณ"))
    password2 = forms.CharField(label=_("ยืนยันรหัสผ่าน"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("รหัสผ่านทั้งสองช่องไม่ตรงกัน"))
        return data


class ProfileForm(forms.Form):
    first_name = _text(_("ชื่อ (ภาษาไทย)"), required=True, autocomplete="given-name")
    last_name = _text(_("นามสกุล (ภาษาไทย)"), required=True, autocomplete="family-name")
    email = _text(_("อีเมล"), type="email", help_text=_("ใช้รับคำเชิญ การแจ้งเตือน และลิงก์ตั้งรหัสผ่านใหม่ "
                                                        "อีเมลใหม่ใช้ได้เมื่อคุณเปิดลิงก์ยืนยันที่ระบบส่งไปยังอีเมลนั้น"))

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = list(orgs)
        for org in self.orgs:
            self.fields[f"position_{org.pk}"] = _text(_("ตำแหน่งใน%(org)s") % {"org": org.name})

    def positions(self) -> dict[int, str]:
        return {org.pk: self.cleaned_data.get(f"position_{org.pk}", "") for org in self.orgs}


class SupervisorForm(forms.Form):
    email = _text(_("อีเมล"), required=True, type="email", autocomplete="off")
    province = forms.ModelChoiceField(label=_("จังหวัด"), queryset=Province.objects.order_by("name"),
                                      empty_label=_("— เลือกจังหวัด —"))
    district = _text(_("อำเภอ"), help_text=_("เว้นว่าง = ทั้งจังหวัด (ท้องถิ่นจังหวัด); ระบุอำเภอ = ท้องถิ่นอำเภอ"))
