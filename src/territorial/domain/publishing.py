"""The implement step: a scenario's life-cycle events and the quota that moves on publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


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
