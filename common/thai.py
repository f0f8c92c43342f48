"""The one place that formats Thai: Buddhist-era years, fiscal years, dates, numerals.

Templates use these through the ``thai`` template library (common/templatetags/thai.py).
"""

import calendar
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit, thai_strftime

BE_OFFSET = 543
TWO_PLACES = Decimal("0.01")


def to_thai_digits(value) -> str:
    """'95.08' -> '๙๕.๐๘'; anything that is not a digit is kept."""
    return arabic_digit_to_thai_digit(str(value))


def to_arabic_digits(value: str) -> str:
    return thai_digit_to_arabic_digit(value)


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def ce_year(be_year_: int) -> int:
    return be_year_ - BE_OFFSET


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year (พ.ศ.) a day falls in: 1 Oct 2024 .. 30 Sep 2025 is FY 2568."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a fiscal year given in พ.ศ."""
    end_ce = ce_year(fiscal_year)
    return datetime.date(end_ce - 1, 10, 1), datetime.date(end_ce, 9, 30)


def fiscal_month_end(fiscal_year: int, months: int) -> datetime.date:
    """The last day of the ``months``-th month of a fiscal year (6 -> 31 March)."""
    start, _ = fiscal_year_bounds(fiscal_year)
    index = start.month - 1 + months - 1
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def format_number(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits else text


def format_score(value, thai_digits: bool = False) -> str:
    """A score with exactly two decimals ('95.08'); '–' when there is none."""
    if value is None or value == "":
        return "–"
    quantized = Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return format_number(f"{quantized:.2f}", thai_digits)


def format_fiscal_year(fiscal_year, thai_digits: bool = False) -> str:
    """'พ.ศ. 2568' (or 'พ.ศ. ๒๕๖๘')."""
    return "พ.ศ. " + format_number(str(fiscal_year), thai_digits)


def format_date(day: datetime.date | datetime.datetime | None, thai_digits: bool = True) -> str:
    """'1 ตุลาคม 2568' with Thai month names and the Buddhist year (Thai digits by default)."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return thai_strftime(datetime.datetime.combine(day, datetime.time()), "%-d %B %Y", thaidigit=thai_digits)


def format_datetime(moment: datetime.datetime | None, thai_digits: bool = False) -> str:
    """'1 ต.ค. 2568 14:05' in Bangkok time."""
    if moment is None:
        return ""
    from django.utils import timezone

    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return thai_strftime(local, "%-d %b %Y %H:%M", thaidigit=thai_digits)


_MARKUP = re.compile(r"(<[^>]*>)")
# An element marked data-typed holds what a person typed (a measure's title, a result): kept as typed.
_TYPED = re.compile(r"(<([a-zA-Z0-9]+)\b[^>]*\bdata-typed\b[^>]*>.*?</\2>)", re.S)
# A run of text without spaces: digits in one with a Latin letter are a code or an address (o27,
# https://…/2568/, PDF/A-3), kept as they are; character references (&#39;) too.
_WORD = re.compile(r"&#?[0-9A-Za-z]+;|[^\s&]+|&")
_LATIN = re.compile("[A-Za-z]")


def screen_digits(html: str, thai_digits: bool) -> str:
    """One kind of digit on a screen: every digit the portal writes in ``html``'s text (not in its
    tags, attributes, character references, codes or addresses, nor in an element marked
    ``data-typed``: what a person typed stays as typed) as Thai digits, or as Arabic ones. A body's
    public pages follow its setting (Organization.thai_numerals); staff pages are Arabic throughout."""
    convert = to_thai_digits if thai_digits else to_arabic_digits

    def word(match):
        found = match[0]
        return found if found.startswith("&") or _LATIN.search(found) else convert(found)

    def text(part):
        return _WORD.sub(word, part)

    def untyped(part):
        return "".join(piece if index % 2 else text(piece) for index, piece in enumerate(_MARKUP.split(part)))

    pieces = _TYPED.split(html)  # [outside, typed element, its tag name, outside, …]
    return "".join(untyped(piece) if index % 3 == 0 else piece if index % 3 == 1 else ""
                   for index, piece in enumerate(pieces))


def parse_decimal(text) -> Decimal | None:
    """Read a number typed by a person: Thai or Arabic digits, spaces, a thousands comma.

    Returns None for an empty cell and raises ValueError for anything that is not a
    finite number.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        raw = str(text)
    else:
        raw = to_arabic_digits(str(text)).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


def collation_keys(words) -> dict[str, int]:
    """Each distinct word's place in Thai dictionary order (pythainlp's collate: a leading
    เ แ โ ใ ไ does not decide the order, tone marks count last), for sorting in Python."""
    from pythainlp.util import collate

    return {word: place for place, word in enumerate(collate(set(words)))}


THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
               "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
THAI_MONTHS_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
# A year typed by a person: พ.ศ. 2400 and later; a Christian year is refused (ambiguity costs
# a document its date: 30/09/2569 read as the year 2569 CE printed "๓๐ กันยายน ๓๑๑๒").
BE_FIRST = 2400


class DateNotRead(ValueError):
    """A typed date the portal cannot read, with the reason in Thai (``str(error)``)."""


def parse_thai_date(text) -> datetime.date | None:
    """A date typed in the Buddhist era: 30/09/2569, 30-9-2569, ๓๐/๙/๒๕๖๙, 30/09/69, 30 กันยายน 2569,
    30 ก.ย. 2569; or the machine form 2026-09-30 (a Christian year, as a date input sends it) or
    2569-09-30 (a Buddhist one). None when empty; DateNotRead with a Thai reason otherwise."""
    import re

    from django.utils.translation import gettext as _

    if text is None:
        return None
    if isinstance(text, datetime.date):
        return text
    raw = " ".join(to_arabic_digits(str(text)).split())
    if not raw:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        year = ce_year(year) if year >= BE_FIRST else year
    else:
        found = re.fullmatch(r"(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})", raw)
        if found:
            day, month, year = (int(g) for g in found.groups())
            typed_year = found.group(3)
        else:
            found = re.fullmatch(r"(\d{1,2})\s*([ก-๙.]+)\s*(?:พ\.ศ\.\s*)?(\d{2}|\d{4})", raw)
            name = found.group(2).replace(" ", "") if found else ""
            if name in THAI_MONTHS:
                month = THAI_MONTHS.index(name) + 1
            elif name in THAI_MONTHS_SHORT or name + "." in THAI_MONTHS_SHORT:
                month = (THAI_MONTHS_SHORT.index(name) if name in THAI_MONTHS_SHORT
                         else THAI_MONTHS_SHORT.index(name + ".")) + 1
            else:
                raise DateNotRead(_("อ่านวันที่ “%(text)s” ไม่ได้ กรุณาพิมพ์เป็น วัน/เดือน/ปี พ.ศ. เช่น 30/09/2569")
                                  % {"text": str(text)[:40]})
            day, year, typed_year = int(found.group(1)), int(found.group(3)), found.group(3)
        if len(typed_year) == 2:
            year += 2500
        if year < BE_FIRST:
            raise DateNotRead(_("ปี %(year)s ไม่ใช่ปี พ.ศ. กรุณาพิมพ์ปีเป็น พ.ศ. เช่น 30/09/2569") % {"year": year})
        year = ce_year(year)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateNotRead(_("ไม่มีวันที่ “%(text)s” ในปฏิทิน กรุณาตรวจวันและเดือน") % {"text": str(text)[:40]}) from None


def format_date_input(day: datetime.date | None) -> str:
    """What a date field shows for editing: 30/09/2569 (Arabic digits, the Buddhist year)."""
    return f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}" if day else ""
