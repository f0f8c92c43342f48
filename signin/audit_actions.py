"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in signin/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OtpAction(models.TextChoices):
    """Sign-in with a one-time password (signin/otp.py)."""

    OTP_ENABLE = "otp.enable", _("เปิดใช้การยืนยันตัวตนสองขั้นตอน")
    OTP_RECOVERY_CODES = "otp.recovery_codes", _("สร้างรหัสสำรองชุดใหม่")
    OTP_RECOVERY_USED = "otp.recovery_used", _("เข้าสู่ระบบด้วยรหัสสำรอง")
    OTP_PASSKEY_ADD = "otp.passkey_add", _("เพิ่มพาสคีย์สำหรับยืนยันตัวตนขั้นที่สอง")
    OTP_DISABLE = "otp.disable", _("ปิดการยืนยันตัวตนสองขั้นตอน")
    OTP_RESET = "otp.reset", _("ผู้ดูแลระบบยกเลิกการยืนยันตัวตนสองขั้นตอนของผู้ใช้")
    # In the body's people log (people/selectors.py reads "people."): its approver or area supervisor.
    OTP_RESET_PERSON = "people.otp_reset", _("ยกเลิกการยืนยันตัวตนสองขั้นตอนของบุคลากรที่ทำหายทั้งสองอย่าง")
