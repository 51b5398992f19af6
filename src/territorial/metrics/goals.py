"""SMART goals per territory or rep and their status from actuals.

Status rules, for a goal running from ``start`` to ``due``:

* ``achieved`` – the actual meets the target (``≥`` when more is better,
  ``≤`` when less is better, e.g. cost);
* ``missed`` – not achieved and ``as_of`` is after the due date;
* otherwise, with ``progress = (actual - baseline) / (target - baseline)`` and
  ``elapsed`` the fraction of the goal's time gone: ``on_track`` if
  ``progress ≥ elapsed - on_track_margin``, ``at_risk`` if within a further
  ``at_risk_margin``, ``behind`` below that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from territorial.domain.numbers import readable

__all__ = [
    "DECREASING_METRICS",
    "Direction",
    "Goal",
    "GoalProgress",
    "GoalStatus",
    "StatusMargins",
    "evaluate_goals",
    "goal_status",
]

_EPS = 1e-9  # boundaries are inclusive despite float noise

DECREASING_METRICS = frozenset({"cost", "cost_of_sales", "churn", "days_to_close", "travel_km"})
"""Metrics where less is better unless the goal says otherwise."""


class GoalStatus(StrEnum):
    """Where a goal stands."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    MISSED = "missed"


class Direction(StrEnum):
    """Whether the metric should go up or down."""

    INCREASE = "increase"
    DECREASE = "decrease"


@dataclass(frozen=True)
class Goal:
    """A SMART goal.

    Parameters
    ----------
    id
        Goal id.
    metric
        ``revenue``, ``new_accounts``, ``visits``, ``win_rate`` or any named
        measure.
    baseline, target
        Value at the start and the value to reach.
    owner
        Who answers for it (a rep or manager id).
    start, due
        The goal's time box (``due`` after ``start``).
    subject
        The territory or rep the goal is about.
    scope
        ``territory`` or ``rep``.
    direction
        ``None`` infers it: decreasing for :data:`DECREASING_METRICS`, else
        from the sign of ``target - baseline``.
    """

    id: str
    metric: str
    baseline: float
    target: float
    owner: str
    start: date
    due: date
    subject: str = ""
    scope: str = "territory"
    direction: Direction | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not self.metric:
            raise ValueError("a goal needs a metric")
        if not self.owner:
            raise ValueError(f"goal {self.id!r} needs an owner")
        if not (math.isfinite(self.baseline) and math.isfinite(self.target)):
            raise ValueError(f"goal {self.id!r}: baseline and target must be finite")
        if self.due <= self.start:
            raise ValueError(f"goal {self.id!r}: due date must be after the start")
        if self.scope not in ("territory", "rep"):
            raise ValueError("scope must be 'territory' or 'rep'")
        d = self.resolved_direction
        if (d is Direction.INCREASE and self.target < self.baseline) or (
            d is Direction.DECREASE and self.target > self.baseline
        ):
            raise ValueError(
                f"goal {self.id!r}: a target of {readable(self.target)} does not {d.value} "
                f"from the baseline {readable(self.baseline)}"
            )

    @property
    def resolved_direction(self) -> Direction:
        """The direction, inferred if not given."""
        if self.direction is not None:
            return Direction(self.direction)
        if self.target < self.baseline or (
            self.target == self.baseline and self.metric in DECREASING_METRICS
        ):
            return Direction.DECREASE
        if self.target > self.baseline:
            return Direction.INCREASE
        return Direction.DECREASE if self.metric in DECREASING_METRICS else Direction.INCREASE


@dataclass(frozen=True)
class StatusMargins:
    """Slack, as fractions of the way to the target."""

    on_track: float = 0.05
    at_risk: float = 0.15

    def __post_init__(self) -> None:
        if not (self.on_track >= 0 and self.at_risk >= 0):
            raise ValueError("margins must be non-negative")


@dataclass(frozen=True)
class GoalProgress:
    """A goal's status on a date."""

    goal: Goal
    actual: float
    progress: float
    elapsed: float
    status: GoalStatus
    sentence: str


def goal_status(
    goal: Goal, actual: float, as_of: date, margins: StatusMargins | None = None
) -> GoalProgress:
    """Status of ``goal`` given the ``actual`` value on ``as_of``."""
    m = margins or StatusMargins()
    if not math.isfinite(actual):
        raise ValueError("actual must be finite")
    up = goal.resolved_direction is Direction.INCREASE
    span = goal.target - goal.baseline
    progress = (
        (actual - goal.baseline) / span if span != 0 else (1.0 if actual == goal.target else 0.0)
    )
    total_days = (goal.due - goal.start).days
    elapsed = min(max((as_of - goal.start).days / total_days, 0.0), 1.0)
    achieved = actual >= goal.target if up else actual <= goal.target
    if achieved:
        status = GoalStatus.ACHIEVED
    elif as_of > goal.due:
        status = GoalStatus.MISSED
    elif progress >= elapsed - m.on_track - _EPS:
        status = GoalStatus.ON_TRACK
    elif progress >= elapsed - m.on_track - m.at_risk - _EPS:
        status = GoalStatus.AT_RISK
    else:
        status = GoalStatus.BEHIND
    who = goal.subject or goal.owner
    sentence = (
        f"{who}: {goal.metric} at {readable(actual)} against a target of "
        f"{readable(goal.target)} ({progress:.0%} of the way from {readable(goal.baseline)} "
        f"with {elapsed:.0%} of the time "
        f"gone): {status.value.replace('_', ' ')}."
    )
    return GoalProgress(goal, actual, progress, elapsed, status, sentence)


def evaluate_goals(
    goals: Sequence[Goal],
    actuals: Mapping[str, float],
    as_of: date,
    margins: StatusMargins | None = None,
) -> list[GoalProgress]:
    """Status of every goal; ``actuals`` maps goal id to its current value.

    A goal with no actual is evaluated at its baseline.
    """
    return [goal_status(g, float(actuals.get(g.id, g.baseline)), as_of, margins) for g in goals]
