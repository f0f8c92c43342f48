"""Query-string and form values that views read themselves (not through a form).

A NUL byte (PostgreSQL refuses it in any text: a DataError), an overlong value, or a
non-number where a number is expected is a bad request: the view answers 400 with the
portal's Thai error page, never a 500 and never a silent fallback. Forms check their own
fields (Django's validators, with Thai messages from locale/th)."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MAX_LENGTH = 200  # longer than any district, status, sort key or page number the pages link to


def text(data, name: str, default: str = "", *, max_length: int = MAX_LENGTH) -> str:
    """``data[name]`` (a QueryDict: request.GET or request.POST), or ``default`` when it is absent."""
    value = data.get(name, default)
    if "\x00" in value or len(value) > max_length:
        raise BadRequest(_("ค่าของ “%(name)s” ในคำขอมีอักขระที่ใช้ไม่ได้หรือยาวเกินไป") % {"name": name})
    return value


def integer(data, name: str, default: int | None = None) -> int | None:
    """A whole number in ``data[name]``, or ``default`` when it is absent or empty."""
    value = text(data, name, max_length=20).strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(_("ค่าของ “%(name)s” ในคำขอต้องเป็นตัวเลขจำนวนเต็ม") % {"name": name}) from None
