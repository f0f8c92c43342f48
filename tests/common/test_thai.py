import datetime
from decimal import Decimal

import pytest

from common import thai


def test_it_formats_dates_in_buddhist_era_with_thai_months_and_digits():
    assert thai.format_date(datetime.date(2025, 10, 1)) == "๑ ตุลาคม ๒๕๖๘"
    assert thai.format_date(datetime.date(2026, 9, 30), thai_digits=False) == "30 กันยายน 2569"


def test_it_names_the_fiscal_year_by_the_later_buddhist_year():
    assert thai.fiscal_year_of(datetime.date(2024, 10, 1)) == 2568
    assert thai.fiscal_year_of(datetime.date(2025, 9, 30)) == 2568
    assert thai.fiscal_year_bounds(2568) == (datetime.date(2024, 10, 1), datetime.date(2025, 9, 30))


def test_it_keeps_two_decimals_on_scores_and_converts_digits_on_request():
    assert thai.format_score(Decimal("95.075")) == "95.08"
    assert thai.format_score(80) == "80.00"
    assert thai.format_score("95.08", thai_digits=True) == "๙๕.๐๘"
    assert thai.format_score(None) == "–"
    assert thai.format_fiscal_year(2568, thai_digits=True) == "พ.ศ. ๒๕๖๘"


@pytest.mark.parametrize("text, expected", [
    ("๙๕.๐๘", Decimal("95.08")), (" 1,000.5 ", Decimal("1000.5")), ("", None), (None, None), (85, Decimal(85)),
])
def test_it_reads_numbers_typed_with_thai_or_arabic_digits(text, expected):
    assert thai.parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "NaN", "inf", "1.2.3"])
def test_it_refuses_what_is_not_a_finite_number(text):
    with pytest.raises(ValueError):
        thai.parse_decimal(text)


def test_the_template_filters_use_the_same_module():
    from django.template import Context, Template

    out = Template("{% load thai %}{{ s|score }} {{ y|fiscal_year:True }} {{ d|thai_date }}").render(
        Context({"s": Decimal("92.875"), "y": 2569, "d": datetime.date(2025, 10, 1)})
    )
    assert out == "92.88 พ.ศ. ๒๕๖๙ ๑ ตุลาคม ๒๕๖๘"


def test_collation_keys_follow_thai_dictionary_order():
    from common.thai import collation_keys

    keys = collation_keys(["ขาม", "ไก่ป่า", "กาล", "เกิด"])
    assert sorted(keys, key=keys.get) == ["กาล", "เกิด", "ไก่ป่า", "ขาม"]
