"""Accounts: the customers and prospects that territories are made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum


class LocatedBy(StrEnum):
    """How an account's coordinates were obtained."""

    COORDINATES = "coordinates"  # latitude/longitude given in the file
    ZIP = "zip"  # centroid of the ZIP code
    CITY = "city"  # centre of the city (city + state)
    CITY_GUESS = "city_guess"  # a city read from another spelling ("Gainsville", "Town of X")
    UNLOCATED = "unlocated"  # could not be placed; kept out of maps and designs

    @property
    def label(self) -> str:
        """How the account was placed, in words ("3 by a guessed city")."""
        return {"zip": "ZIP", "city_guess": "a guessed city"}.get(self.value, self.value)


def located_summary(counts: Mapping[str, int]) -> str:
    """``{"coordinates": 3, "city_guess": 1}`` in words: "3 by coordinates, 1 by a
    guessed city" (empty when every count is 0)."""
    return ", ".join(f"{n:,} by {LocatedBy(k).label}" for k, n in counts.items() if n)


class AccountStatus(StrEnum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"


@dataclass
class Account:
    """A customer or prospect, identified by the id it has in the CRM."""

    external_id: str
    name: str
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    located_by: LocatedBy = LocatedBy.UNLOCATED
    industry: str | None = None
    employees: int | None = None
    annual_revenue: float | None = None
    potential: float | None = None
    visits_per_year: float | None = None
    visit_minutes: float | None = None
    status: AccountStatus | None = None
    competitor_presence: bool | None = None
    tier: str | None = None
    extra: dict[str, str | float] = field(default_factory=dict)

    @property
    def is_located(self) -> bool:
        return self.located_by is not LocatedBy.UNLOCATED


#: An account's attributes in order (``extra`` last): what is stored and exported.
ACCOUNT_ATTRIBUTES: tuple[str, ...] = tuple(f.name for f in fields(Account))
