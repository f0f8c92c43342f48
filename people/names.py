"""The name a person signs with: their Thai first and last name, never their login name.

Documents print it (reports/builders.py); submitting, approving and publishing ask for it when
it is missing (measures/services.py, reports/services.py); the profile page sets it."""

from django.utils.translation import gettext_lazy as _

MISSING_NAME = _("ยังไม่ได้บันทึกชื่อและนามสกุลของคุณ เอกสารจะพิมพ์ชื่อและตำแหน่งของผู้จัดทำและผู้เห็นชอบ "
                 "ไม่พิมพ์ชื่อผู้ใช้สำหรับเข้าสู่ระบบ กรุณาบันทึกชื่อ นามสกุล และตำแหน่งที่หน้า “ข้อมูลของฉัน” แล้วทำรายการอีกครั้ง")


def signing_name(user) -> str:
    """First and last name as typed, or "" (a document then prints a dotted line)."""
    if user is None:
        return ""
    return " ".join(part for part in ((user.first_name or "").strip(), (user.last_name or "").strip()) if part)


def has_signing_name(user) -> bool:
    return bool(signing_name(user))


def split_name(text: str) -> tuple[str, str]:
    """"นายสมชาย ใจดี" -> ("นายสมชาย", "ใจดี"): the last word is the family name."""
    words = (text or "").split()
    if len(words) < 2:
        return (" ".join(words), "")
    return (" ".join(words[:-1]), words[-1])
