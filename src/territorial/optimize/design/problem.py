"""Problem and parameter records, validated on construction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from territorial.domain.alignment import DEFAULT_TOLERANCE

Objective = Literal["diameter", "travel"]


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def _per_territory(name: str, value: Any, p: int, default: int) -> np.ndarray:
    if value is None:
        return np.full(p, default, dtype=np.int64)
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(p, arr)
    if arr.shape != (p,) or not np.issubdtype(arr.dtype, np.integer) or (arr < 0).any():
        raise ValueError(f"{name} must be a nonnegative int or ({p},) int array")
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class DesignProblem:
    """A balanced territory design instance (arrays in; see the package docstring).

    Parameters
    ----------
    coords : (n, 2) planar coordinates (project latitude/longitude first).
    measures : (n, m) nonnegative activity measures to balance.
    p : number of territories.
    tolerances : (m,) or scalar relative tolerance per measure (0.05 = +-5% of target).
    measure_names : names of the m measures (default ``m0, m1, ...``).
    targets : (p, m) share of each measure's total per territory (columns sum to 1);
        default 1/p everywhere.
    adjacency : (n, n) symmetric sparse matrix; neighbourhood for moves and, with
        ``contiguous=True``, each territory must induce a connected subgraph.
    objective : "diameter" (minimise the largest within-territory distance) or
        "travel" (minimise sum of weight x distance to the territory centre).
    travel_weight : measure index or name used as the travel weight, or an (n,) array of
        weights (e.g. accounts per unit); default 1 per unit.
    locks : (n,) int, -1 = free, else the territory the unit must belong to.
    fixed_centres : (p, 2) rep homes; travel is measured to them and growth starts from
        the unit nearest each.  With the travel objective a row of NaN leaves that
        territory's centre free (a vacancy), placed by the solver.
    centre_costs : (n, p) travel objective only: the cost of serving unit i from
        territory j's fixed centre (e.g. the sum of its accounts' great-circle km to the
        rep's home), used instead of ``travel weight x planar distance``; columns of
        free centres are ignored.
    min_units, max_units : scalar or (p,) bounds on territory sizes.
    current : (n,) current assignment; with ``max_moves`` caps the change.
    max_moves : float in (0, 1) = fraction of the total move weight; otherwise an
        absolute cap on moved weight (unit count when ``move_weights`` is None).
    move_weights : (n,) nonnegative weight per unit moved (e.g. revenue).
    """

    coords: ArrayLike
    measures: ArrayLike
    p: int
    tolerances: ArrayLike = DEFAULT_TOLERANCE
    measure_names: tuple[str, ...] = ()
    targets: ArrayLike | None = None
    adjacency: sp.spmatrix | sp.sparray | None = None
    contiguous: bool = False
    objective: Objective = "diameter"
    travel_weight: int | str | ArrayLike | None = None
    locks: ArrayLike | None = None
    fixed_centres: ArrayLike | None = None
    min_units: ArrayLike | None = None
    max_units: ArrayLike | None = None
    current: ArrayLike | None = None
    max_moves: float | None = None
    move_weights: ArrayLike | None = None
    centre_costs: ArrayLike | None = None
    _travel_col: int = field(default=-1, init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        coords = np.asarray(self.coords, dtype=np.float64)
        if coords.ndim != 2 or coords.shape[1] != 2 or coords.shape[0] < 1:
            raise ValueError(f"coords must have shape (n, 2), got {coords.shape}")
        if not np.isfinite(coords).all():
            raise ValueError("coords must be finite")
        n = coords.shape[0]
        measures = np.asarray(self.measures, dtype=np.float64)
        if measures.ndim == 1:
            measures = measures[:, None]
        if measures.ndim != 2 or measures.shape[0] != n or measures.shape[1] < 1:
            raise ValueError(f"measures must have shape (n={n}, m), got {measures.shape}")
        if not np.isfinite(measures).all() or (measures < 0).any():
            raise ValueError("measures must be finite and nonnegative")
        m = measures.shape[1]
        if (measures.sum(axis=0) <= 0).any():
            raise ValueError("measures: every measure column needs a positive total")
        if isinstance(self.p, bool) or not isinstance(self.p, int | np.integer) or self.p < 1:
            raise ValueError(f"p must be an int >= 1, got {self.p!r}")
        p = int(self.p)
        if p > n:
            raise ValueError(f"p={p} territories exceed the n={n} units")
        tol = (
            np.broadcast_to(np.asarray(self.tolerances, dtype=np.float64), (m,)).copy()
            if np.ndim(self.tolerances) == 0
            else np.asarray(self.tolerances, dtype=np.float64)
        )
        if tol.shape != (m,) or not np.isfinite(tol).all() or (tol < 0).any():
            raise ValueError(f"tolerances must be a scalar or ({m},) array of values >= 0")
        names = tuple(self.measure_names) or tuple(f"m{k}" for k in range(m))
        if len(names) != m:
            raise ValueError(f"measure_names has {len(names)} names for {m} measures")
        if self.targets is None:
            targets = np.full((p, m), 1.0 / p)
        else:
            targets = np.asarray(self.targets, dtype=np.float64)
            if targets.ndim == 1:
                targets = np.repeat(targets[:, None], m, axis=1)
            if targets.shape != (p, m) or not np.isfinite(targets).all() or (targets <= 0).any():
                raise ValueError(f"targets must be a ({p}, {m}) array of positive shares")
            if not np.allclose(targets.sum(axis=0), 1.0, atol=1e-6):
                raise ValueError(
                    f"targets: each measure's shares must sum to 1 (got {targets.sum(axis=0)})"
                )
        adj = None
        if self.adjacency is not None:
            adj = sp.csr_matrix(self.adjacency)
            if adj.shape != (n, n):
                raise ValueError(f"adjacency must be ({n}, {n}), got {adj.shape}")
            if (abs(adj - adj.T) > 0).nnz:
                raise ValueError("adjacency must be symmetric")
            coo = adj.tocoo()
            off = coo.row != coo.col
            adj = sp.csr_matrix(
                (np.ones(int(off.sum()), dtype=np.int8), (coo.row[off], coo.col[off])), shape=(n, n)
            )
            adj.sum_duplicates()
            adj.data[:] = 1
        if self.contiguous and adj is None:
            raise ValueError("contiguous=True needs an adjacency matrix")
        if self.objective not in ("diameter", "travel"):
            raise ValueError(f"objective must be 'diameter' or 'travel', got {self.objective!r}")
        tcol = -1
        tweights = None
        if (
            self.travel_weight is not None
            and not isinstance(self.travel_weight, str)
            and np.ndim(self.travel_weight) == 1
        ):  # type: ignore[arg-type]
            tweights = np.asarray(self.travel_weight, dtype=np.float64)
            if tweights.shape != (n,) or not np.isfinite(tweights).all() or (tweights < 0).any():
                raise ValueError(f"travel_weight as an array must be ({n},) nonnegative")
        elif self.travel_weight is not None:
            if isinstance(self.travel_weight, str):
                if self.travel_weight not in names:
                    raise ValueError(
                        f"travel_weight {self.travel_weight!r} is not one of "
                        f"the measure names {names}"
                    )
                tcol = names.index(self.travel_weight)
            elif not (0 <= int(self.travel_weight) < m):  # type: ignore[arg-type]
                raise ValueError(f"travel_weight must be a measure index in 0..{m - 1}")
            else:
                tcol = int(self.travel_weight)  # type: ignore[arg-type]
        locks = np.full(n, -1, dtype=np.int64)
        if self.locks is not None:
            locks = np.asarray(self.locks)
            if locks.shape != (n,) or not np.issubdtype(locks.dtype, np.integer):
                raise ValueError(f"locks must be an ({n},) int array")
            bad = (locks < -1) | (locks >= p)
            if bad.any():
                raise ValueError(
                    f"locks must be -1 (free) or a territory in 0..{p - 1}; "
                    f"unit {int(np.flatnonzero(bad)[0])} has "
                    f"{int(locks[bad][0])}"
                )
            locks = locks.astype(np.int64)
        centres = None
        if self.fixed_centres is not None:
            centres = np.asarray(self.fixed_centres, dtype=np.float64)
            free = np.isnan(centres).all(axis=1) if centres.shape == (p, 2) else None
            if free is None or not np.isfinite(centres[~free]).all():
                raise ValueError(
                    f"fixed_centres must be a finite ({p}, 2) array "
                    "(rows of NaN: free centres, travel objective only)"
                )
            if free.any() and self.objective != "travel":
                raise ValueError("fixed_centres: free (NaN) centres need the travel objective")
        costs = None
        if self.centre_costs is not None:
            if centres is None or self.objective != "travel":
                raise ValueError("centre_costs need fixed_centres and the travel objective")
            costs = np.asarray(self.centre_costs, dtype=np.float64)
            fixed_cols = ~np.isnan(centres).all(axis=1)
            if (
                costs.shape != (n, p)
                or not np.isfinite(costs[:, fixed_cols]).all()
                or (costs[:, fixed_cols] < 0).any()
            ):
                raise ValueError(f"centre_costs must be a nonnegative ({n}, {p}) array")
        min_u = _per_territory("min_units", self.min_units, p, 0)
        max_u = _per_territory("max_units", self.max_units, p, n)
        if (min_u > max_u).any():
            raise ValueError("min_units must not exceed max_units")
        current = None
        if self.current is not None:
            current = np.asarray(self.current)
            if (
                current.shape != (n,)
                or not np.issubdtype(current.dtype, np.integer)
                or (current < 0).any()
                or (current >= p).any()
            ):
                raise ValueError(f"current must be an ({n},) int array with values in 0..{p - 1}")
            current = current.astype(np.int64)
        mw = None
        if self.move_weights is not None:
            mw = np.asarray(self.move_weights, dtype=np.float64)
            if mw.shape != (n,) or not np.isfinite(mw).all() or (mw < 0).any():
                raise ValueError(f"move_weights must be a nonnegative ({n},) array")
        if self.max_moves is not None:
            if current is None:
                raise ValueError("max_moves needs a current assignment")
            if (
                not (isinstance(self.max_moves, int | float | np.number))
                or not math.isfinite(float(self.max_moves))
                or self.max_moves < 0
            ):
                raise ValueError(f"max_moves must be a number >= 0, got {self.max_moves!r}")
        set_(self, "coords", _ro(coords))
        set_(self, "measures", _ro(measures))
        set_(self, "p", p)
        set_(self, "tolerances", _ro(tol))
        set_(self, "measure_names", names)
        set_(self, "targets", _ro(targets))
        set_(self, "adjacency", adj)
        set_(self, "locks", _ro(locks))
        set_(self, "fixed_centres", None if centres is None else _ro(centres))
        set_(self, "min_units", _ro(min_u))
        set_(self, "max_units", _ro(max_u))
        set_(self, "current", None if current is None else _ro(current))
        set_(self, "move_weights", None if mw is None else _ro(mw))
        set_(self, "_travel_col", tcol)
        if tweights is not None:
            set_(self, "travel_weight", _ro(tweights))
        set_(self, "centre_costs", None if costs is None else _ro(costs))

    # typed accessors (the fields hold arrays after validation)
    @property
    def n(self) -> int:
        return int(np.shape(self.coords)[0])

    @property
    def m(self) -> int:
        return int(np.shape(self.measures)[1])

    def array(self, name: str) -> np.ndarray:
        """A validated field as an ndarray (``coords``, ``measures``, ``locks``...)."""
        return np.asarray(getattr(self, name))

    def move_weight_array(self) -> np.ndarray:
        mw = self.move_weights
        return np.ones(self.n) if mw is None else np.asarray(mw)

    def move_cap(self) -> float:
        """Absolute cap on moved weight (inf when none)."""
        if self.max_moves is None:
            return math.inf
        mm = float(self.max_moves)
        if isinstance(self.max_moves, float) and 0.0 < mm < 1.0:
            return mm * float(self.move_weight_array().sum())
        return mm

    def travel_weights(self) -> np.ndarray:
        if isinstance(self.travel_weight, np.ndarray):
            return self.travel_weight.astype(np.float64)
        if self._travel_col < 0:
            return np.ones(self.n)
        return np.asarray(self.measures)[:, self._travel_col].copy()


@dataclass(frozen=True)
class DesignParams:
    """Algorithm knobs (defaults follow MATS: tenure p/2, I_max 500; A_max is 4, not
    MATS's 10, see ``alternations``)."""

    tenure_factor: float = 0.5
    max_no_improve: int = 500
    # diameter and balance searches alternated per start: from a growth the search stalls
    # after two, so 4 leaves time for more starts (CTDP, NOTES.md "sixteenth round");
    # travel designs' searches keep MATS's 10 (:data:`travel.TABU`): 4 was not measured
    # on them
    alternations: int = 4
    max_escapes: int = 25
    alpha: float = 0.0
    repair_no_improve: int = 5000  # final uncapped balance search of each start
    intensify: bool = True  # every other start resumes from the best feasible plan
    # diameter objective: a growth is improved only when its diameter is within
    # this quantile of the growths so far (after screen_warmup of them); 1 = every one
    screen_quantile: float = 0.1
    screen_warmup: int = 10
    seed_sample: int = 0  # 0 = max(ceil(sqrt(n)), 2p)
    knn: int = 8
    bound_time_limit: float = 0.0  # > 0: solve the exact model (n <= exact_max_n) for a gap
    exact_max_n: int = 200

    def __post_init__(self) -> None:
        if not (self.tenure_factor >= 0 and math.isfinite(self.tenure_factor)):
            raise ValueError("tenure_factor must be a finite number >= 0")
        if not 0.0 < self.screen_quantile <= 1.0:
            raise ValueError("screen_quantile must be in (0, 1]")
        for name in ("max_no_improve", "alternations", "knn", "repair_no_improve"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1")
        for name in ("max_escapes", "seed_sample", "exact_max_n", "screen_warmup"):
            if int(getattr(self, name)) < 0:
                raise ValueError(f"{name} must be >= 0")
        if not (self.alpha >= 0 and math.isfinite(self.alpha)):
            raise ValueError("alpha must be a finite number >= 0")
        if not (self.bound_time_limit >= 0 and math.isfinite(self.bound_time_limit)):
            raise ValueError("bound_time_limit must be a finite number >= 0")
