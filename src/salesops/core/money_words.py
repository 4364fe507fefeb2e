"""Amounts in Chinese capital numerals (大写金额), as written on quotes, invoices and payment documents.

The rules are those of the People's Bank of China for filling in bills and settlement documents (正确填写票据和
结算凭证的基本规定), taking the first form the rules give wherever they allow two:

- digits 零壹贰叁肆伍陆柒捌玖, places 拾佰仟 within groups of four, groups 万 and 亿 (1.5 × 10^12 is
  壹万伍仟亿); the leading 壹 of 壹拾 is always written (12 → 壹拾贰);
- one 零 stands for any run of zeros between two non-zero digits, also across a group boundary
  (1,000,001 → 壹佰万零壹元; 107,000 → 壹拾万柒仟元, since no zero stands between 万 and 柒仟);
- 元 ends the integer part; 零 follows 元 when the 角 digit is 0 and 分 is not (16,409.02 → …玖元零贰分), and
  when the 元 digit is 0 and 角 is not (1,680.32 → 壹仟陆佰捌拾元零叁角贰分);
- 整 follows an amount with neither 角 nor 分 (10.00 → 壹拾元整), and only then; amounts below one yuan start
  at 角 or 分 (0.05 → 伍分); zero is 零元整.
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
LIMIT = 10**16  # yuan; above 亿 the count of 亿 is read like any number below 10^8 (壹万伍仟亿)


def group_words(number: int) -> str:
    """A group of four digits (1 to 9999) without its group name: one 零 per inner run of zeros, none trailing."""
    words = ""
    pending_zero = False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += DIGITS[0]
            pending_zero = False
        words += DIGITS[digit] + PLACES[place]
    return words


def integer_words(number: int) -> str:
    """A whole number of yuan (1 to 10^16 - 1) in capitals, without 元: the part above 亿 (or 万) in words and
    its name, then a 零 if the rest has leading zeros (1,0001 → 壹万零壹), then the rest."""
    for size, name in ((10**8, "亿"), (10**4, "万")):
        if number >= size:
            high, low = divmod(number, size)
            words = integer_words(high) + name
            if low == 0:
                return words
            return words + (DIGITS[0] if low < size // 10 else "") + integer_words(low)
    return group_words(number)


def amount_in_words(amount: Decimal) -> str:
    """`amount` (CNY, rounded half up to the fen) in capitals: Decimal("123456.78") → 壹拾贰万叁仟肆佰伍拾陆元柒角捌分.

    Raises ValueError for negative, non-finite or too large (10^16 and up) amounts."""
    amount = Decimal(amount)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"cannot write {amount} in words")
    cents = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    if cents >= LIMIT * 100:
        raise ValueError(f"{amount} is too large to write in words")
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    words = integer_words(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (words or "零元") + "整"
    if yuan and (jiao == 0 or yuan % 10 == 0):
        words += DIGITS[0]
    if jiao:
        words += DIGITS[jiao] + "角"
    if fen:
        words += DIGITS[fen] + "分"
    return words
