"""The one place that formats Thai: Buddhist-era years, fiscal years, dates, numerals.

Templates use these through the ``thai`` template library (ita_portal/templatetags/thai.py).
"""

import calendar
import datetime
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
