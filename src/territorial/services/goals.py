"""The goal use cases: add SMART goals for a territory or rep, list them with a status.

A goal's actual is computed from the stored actuals over the goal's window
``[start, as_of]``, for the accounts of the territory (or of every territory the rep
serves) in the active alignment:

- ``revenue``: the sum of sales;
- ``visits``: the number of visits (for a rep: visits by that rep);
- ``new_accounts``: accounts whose first sale ever falls in the window;
- ``accounts``, ``potential`` or any numeric account field: its current sum;
- any other metric has no actual yet and is evaluated at its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from territorial.domain import OptionError, Scenario, TerritorialError
from territorial.domain.planning import GoalRecord
from territorial.domain.users import Role
from territorial.io import write_rows_csv
from territorial.metrics.goals import Goal, GoalProgress, goal_status
from territorial.services import audit
from territorial.services.actor import require, require_territories
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.region import in_region, limited_to
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

SALES_METRICS = ("revenue", "visits", "new_accounts")


@dataclass
class GoalRow:
    """A stored goal with its actual and status on ``as_of``."""

    record: GoalRecord
    progress: GoalProgress
    as_of: date
    source: str  # how the actual was obtained

    def to_dict(self) -> dict[str, Any]:
        g, p = self.record, self.progress
        return {
            "id": g.id,
            "scope": g.scope,
            "subject": g.subject,
            "metric": g.metric,
            "baseline": g.baseline,
            "target": g.target,
            "start": str(g.start),
            "due": str(g.due),
            "owner": g.owner,
            "description": g.description,
            "actual": p.actual,
            "progress": p.progress,
            "elapsed": p.elapsed,
            "status": p.status.value,
            "as_of": str(self.as_of),
            "actual_source": self.source,
            "sentence": p.sentence,
        }


def _goal(record: GoalRecord) -> Goal:
    try:
        return Goal(
            id=str(record.id or 0),
            metric=record.metric,
            baseline=record.baseline,
            target=record.target,
            owner=record.owner,
            start=record.start,
            due=record.due,
            subject=record.subject,
            scope=record.scope,
            description=record.description,
        )
    except ValueError as exc:
        raise TerritorialError(str(exc)) from None


def add_goal(
    uow: UnitOfWork,
    *,
    territory: str | None = None,
    rep: str | None = None,
    metric: str,
    baseline: float,
    target: float,
    due: date,
    start: date | None = None,
    owner: str | None = None,
    description: str = "",
) -> GoalRecord:
    """Store a SMART goal for a territory of the active alignment or a rep."""
    require(Role.MANAGER, "set goals")
    if (territory is None) == (rep is None):
        raise OptionError("territory", "give exactly one of a territory or a rep")
    with uow:
        uow.write_lock()
        if territory is not None:
            scenario = resolve_scenario(uow)
            found = scenario.territory(territory)
            if found is None:
                names = ", ".join(t.name for t in scenario.territories)
                raise TerritorialError(f"no territory {territory!r} in {scenario.name!r} ({names})")
            require_territories([territory], "this goal")
            scope, subject = "territory", territory
            default_owner = found.rep_external_id or territory
        else:
            assert rep is not None
            reps = uow.reps.list()
            match = next(
                (r for r in reps if rep.lower() in (r.external_id.lower(), r.name.lower())), None
            )
            if match is None:
                raise TerritorialError(f"no rep with id or name {rep!r}")
            held = [
                t.name
                for t in resolve_scenario(uow).territories
                if t.rep_external_id == match.external_id
            ]
            require_territories(held or [None], "this rep's goal")  # a rep of the region
            scope, subject, default_owner = "rep", match.external_id, match.external_id
        record = GoalRecord(
            scope=scope,
            subject=subject,
            metric=metric.strip().lower(),
            baseline=baseline,
            target=target,
            start=start or date.today(),
            due=due,
            owner=owner or default_owner,
            description=description,
        )
        _goal(record)  # validates
        uow.goals.add(record)
        audit.record(
            uow,
            "goal.add",
            f"{scope} {subject}",
            None,
            {
                "metric": record.metric,
                "baseline": baseline,
                "target": target,
                "due": str(due),
                "owner": record.owner,
            },
        )
        uow.commit()
    return record


def _goal_in_region(scenario: Scenario, record: GoalRecord) -> bool:
    if record.scope == "territory":
        return in_region(record.subject)
    return any(
        in_region(t.name) for t in scenario.territories if t.rep_external_id == record.subject
    )


def _accounts_of(scenario: Scenario, record: GoalRecord) -> set[str]:
    if record.scope == "territory":
        names = {record.subject}
    else:
        names = {t.name for t in scenario.territories if t.rep_external_id == record.subject}
    return {ext for ext, terr in scenario.assignments.items() if terr in names}


class _Actuals:
    """Lazy access to the actuals a set of goals needs."""

    def __init__(self, uow: UnitOfWork, scenario: Scenario) -> None:
        self.uow = uow
        self.scenario = scenario
        self._frame: ScenarioFrame | None = None
        self.sales = uow.sales.list()
        self.visits = uow.visits.list()
        first: dict[str, date] = {}
        for s in self.sales:
            if s.account_external_id not in first or s.date < first[s.account_external_id]:
                first[s.account_external_id] = s.date
        self.first_sale = first

    def frame(self) -> ScenarioFrame:
        if self._frame is None:
            self._frame = load_frame(self.uow, self.scenario)
        return self._frame

    def value(self, record: GoalRecord, as_of: date) -> tuple[float, str]:
        ids = _accounts_of(self.scenario, record)
        lo, hi = record.start, min(as_of, record.due)
        window = f"{lo} to {hi}"
        if record.metric == "revenue":
            total = sum(
                s.amount for s in self.sales if s.account_external_id in ids and lo <= s.date <= hi
            )
            return total, f"sales {window}"
        if record.metric == "visits":
            if record.scope == "rep":
                n = sum(
                    1
                    for v in self.visits
                    if v.rep_external_id == record.subject and lo <= v.date <= hi
                )
            else:
                n = sum(
                    1 for v in self.visits if v.account_external_id in ids and lo <= v.date <= hi
                )
            return float(n), f"visits {window}"
        if record.metric == "new_accounts":
            n = sum(1 for ext in ids if lo <= self.first_sale.get(ext, date.max) <= hi)
            return float(n), f"accounts with a first sale {window}"
        frame = self.frame()
        if record.metric in frame.measures:
            values = frame.measures[record.metric]
            total = sum(
                float(v) for ext, v in zip(frame.external_ids, values, strict=True) if ext in ids
            )
            return total, f"current {record.metric} of the accounts"
        return record.baseline, "no actuals for this metric yet (baseline used)"


def list_goals(uow: UnitOfWork, as_of: date | None = None) -> list[GoalRow]:
    """Every goal with its actual and status on ``as_of`` (default today); a manager
    limited to a region: the goals of its territories and of the reps holding one."""
    day = as_of or date.today()
    with uow:
        records = uow.goals.list()
        if not records:
            return []
        scenario = resolve_scenario(uow)
        if limited_to() is not None:
            records = [r for r in records if _goal_in_region(scenario, r)]
        actuals = _Actuals(uow, scenario)
        rows = []
        for record in records:
            value, source = actuals.value(record, day)
            rows.append(GoalRow(record, goal_status(_goal(record), value, day), day, source))
    return rows


GOAL_COLUMNS = (
    "id",
    "scope",
    "subject",
    "metric",
    "baseline",
    "target",
    "start",
    "due",
    "owner",
    "actual",
    "progress",
    "status",
    "as_of",
)


def export_goals(uow: UnitOfWork, path: Path, as_of: date | None = None) -> int:
    """Write every goal with its actual and status as CSV; returns the row count."""
    rows = list_goals(uow, as_of)
    out = []
    for r in rows:
        g, p = r.record, r.progress
        out.append(
            [
                g.id,
                g.scope,
                g.subject,
                g.metric,
                _num(g.baseline),
                _num(g.target),
                g.start,
                g.due,
                g.owner,
                _num(p.actual),
                f"{p.progress:.6f}",
                p.status.value,
                r.as_of,
            ]
        )
    write_rows_csv(GOAL_COLUMNS, out, Path(path))  # formula-looking text neutralised
    return len(rows)


def _num(x: float) -> str:
    """A number for CSV: integers without a decimal point, else up to 6 decimals."""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")
