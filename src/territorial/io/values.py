"""Parse cell values: text, numbers, integers, booleans, dates; spot formula injection.

Every parser takes a raw cell (a string from CSV, a typed value from XLSX) that is not
empty, and returns the value or raises :class:`ValueError` with a message for the user.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from territorial.io.tabular import Cell

__all__ = [
    "FORMULA_MESSAGE",
    "cell_text",
    "format_number",
    "looks_like_formula",
    "parse_bool",
    "parse_date",
    "parse_float",
    "parse_int",
    "parse_text",
]

FORMULA_MESSAGE = "looks like a spreadsheet formula; remove it or prefix it with an apostrophe"

_CURRENCY = "$€£¥"
_US_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_EU_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d*)?|\d{1,3}(?:\.\d{3})*,\d+")
_PLAIN = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_PHONE_LIKE = re.compile(r"[+-][\d\s().\-/]*")
_TRUE = frozenset({"true", "yes", "y", "1", "x", "t", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "off"})
_DATE_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%y",
    "%Y%m%d",
)
_EXCEL_EPOCH = datetime(1899, 12, 30)


def cell_text(value: Cell) -> str:
    """A cell as text: integral floats lose their ``.0``, dates are ISO."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return "" if value is None else str(value)


def format_number(value: float | int) -> str:
    """Shortest text that reads back as the same number: ``3.0`` → ``"3"``, ``0.1`` → ``"0.1"``."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``).

    A leading ``+``/``-`` followed only by digits, spaces and phone punctuation
    (``+1 (617) 555-0100``) is not a formula; neither is a lone sign.
    """
    if len(text) < 2:
        return False
    first = text[0]
    if first in "=@":
        return True
    if first in "+-":
        return _PHONE_LIKE.fullmatch(text) is None
    return first in "\t\r"


def parse_text(value: Cell) -> str:
    """Text from a cell, trimmed; formula-looking text is refused.

    One leading apostrophe that protects a formula-looking value is removed.
    """
    text = cell_text(value).strip()
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    if isinstance(value, str) and looks_like_formula(text):
        raise ValueError(FORMULA_MESSAGE)
    return text


def parse_float(value: Cell) -> float:
    """A finite number: plain, or with a currency symbol, thousands separators,
    a leading sign, accounting parentheses, or a trailing percent sign (kept as written).
    """
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, int | float):
        result = float(value)
        if not math.isfinite(result):
            raise ValueError("expected a finite number")
        return result
    if not isinstance(value, str):
        raise ValueError("expected a number")
    text = value.strip()
    try:  # fast path for plain numbers
        result = float(text)
    except ValueError:
        result = _parse_formatted(text)
    else:
        if "_" in text or not math.isfinite(result):
            raise ValueError("expected a number")
    return result


def _parse_formatted(text: str) -> float:
    s = text.replace("\u00a0", " ")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith(("+", "-")):
        negative, s = negative != (s[0] == "-"), s[1:]
    if s[:1] and s[0] in _CURRENCY:
        s = s[1:].lstrip()
    elif s[-1:] and s[-1] in _CURRENCY:
        s = s[:-1].rstrip()
    if s.startswith(("+", "-")) and not negative:
        negative, s = s[0] == "-", s[1:]
    if s.endswith("%"):
        s = s[:-1]
    if _PLAIN.fullmatch(s):
        number = float(s)
    elif _US_GROUPED.fullmatch(s):
        number = float(s.replace(",", ""))
    elif _EU_GROUPED.fullmatch(s):
        number = float(s.replace(".", "").replace(",", "."))
    else:
        raise ValueError("expected a number (digits, optional currency symbol and separators)")
    return -number if negative else number


def parse_int(value: Cell) -> int:
    """A whole number (``"1,200"`` and ``"12.0"`` are fine, ``"12.5"`` is not)."""
    number = parse_float(value)
    if not number.is_integer():
        raise ValueError("expected a whole number")
    return int(number)


def parse_bool(value: Cell) -> bool:
    """Yes/no in common spellings: true/false, yes/no, y/n, 1/0, x."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected yes/no or true/false")


def parse_date(value: Cell) -> date:
    """A date: ISO (``2024-03-05``), US (``3/5/2024``), ``05-Mar-2024``, an Excel date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial number that lost its format
            return (_EXCEL_EPOCH + timedelta(days=float(value))).date()
        raise ValueError("expected a date such as 2024-03-31 or 3/31/2024")
    text = cell_text(value).strip()
    if len(text) >= 10 and text[4] == "-":
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    head = text.split(" ")[0] if ":" in text else text  # "3/5/2024 10:00 AM"
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise ValueError("expected a date such as 2024-03-31 or 3/31/2024")
