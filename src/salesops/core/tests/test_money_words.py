"""Amounts in Chinese capital numerals, checked against the PBOC rules for bills and settlement documents."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesops.core.money_words import DIGITS, amount_in_words

CASES = [
    # 整 only when there is neither 角 nor 分
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("1", "壹元整"),
    ("10.00", "壹拾元整"),
    ("100", "壹佰元整"),
    ("1000", "壹仟元整"),
    ("10000", "壹万元整"),
    # amounts below one yuan start at 角 or 分
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("0.01", "壹分"),
    # 零 after 元 when 角 is 0 and 分 is not; when the 元 digit is 0 and 角 is not
    ("10.05", "壹拾元零伍分"),
    ("10.50", "壹拾元零伍角"),
    ("12.30", "壹拾贰元叁角"),
    ("12.34", "壹拾贰元叁角肆分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("100000.10", "壹拾万元零壹角"),
    # one 零 for a run of zeros inside the number, also across 万 and 亿; none when the gap is only at a group end
    ("101", "壹佰零壹元整"),
    ("1001", "壹仟零壹元整"),
    ("1010.10", "壹仟零壹拾元零壹角"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("100700", "壹拾万零柒佰元整"),
    ("1000001.00", "壹佰万零壹元整"),
    ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
    ("20000000.01", "贰仟万元零壹分"),
    ("100000000", "壹亿元整"),
    ("100010000", "壹亿零壹万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("100000001", "壹亿零壹元整"),
    ("1000000000000", "壹万亿元整"),
    ("1500000000000", "壹万伍仟亿元整"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # rounded half up to the fen first
    ("1.005", "壹元零壹分"),
    ("2.004", "贰元整"),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_amounts_are_written_by_the_rules(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-0.01", "NaN", "Infinity", "1e16"])
def test_negative_non_finite_and_too_large_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))


def read_back(words: str) -> Decimal:
    """An independent reader of capital amounts below 亿: 零 only holds a place, 拾佰仟 multiply the digit before
    them, 万 multiplies everything read so far, 角 and 分 are tenths and hundredths."""
    values = {digit: index for index, digit in enumerate(DIGITS)}
    places = {"拾": 10, "佰": 100, "仟": 1000}
    integer, _, fraction = words.rpartition("元")
    yuan = digit = 0
    for character in integer:
        if character in values:
            digit = values[character]
        elif character in places:
            yuan, digit = yuan + digit * places[character], 0
        elif character == "万":
            yuan, digit = (yuan + digit) * 10**4, 0
    yuan += digit
    cents = sum(
        values[character] * (10 if unit == "角" else 1)
        for character, unit in itertools.pairwise(fraction)
        if unit in "角分" and character in values
    )
    return Decimal(yuan) + Decimal(cents) / 100


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False))
def test_every_amount_below_a_hundred_million_reads_back_to_itself(amount):
    words = amount_in_words(amount)
    assert read_back(words) == amount
    assert ("零零" not in words and not words.startswith("零")) or words == "零元整"
    assert words.endswith("整") == (amount == amount.to_integral_value())
