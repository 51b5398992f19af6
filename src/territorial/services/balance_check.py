"""Does a scenario still meet the balance it was designed for?

A designed scenario remembers its ``balance_spec`` (measure -> relative tolerance).
Before it is approved or published, each measure's per-territory deviation from the
mean is recomputed from the stored assignments with the functions assessment uses
(:meth:`ScenarioFrame.measure`, :meth:`ScenarioFrame.workload` with the default
travel model, :func:`territorial.metrics.balance.balance_stats`; accounts without a
location count in their territories, :meth:`ScenarioFrame.territory_totals`), over the
scenario's territories (:func:`territorial.services.frame.leaf_labels`). A deviation
beyond the tolerance (plus 1e-9) is a miss; approve and publish refuse a scenario
with a miss unless forced. Scenarios without a spec (imported, hand-made) are not
checked.

A manager limited to a region sees the misses of their territories only; misses
elsewhere are counted, not named (``outside``), and still fail the check: the tolerance
is the whole scenario's, and approving or publishing it is a decision on all of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from territorial.domain import OptionError, Scenario
from territorial.metrics import TravelModel
from territorial.metrics.balance import balance_stats
from territorial.services.frame import ScenarioFrame
from territorial.services.region import in_region


def tolerance_text(fraction: float) -> str:
    """``0.05 -> '5%'``, ``0.025 -> '2.5%'``."""
    return f"{fraction * 100:g}%"


def deviation_text(fraction: float) -> str:
    """``0.0734 -> '+7.3%'``, ``-1.0 -> '-100.0%'``; ``±∞`` for a zero mean."""
    if math.isinf(fraction):
        return "+∞" if fraction > 0 else "-∞"
    return f"{fraction:+.1%}"


@dataclass(frozen=True)
class BalanceMiss:
    """A territory whose total on a measure is outside the tolerance it was designed to."""

    scenario: str
    measure: str
    tolerance: float
    territory: str
    deviation: float  # (total - mean) / mean

    @property
    def excess(self) -> float:
        return abs(self.deviation) - self.tolerance

    def __str__(self) -> str:
        return (
            f"{self.scenario} misses {self.measure} ±{tolerance_text(self.tolerance)} in "
            f"{self.territory} ({deviation_text(self.deviation)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "tolerance": self.tolerance,
            "territory": self.territory,
            "deviation": self.deviation if math.isfinite(self.deviation) else None,
        }


def balance_misses(
    name: str, spec: dict[str, float], frame: ScenarioFrame, travel: TravelModel | None = None
) -> list[BalanceMiss]:
    """Every (measure, territory) of ``spec`` outside its tolerance in ``frame``, the
    largest excess first. Raises for a measure the frame does not have."""
    misses = []
    travel = travel or TravelModel()
    for measure, tolerance in spec.items():
        loads = frame.territory_totals(measure, travel)  # accounts without a location too
        stats = balance_stats(measure, loads, tolerance=tolerance)
        for label, deviation, within in zip(
            frame.labels, stats.deviations, stats.within_tolerance, strict=True
        ):
            if not within:
                misses.append(BalanceMiss(name, measure, tolerance, label, float(deviation)))
    return sorted(misses, key=lambda m: (-m.excess, m.measure, m.territory))


def summary(misses: list[BalanceMiss]) -> str:
    """The worst miss, and how many more: ``X misses potential ±5% in East-2 (+7.3%)``."""
    more = f" (and {len(misses) - 1} more)" if len(misses) > 1 else ""
    return f"{misses[0]}{more}"


@dataclass(frozen=True)
class BalanceCheck:
    """What the check found: the misses, and measures it could not check."""

    misses: tuple[BalanceMiss, ...] = ()
    unchecked: tuple[str, ...] = ()
    outside: int = 0  # misses in territories outside the actor's region (not named)
    scenario: str = ""

    @property
    def passed(self) -> bool:
        return not self.misses and not self.unchecked and not self.outside

    def warning(self) -> str:
        """One line for the user ('' when the check passed)."""
        parts = [summary(list(self.misses))] if self.misses else []
        if self.outside:
            what = "" if self.misses else f"{self.scenario} misses its balance "
            parts.append(
                f"{what}in {self.outside} territor{'y' if self.outside == 1 else 'ies'}"
                " outside your region"
            )
        parts += [
            f"{m!r} could not be checked (the workspace no longer has it)" for m in self.unchecked
        ]
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "misses": [m.to_dict() for m in self.misses],
            "unchecked": list(self.unchecked),
            "outside_region": self.outside,
        }


def check_balance(
    scenario: Scenario, frame: ScenarioFrame, *, force: bool, action: str
) -> BalanceCheck:
    """Check ``scenario``'s ``balance_spec`` in ``frame`` (a frame of it); raises naming
    the worst miss unless ``force``, when the result says what was missed.

    ``action`` is the verb for the message ("approve", "publish"). A measure the
    workspace no longer has (an extra field dropped by a re-import) cannot be checked:
    refused, or reported as unchecked with ``force``.
    """
    spec = scenario.balance_spec
    gone = tuple(m for m in spec if m != "workload" and m not in frame.measures)
    if gone and not force:
        raise OptionError(
            "force",
            f"{scenario.name} was designed to balance {gone[0]!r}, which the workspace no "
            "longer has",
            f"{action} anyway",
        )
    kept = {m: t for m, t in spec.items() if m not in gone}
    misses = balance_misses(scenario.name, kept, frame)
    shown = tuple(m for m in misses if in_region(m.territory))
    check = BalanceCheck(shown, gone, len(misses) - len(shown), scenario.name)
    if misses and not force:
        raise OptionError("force", check.warning(), f"{action} anyway")
    return check
