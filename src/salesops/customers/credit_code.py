"""Unified social credit code (统一社会信用代码) as GB 32100-2015 defines it.

18 characters from the alphabet 0-9 and A-Z without I, O, Z, S and V:
  1      registration authority   2      organisation type
  3-8    administrative division (six digits)
  9-17   organisation code (GB 11714), whose 9th character is its own check digit (mod 11, X for 10)
  18     check character over the first 17 (weights 3^i mod 31, alphabet value of 31 - sum mod 31)
"""

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(ALPHABET)}
CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


class CreditCodeError(ValueError):
    pass


def organisation_value(char: str) -> int:
    # GB 11714 counts letters A=10 ... Z=35 (not the GB 32100 alphabet positions).
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organisation_check(body: str) -> str:
    remainder = 11 - sum(organisation_value(c) * w for c, w in zip(body, ORGANISATION_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def code_check(first17: str) -> str:
    remainder = 31 - sum(VALUES[c] * w for c, w in zip(first17, CODE_WEIGHTS, strict=True)) % 31
    return ALPHABET[0 if remainder == 31 else remainder]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def validate_credit_code(code: str) -> str:
    """Return the normalised code or raise CreditCodeError saying which rule it breaks."""
    code = normalise(code)
    if len(code) != 18:
        raise CreditCodeError(_("A unified social credit code has 18 characters, not %(n)d.") % {"n": len(code)})
    bad = sorted({c for c in code if c not in VALUES})
    if bad:
        raise CreditCodeError(
            _("Characters not allowed in a credit code: %(chars)s (I, O, Z, S, V never occur).")
            % {"chars": " ".join(bad)}
        )
    if not code[2:8].isdigit():
        raise CreditCodeError(_("Characters 3-8 (the administrative division) must be digits."))
    if organisation_check(code[8:16]) != code[16]:
        raise CreditCodeError(_("The organisation code check digit (character 17) is wrong."))
    if code_check(code[:17]) != code[17]:
        raise CreditCodeError(_("The check character (character 18) is wrong."))
    return code


def complete_credit_code(first16: str) -> str:
    """Append both check characters to 16 characters (used to build valid demo and test codes)."""
    first16 = normalise(first16)
    first17 = first16 + organisation_check(first16[8:16])
    return first17 + code_check(first17)
