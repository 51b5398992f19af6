"""Territories, scenarios (alignments), assignments and locks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

DEFAULT_TOLERANCE = 0.05
"""Allowed relative deviation of a balanced measure from the mean when none is given
(0.05 = ±5%): the default of design, assessment, editing and rebalancing."""


class TerritoryLevel(StrEnum):
    REGION = "region"
    DISTRICT = "district"
    TERRITORY = "territory"


class ScenarioStatus(StrEnum):
    """A scenario's life: drafts are edited, one alignment is active at a time.

    A published alignment is ``scheduled`` before its effective date, ``active`` from it
    and ``archived`` once the next one takes effect (read "as of" a day).
    """

    DRAFT = "draft"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ARCHIVED = "archived"


@dataclass
class Territory:
    """A node of the hierarchy region > district > territory."""

    name: str
    level: TerritoryLevel = TerritoryLevel.TERRITORY
    parent: str | None = None  # name of the parent territory in the same scenario
    rep_external_id: str | None = None


@dataclass
class Scenario:
    """One complete mapping of accounts to territories and territories to reps."""

    name: str
    status: ScenarioStatus = ScenarioStatus.DRAFT
    created_by: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    parent: str | None = None  # the scenario this one was derived from
    description: str | None = None
    territories: list[Territory] = field(default_factory=list)
    # account external id -> territory name
    assignments: dict[str, str] = field(default_factory=dict)
    # account external id -> territory name it must stay in
    locks: dict[str, str] = field(default_factory=dict)
    # what a design balanced: measure name -> allowed relative deviation from the mean
    # (0.05 = ±5%); approve and publish check it. Empty for imported or hand-made plans.
    balance_spec: dict[str, float] = field(default_factory=dict)
    # published: first day it holds (None: since always) and first day it no longer does
    effective_from: date | None = None
    effective_to: date | None = None
    # optimistic locking: 0 for a scenario never stored; each stored change adds 1
    version: int = 0
    changed_by: str | None = None
    changed_at: datetime | None = None

    def in_force(self, day: date) -> bool:
        """Whether this published alignment holds on ``day``."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day < self.effective_to
        )

    def territory(self, name: str) -> Territory | None:
        return next((t for t in self.territories if t.name == name), None)

    def leaf_labels(self) -> list[str]:
        """Territory names that hold accounts or are leaves of the hierarchy, in order."""
        used = set(self.assignments.values())
        parents = {t.parent for t in self.territories if t.parent}
        return [t.name for t in self.territories if t.name in used or t.name not in parents]

    def rep_of(self, territory: str) -> str | None:
        t = self.territory(territory)
        return t.rep_external_id if t else None
