"""Numbers as people write them: ``4,600,000``, ``12.5``, ``0.035``; never ``4.6e+06``."""

from __future__ import annotations

import math


def readable(value: float) -> str:
    """``value`` with thousands separators and no scientific notation.

    Whole numbers and anything of 100 or more print without decimals; smaller numbers keep
    up to two decimals (four below 1), trailing zeros dropped.
    """
    if not math.isfinite(value):
        return str(value)
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    digits = 4 if abs(value) < 1 else 2
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
