"""Phone, e-mail and WeChat ID rules (no database)."""

import pytest
from django.utils import translation

from salesops.customers.phones import normalize_email, normalize_mobile, normalize_phone, normalize_wechat_id, tel_uri


@pytest.fixture(autouse=True)
def english():
    """These tests compare the English messages."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("8619912345678", "19912345678"),
    ],
)
def test_mobile_numbers_are_stored_as_11_digits(raw, stored):
    assert normalize_mobile(raw) == stored


@pytest.mark.parametrize("raw", ["", "12812345678", "1381234567", "138123456789", "1381234567a", "021-58881234"])
def test_anything_else_is_not_a_mobile_number(raw):
    with pytest.raises(ValueError, match="11-digit"):
        normalize_mobile(raw)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("021-58881234", "021-58881234"),
        ("0592-5551234", "0592-5551234"),
        ("(021) 5888 1234", "(021) 5888 1234"),
        ("（021）58881234", "(021)58881234"),
        ("021-58881234 转 801", "021-58881234 转 801"),
        ("021-58881234转801", "021-58881234 转 801"),
        ("021-58881234 ext. 801", "021-58881234 转 801"),
        ("400-820-8820", "400-820-8820"),
        ("+852 2123 4567", "+852 2123 4567"),
        ("+86 138 1234 5678", "13812345678"),
    ],
)
def test_phone_numbers_keep_their_layout_and_extension(raw, stored):
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize("raw", ["", "12345", "call me", "021-5888abcd", "+", "1" * 21])
def test_anything_else_is_not_a_phone_number(raw):
    with pytest.raises(ValueError, match="area code"):
        normalize_phone(raw)


@pytest.mark.parametrize(
    ("phone", "uri"),
    [
        ("13812345678", "tel:13812345678"),
        ("021-58881234", "tel:02158881234"),
        ("021-58881234 转 801", "tel:02158881234,801"),
        ("+852 2123 4567", "tel:+85221234567"),
    ],
)
def test_tel_links_dial_the_digits_then_the_extension(phone, uri):
    assert tel_uri(phone) == uri


def test_email_domains_are_lowercased_and_bad_addresses_refused():
    assert normalize_email(" Wang.Wei@Example.COM ") == "Wang.Wei@example.com"
    for raw in ("wang", "wang@", "@example.com", "wang wei@example.com"):
        with pytest.raises(ValueError, match="e-mail"):
            normalize_email(raw)


def test_wechat_ids():
    assert normalize_wechat_id(" wxid_abc123 ") == "wxid_abc123"
    for raw in ("abc", "has space", "微信号码", "a" * 31):
        with pytest.raises(ValueError, match="WeChat"):
            normalize_wechat_id(raw)
