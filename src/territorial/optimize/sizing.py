"""Sales force sizing: how many reps the workload needs, and what one more or less does.

Workload and capacity are in the same unit, typically hours per year
(capacity = hours per week × working weeks).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "HeadcountState",
    "SizingReport",
    "WhatIf",
    "headcount_state",
    "reps_needed",
    "sizing_report",
    "what_if_headcount",
]

WorkloadCallback = Callable[[int], Sequence[float]]
"""Given a headcount, return the workload of each rep (e.g. by re-running design)."""


def _check(total_workload: float, capacity_hours: float, utilisation: float) -> None:
    if not (math.isfinite(total_workload) and total_workload >= 0):
        raise ValueError("total workload must be finite and non-negative")
    if not (math.isfinite(capacity_hours) and capacity_hours > 0):
        raise ValueError("capacity per rep must be positive")
    if not (0 < utilisation <= 1.5):
        raise ValueError("target utilisation must be in (0, 1.5]")


def reps_needed(total_workload: float, capacity_hours: float, utilisation: float = 0.85) -> int:
    """Headcount for a workload: ``ceil(total / (capacity × utilisation))``.

    A ratio within 1e-9 of a whole number counts as that number, so float noise
    never adds a rep. Zero workload needs zero reps.
    """
    _check(total_workload, capacity_hours, utilisation)
    ratio = total_workload / (capacity_hours * utilisation)
    return max(math.ceil(ratio - 1e-9 * max(1.0, ratio)), 0)


@dataclass(frozen=True)
class SizingReport:
    """Headcount needed against the current one."""

    total_workload: float
    capacity_hours: float
    target_utilisation: float
    reps_needed: int
    current_reps: int
    current_utilisation: float
    gap: int
    sentence: str


def sizing_report(
    total_workload: float,
    capacity_hours: float,
    current_reps: int,
    utilisation: float = 0.85,
) -> SizingReport:
    """Compare the headcount the workload needs with the current one."""
    need = reps_needed(total_workload, capacity_hours, utilisation)
    if current_reps < 0:
        raise ValueError("current headcount must be non-negative")
    util = total_workload / (current_reps * capacity_hours) if current_reps else math.inf
    gap = need - current_reps
    if gap > 0:
        verdict = f"{gap} more rep{'s' if gap != 1 else ''} than today's {current_reps}"
    elif gap < 0:
        verdict = f"{-gap} fewer rep{'s' if gap != -1 else ''} than today's {current_reps}"
    else:
        verdict = "exactly today's headcount"
    sentence = (
        f"{total_workload:,.0f} h of workload at {utilisation:.0%} of {capacity_hours:,.0f} h "
        f"per rep needs {need} rep{'s' if need != 1 else ''}: {verdict}."
    )
    return SizingReport(
        total_workload=total_workload,
        capacity_hours=capacity_hours,
        target_utilisation=utilisation,
        reps_needed=need,
        current_reps=current_reps,
        current_utilisation=util,
        gap=gap,
        sentence=sentence,
    )


@dataclass(frozen=True)
class HeadcountState:
    """Workload per rep at a given headcount.

    ``max_utilisation``/``min_utilisation`` are only known when per-rep
    workloads are (from a callback); otherwise they equal the mean.
    """

    reps: int
    mean_workload: float
    utilisation: float
    max_utilisation: float
    min_utilisation: float


def headcount_state(
    total_workload: float,
    reps: int,
    capacity_hours: float,
    workloads: Sequence[float] | None = None,
) -> HeadcountState:
    """Mean workload and utilisation at a headcount (per-rep spread if given)."""
    _check(total_workload, capacity_hours, 1.0)
    if reps <= 0:
        raise ValueError("headcount must be positive")
    if workloads is not None:
        loads = [float(x) for x in workloads]
        if len(loads) != reps:
            raise ValueError(f"callback gave {len(loads)} workloads for {reps} reps")
        mean = sum(loads) / reps
        hi, lo = max(loads) / capacity_hours, min(loads) / capacity_hours
    else:
        mean = total_workload / reps
        hi = lo = mean / capacity_hours
    return HeadcountState(reps, mean, mean / capacity_hours, hi, lo)


@dataclass(frozen=True)
class WhatIf:
    """Before and after a headcount change, with a plain description."""

    before: HeadcountState
    after: HeadcountState
    target_utilisation: float
    sentence: str


def what_if_headcount(
    total_workload: float,
    reps: int,
    capacity_hours: float,
    change: int = 1,
    *,
    utilisation: float = 0.85,
    workloads: WorkloadCallback | None = None,
) -> WhatIf:
    """Describe adding (``change=+1``) or removing (``-1``) reps.

    Parameters
    ----------
    total_workload
        Yearly workload hours of the whole scenario.
    reps
        Current headcount.
    capacity_hours
        Yearly capacity of one rep.
    change
        Reps added (negative: removed).
    utilisation
        Target utilisation the result is compared with.
    workloads
        Optional callback giving per-rep workloads at a headcount; when given
        the spread (busiest and lightest rep) is reported too.
    """
    if change == 0:
        raise ValueError("change must add or remove at least one rep")
    if reps + change <= 0:
        raise ValueError(f"cannot go from {reps} to {reps + change} reps")
    before = headcount_state(
        total_workload, reps, capacity_hours, workloads(reps) if workloads else None
    )
    after = headcount_state(
        total_workload,
        reps + change,
        capacity_hours,
        workloads(reps + change) if workloads else None,
    )
    verb = "Adding" if change > 0 else "Removing"
    n = abs(change)
    word = "one rep" if n == 1 else f"{n} reps"
    trend = "falls" if after.mean_workload < before.mean_workload else "rises"
    sentence = (
        f"{verb} {word} ({reps} → {reps + change}): mean workload per rep {trend} from "
        f"{before.mean_workload:,.0f} h to {after.mean_workload:,.0f} h; utilisation from "
        f"{before.utilisation:.0%} to {after.utilisation:.0%} (target {utilisation:.0%})"
    )
    if workloads is not None:
        sentence += f"; busiest rep at {after.max_utilisation:.0%}"
    return WhatIf(
        before=before, after=after, target_utilisation=utilisation, sentence=sentence + "."
    )
