"""Phone numbers and e-mail addresses of customer contacts: check, normalise, and make `tel:` links.

Pure functions (no database), so the rules are tested on their own. They raise `ValueError` with a message for
the person who typed the value; the actions turn it into a field error.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Mainland mobile numbers: 11 digits, 1 then 3-9 (GB/T and MIIT numbering plan).
MOBILE = re.compile(r"^1[3-9]\d{9}$")
SEPARATORS = re.compile(r"[\s\-()（）]")
# An extension after the number: "转 801", "ext. 801", "x801", "#801".
EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
PHONE_CHARACTERS = re.compile(r"^\+?[\d\s\-()（）]+$")
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 20
WECHAT_ID = re.compile(r"^[A-Za-z0-9_-]{5,30}$")


def normalize_mobile(raw: str) -> str:
    """An 11-digit mainland mobile number, without spaces, hyphens or a +86 / 0086 country prefix."""
    digits = SEPARATORS.sub("", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not MOBILE.match(digits):
        raise ValueError(_("Enter an 11-digit mobile number starting with 13 to 19, e.g. 13812345678."))
    return digits


def normalize_phone(raw: str) -> str:
    """Any phone number a person can dial: a mobile (normalised as above), or a landline or service number with
    optional area or country code and extension, e.g. 021-58881234, 0592-5551234 转 801, 400-820-8820."""
    text = " ".join((raw or "").split())
    try:
        return normalize_mobile(text)
    except ValueError:
        pass
    number, extension = text, ""
    found = EXTENSION.search(text)
    if found:
        number, extension = text[: found.start()], found.group(1)
    digits = re.sub(r"\D", "", number)
    if not PHONE_CHARACTERS.match(number) or not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise ValueError(_("Enter a phone number with its area code, e.g. 021-58881234 or 021-58881234 转 801."))
    number = number.replace("（", "(").replace("）", ")").strip()
    return f"{number} 转 {extension}" if extension else number


def tel_uri(phone: str) -> str:
    """A `tel:` link that dials the number (and then the extension, after a pause) on a phone."""
    number, extension = phone, ""
    found = EXTENSION.search(phone)
    if found:
        number, extension = phone[: found.start()], found.group(1)
    digits = re.sub(r"\D", "", number)
    prefix = "+" if number.strip().startswith("+") else ""
    return f"tel:{prefix}{digits}" + (f",{extension}" if extension else "")


def display_phone(phone: str) -> str:
    """138 1234 5678 for a stored mobile number (how people read one); other numbers as they were typed."""
    if MOBILE.match(phone or ""):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


def normalize_email(raw: str) -> str:
    """A syntactically valid address; the domain is lowercased (the part before @ may be case-sensitive)."""
    text = (raw or "").strip()
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(_("Enter a valid e-mail address, e.g. wang.wei@example.com.")) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_wechat_id(raw: str) -> str:
    text = (raw or "").strip()
    if not WECHAT_ID.match(text):
        raise ValueError(_("Enter the WeChat ID: 5 to 30 letters, digits, underscores or hyphens."))
    return text
