"""The implement step: a scenario's life-cycle events and the quota that moves on publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from territorial.domain.errors import OptionError, TerritorialError


class ScenarioEventKind(StrEnum):
    """What happened to a scenario."""

    APPROVED = "approved"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class ScenarioEvent:
    """One step of a scenario's history.

    ``effective`` is the first day the alignment holds (publish) or stops holding
    (archive); ``other`` names the alignment it replaced (publish) or that replaced it
    (archive).
    """

    scenario: str
    kind: ScenarioEventKind
    at: datetime
    effective: date | None = None
    other: str | None = None
    by: str | None = None
    note: str = ""
    overridden: bool = False  # went ahead with the override flag past a refusal (see note)


class ScenarioChanged(TerritorialError):
    """The scenario was changed by someone else since the caller read it."""

    def __init__(
        self, scenario: str, expected: int, found: int, by: str | None, at: datetime | None
    ) -> None:
        self.scenario, self.expected, self.found = scenario, expected, found
        who = by or "someone else"
        when = f" at {at:%Y-%m-%d %H:%M:%S} UTC" if at is not None else ""
        super().__init__(
            f"scenario {scenario!r} was changed by {who}{when} (version {found}, you had "
            f"version {expected}); reload"
        )


class NameTaken(OptionError):
    """A scenario name is held by a stored scenario or a design still running."""


@dataclass(frozen=True)
class NameClaim:
    """A scenario name held by a running design until ``expires_at``."""

    name: str
    token: str
    claimed_by: str | None
    claimed_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class QuotaTransferRecord:
    """Quota that moved with an account when an alignment was published."""

    account_external_id: str
    from_territory: str
    to_territory: str
    effective: date
    share: float  # the account's share of its old territory's quota (by the set's basis)
    remaining: float  # share of the old territory's quota still ahead on the effective date
    amount: Decimal

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (money as exact decimal text)."""
        return {
            "account_id": self.account_external_id,
            "from": self.from_territory,
            "to": self.to_territory,
            "effective": str(self.effective),
            "share": self.share,
            "remaining": self.remaining,
            "amount": str(self.amount),
        }
