"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in assessments/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentAction(models.TextChoices):
    """The bodies, their scores and the admin (assessments/services.py, assessments/signals.py)."""

    ORG_CREATE = "org.create", _("เพิ่มหน่วยงาน")
    ORG_UPDATE = "org.update", _("แก้ไขข้อมูลหน่วยงาน")
    ORG_RENAME = "org.rename", _("เปลี่ยนชื่อหน่วยงาน")
    ORGS_IMPORT = "orgs.import", _("นำเข้าทะเบียนหน่วยงาน")
    SCORES_IMPORT = "scores.import", _("นำเข้าคะแนน")
    SCORE_EDIT = "scores.edit", _("บันทึก แก้ไข หรือลบคะแนนทีละรายการ")
    ADMIN_ADD = "admin.add", _("ผู้ดูแลระบบเพิ่มรายการ")
    ADMIN_CHANGE = "admin.change", _("ผู้ดูแลระบบแก้ไขรายการ")
    ADMIN_DELETE = "admin.delete", _("ผู้ดูแลระบบลบรายการ")
    ADMIN_OTHER = "admin.other", _("ผู้ดูแลระบบ (อื่น ๆ)")


class SecurityAction(models.TextChoices):
    """The security log (assessments/security_log.py): signing in and out, failures, lockouts and
    refused access, each with the client's address (docs/SECURITY.md, "The security log")."""

    SIGNIN = "security.signin", _("เข้าสู่ระบบ")
    SIGNOUT = "security.signout", _("ออกจากระบบ")
    SIGNIN_FAILED = "security.signin_failed", _("เข้าสู่ระบบไม่สำเร็จ")
    LOCKED_OUT = "security.locked_out", _("บัญชีถูกระงับชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง")
    FORBIDDEN = "security.forbidden", _("ถูกปฏิเสธการเข้าถึง (403)")
    NOT_FOUND = "security.not_found", _("ขอหน้าเจ้าหน้าที่ที่ไม่มีหรือไม่มีสิทธิ์เห็น (404)")
