"""Planning records: quota sets, goals, territory plans and balance snapshots.

Plain dataclasses (periods and quota slices: :mod:`territorial.domain.period`); the
rules that compute them live in ``optimize`` and ``metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from territorial.domain.period import Period, QuotaSlice
from territorial.domain.publishing import QuotaTransferRecord

PLAN_SECTIONS = (
    "goals",
    "strategies",
    "objectives",
    "tactics",
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
)


@dataclass
class TerritoryQuota:
    """One territory's quota for a period, its rep (if any) and its seasonal split."""

    territory: str
    amount: Decimal
    rep_external_id: str | None = None
    overridden: bool = False
    slices: list[QuotaSlice] = field(default_factory=list)


@dataclass
class QuotaSet:
    """The quotas of every territory of a scenario for one period."""

    scenario: str
    period: Period
    total: Decimal
    method: str
    unit: Decimal
    granularity: str
    weights: dict[str, float] = field(default_factory=dict)
    seasonality: tuple[float, ...] = ()
    seasonality_years: int = 0
    created_at: datetime | None = None
    quotas: list[TerritoryQuota] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how it was made (not stored)
    # quota that moved with accounts when this set was carried to a published alignment
    transfers: list[QuotaTransferRecord] = field(default_factory=list)

    @property
    def sum(self) -> Decimal:
        return sum((q.amount for q in self.quotas), Decimal(0))

    def rep_quotas(self) -> dict[str, Decimal]:
        """Quota per rep external id (the sum of their territories)."""
        out: dict[str, Decimal] = {}
        for q in self.quotas:
            if q.rep_external_id:
                out[q.rep_external_id] = out.get(q.rep_external_id, Decimal(0)) + q.amount
        return out


@dataclass
class GoalRecord:
    """A stored SMART goal about a territory or a rep."""

    scope: str  # "territory" or "rep"
    subject: str  # territory name or rep external id
    metric: str
    baseline: float
    target: float
    start: date
    due: date
    owner: str
    description: str = ""
    id: int | None = None


@dataclass
class TerritoryPlan:
    """A written plan: Goals, Strategies, Objectives, Tactics, and a SWOT."""

    scenario: str
    territory: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    updated_at: datetime | None = None

    def section(self, name: str) -> list[str]:
        return list(self.sections.get(name, []))


@dataclass
class BalanceSnapshot:
    """Per-territory deviation from the mean on a measure, kept to measure drift later."""

    scenario: str
    measure: str
    deviations: dict[str, float]
    taken_at: datetime
    reason: str = ""
