"""The design use case: balanced territories from a scenario's accounts, as a new draft.

The service turns the base scenario (default: the active alignment) into arrays, builds
the units (accounts, ZIP codes or counties), calls the pure engine
:func:`territorial.optimize.design.solve`, and stores the plan as a draft scenario.

Workload is :func:`territorial.metrics.workload.stop_workload_hours`, the same model
the assessment reports, so what is balanced here is what ``assess`` shows.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from territorial.domain import OptionError, Scenario, ScenarioStatus, TerritorialError, Territory
from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.domain.design_choices import CentresRule, Objective, UnitKind, choice
from territorial.domain.publishing import NameClaim, NameTaken
from territorial.domain.users import Role
from territorial.geo.geodesy import (
    equirectangular_inverse,
    equirectangular_km,
    haversine_km,
    spherical_centre,
)
from territorial.geo.units import aggregate
from territorial.jsondata import fields_data
from territorial.metrics import TravelModel
from territorial.metrics.contiguity import delaunay_adjacency
from territorial.optimize.design import (
    DesignParams,
    DesignProblem,
    DesignResult,
    MaxIterations,
    MaxRuntime,
    Progress,
    StoppingCriterion,
    solve,
)
from territorial.services import audit
from territorial.services.actor import require
from territorial.services.design_reps import (
    RepDistance,
    far_reps_note,
    rematch_reps,
    rep_distances,
)
from territorial.services.design_staff import Staffing, homed_reps, staff_territories
from territorial.services.frame import ScenarioFrame, has_data, leaf_labels, load_frame
from territorial.services.scenarios import resolve_scenario
from territorial.services.unit_of_work import UnitOfWorkProtocol

NO_ALIGNMENT = "(no alignment)"
EXACT_MAX_UNITS = 200
CLAIM_MIN_SECONDS = 3600.0  # a killed design frees its name after this long at most


@dataclass
class DesignRequest:
    """What the user asked for (validated by :func:`design_scenario`)."""

    name: str
    territories: int
    balance: tuple[str, ...] = ("potential", "workload")
    tolerance: float | dict[str, float] = DEFAULT_TOLERANCE
    by: UnitKind = UnitKind.ACCOUNT
    contiguous: bool = False
    objective: Objective = Objective.TRAVEL
    max_moves: float | None = None
    move_measure: str | None = None  # e.g. "revenue": cap revenue moved, not accounts
    targets: dict[str, float] = field(default_factory=dict)  # territory -> x mean
    segment: str | None = None
    time_limit: float = 30.0
    iterations: int | None = None  # stop after this many starts: the same seed, the same plan
    seed: int = 0
    starts: int = 1  # independent starts, seeds seed .. seed+starts-1; the best plan is kept
    # travel objective: "auto" centres each kept territory at its rep's home where the rep
    # has one (the others are placed freely); "reps" requires every home; "free" ignores them
    centres: CentresRule = CentresRule.AUTO
    min_accounts: int | None = None
    max_accounts: int | None = None
    base: str | None = None
    created_by: str | None = None
    replace: bool = False
    travel: TravelModel = field(default_factory=TravelModel)
    # time.perf_counter() when the user began to wait (the CLI command), in this process:
    # the time limit counts from it; None: from the start of the design
    started: float | None = None

    def __post_init__(self) -> None:
        """Choices given as text (a job's stored parameters, a form) become enum members."""
        self.by = choice(UnitKind, self.by, "by")
        self.objective = choice(Objective, self.objective, "objective")
        self.centres = choice(CentresRule, self.centres, "centres")


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
    lower_bound: float | None = None  # the objective's bound (diameter: exact model; travel: LP)
    gap: float | None = None  # (objective - bound) / objective; 0 = proven optimal
    # (measure, territory, signed deviation from target) for every tolerance missed
    misses: list[tuple[str, str, float]] = field(default_factory=list)
    centres: str = "free"  # travel: "rep homes", "free" or "mixed"
    mean_distance_km: float | None = None  # travel: mean account-to-centre great-circle km
    # travel with every centre at a rep home: the LP bound on that mean (same km: the
    # engine's costs are these great-circle distances); with free centres the engine
    # measures on a flat projection, so only its ``gap`` compares plan and bound
    bound_km: float | None = None
    # "contiguous": the bound holds for contiguous plans keeping each home's unit
    bound_scope: str | None = None
    # the plans the bound holds for, in words (with a move cap, only those within it)
    bound_for: str | None = None
    reason: str | None = None  # why no plan can be feasible, when the engine proved it


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
    reps: list[RepDistance] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return all(s.feasible for s in self.segments)

    def audit_summary(self) -> dict[str, object]:
        """What the audit log keeps of a design: its base, balance and moves."""
        return {
            "base": self.base,
            "feasible": self.feasible,
            "moved_accounts": self.moved_accounts,
            "total_accounts": self.total_accounts,
        }

    def to_dict(self) -> dict[str, object]:
        """Its fields and whether every segment is balanced."""
        return {**fields_data(self), "feasible": self.feasible}


def _measures(frame: ScenarioFrame, names: tuple[str, ...], travel: TravelModel) -> np.ndarray:
    """The balanced measures per account; a measure that is 0 everywhere (no potential
    column in a CRM export, say) is refused, naming the measures that have data."""

    def column(name: str) -> np.ndarray:
        return frame.workload(travel) if name == "workload" else frame.measure(name)

    columns = [column(name) for name in names]
    empty = [name for name, values in zip(names, columns, strict=True) if not values.sum() > 0]
    if empty:
        with_data = [
            m for m in ("accounts", "revenue", "potential", "workload") if column(m).sum() > 0
        ]
        raise OptionError(
            "balance",
            f"{', '.join(empty)} {'is' if len(empty) == 1 else 'are'} 0 for every account, "
            f"so there is nothing to balance; measures with data here: {', '.join(with_data)} "
            f"(e.g. --balance {','.join(suggested_balance(lambda m: column(m).sum() > 0))})",
        )
    return np.column_stack(columns)


def suggested_balance(has_data: Callable[[str], bool]) -> tuple[str, str]:
    """What a design balances unless told: potential and workload, or, when no account
    has a potential (a CRM export without one), revenue (else accounts) and workload."""
    for name in ("potential", "revenue"):
        if has_data(name):
            return name, "workload"
    return "accounts", "workload"


def default_balance(uow: UnitOfWorkProtocol) -> tuple[str, str]:
    """:func:`suggested_balance` for the workspace's accounts."""
    with uow:
        return suggested_balance(lambda name: has_data(uow, name))


def _tolerances(request: DesignRequest) -> dict[str, float]:
    if isinstance(request.tolerance, dict):
        unknown = set(request.tolerance) - set(request.balance)
        if unknown:
            raise OptionError("tolerance", f"names measures not balanced: {sorted(unknown)}")
        return {m: request.tolerance.get(m, DEFAULT_TOLERANCE) for m in request.balance}
    return dict.fromkeys(request.balance, request.tolerance)


@dataclass
class _Units:
    """What the engine partitions: accounts themselves or geographic units."""

    coords: np.ndarray
    measures: np.ndarray
    unit_of_account: np.ndarray  # (n_accounts,) unit index
    adjacency: object | None
    move_weights: np.ndarray
    reference: tuple[float, float]  # (lat, lon) of the planar projection's origin
    names: list[str]  # account external ids, ZIP codes or county names (for messages)

    @property
    def accounts(self) -> np.ndarray:
        """Accounts per unit (the travel weight: every account counts once)."""
        counts: np.ndarray = np.bincount(self.unit_of_account, minlength=len(self.coords))
        return counts.astype(np.float64)


def _units(
    frame: ScenarioFrame,
    idx: np.ndarray,
    request: DesignRequest,
    measures: np.ndarray,
    move_weights: np.ndarray,
) -> _Units:
    lat, lon = frame.lat[idx], frame.lon[idx]
    ref = spherical_centre(lat, lon)
    if request.by == "account":
        x, y = equirectangular_km(lat, lon, *ref)
        # the Delaunay graph is the neighbourhood the engine moves accounts along (measured:
        # feasible where its own k-nearest graph was not); contiguity only when asked
        adjacency = delaunay_adjacency(lat, lon) if len(idx) > 3 else None
        return _Units(
            np.column_stack([x, y]),
            measures[idx],
            np.arange(len(idx)),
            adjacency,
            move_weights[idx],
            ref,
            [frame.accounts[i].external_id for i in idx],
        )
    from territorial.geo.builder import build_units

    accounts = [frame.accounts[i] for i in idx]
    units = build_units(
        lat,
        lon,
        [a.zip for a in accounts],
        [a.state for a in accounts],
        request.by,
    )
    if units.unplaced:
        i, why = units.unplaced[0]
        raise OptionError(
            "by",
            f"{len(units.unplaced)} accounts cannot be placed in a {request.by} unit "
            f"(first: {accounts[i].external_id}: {why}); design by account instead",
        )
    # a unit sits where its accounts are (their mean); empty units at their centroid
    x, y = equirectangular_km(units.lat, units.lon, *ref)
    ax, ay = equirectangular_km(lat, lon, *ref)
    count = aggregate(np.ones(len(idx)), units.unit_of_account, units.n_units)
    held = count > 0
    x[held] = aggregate(ax, units.unit_of_account, units.n_units)[held] / count[held]
    y[held] = aggregate(ay, units.unit_of_account, units.n_units)[held] / count[held]
    return _Units(
        np.column_stack([x, y]),
        aggregate(measures[idx], units.unit_of_account, units.n_units),
        units.unit_of_account,
        units.adjacency,
        aggregate(move_weights[idx][:, None], units.unit_of_account, units.n_units)[:, 0],
        ref,
        list(units.names),
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


@dataclass
class _Context:
    """Everything a design needs from the base scenario, checked against the request."""

    base: Scenario
    frame: ScenarioFrame
    measures: np.ndarray  # (n_accounts, n_balanced)
    move_weights: np.ndarray
    # the base's territories when kept (or one per rep with a home, see design_staff);
    # None when the design names its own territories
    staff: Staffing | None
    locks: np.ndarray  # territory index per account, -1 = free

    @property
    def labels(self) -> list[str]:
        """The design's territory names when it keeps (or staffs) them, else []."""
        return self.staff.labels if self.staff else []


def _load(uow: UnitOfWorkProtocol, request: DesignRequest) -> tuple[Scenario, ScenarioFrame]:
    with uow:
        if uow.scenarios.get(request.name) is not None and not request.replace:
            raise OptionError("name", f"a scenario named {request.name!r} exists; choose another")
        if request.base is None and uow.scenarios.active_name() is None:
            base = Scenario(NO_ALIGNMENT, ScenarioStatus.DRAFT)  # design from scratch
        else:
            base = resolve_scenario(uow, request.base)
        return base, load_frame(uow, base)


def _context(base: Scenario, frame: ScenarioFrame, request: DesignRequest) -> _Context:
    """Measures, move weights, kept names and locks; refuses contradictory requests."""
    staff = None
    if request.segment is None and len(frame.labels) == request.territories:
        staff = Staffing.kept(frame)
    elif (
        request.segment is None
        and request.objective is Objective.TRAVEL
        and request.centres != "free"
    ):  # hires or vacancies: one territory per rep with a home, vacancies up to the count
        staff = staff_territories(frame, base, request.territories)
    labels = staff.labels if staff else []
    if request.max_moves is not None and (staff is None or staff.dropped):
        raise OptionError(
            "max_moves",
            f"compares with {base.name!r}, which has {len(frame.labels)} territories; ask for "
            f"{len(frame.labels)} territories (or one per rep with a home, keeping every "
            "territory) and no segments",
        )
    if request.targets and not labels:
        raise OptionError("target", "names territories of the base scenario; keep their number")
    unknown = set(request.targets) - set(labels)
    if unknown:
        raise OptionError("target", f"no territory named {sorted(unknown)[0]!r}")
    locks = np.full(len(frame.accounts), -1)
    if base.locks and not labels:
        raise TerritorialError(
            f"{base.name!r} has {len(base.locks)} locked accounts, which refer to its "
            f"{len(frame.labels)} territories; keep that number of territories"
        )
    position = {ext: i for i, ext in enumerate(frame.external_ids)}
    for ext, territory in base.locks.items():
        if ext in position:
            if territory not in labels:
                raise TerritorialError(
                    f"account {ext!r} is locked to {territory!r}, which this design drops "
                    "(its rep has no home, or holds another territory); unlock it or give "
                    "the territory a rep with a home"
                )
            locks[position[ext]] = labels.index(territory)
    move_weights = (
        frame.measure(request.move_measure) if request.move_measure else np.ones(len(locks))
    )
    return _Context(
        base,
        frame,
        _measures(frame, request.balance, request.travel),
        move_weights,
        staff,
        locks,
    )


@dataclass
class _Centres:
    """Where the travel objective measures distance to: rep homes, free, or a mix."""

    planar: np.ndarray | None  # (p, 2), NaN rows free; None = all free
    costs: np.ndarray | None  # (n_units, p): sum of the unit's accounts' km to each home
    homes: np.ndarray  # (p, 2) lat, lon; NaN rows where free
    kind: str  # "rep homes", "free" or "mixed"


def _homes(ctx: _Context, request: DesignRequest) -> np.ndarray:
    """(p, 2) lat/lon of each kept territory's rep home (NaN: no rep or no home)."""
    homes = np.full((len(ctx.labels), 2), np.nan)
    assert ctx.staff is not None
    for j, (label, rep) in enumerate(zip(ctx.labels, ctx.staff.reps, strict=True)):
        if rep is None or rep.home_latitude is None or rep.home_longitude is None:
            if request.centres == "reps":
                who = "has no rep" if rep is None else f"has a rep ({rep.name}) with no home"
                raise TerritorialError(f"centres at rep homes: territory {label!r} {who}")
            continue
        homes[j] = (rep.home_latitude, rep.home_longitude)
    return homes


def _centres(
    ctx: _Context, request: DesignRequest, idx: np.ndarray, units: _Units, p: int
) -> _Centres:
    """Rep homes as fixed centres where the request and the data allow; else free."""
    free = _Centres(None, None, np.full((p, 2), np.nan), "free")
    if request.centres == "reps" and not ctx.labels:
        raise TerritorialError(
            "centres at rep homes need the base scenario's territories or one territory per "
            f"rep with a home: ask for {len(ctx.frame.labels)} or "
            f"{len(homed_reps(ctx.frame))} territories (and no segments)"
        )
    if request.objective != "travel" or request.centres == "free" or not ctx.labels:
        return free
    homes = _homes(ctx, request)
    fixed = ~np.isnan(homes).any(axis=1)
    if not fixed.any():
        return free
    x, y = equirectangular_km(homes[:, 0], homes[:, 1], *units.reference)
    planar = np.column_stack([x, y])
    planar[~fixed] = np.nan
    km = haversine_km(
        ctx.frame.lat[idx, None], ctx.frame.lon[idx, None], homes[None, :, 0], homes[None, :, 1]
    )
    costs = aggregate(np.nan_to_num(km), units.unit_of_account, len(units.coords))
    costs[:, ~fixed] = np.nan
    return _Centres(planar, costs, homes, "rep homes" if fixed.all() else "mixed")


def _segments(ctx: _Context, request: DesignRequest) -> list[tuple[str | None, np.ndarray, int]]:
    """(segment value, account indices, territories) for each design to run."""
    if not request.segment:
        return [(None, np.arange(len(ctx.frame.accounts)), request.territories)]
    key = request.segment
    values = [
        str(getattr(a, key, None) or a.extra.get(key) or "(none)") for a in ctx.frame.accounts
    ]
    if all(v == "(none)" for v in values):
        raise OptionError("segment", f"no account has a value for {key!r}")
    names = sorted(set(values))
    groups = [np.array([i for i, v in enumerate(values) if v == name]) for name in names]
    counts = _split_territories(
        request.territories, np.array([ctx.measures[g, 0].sum() for g in groups])
    )
    return list(zip(names, groups, (int(c) for c in counts), strict=True))


def _solve_segment(
    ctx: _Context,
    request: DesignRequest,
    segment: str | None,
    idx: np.ndarray,
    p: int,
    time_limit: float,
    progress: Callable[[Progress], None] | None,
) -> tuple[dict[str, str], SegmentResult]:
    """Design one segment; returns account external id -> territory name, and figures.
    ``time_limit`` includes building its units (ZIPs, counties and their graph)."""
    started = time.perf_counter()
    units = _units(ctx.frame, idx, request, ctx.measures, ctx.move_weights)
    n_units = len(units.coords)
    current = locks = None
    if ctx.staff is not None:
        current = _unit_labels(
            units.unit_of_account, ctx.staff.design_index(ctx.frame.territory[idx]), n_units
        )
        locks = _unit_labels(units.unit_of_account, ctx.locks[idx], n_units)
        if (current < 0).any():
            if request.max_moves is not None:
                raise OptionError("max_moves", f"needs every account assigned in {ctx.base.name!r}")
            current = None  # unassigned accounts: no disruption baseline
    centres = _centres(ctx, request, idx, units, p)
    if request.by != "account" and (request.min_accounts or request.max_accounts):
        raise OptionError("by", "fewest/most accounts apply to designs by account")
    shares = np.full((p, len(request.balance)), 1.0 / p)
    if request.targets:
        mult = np.array([request.targets.get(label, 1.0) for label in ctx.labels])
        shares = np.repeat((mult / mult.sum())[:, None], len(request.balance), axis=1)
    fixed = _off_map_loads(ctx, request, p) if segment is None else np.zeros_like(shares)
    # each territory's goal on every account; what its located accounts must bring
    goal = shares * (units.measures.sum(axis=0) + fixed.sum(axis=0))[None, :]
    targets = _located_shares(goal - fixed)
    try:
        problem = DesignProblem(
            coords=units.coords,
            measures=units.measures,
            p=p,
            tolerances=np.array([_tolerances(request)[m] for m in request.balance]),
            measure_names=request.balance,
            targets=targets,
            adjacency=units.adjacency,
            contiguous=request.contiguous,
            objective="travel" if request.objective is Objective.TRAVEL else "diameter",
            travel_weight=units.accounts,
            locks=locks,
            current=current if request.max_moves is not None else None,
            max_moves=request.max_moves,
            move_weights=units.move_weights if request.move_measure else None,
            fixed_centres=centres.planar,
            centre_costs=centres.costs,
            min_units=request.min_accounts,
            max_units=request.max_accounts,
        )
        time_limit = max(1.0, time_limit - (time.perf_counter() - started))
        # small diameter problems also get the exact HiGHS model for a bound and the gap
        exact = request.objective == "diameter" and n_units <= EXACT_MAX_UNITS
        params = DesignParams(bound_time_limit=time_limit / 2 if exact else 0.0)
        search = time_limit / 2 if exact else time_limit
        # an iteration count is the whole stop: every stage is then bounded by work, not
        # time, so a seed gives the same plan however busy the machine is
        stop: StoppingCriterion = (
            MaxRuntime(search) if request.iterations is None else MaxIterations(request.iterations)
        )
        result = solve(problem, stop, request.seed, params, progress)
    except ValueError as exc:
        where = f" (segment {segment})" if segment else ""
        raise TerritorialError(f"cannot design{where}: {_named(str(exc), units)}") from exc
    plan = result.assignment
    # territories centred on rep homes keep their index (and so their rep); others take
    # the old name they overlap most, so that the moves counted are the real ones
    if current is not None and request.max_moves is None and centres.planar is None:
        plan = match_labels(plan, current, units.move_weights, p)
    names = ctx.labels or [f"{segment}-{k + 1}" if segment else f"T{k + 1:02d}" for k in range(p)]
    assignment = {
        ctx.frame.accounts[account].external_id: names[plan[units.unit_of_account[local]]]
        for local, account in enumerate(idx)
    }
    travel = (
        _travel_figures(ctx, idx, units, result, centres, plan, request.max_moves is not None)
        if request.objective == "travel"
        else {}
    )  # type: dict[str, Any]
    load = fixed.copy()
    np.add.at(load, plan, units.measures)
    misses = _misses(load, goal, problem, names)
    deviation = np.abs(load - goal) / np.where(goal > 0, goal, 1.0)
    figures = SegmentResult(
        segment=segment,
        units=n_units,
        territories=p,
        feasible=result.feasible and not misses,
        max_deviation=dict(zip(request.balance, map(float, deviation.max(axis=0)), strict=True)),
        diameter_km=float(result.diameter),
        travel=float(result.travel),
        moves=sum(1 for e, t in assignment.items() if ctx.base.assignments.get(e, t) != t),
        moved_weight=float(result.moved_weight),
        runtime=float(result.runtime),
        iterations=int(result.iterations),
        disconnected=[names[t] for t in result.disconnected] if request.contiguous else [],
        lower_bound=result.lower_bound,
        gap=result.gap,
        misses=misses,
        reason=result.note,
        **travel,
    )
    return assignment, figures


def _named(message: str, units: _Units) -> str:
    """The engine's "unit 12" as the account id, ZIP or county it stands for."""
    return re.sub(
        r"\bunit (\d+)\b",
        lambda m: (
            repr(units.names[int(m.group(1))]) if int(m.group(1)) < len(units.names) else m.group(0)
        ),
        message,
    )


def _off_map_loads(ctx: _Context, request: DesignRequest, p: int) -> np.ndarray:
    """(p, m) the balanced measures of the accounts without a location, which keep their
    territories when the design keeps (or staffs) the base's; zeros otherwise."""
    loads = np.zeros((p, len(request.balance)))
    if ctx.staff is None or not ctx.frame.unlocated:
        return loads
    where = ctx.staff.design_index(np.arange(len(ctx.frame.labels)))
    kept = where >= 0
    for q, name in enumerate(request.balance):
        # the located accounts' workload is ctx.measures' column: not computed again
        hours = ctx.measures[:, q] if name == "workload" else None
        off = ctx.frame.off_map_totals(name, request.travel, hours)
        np.add.at(loads[:, q], where[kept], off[kept])
    return loads


def _located_shares(located: np.ndarray) -> np.ndarray:
    """Shares of the located accounts' totals (columns sum to 1); a territory that the
    accounts without a location fill already still asks for 1% of its goal."""
    floor = 0.01 * np.abs(located).max(axis=0, keepdims=True)
    wanted = np.maximum(located, np.maximum(floor, 1e-12))
    shares: np.ndarray = wanted / wanted.sum(axis=0, keepdims=True)
    return shares


def _misses(
    load: np.ndarray, goal: np.ndarray, problem: DesignProblem, names: list[str]
) -> list[tuple[str, str, float]]:
    """Every (measure, territory, deviation) of ``load`` from ``goal`` (both (p, m))
    outside its tolerance, worst first."""
    dev = (load - goal) / np.where(goal > 0, goal, 1.0)
    tol = problem.array("tolerances")[None, :]
    out = [
        (problem.measure_names[k], names[j], float(dev[j, k]))
        for j, k in zip(*np.nonzero(np.abs(dev) > tol + 1e-9), strict=True)
    ]
    return sorted(out, key=lambda miss: -abs(miss[2]))


def _travel_figures(
    ctx: _Context,
    idx: np.ndarray,
    units: _Units,
    result: DesignResult,
    centres: _Centres,
    plan: np.ndarray,
    capped: bool,
) -> dict[str, Any]:
    """Mean great-circle km from each account to its territory's centre, the bound, and
    the plans it holds for (the LPs keep a move cap, so with one only those within it)."""
    homes = centres.homes.copy()
    if result.centres is not None:  # free centres back to lat/lon
        placed = np.asarray(result.centres)
        lat, lon = equirectangular_inverse(placed[:, 0], placed[:, 1], *units.reference)
        free = np.isnan(homes).any(axis=1)
        homes[free] = np.column_stack([lat, lon])[free]
    territory = plan[units.unit_of_account]
    km = haversine_km(
        ctx.frame.lat[idx], ctx.frame.lon[idx], homes[territory, 0], homes[territory, 1]
    )
    n = max(len(idx), 1)
    contiguous = result.bound_scope == "contiguous"
    if centres.kind == "rep homes":  # a bound in km
        holds_for = (
            "balanced contiguous plans that keep the unit nearest each home in its territory"
            if contiguous
            else "any balanced plan"
        )
    else:  # a gap to the LP with the centres placed
        holds_for = ("contiguous plans" if contiguous else "plans") + " with these centres"
    return {
        "centres": centres.kind,
        "mean_distance_km": float(km.mean()) if len(idx) else None,
        "bound_km": (
            float(result.lower_bound) / n
            if result.lower_bound is not None and centres.kind == "rep homes"
            else None
        ),
        "bound_scope": result.bound_scope,
        "bound_for": holds_for + (" within the move cap" if capped else ""),
    }


def design_scenario(
    uow: UnitOfWorkProtocol,
    request: DesignRequest,
    progress: Callable[[Progress], None] | None = None,
) -> DesignOutcome:
    """Design ``request.territories`` territories and store them as a draft scenario.

    With a ``segment``, each segment gets territories in proportion to its share of the
    first balanced measure and a share of the time limit in proportion to them.

    The name is claimed before the design starts (:func:`claim_name`), so a second
    design of the same name is refused at once rather than after all its work.
    """
    require(Role.MANAGER, "design scenarios")
    token = claim_name(uow, request)
    try:
        scenario, outcome = plan_design(uow, request, progress)
        with uow:
            uow.write_lock()
            if not uow.scenarios.holds_claim(request.name, token):
                raise NameTaken(
                    "name",
                    f"another design took over the name {request.name!r} while this "
                    "one ran; nothing was stored",
                )
            if request.replace:
                uow.scenarios.delete(request.name)
            elif uow.scenarios.exists(request.name):
                raise NameTaken(
                    "name",
                    f"a scenario named {request.name!r} was created meanwhile; nothing was stored",
                )
            uow.scenarios.save(scenario)
            uow.scenarios.release(request.name, token)
            audit.record(uow, "design", scenario.name, None, outcome.audit_summary())
            uow.commit()
    finally:
        with uow:  # a failed or interrupted design frees its name (no-op once saved)
            uow.scenarios.release(request.name, token)
            uow.commit()
    return outcome


def claim_name(uow: UnitOfWorkProtocol, request: DesignRequest) -> str:
    """Hold ``request.name`` for this design; its token. Refused at once (``NameTaken``)
    when a scenario or a running design has the name, unless ``request.replace``."""
    now = datetime.now(UTC)
    life = timedelta(seconds=max(CLAIM_MIN_SECONDS, 3 * request.time_limit))
    claim = NameClaim(request.name, uuid.uuid4().hex, request.created_by, now, now + life)
    with uow:
        uow.write_lock()
        if not request.replace and uow.scenarios.exists(request.name):
            raise NameTaken(
                "replace",
                f"a scenario named {request.name!r} exists; choose another name",
                "take the name over",
            )
        held = uow.scenarios.claim(claim, take_over=request.replace)
        if held is not None:
            who = f" by {held.claimed_by}" if held.claimed_by else ""
            raise NameTaken(
                "replace",
                f"a design named {request.name!r} is already running (started "
                f"{held.claimed_at:%Y-%m-%d %H:%M:%S} UTC{who}); wait for it or choose "
                "another name",
                "take the name over",
            )
        uow.commit()
    return claim.token


@dataclass(frozen=True)
class SegmentTask:
    """One segment of a segmented design, as another process can run it
    (:func:`plan_segment`): its value, territories and share of the time limit."""

    segment: str
    territories: int
    time_limit: float


SegmentRunner = Callable[[list[SegmentTask]], list[tuple[dict[str, str], SegmentResult]]]
"""Runs the segments of a design (elsewhere, e.g. as jobs on other workers) and returns
what :func:`plan_segment` returned for each, in order."""


def plan_segment(
    uow: UnitOfWorkProtocol,
    request: DesignRequest,
    task: SegmentTask,
    progress: Callable[[Progress], None] | None = None,
) -> tuple[dict[str, str], SegmentResult]:
    """One segment of ``request``'s design: the part of the plan :func:`plan_design`
    makes for it (the same for the same workspace, seed and iterations)."""
    base, frame = _load(uow, request)
    ctx = _context(base, frame, request)
    for segment, idx, p in _segments(ctx, request):
        if segment == task.segment or not request.segment:  # unsegmented: the one design
            return _solve_segment(ctx, request, segment, idx, p, task.time_limit, progress)
    raise OptionError("segment", f"no segment {task.segment!r} (the accounts changed?)")


def plan_design(
    uow: UnitOfWorkProtocol,
    request: DesignRequest,
    progress: Callable[[Progress], None] | None = None,
    run_segments: SegmentRunner | None = None,
) -> tuple[Scenario, DesignOutcome]:
    """Design as :func:`design_scenario` does, without storing the scenario
    (``run_segments``: how to run the segments of a segmented design, when not here)."""
    if request.territories < 1:
        raise OptionError("territories", "must be at least 1")
    if not request.balance:
        raise OptionError("balance", "needs at least one measure")
    if request.starts < 1:
        raise OptionError("starts", "must be at least 1")
    if run_segments is None and request.starts > 1:  # the starts one after another here
        from territorial.services.starts import local_starts

        run_segments = local_starts(uow, request, progress)
    tolerances = _tolerances(request)
    started = time.perf_counter() if request.started is None else request.started
    base, frame = _load(uow, request)
    ctx = _context(base, frame, request)
    # the time limit covers the whole design: loading, searching and (5%) storing
    search_time = max(1.0, 0.95 * request.time_limit - (time.perf_counter() - started))
    assignment: dict[str, str] = {}
    results: list[SegmentResult] = []
    segments = _segments(ctx, request)
    if run_segments is not None and (len(segments) > 1 or request.starts > 1):
        solved = run_segments(
            [
                SegmentTask(str(segment), p, search_time * p / request.territories)
                for segment, _, p in segments
            ]
        )
    else:
        solved = [
            _solve_segment(
                ctx, request, segment, idx, p, search_time * p / request.territories, progress
            )
            for segment, idx, p in segments
        ]
    for part, figures in solved:
        assignment.update(part)
        results.append(figures)
    notes = [_infeasible_note(r, request) for r in results if not r.feasible]
    if ctx.staff is not None:  # unlocated accounts keep their territory (unless dropped)
        placed = len(assignment)
        for ext, territory in base.assignments.items():
            if territory not in ctx.staff.dropped:
                assignment.setdefault(ext, territory)
        if kept := len(assignment) - placed:
            notes.append(
                f"{kept:,} account{'s' if kept > 1 else ''} without a location "
                f"({kept / len(assignment):.1%}) kept their territories and count in the "
                "balance figures, as in the assessment. "
                "Give them a ZIP or coordinates (`territorial export accounts` shows how each "
                "account was located) and design again to place them too."
            )
        if note := ctx.staff.note():
            notes.append(note)
    scenario = Scenario(
        name=request.name,
        status=ScenarioStatus.DRAFT,
        created_by=request.created_by,
        created_at=datetime.now(UTC),
        parent=None if base.name == NO_ALIGNMENT else base.name,
        description=_describe(request),
        territories=(
            ctx.staff.territories(base)
            if ctx.staff is not None
            else [Territory(name) for name in sorted(set(assignment.values()))]
        ),
        assignments=assignment,
        locks={e: t for e, t in base.locks.items() if ctx.staff is not None and e in assignment},
        balance_spec=tolerances,
    )
    # reps follow geography where the design centred no territory on their homes (with
    # some centred there, the others are vacancies)
    if ctx.staff is not None and all(r.centres == "free" for r in results):
        rematched = rematch_reps(frame, scenario)
        if rematched:
            notes.append(
                f"{rematched} territories changed rep: each rep takes the territory "
                "nearest home that keeps most of their accounts"
            )
    moved = sum(
        1 for e, t in assignment.items() if e in base.assignments and base.assignments[e] != t
    )
    reps = rep_distances(frame, scenario)
    if far := far_reps_note(reps, homes_ignored=request.objective is Objective.DIAMETER):
        notes.append(far)
    return scenario, DesignOutcome(
        scenario=request.name,
        base=base.name,
        by=request.by,
        balance=request.balance,
        tolerance=tolerances,
        segments=results,
        moved_accounts=moved,
        total_accounts=len(assignment),
        notes=notes,
        reps=reps,
    )


def _infeasible_note(result: SegmentResult, request: DesignRequest) -> str:
    """Why a segment's plan is not within tolerance, and what to change."""
    where = f"segment {result.segment}: " if result.segment else ""
    missed = "; ".join(f"{m} {d:+.1%} in {t}" for m, t, d in result.misses[:3])
    more = f" and {len(result.misses) - 3} more" if len(result.misses) > 3 else ""
    broken = f"not contiguous: {', '.join(result.disconnected)}" if result.disconnected else ""
    what = "; ".join(part for part in (missed + more, broken) if part)
    if result.reason:  # proven: more time would not help
        return f"{where}{result.reason} (the plan stored: {what})."
    apart = _pulling_apart(result.misses) if request.by != "account" else None
    advice = (
        f"Try a longer time limit (now {request.time_limit:g}s), a looser tolerance, or "
        "fewer measures"
        if apart is None
        else f"In {apart[0]} {apart[1]} is over and {apart[2]} under: the two measures "
        f"pull apart by region, which whole {UNITS_PLURAL[request.by]} may not even out. "
        f"Balance one of them (--balance {apart[1]}), loosen the tolerance, or design by "
        "account"
    )
    return (
        f"{where}stopped after {result.runtime:.0f}s without a plan within every tolerance "
        f"({what}); the closest plan found is stored. {advice}"
        + ("; or unlock accounts locked far from their territory" if broken else "")
        + (
            "; counties are coarse (one may hold half of a territory's share), so a tight "
            "tolerance may need smaller units (ZIP)."
            if request.by == "county"
            else "."
        )
    )


UNITS_PLURAL = {UnitKind.ACCOUNT: "accounts", UnitKind.ZIP: "ZIPs", UnitKind.COUNTY: "counties"}


def _pulling_apart(misses: list[tuple[str, str, float]]) -> tuple[str, str, str] | None:
    """(territory, measure over, measure under) of the first territory, worst miss
    first, that misses one measure over its band and another under."""
    seen: dict[str, list[tuple[str, float]]] = {}
    for measure, territory, deviation in misses:
        seen.setdefault(territory, []).append((measure, deviation))
    for territory, items in seen.items():
        over = [m for m, d in items if d > 0]
        under = [m for m, d in items if d < 0]
        if over and under:
            return territory, over[0], under[0]
    return None


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
    seeds = (
        f"seeds {request.seed}-{request.seed + request.starts - 1} (best kept)"
        if request.starts > 1
        else f"seed {request.seed}"
    )
    parts.append(f"{seeds}, time limit {request.time_limit:g}s")
    return "Designed: " + "; ".join(parts)


@dataclass(frozen=True)
class TradeoffPoint:
    """Balance reached with at most ``max_moves`` moves from the base alignment."""

    max_moves: float
    moved_accounts: int
    feasible: bool
    max_deviation: dict[str, float]
    diameter_km: float
    mean_distance_km: float | None = None  # travel objective: account to centre, km


def moves_tradeoff(
    uow: UnitOfWorkProtocol,
    request: DesignRequest,
    caps: list[float],
    progress: Callable[[Progress], None] | None = None,
) -> list[TradeoffPoint]:
    """Design once per move cap (nothing is stored) to show moves against balance.

    The territories are those of the base scenario (default: the active alignment).
    """
    with uow:
        territories = len(leaf_labels(resolve_scenario(uow, request.base)))
    points = []
    for cap in caps:
        capped = replace(
            request, max_moves=cap, segment=None, territories=territories, replace=True
        )
        _, outcome = plan_design(uow, capped, progress)
        figures = outcome.segments[0]
        points.append(
            TradeoffPoint(
                max_moves=cap,
                moved_accounts=outcome.moved_accounts,
                feasible=figures.feasible,
                max_deviation=figures.max_deviation,
                diameter_km=figures.diameter_km,
                mean_distance_km=figures.mean_distance_km,
            )
        )
    return points
