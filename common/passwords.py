"""The rules a new password must pass (settings.AUTH_PASSWORD_VALIDATORS), each with its Thai
message: at least 12 characters, not like the person's own name or email, not on the offline list
of breached passwords (common/data/breached-passwords.txt.gz: nothing is asked of any service when
a password is set), not digits only. Everyone who signs in here is staff (a body's members,
supervisors, the administrator), so the rules are the same for every account. docs/SECURITY.md."""

from pathlib import Path

from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
MIN_LENGTH = 12


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def __init__(self, min_length=MIN_LENGTH):
        super().__init__(min_length=min_length)

    def get_error_message(self):
        return _("รหัสผ่านสั้นเกินไป ต้องยาวอย่างน้อย %(min_length)d ตัวอักษร") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("รหัสผ่านต้องยาวอย่างน้อย %(min_length)d ตัวอักษร") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_rules.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("รหัสผ่านคล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลของท่านมากเกินไป"), code="password_too_similar",
            ) from None

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่คล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลของท่าน")


class BreachedPasswordValidator(django_rules.CommonPasswordValidator):
    """Django's common-password check on the longer offline list of breached passwords."""

    def __init__(self, password_list_path=BREACHED_LIST):
        super().__init__(password_list_path=password_list_path)

    def get_error_message(self):
        return _("รหัสผ่านนี้อยู่ในรายการรหัสผ่านที่รั่วไหลหรือใช้กันทั่วไป ผู้อื่นเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่อยู่ในรายการรหัสผ่านที่รั่วไหลหรือใช้กันทั่วไป")


class NumericPasswordValidator(django_rules.NumericPasswordValidator):
    def get_error_message(self):
        return _("รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด")

    def get_help_text(self):
        return _("รหัสผ่านต้องมีตัวอักษรอื่นนอกจากตัวเลข")
