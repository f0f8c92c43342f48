"""The audit actions this app records (docs/ARCHITECTURE.md, "Services, audit and refusals"):
registered in people/apps.py, so ``audit()`` takes them; a new one is a line here, no migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeopleAction(models.TextChoices):
    """A body's people and a person's own account (people/services.py)."""

    PEOPLE_INVITE = "people.invite", _("เชิญบุคลากร")
    PEOPLE_INVITE_SEND = "people.invite_send", _("ส่งอีเมลคำเชิญ")
    PEOPLE_INVITE_CANCEL = "people.invite_cancel", _("ยกเลิกคำเชิญ")
    PEOPLE_INVITE_ACCEPT = "people.invite_accept", _("ตอบรับคำเชิญ")
    PEOPLE_ROLE_ADD = "people.role_add", _("เพิ่มบทบาทให้บัญชีที่มีอยู่")
    PEOPLE_ROLE_CHANGE = "people.role_change", _("เปลี่ยนบทบาท")
    PEOPLE_REMOVE = "people.remove", _("นำบุคลากรออกจากหน่วยงาน")
    PEOPLE_HANDOVER = "people.handover", _("ส่งมอบบทบาท")
    SUPERVISOR_APPOINT = "people.supervisor_appoint", _("แต่งตั้งผู้กำกับดูแลพื้นที่")
    SUPERVISOR_REMOVE = "people.supervisor_remove", _("ยกเลิกผู้กำกับดูแลพื้นที่")
    PROFILE_SAVE = "people.profile", _("แก้ไขชื่อและตำแหน่งของตนเอง")
    PROFILE_EMAIL_REQUEST = "people.profile_email_request", _("ขอเปลี่ยนอีเมลของตนเอง")
    PROFILE_EMAIL_CONFIRM = "people.profile_email_confirm", _("ยืนยันอีเมลใหม่ของตนเองจากลิงก์ในอีเมล")
