"""Splitting a pool's total over weighted units so that the shares add up to the total exactly, to the cent.

Pure arithmetic (no database): the allocation action measures the weights and calls `split`.
"""

import math
from collections.abc import Hashable, Mapping
from decimal import Decimal
from fractions import Fraction


class NothingToAllocateOn(ValueError):
    """No unit has a weight above zero: there is no basis to share the total on."""


def split[K: Hashable](total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Each unit's share of `total` (CNY, at most two decimal places) in proportion to its weight, by the largest
    remainder method: every unit first gets its exact share rounded down to the cent, then the cents still left go
    one each to the units whose exact shares lost the most in that rounding (ties: the larger weight, then the
    order of `weights`). The shares are Decimal cents and sum to `total` exactly.

    Units with a weight of zero or less take no share and are left out of the result; when none is left,
    raises `NothingToAllocateOn`. The arithmetic is exact (fractions), whatever the weights' decimal places."""
    cents = Fraction(Decimal(total)) * 100
    if cents.denominator != 1:
        raise ValueError(f"{total} has more than two decimal places")
    positive = {key: Fraction(Decimal(weight)) for key, weight in weights.items() if weight > 0}
    whole = sum(positive.values(), Fraction(0))
    if not positive:
        raise NothingToAllocateOn("no unit has a weight above zero")
    shares: dict[K, int] = {}
    remainders: dict[K, Fraction] = {}
    for key, weight in positive.items():
        exact = cents * weight / whole
        shares[key] = math.floor(exact)
        remainders[key] = exact - shares[key]
    left = int(cents) - sum(shares.values())
    position = {key: index for index, key in enumerate(positive)}
    for key in sorted(positive, key=lambda k: (-remainders[k], -positive[k], position[k]))[:left]:
        shares[key] += 1
    return {key: Decimal(share).scaleb(-2) for key, share in shares.items()}
