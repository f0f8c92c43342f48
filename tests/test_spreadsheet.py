"""Cells safe to open in a spreadsheet: text that would run as a formula is guarded, numbers are not."""

from decimal import Decimal

import pytest

from common.spreadsheet import spreadsheet_row, spreadsheet_safe, spreadsheet_unquote


@pytest.mark.parametrize("text", ['=HYPERLINK("https://evil.example")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\t=1+1", "\r=1+1", "\n=1+1", "-", "=", "-๑.๕"])
def test_it_prefixes_text_starting_with_a_formula_character_and_unquote_gives_it_back(text):
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_unquote(spreadsheet_safe(text)) == text


@pytest.mark.parametrize("value", [-1.5, 95.08, 0, -3, Decimal("-1.50"), None, True, "-1.5", "+2", "-.5", "95.08",
                                   "มาตรการที่ 1 = ดี", " =ขึ้นต้นด้วยช่องว่าง", "", "'คำพูด"])
def test_it_leaves_numbers_number_text_and_other_text_alone(value):
    assert spreadsheet_safe(value) is value


def test_unquote_removes_only_a_quote_that_guards_a_formula_character():
    assert spreadsheet_unquote("'=x") == "=x"
    assert spreadsheet_unquote("'คำพูด") == "'คำพูด"
    assert spreadsheet_unquote("'-1.5") == "'-1.5"


def test_a_row_guards_each_cell():
    assert spreadsheet_row(["=1", 2, "x", "@a"]) == ["'=1", 2, "x", "'@a"]
