"""Balance snapshots: per-territory workload deviation kept to measure drift later."""

from __future__ import annotations

from datetime import UTC, datetime

from territorial.domain import Scenario
from territorial.domain.planning import BalanceSnapshot
from territorial.services.frame import ScenarioFrame
from territorial.storage import UnitOfWork

DRIFT_MEASURE = "workload"
PUBLISH_REASON = "published"  # reasons of snapshots taken by publish start with this


def workload_deviations(frame: ScenarioFrame) -> dict[str, float]:
    """Each territory's workload (its accounts without a location too, as in the
    assessment) relative to the mean over territories with accounts."""
    loads = frame.territory_totals("workload")
    held = frame.territory_totals("accounts")
    used = {t: float(loads[j]) for j, t in enumerate(frame.labels) if held[j] > 0}
    mean = sum(used.values()) / len(used) if used else 0.0
    return {t: (v - mean) / mean if mean > 0 else 0.0 for t, v in used.items()}


def record_balance_snapshot(
    uow: UnitOfWork, scenario: Scenario, frame: ScenarioFrame, reason: str
) -> BalanceSnapshot:
    """Store the scenario's workload balance now (call inside ``with uow``; not committed).

    Monitoring measures drift against the snapshot taken when the scenario was last
    published (reason starting with :data:`PUBLISH_REASON`), else its first snapshot;
    see :func:`drift_baseline`.
    """
    snap = BalanceSnapshot(
        scenario=scenario.name,
        measure=DRIFT_MEASURE,
        deviations=workload_deviations(frame),
        taken_at=datetime.now(UTC),
        reason=reason,
    )
    uow.snapshots.add(snap)
    return snap


def drift_baseline(uow: UnitOfWork, scenario: str) -> BalanceSnapshot | None:
    """The balance drift is measured against (call inside ``with uow``).

    The snapshot taken when ``scenario`` was last published; for a scenario never
    published, its first snapshot (taken by ``quota set`` or ``assign --apply``).
    """
    published = uow.publishing.latest_snapshot(scenario, DRIFT_MEASURE, PUBLISH_REASON)
    return published or uow.snapshots.first(scenario, DRIFT_MEASURE)
