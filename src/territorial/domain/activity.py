"""What happened: sales (bookings/orders) and visits, per account and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Sale:
    """Revenue booked on one account on one date (monthly history uses the 1st)."""

    account_external_id: str
    date: date
    amount: float
    reference: str | None = None  # order/booking id from the source system


@dataclass(frozen=True)
class Visit:
    """A visit or activity by a rep at an account."""

    account_external_id: str
    date: date
    rep_external_id: str | None = None
    minutes: float | None = None
    kind: str | None = None
