"""The design use case: balanced territories from a scenario's accounts, as a new draft.

The service turns the base scenario (default: the active alignment) into arrays, builds
the units (accounts, ZIP codes or counties), calls the pure engine
:func:`territorial.optimize.design.solve`, and stores the plan as a draft scenario.

Workload is :func:`territorial.metrics.workload.stop_workload_hours`, the same model
the assessment reports, so what is balanced here is what ``assess`` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment

from territorial.domain import Scenario, ScenarioStatus, TerritorialError, Territory
from territorial.metrics import TravelModel
from territorial.metrics.contiguity import delaunay_adjacency
from territorial.metrics.geodesy import equirectangular_km
from territorial.optimize.design import DesignProblem, MaxRuntime, Progress, solve
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

UnitKind = Literal["account", "zip", "county"]
NO_ALIGNMENT = "(no alignment)"


@dataclass
class DesignRequest:
    """What the user asked for (validated by :func:`design_scenario`)."""

    name: str
    territories: int
    balance: tuple[str, ...] = ("potential", "workload")
    tolerance: float | dict[str, float] = 0.05
    by: UnitKind = "account"
    contiguous: bool = False
    objective: Literal["travel", "diameter"] = "travel"
    max_moves: float | None = None
    move_measure: str | None = None  # e.g. "revenue": cap revenue moved, not accounts
    targets: dict[str, float] = field(default_factory=dict)  # territory -> x mean
    segment: str | None = None
    time_limit: float = 30.0
    seed: int = 0
    base: str | None = None
    created_by: str | None = None
    replace: bool = False
    travel: TravelModel = field(default_factory=TravelModel)


@dataclass
class SegmentResult:
    """The engine's figures for one segment (the whole market when not segmented)."""

    segment: str | None
    units: int
    territories: int
    feasible: bool
    max_deviation: dict[str, float]
    diameter_km: float
    travel: float
    moves: int
    moved_weight: float
    runtime: float
    iterations: int
    disconnected: list[str]


@dataclass
class DesignOutcome:
    """The stored draft and how well the engine did."""

    scenario: str
    base: str
    by: UnitKind
    balance: tuple[str, ...]
    tolerance: dict[str, float]
    segments: list[SegmentResult]
    moved_accounts: int
    total_accounts: int
    notes: list[str]

    @property
    def feasible(self) -> bool:
        return all(s.feasible for s in self.segments)

    def to_dict(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "base": self.base,
            "by": self.by,
            "balance": list(self.balance),
            "tolerance": self.tolerance,
            "feasible": self.feasible,
            "moved_accounts": self.moved_accounts,
            "total_accounts": self.total_accounts,
            "segments": [s.__dict__ for s in self.segments],
            "notes": self.notes,
        }


def _measures(frame: ScenarioFrame, names: tuple[str, ...], travel: TravelModel) -> np.ndarray:
    columns = []
    for name in names:
        columns.append(frame.workload(travel) if name == "workload" else frame.measure(name))
    return np.column_stack(columns)


def _tolerances(request: DesignRequest) -> dict[str, float]:
    if isinstance(request.tolerance, dict):
        unknown = set(request.tolerance) - set(request.balance)
        if unknown:
            raise TerritorialError(f"--tolerance names measures not balanced: {sorted(unknown)}")
        return {m: request.tolerance.get(m, 0.05) for m in request.balance}
    return dict.fromkeys(request.balance, request.tolerance)


@dataclass
class _Units:
    """What the engine partitions: accounts themselves or geographic units."""

    coords: np.ndarray
    measures: np.ndarray
    unit_of_account: np.ndarray  # (n_accounts,) unit index
    adjacency: object | None
    move_weights: np.ndarray


def _units(
    frame: ScenarioFrame,
    idx: np.ndarray,
    request: DesignRequest,
    measures: np.ndarray,
    move_weights: np.ndarray,
) -> _Units:
    lat, lon = frame.lat[idx], frame.lon[idx]
    if request.by == "account":
        x, y = equirectangular_km(lat, lon)
        adjacency = delaunay_adjacency(lat, lon) if request.contiguous else None
        return _Units(
            np.column_stack([x, y]),
            measures[idx],
            np.arange(len(idx)),
            adjacency,
            move_weights[idx],
        )
    from territorial.geo.units import aggregate, build_units

    accounts = [frame.accounts[i] for i in idx]
    units = build_units(
        lat, lon, [a.zip for a in accounts], [a.state for a in accounts], request.by
    )
    if units.unplaced:
        i, why = units.unplaced[0]
        raise TerritorialError(
            f"{len(units.unplaced)} accounts cannot be placed in a {request.by} unit "
            f"(first: {accounts[i].external_id}: {why}); design --by account instead"
        )
    x, y = equirectangular_km(units.lat, units.lon)
    return _Units(
        np.column_stack([x, y]),
        aggregate(measures[idx], units.unit_of_account, units.n_units),
        units.unit_of_account,
        units.adjacency,
        aggregate(move_weights[idx][:, None], units.unit_of_account, units.n_units)[:, 0],
    )


def _unit_labels(unit_of_account: np.ndarray, account_terr: np.ndarray, n_units: int) -> np.ndarray:
    """Each unit's territory: the one most of its accounts are in (-1 if none)."""
    out = np.full(n_units, -1, dtype=np.int64)
    for u in range(n_units):
        terr = account_terr[unit_of_account == u]
        terr = terr[terr >= 0]
        if terr.size:
            out[u] = np.bincount(terr).argmax()
    return out


def match_labels(new: np.ndarray, old: np.ndarray, weights: np.ndarray, p: int) -> np.ndarray:
    """Renumber ``new`` territories so each keeps the old label it overlaps most (by weight).

    A maximum-weight matching on the overlap matrix, so that reps stay with most of their
    accounts and the moves counted are the real ones.
    """
    overlap = np.zeros((p, p))
    keep = old >= 0
    np.add.at(overlap, (new[keep], old[keep]), np.maximum(weights[keep], 1e-9))
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    mapping = np.empty(p, dtype=np.int64)
    mapping[rows] = cols
    renumbered: np.ndarray = mapping[new]
    return renumbered


def _split_territories(p: int, weights: np.ndarray) -> np.ndarray:
    """p territories over segments in proportion to ``weights``, at least 1 each."""
    if p < len(weights):
        raise TerritorialError(
            f"{p} territories cannot cover {len(weights)} segments; ask for at least {len(weights)}"
        )
    share = (
        weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1 / len(weights))
    )
    counts = np.ones(len(weights), dtype=int)
    extra = (p - len(weights)) * share
    counts += np.floor(extra).astype(int)
    for i in np.argsort(-(extra - np.floor(extra)))[: p - counts.sum()]:
        counts[i] += 1
    return counts


def design_scenario(
    uow: UnitOfWork, request: DesignRequest, progress: Callable[[Progress], None] | None = None
) -> DesignOutcome:
    """Design ``request.territories`` territories and store them as a draft scenario."""
    if request.territories < 1:
        raise TerritorialError("--territories must be at least 1")
    if not request.balance:
        raise TerritorialError("--balance needs at least one measure")
    tolerances = _tolerances(request)
    with uow:
        if uow.scenarios.get(request.name) is not None and not request.replace:
            raise TerritorialError(
                f"a scenario named {request.name!r} exists; choose another --name"
            )
        if request.base is None and uow.scenarios.active_name() is None:
            base = Scenario(NO_ALIGNMENT, ScenarioStatus.DRAFT)  # design from scratch
        else:
            base = resolve_scenario(uow, request.base)
        frame = load_frame(uow, base)
    measures = _measures(frame, request.balance, request.travel)
    move_weights = (
        frame.measure(request.move_measure)
        if request.move_measure
        else np.ones(len(frame.accounts))
    )
    keep_names = request.segment is None and len(frame.labels) == request.territories
    labels = list(frame.labels) if keep_names else []
    notes: list[str] = []
    if request.max_moves is not None and not keep_names:
        raise TerritorialError(
            f"--max-moves compares with {base.name!r}, which has {len(frame.labels)} "
            f"territories; ask for {len(frame.labels)} territories (and no --segment)"
        )
    locks = np.full(len(frame.accounts), -1)
    if frame.scenario.locks:
        if not keep_names:
            raise TerritorialError(
                f"{base.name!r} has {len(frame.scenario.locks)} locked accounts, which refer to "
                f"its {len(frame.labels)} territories; keep that number of territories"
            )
        pos = {ext: i for i, ext in enumerate(frame.external_ids)}
        for ext, terr in frame.scenario.locks.items():
            if ext in pos:
                locks[pos[ext]] = frame.labels.index(terr)
    if request.targets and not keep_names:
        raise TerritorialError("--target names territories of the base scenario; keep their number")
    unknown = set(request.targets) - set(labels)
    if unknown:
        raise TerritorialError(f"--target: no territory named {sorted(unknown)[0]!r}")

    if request.segment:
        key = request.segment
        values = [
            str(getattr(a, key, None) or a.extra.get(key) or "(none)") for a in frame.accounts
        ]
        if all(v == "(none)" for v in values):
            raise TerritorialError(f"--segment: no account has a value for {key!r}")
        segments = sorted(set(values))
        groups = [np.array([i for i, v in enumerate(values) if v == s]) for s in segments]
        counts = _split_territories(
            request.territories, np.array([measures[g, 0].sum() for g in groups])
        )
    else:
        segments = [None]  # type: ignore[list-item]
        groups = [np.arange(len(frame.accounts))]
        counts = np.array([request.territories])

    assignment: dict[str, str] = {}
    results: list[SegmentResult] = []
    for seg, idx, p in zip(segments, groups, counts, strict=True):
        units = _units(frame, idx, request, measures, move_weights)
        n_units = len(units.coords)
        current = locks_u = None
        if keep_names:
            current = _unit_labels(units.unit_of_account, frame.territory[idx], n_units)
            locks_u = _unit_labels(units.unit_of_account, locks[idx], n_units)
            if (current < 0).any():
                current = None  # unassigned accounts: no disruption baseline for them
                if request.max_moves is not None:
                    raise TerritorialError(
                        f"--max-moves needs every account assigned in {base.name!r}"
                    )
        targets = None
        if request.targets:
            mult = np.array([request.targets.get(lab, 1.0) for lab in labels])
            targets = np.repeat((mult / mult.sum())[:, None], len(request.balance), axis=1)
        max_moves = request.max_moves
        try:
            problem = DesignProblem(
                coords=units.coords,
                measures=units.measures,
                p=int(p),
                tolerances=np.array([tolerances[m] for m in request.balance]),
                measure_names=request.balance,
                targets=targets,
                adjacency=units.adjacency,
                contiguous=request.contiguous,
                objective=request.objective,
                travel_weight=request.balance.index("workload")
                if "workload" in request.balance
                else None,
                locks=locks_u,
                current=current if max_moves is not None else None,
                max_moves=max_moves,
                move_weights=units.move_weights if request.move_measure else None,
            )
            result = solve(
                problem, MaxRuntime(request.time_limit), seed=request.seed, progress=progress
            )
        except ValueError as exc:
            where = f" (segment {seg})" if seg else ""
            raise TerritorialError(f"cannot design{where}: {exc}") from exc
        if labels and max_moves is None and current is not None:
            result_assignment = match_labels(result.assignment, current, units.move_weights, int(p))
        else:
            result_assignment = result.assignment
        names = labels or [f"{seg}-{k + 1}" if seg else f"T{k + 1:02d}" for k in range(int(p))]
        for local, account in enumerate(idx):
            unit = units.unit_of_account[local]
            assignment[frame.accounts[account].external_id] = names[result_assignment[unit]]
        results.append(
            SegmentResult(
                segment=seg,
                units=n_units,
                territories=int(p),
                feasible=result.feasible,
                max_deviation=dict(
                    zip(request.balance, map(float, result.max_deviation), strict=True)
                ),
                diameter_km=float(result.diameter),
                travel=float(result.travel),
                moves=int(result.moves),
                moved_weight=float(result.moved_weight),
                runtime=float(result.runtime),
                iterations=int(result.iterations),
                disconnected=[names[t] for t in result.disconnected],
            )
        )
        if not result.feasible:
            notes.append(
                f"{'segment ' + str(seg) + ': ' if seg else ''}no plan within every tolerance "
                "was found in the time limit; the best plan found is stored (raise "
                "--time-limit or --tolerance)"
            )

    base_assign = base.assignments
    for ext, terr in base_assign.items():  # unlocated accounts keep their territory
        if ext not in assignment and keep_names:
            assignment[ext] = terr
    territories = _territories(base, labels, sorted(set(assignment.values())), keep_names)
    scenario = Scenario(
        name=request.name,
        status=ScenarioStatus.DRAFT,
        created_by=request.created_by,
        created_at=datetime.now(UTC),
        parent=None if base.name == NO_ALIGNMENT else base.name,
        description=_describe(request),
        territories=territories,
        assignments=assignment,
        locks={e: t for e, t in base.locks.items() if keep_names and e in assignment},
    )
    with uow:
        if request.replace:
            uow.scenarios.delete(request.name)
        uow.scenarios.save(scenario)
        uow.commit()
    moved = (
        sum(1 for e, t in assignment.items() if base_assign.get(e) != t)
        if keep_names
        else (len(assignment))
    )
    return DesignOutcome(
        scenario=request.name,
        base=base.name,
        by=request.by,
        balance=request.balance,
        tolerance=tolerances,
        segments=results,
        moved_accounts=moved,
        total_accounts=len(assignment),
        notes=notes,
    )


def _territories(
    base: Scenario, labels: list[str], used: list[str], keep_names: bool
) -> list[Territory]:
    if keep_names:  # same territories, same reps, same hierarchy
        return [Territory(t.name, t.level, t.parent, t.rep_external_id) for t in base.territories]
    return [Territory(name) for name in used]


def _describe(request: DesignRequest) -> str:
    parts = [
        f"{request.territories} territories by {request.by}",
        f"balancing {', '.join(request.balance)}",
        f"objective {request.objective}",
    ]
    if request.contiguous:
        parts.append("contiguous")
    if request.max_moves is not None:
        parts.append(f"max moves {request.max_moves:g}")
    if request.segment:
        parts.append(f"within segments of {request.segment}")
    parts.append(f"seed {request.seed}, time limit {request.time_limit:g}s")
    return "Designed: " + "; ".join(parts)
