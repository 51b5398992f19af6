"""Match reps to territories (a linear assignment problem) and explain each match.

The cost of giving territory *t* to rep *r* is a weighted sum of four components,
each in ``[0, 1]`` so the weights are comparable:

travel
    Mean haversine distance (km) from the rep's home to the territory's accounts
    (the figure a design reports per rep), divided by ``distance_scale_km``
    (default: the largest such distance in the problem) and capped at 1.  Not
    weighted by workload: an isolated account's workload is mostly the drive to its
    neighbours, isolated accounts are the far ones, and weighted so, West-4's 259 km
    on the demo read 813 km.
fit
    Share of the territory's potential in industries the rep does not know
    (account counts when the territory has no potential); accounts with an
    unknown industry (``""``) count as a fit for everyone.
experience
    ``demand × (1 - min(years / senior_years, 1))``: juniors are penalised in
    demanding territories. ``demand`` is the territory's potential over the
    largest potential, averaged with its ``difficulty`` (0..1) when given.
continuity
    ``1 -`` the share of the territory's revenue the rep already owns (account
    counts when the territory has no revenue).

Workload is in hours per year; a rep's capacity is ``hours_per_week ×
working_weeks`` (:class:`CapacityRule`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment

from territorial.arrays import FloatArray
from territorial.domain.rep import Rep
from territorial.geo.geodesy import haversine_km

__all__ = [
    "AccountTable",
    "AssignWeights",
    "Assignment",
    "AssignmentResult",
    "CapacityRule",
    "CostMatrices",
    "RepProfile",
    "assign_reps",
    "cost_matrices",
    "solve_assignment",
]

COMPONENTS = ("travel", "fit", "experience", "continuity")


@dataclass(frozen=True)
class RepProfile:
    """A rep as the matcher sees them."""

    id: str
    name: str
    lat: float
    lon: float
    industries: frozenset[str] = frozenset()
    experience_years: float | None = None  # None: not on record
    hours_per_week: float = 40.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "industries", frozenset(self.industries))
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"rep {self.id!r}: home ({self.lat}, {self.lon}) is not a location")
        if (self.experience_years or 0.0) < 0 or self.hours_per_week < 0:
            raise ValueError(f"rep {self.id!r}: experience and hours must be non-negative")

    @classmethod
    def from_rep(cls, rep: Rep, default_hours_per_week: float = 40.0) -> RepProfile:
        """Build from a domain :class:`~territorial.domain.rep.Rep` (skills = industries).

        Raises
        ------
        ValueError
            If the rep has no home location.
        """
        if rep.home_latitude is None or rep.home_longitude is None:
            raise ValueError(f"rep {rep.name} ({rep.external_id}) has no home location")
        hours = rep.capacity_hours_per_week
        return cls(
            id=rep.external_id,
            name=rep.name,
            lat=rep.home_latitude,
            lon=rep.home_longitude,
            industries=frozenset(rep.skills),
            experience_years=rep.years_experience,
            hours_per_week=default_hours_per_week if hours is None else hours,
        )


def _vec(x: ArrayLike | None, n: int, name: str, default: float = 0.0) -> FloatArray:
    if x is None:
        return np.full(n, default, dtype=np.float64)
    arr = np.asarray(x, dtype=np.float64).reshape(-1)
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} values, expected {n}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


@dataclass(frozen=True, eq=False)
class AccountTable:
    """Accounts as parallel arrays (one entry per account).

    Parameters
    ----------
    territory
        Territory id of each account in the scenario.
    lat, lon
        Location in degrees.
    industry
        Industry label (``""`` if unknown).
    potential, revenue
        Non-negative money amounts.
    workload
        Hours per year the account needs.
    owner
        Current rep id (``None`` or ``""`` if nobody).
    """

    territory: Sequence[str]
    lat: ArrayLike
    lon: ArrayLike
    industry: Sequence[str] | None = None
    potential: ArrayLike | None = None
    revenue: ArrayLike | None = None
    workload: ArrayLike | None = None
    owner: Sequence[str | None] | None = None

    def __post_init__(self) -> None:
        terr = tuple(str(t) for t in self.territory)
        n = len(terr)
        object.__setattr__(self, "territory", terr)
        for name in ("lat", "lon"):
            object.__setattr__(self, name, _vec(getattr(self, name), n, name))
        for name in ("potential", "revenue", "workload"):
            arr = _vec(getattr(self, name), n, name)
            if np.any(arr < 0):
                raise ValueError(f"{name} must be non-negative")
            object.__setattr__(self, name, arr)
        ind = tuple("" if x is None else str(x) for x in (self.industry or [""] * n))
        own = tuple(None if not x else str(x) for x in (self.owner or [None] * n))
        if len(ind) != n or len(own) != n:
            raise ValueError("industry and owner need one entry per account")
        object.__setattr__(self, "industry", ind)
        object.__setattr__(self, "owner", own)

    def column(self, name: str) -> FloatArray:
        """A numeric column as an array."""
        out: FloatArray = getattr(self, name)
        return out


@dataclass(frozen=True)
class AssignWeights:
    """Weights of the cost components (normalised to sum to 1).

    ``senior_years``: experience at which a rep counts as fully senior.
    ``distance_scale_km``: distance that costs 1 (``None``: the largest one).
    """

    travel: float = 0.3
    fit: float = 0.3
    experience: float = 0.2
    continuity: float = 0.2
    senior_years: float = 5.0
    distance_scale_km: float | None = None

    def __post_init__(self) -> None:
        w = [self.travel, self.fit, self.experience, self.continuity]
        if any((not math.isfinite(x)) or x < 0 for x in w):
            raise ValueError("assignment weights must be finite and non-negative")
        if sum(w) <= 0:
            raise ValueError("at least one assignment weight must be positive")
        if not (math.isfinite(self.senior_years) and self.senior_years > 0):
            raise ValueError("senior_years must be positive")
        if self.distance_scale_km is not None and not self.distance_scale_km > 0:
            raise ValueError("distance_scale_km must be positive")

    def normalised(self) -> dict[str, float]:
        """Component weights summing to 1."""
        w = {c: float(getattr(self, c)) for c in COMPONENTS}
        s = sum(w.values())
        return {c: v / s for c, v in w.items()}


@dataclass(frozen=True)
class CapacityRule:
    """A rep's yearly capacity is ``hours_per_week × working_weeks``."""

    working_weeks: float = 46.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.working_weeks) and self.working_weeks > 0):
            raise ValueError("working_weeks must be positive")

    def capacity(self, rep: RepProfile) -> float:
        """Yearly hours of ``rep``."""
        return rep.hours_per_week * self.working_weeks


@dataclass(frozen=True, eq=False)
class CostMatrices:
    """Rep × territory cost components (rows reps, columns territories).

    ``travel``, ``fit``, ``experience``, ``continuity`` are normalised to
    ``[0, 1]``; ``total`` is their weighted sum. ``travel_km``,
    ``continuity_share`` (owned share of revenue) and ``known_share`` (share of
    potential in industries the rep knows) are the raw values behind them.
    """

    rep_ids: tuple[str, ...]
    territory_ids: tuple[str, ...]
    travel_km: FloatArray
    travel: FloatArray
    fit: FloatArray
    experience: FloatArray
    continuity: FloatArray
    continuity_share: FloatArray
    total: FloatArray
    workload: FloatArray
    demand: FloatArray
    industry_share: tuple[dict[str, float], ...] = field(default=())


def _share(values: FloatArray) -> FloatArray:
    s = float(values.sum())
    if s > 0:
        out: FloatArray = values / s
        return out
    return np.full(values.size, 1.0 / values.size) if values.size else values


def cost_matrices(
    reps: Sequence[RepProfile],
    territory_ids: Sequence[str],
    accounts: AccountTable,
    weights: AssignWeights | None = None,
    difficulty: ArrayLike | None = None,
) -> CostMatrices:
    """Compute the cost components of every rep-territory pair.

    Parameters
    ----------
    reps
        The reps (rows).
    territory_ids
        The territories (columns); accounts in other territories are ignored.
    accounts
        The scenario's accounts.
    weights
        Component weights.
    difficulty
        Optional difficulty per territory in ``[0, 1]``.
    """
    w = weights or AssignWeights()
    tids = tuple(str(t) for t in territory_ids)
    if len(set(tids)) != len(tids):
        raise ValueError("territory ids must be unique")
    rids = tuple(r.id for r in reps)
    if len(set(rids)) != len(rids):
        raise ValueError("rep ids must be unique")
    n_r, n_t = len(reps), len(tids)
    col = {t: j for j, t in enumerate(tids)}
    terr_idx = np.array([col.get(t, -1) for t in accounts.territory], dtype=np.int64)
    lat, lon = accounts.column("lat"), accounts.column("lon")
    pot, rev, work = (accounts.column(c) for c in ("potential", "revenue", "workload"))
    ind = tuple(accounts.industry or ())
    own = tuple(accounts.owner or ())

    travel_km = np.zeros((n_r, n_t))
    fit = np.zeros((n_r, n_t))
    cont_share = np.zeros((n_r, n_t))
    workload = np.zeros(n_t)
    pot_t = np.zeros(n_t)
    ind_share: list[dict[str, float]] = []
    r_lat = np.array([r.lat for r in reps], dtype=np.float64)[:, None]
    r_lon = np.array([r.lon for r in reps], dtype=np.float64)[:, None]
    r_pos = {r.id: i for i, r in enumerate(reps)}
    owner_idx = np.array([r_pos.get(o, -1) if o else -1 for o in own], dtype=np.int64)
    for j in range(n_t):
        members = np.flatnonzero(terr_idx == j)
        workload[j] = float(work[members].sum())
        pot_t[j] = float(pot[members].sum())
        shares: dict[str, float] = {}
        if members.size:
            basis = _share(pot[members])
            for k, a in enumerate(members):
                shares[ind[a]] = shares.get(ind[a], 0.0) + float(basis[k])
            if n_r:
                d = haversine_km(r_lat, r_lon, lat[members][None, :], lon[members][None, :])
                travel_km[:, j] = d.mean(axis=1)
                rshare = _share(rev[members])
                o = owner_idx[members]
                cont_share[:, j] = np.bincount(o[o >= 0], rshare[o >= 0], minlength=n_r)
            for i, rep in enumerate(reps):
                fit[i, j] = sum(s for k, s in shares.items() if k and k not in rep.industries)
        ind_share.append(shares)
    scale = w.distance_scale_km or float(travel_km.max(initial=0.0))
    travel = np.minimum(travel_km / scale, 1.0) if scale > 0 else np.zeros_like(travel_km)
    demand = pot_t / pot_t.max() if n_t and pot_t.max() > 0 else np.zeros(n_t)
    if difficulty is not None:
        diff = _vec(difficulty, n_t, "difficulty")
        if np.any((diff < 0) | (diff > 1)):
            raise ValueError("difficulty must lie in [0, 1]")
        demand = (demand + diff) / 2
    senior = _seniority(reps, w.senior_years)
    experience = np.outer(1.0 - senior, demand) if n_r else np.zeros((0, n_t))
    fit = np.clip(fit, 0.0, 1.0)
    cont_share = np.clip(cont_share, 0.0, 1.0)
    continuity = 1.0 - cont_share
    nw = w.normalised()
    total = (
        nw["travel"] * travel
        + nw["fit"] * fit
        + nw["experience"] * experience
        + nw["continuity"] * continuity
    )
    return CostMatrices(
        rep_ids=rids,
        territory_ids=tids,
        travel_km=travel_km,
        travel=travel,
        fit=fit,
        experience=experience,
        continuity=continuity,
        continuity_share=cont_share,
        total=total,
        workload=workload,
        demand=demand,
        industry_share=tuple(ind_share),
    )


def solve_assignment(
    cost: ArrayLike, pins: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Minimum-cost matching of rows to columns, honouring pinned pairs.

    Assigns ``min(rows, cols)`` pairs (a rectangular assignment problem).

    Parameters
    ----------
    cost
        ``rows × cols`` finite costs.
    pins
        ``(row, col)`` pairs that must be in the matching.

    Returns
    -------
    list
        ``(row, col)`` pairs sorted by row.

    Raises
    ------
    ValueError
        If a row or column is pinned twice or out of range.
    """
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError("cost must be a 2-D matrix")
    if not np.all(np.isfinite(c)):
        raise ValueError("costs must be finite")
    n_r, n_c = c.shape
    rows = [r for r, _ in pins]
    cols = [k for _, k in pins]
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        raise ValueError("a row or column is pinned twice")
    if any(not 0 <= r < n_r for r in rows) or any(not 0 <= k < n_c for k in cols):
        raise ValueError("a pin is out of range")
    free_r = [r for r in range(n_r) if r not in set(rows)]
    free_c = [k for k in range(n_c) if k not in set(cols)]
    pairs = [(int(r), int(k)) for r, k in pins]
    if free_r and free_c:
        sub = c[np.ix_(free_r, free_c)]
        ri, ci = linear_sum_assignment(sub)
        pairs += [(free_r[int(a)], free_c[int(b)]) for a, b in zip(ri, ci, strict=True)]
    return sorted(pairs)


@dataclass(frozen=True)
class Assignment:
    """One rep-territory match with its reasons.

    ``components`` holds the normalised cost components; ``reason`` is a plain
    sentence. Workload and capacity are yearly hours.
    """

    rep_id: str
    rep_name: str
    territory_id: str
    pinned: bool
    cost: float
    travel_km: float
    missing_industry_share: float
    experience_penalty: float
    continuity_share: float
    components: Mapping[str, float]
    reason: str
    workload_hours: float
    capacity_hours: float
    utilisation: float
    over_capacity: bool


@dataclass(frozen=True)
class AssignmentResult:
    """Matches, vacant territories, reps left without a territory."""

    assignments: tuple[Assignment, ...]
    vacancies: tuple[str, ...]
    unassigned_reps: tuple[str, ...]
    total_cost: float
    notes: tuple[str, ...]

    def rep_of(self, territory_id: str) -> str | None:
        """Rep assigned to a territory, or ``None`` if vacant."""
        return next((a.rep_id for a in self.assignments if a.territory_id == territory_id), None)

    def territory_of(self, rep_id: str) -> str | None:
        """Territory of a rep, or ``None`` if unassigned."""
        return next((a.territory_id for a in self.assignments if a.rep_id == rep_id), None)


def _seniority(reps: Sequence[RepProfile], senior_years: float) -> FloatArray:
    """(n_r,) each rep's seniority in [0, 1]; a rep without years on record gets the
    others' average (1, no penalty, when nobody has any)."""
    seniority = [
        None if r.experience_years is None else min(r.experience_years / senior_years, 1.0)
        for r in reps
    ]
    known = [x for x in seniority if x is not None]
    average = float(np.mean(known)) if known else 1.0
    return np.array([average if x is None else x for x in seniority], dtype=np.float64)


def _industry_phrase(rep: RepProfile, shares: Mapping[str, float]) -> str:
    known = sorted(
        ((k, s) for k, s in shares.items() if k and k in rep.industries and s > 0),
        key=lambda kv: (-kv[1], kv[0]),
    )
    if known:
        names = [k for k, _ in known[:3]]
        text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"knows {text} ({sum(s for _, s in known):.0%} of potential)"
    top = sorted(((k, s) for k, s in shares.items() if k and s > 0), key=lambda kv: -kv[1])
    if not top:
        return "no industry mix to match"
    return f"knows none of its industries (top: {top[0][0]}, {top[0][1]:.0%} of potential)"


def _reason(
    rep: RepProfile,
    km: float,
    shares: Mapping[str, float],
    owned: float,
    penalty: float,
    demand: float,
    pinned: bool,
) -> str:
    parts = [f"home {km:,.0f} km from the territory", _industry_phrase(rep, shares)]
    if owned > 0:
        parts.append(f"already owns {owned:.0%} of its revenue")
    else:
        parts.append("owns none of its revenue yet")
    if penalty >= 0.25 and rep.experience_years is not None:
        yrs = f"{rep.experience_years:g} year{'s' if rep.experience_years != 1 else ''}"
        kind = "a top-potential" if demand >= 0.8 else "a demanding"
        parts.append(f"only {yrs} of experience for {kind} territory")
    text = f"{rep.name}: " + ", ".join(parts)
    return text + (" (pinned)" if pinned else "")


def assign_reps(
    reps: Sequence[RepProfile],
    territory_ids: Sequence[str],
    accounts: AccountTable,
    *,
    weights: AssignWeights | None = None,
    difficulty: ArrayLike | None = None,
    pins: Mapping[str, str] | None = None,
    capacity: CapacityRule | None = None,
) -> AssignmentResult:
    """Assign reps to territories at minimum total cost.

    Parameters
    ----------
    reps, territory_ids, accounts, weights, difficulty
        See :func:`cost_matrices`.
    pins
        ``rep id -> territory id`` pairs that must hold.
    capacity
        How yearly capacity is computed (default 46 working weeks).

    Returns
    -------
    AssignmentResult
        ``min(reps, territories)`` matches; the other territories are vacancies,
        the other reps unassigned, each with a sentence in ``notes``.

    Raises
    ------
    ValueError
        If a pin names an unknown rep or territory, or two reps are pinned to
        the same territory.
    """
    rule = capacity or CapacityRule()
    m = cost_matrices(reps, territory_ids, accounts, weights, difficulty)
    r_index = {r: i for i, r in enumerate(m.rep_ids)}
    t_index = {t: j for j, t in enumerate(m.territory_ids)}
    pin_pairs: list[tuple[int, int]] = []
    taken: dict[str, str] = {}
    for rep_id, terr in (pins or {}).items():
        if rep_id not in r_index:
            raise ValueError(f"cannot pin rep {rep_id!r}: no such rep")
        if str(terr) not in t_index:
            raise ValueError(f"cannot pin rep {rep_id!r} to {terr!r}: no such territory")
        if str(terr) in taken:
            raise ValueError(
                f"reps {taken[str(terr)]!r} and {rep_id!r} are both pinned to territory "
                f"{terr!r}; a territory takes one rep"
            )
        taken[str(terr)] = rep_id
        pin_pairs.append((r_index[rep_id], t_index[str(terr)]))
    pairs = solve_assignment(m.total, pin_pairs)
    pinned = set(pin_pairs)
    out: list[Assignment] = []
    for i, j in pairs:
        rep = reps[i]
        cap = rule.capacity(rep)
        load = float(m.workload[j])
        util = load / cap if cap > 0 else (math.inf if load > 0 else 0.0)
        comps = {c: float(getattr(m, c)[i, j]) for c in COMPONENTS}
        out.append(
            Assignment(
                rep_id=rep.id,
                rep_name=rep.name,
                territory_id=m.territory_ids[j],
                pinned=(i, j) in pinned,
                cost=float(m.total[i, j]),
                travel_km=float(m.travel_km[i, j]),
                missing_industry_share=comps["fit"],
                experience_penalty=comps["experience"],
                continuity_share=float(m.continuity_share[i, j]),
                components=comps,
                reason=_reason(
                    rep,
                    float(m.travel_km[i, j]),
                    m.industry_share[j],
                    float(m.continuity_share[i, j]),
                    comps["experience"],
                    float(m.demand[j]),
                    (i, j) in pinned,
                ),
                workload_hours=load,
                capacity_hours=cap,
                utilisation=util,
                over_capacity=load > cap,
            )
        )
    used_t = {j for _, j in pairs}
    used_r = {i for i, _ in pairs}
    vacancies = tuple(t for j, t in enumerate(m.territory_ids) if j not in used_t)
    idle = tuple(r for i, r in enumerate(m.rep_ids) if i not in used_r)
    notes = [f"Territory {t} is vacant: there are fewer reps than territories." for t in vacancies]
    notes += [
        f"{reps[r_index[r]].name} has no territory: there are more reps than territories."
        for r in idle
    ]
    unknown = [r.name for r in reps if r.experience_years is None]
    if unknown and len(unknown) == len(reps):
        notes.append("No rep has years of experience on record: experience is not weighed.")
    elif unknown:
        notes.append(
            f"Years of experience not on record for {', '.join(unknown)}: weighed as the "
            "average of the others."
        )
    notes += [
        f"{a.rep_name} is over capacity in {a.territory_id}: {a.workload_hours:,.0f} h of "
        f"workload for {a.capacity_hours:,.0f} h ({a.utilisation:.0%})."
        for a in out
        if a.over_capacity
    ]
    return AssignmentResult(
        assignments=tuple(out),
        vacancies=vacancies,
        unassigned_reps=idle,
        total_cost=float(sum(a.cost for a in out)),
        notes=tuple(notes),
    )
