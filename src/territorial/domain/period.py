"""Periods and quota slices: closed date ranges, named like ``2027``, ``2027-Q1``, ``2027-03``.

A :class:`Period` is a closed date range (``start`` and ``end`` both in it) with a
label. Parsed periods and periods built from dates alone get the canonical label of
their range: ``2027`` for a calendar year, ``2027-Q1`` for a calendar quarter,
``2027-03`` for a month, ``2027-01-16..2027-02-28`` otherwise.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from territorial.domain.errors import TerritorialError

__all__ = ["Period", "QuotaSlice", "parse_period"]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _label(start: date, end: date) -> str:
    """The canonical name of the range ``start..end``."""
    y = start.year
    if start.day == 1 and end == _month_end(end.year, end.month) and end.year == y:
        if (start.month, end.month) == (1, 12):
            return f"{y}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{y}-Q{(start.month - 1) // 3 + 1}"
        if start.month == end.month:
            return f"{y}-{start.month:02d}"
    return f"{start}..{end}"


@dataclass(frozen=True)
class Period:
    """A closed date range: ``start`` and ``end`` are both in the period.

    ``label`` names it (by default the canonical name of the range); stored quota sets
    are keyed by it.
    """

    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        if not self.label:
            object.__setattr__(self, "label", _label(self.start, self.end))

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def contains(self, other: Period) -> bool:
        """Whether ``other`` lies inside this period."""
        return self.start <= other.start and other.end <= self.end

    def elapsed_days(self, as_of: date) -> int:
        """Days of the period up to and including ``as_of`` (0..days)."""
        return min(max((as_of - self.start).days + 1, 0), self.days)

    def elapsed_fraction(self, as_of: date) -> float:
        """Share of the period's days elapsed by the end of ``as_of``."""
        return self.elapsed_days(as_of) / self.days

    def remaining_fraction(self, effective: date) -> float:
        """Share of the period's days from ``effective`` (included) to the end."""
        return 1.0 - self.elapsed_days(effective - timedelta(days=1)) / self.days

    def months(self) -> list[tuple[int, int]]:
        """Calendar months ``(year, month)`` the period touches, in order."""
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def month_days(self, year: int, month: int) -> int:
        """Days of calendar month ``(year, month)`` inside the period."""
        lo, hi = max(date(year, month, 1), self.start), min(_month_end(year, month), self.end)
        return max((hi - lo).days + 1, 0)


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_period(text: str) -> Period:
    """Parse ``2027``, ``2027-Q1`` or ``2027-03`` into a :class:`Period`."""
    value = text.strip()
    if m := _YEAR.match(value):
        y = int(m.group(1))
        return Period(date(y, 1, 1), date(y, 12, 31))
    if m := _QUARTER.match(value):
        y, first = int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1
        return Period(date(y, first, 1), _month_end(y, first + 2))
    if (m := _MONTH.match(value)) and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        return Period(date(y, mo, 1), _month_end(y, mo))
    raise TerritorialError(
        f"period {text!r} is not a year (2027), a quarter (2027-Q1) or a month (2027-03)"
    )


@dataclass(frozen=True)
class QuotaSlice:
    """A month or quarter (any closed date range) of a quota."""

    label: str
    start: date
    end: date
    amount: Decimal
