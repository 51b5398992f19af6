"""Proof that no balanced plan exists, and the tolerance that could be met.

The LP relaxation of the balanced assignment (every unit to one territory, fractions
allowed) is solved over *every* (unit, territory) pair with the tolerances scaled by a
free factor ``s``::

    min  s
    s.t. sum_j x[i,j] = 1                                     every unit
         |sum_i w[i,m] x[i,j] - target[j,m]| <= s * tol[m] * target[j,m]
         x[i, lock[i]] = 1                                    locks

Every integral plan is a point of this LP, so ``s > 1`` proves that no plan (contiguous
or not) meets the tolerances, and ``s * tol`` is the least any plan can reach (plans
that keep units whole may need more).  The measure that binds is the one whose worst
deviation reaches ``s * tol`` in the LP solution.

With a move cap, the same relaxation with the tolerances fixed and the moved weight
minimised (:func:`least_moves`) proves that the cap is too tight when its value exceeds
the cap (:func:`move_cap_note`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from territorial.optimize.design.problem import DesignProblem
from territorial.optimize.highs import new_highs, set_limits

MAX_PAIRS = 2_000_000  # n x p above this: no proof attempted (the LP gets slow)
#: The least time a proof's LP gets, even when the design's time is up (a few seconds
#: late beat "try a longer time limit" when more time cannot help).
PROOF_SECONDS = 5.0


@dataclass(frozen=True)
class Infeasibility:
    """``scale`` > 1: no plan meets the tolerances; ``least`` (m,) is the least
    tolerance per measure that the relaxation can meet (``tolerance x scale``)."""

    scale: float
    least: np.ndarray
    binding: int  # index of the measure whose deviation reaches its least tolerance

    def message(self, names: tuple[str, ...]) -> str:
        figures = ", ".join(f"{name} ±{t:.1%}" for name, t in zip(names, self.least, strict=True))
        return (
            f"no plan can meet the tolerances, even splitting units between "
            f"territories: the least reachable is {figures} ({names[self.binding]} "
            f"binds); loosen --tolerance to at least that"
        )


def least_tolerance(
    weights: np.ndarray,
    targets: np.ndarray,
    tolerances: np.ndarray,
    locks: np.ndarray | None = None,
    time_limit: float = 10.0,
) -> Infeasibility | None:
    """The smallest scale of ``tolerances`` that the LP relaxation can meet.

    ``weights`` (n, m) measures per unit, ``targets`` (p, m) absolute targets,
    ``tolerances`` (m,), ``locks`` (n,) with -1 for free units.  Returns None when the
    LP could not be solved in time, is too large, or cannot be met at any scale (a
    measure with tolerance 0 that no split balances).
    """
    n, m = weights.shape
    p = targets.shape[0]
    if n * p > MAX_PAIRS:
        return None
    k = n * p
    per = _unit(targets)  # measures in units of their mean target: a well-scaled LP
    weights, targets = weights / per, targets / per
    band = (tolerances[None, :] * targets).reshape(-1)
    # the free scale s (column k) widens every band: load - s*band <= target <= load + s*band
    widen = sp.csc_matrix(
        (np.concatenate([-band, band]), (np.arange(2 * p * m), np.zeros(2 * p * m, dtype=int))),
        shape=(2 * p * m, 1),
    )
    tgt = targets.reshape(-1)
    h = _solve(
        _rows(weights, p),
        widen,
        np.concatenate([np.zeros(k), [1.0]]),
        np.concatenate([np.full(p * m, -np.inf), tgt]),
        np.concatenate([tgt, np.full(p * m, np.inf)]),
        locks,
        time_limit,
    )
    if h is None:
        return None
    col = np.asarray(h.getSolution().col_value)
    scale = float(col[k])
    x = col[:k].reshape(n, p)
    load = x.T @ weights
    dev = np.abs(load - targets) / np.where(targets > 0, targets, 1.0)
    worst = dev.max(axis=0)
    least = tolerances * scale
    binding = (
        int(np.argmax(worst / np.where(least > 0, least, np.inf)))
        if (least > 0).any()
        else int(np.argmax(worst))
    )
    return Infeasibility(scale, least, binding)


def least_moves(
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    current: np.ndarray,
    move_weights: np.ndarray,
    locks: np.ndarray | None = None,
    time_limit: float = 10.0,
) -> float | None:
    """The least moved weight (``move_weights`` of the units leaving ``current``) with
    which the LP relaxation keeps every load within ``lo``/``hi`` (p, m): every plan
    within the tolerances moves at least this much.  None when the LP is too large, out
    of time, or infeasible at any number of moves (then :func:`least_tolerance` says
    why)."""
    n, m = weights.shape
    p = lo.shape[0]
    if n * p > MAX_PAIRS:
        return None
    per = _unit((lo + hi) / 2)
    weights, lo, hi = weights / per, lo / per, hi / per
    cost = np.repeat(move_weights.astype(np.float64), p)
    cost[np.arange(n) * p + current] = 0.0  # staying costs nothing
    h = _solve(
        _rows(weights, p),
        None,
        cost,
        np.concatenate([np.full(p * m, -np.inf), lo.reshape(-1)]),
        np.concatenate([hi.reshape(-1), np.full(p * m, np.inf)]),
        locks,
        time_limit,
    )
    return None if h is None else float(h.getInfo().objective_function_value)


def move_cap_note(problem: DesignProblem, time_limit: float) -> str | None:
    """Why no plan within the tolerances keeps to ``problem``'s move cap, when the LP
    relaxation proves it (else None: no cap, or the cap may be enough)."""
    if problem.max_moves is None or problem.current is None:
        return None
    w = problem.array("measures")
    target = problem.array("targets") * w.sum(axis=0)[None, :]
    tol = problem.array("tolerances")[None, :]
    locks = problem.array("locks")
    need = least_moves(
        w,
        target * (1 - tol),
        target * (1 + tol),
        problem.array("current"),
        problem.move_weight_array(),
        locks if (locks >= 0).any() else None,
        time_limit,
    )
    cap = problem.move_cap()
    if need is None or need <= cap * (1 + 1e-6) + 1e-6:
        return None
    counted = problem.move_weights is None  # units move whole: round the count up
    least = f"{math.ceil(need - 1e-6):,}" if counted else f"{need:,.0f}"
    return (
        f"no plan within the tolerances keeps to the move cap: even splitting units "
        f"between territories, at least {least} must move, and the cap is {cap:,.0f}; "
        f"raise --max-moves to at least that, or loosen --tolerance"
    )


def _unit(targets: np.ndarray) -> np.ndarray:
    """(m,) each measure's mean target (1 where it is 0): revenue in the hundreds of
    millions beside account counts made HiGHS take 30 s instead of 1 on 3,000 x 14."""
    mean = np.abs(targets).mean(axis=0)
    out: np.ndarray = np.where(mean > 0, mean, 1.0)
    return out


def _rows(weights: np.ndarray, p: int) -> sp.csc_matrix:
    """Rows over the n*p pair columns (unit-major): each unit's assignment row (n), then
    every (territory, measure) load twice, for its upper and for its lower side."""
    n, m = weights.shape
    k = n * p
    unit = np.repeat(np.arange(n), p)
    load_rows = (np.tile(np.arange(p), n)[:, None] * m + np.arange(m)[None, :]).reshape(-1)
    vals = weights[unit].reshape(-1)
    rows = np.concatenate([unit, n + load_rows, n + p * m + load_rows])
    cols = np.concatenate([np.arange(k), np.repeat(np.arange(k), m), np.repeat(np.arange(k), m)])
    data = np.concatenate([np.ones(k), vals, vals])
    return sp.csc_matrix((data, (rows, cols)), shape=(n + 2 * p * m, k))


def _solve(
    pairs: sp.csc_matrix,
    extra: sp.csc_matrix | None,
    cost: np.ndarray,
    load_lower: np.ndarray,
    load_upper: np.ndarray,
    locks: np.ndarray | None,
    time_limit: float,
) -> highspy.Highs | None:
    """Solve min cost.x over the pair columns of :func:`_rows` (plus ``extra`` columns,
    which only the load rows use, free and nonnegative), every unit assigned once, the
    loads within their bounds, ``locks`` kept; the solver, or None unless optimal."""
    rows, k = pairs.shape
    n = rows - len(load_lower)
    p = k // n
    if extra is not None:
        lift = sp.vstack([sp.csc_matrix((n, extra.shape[1])), extra]).tocsc()
        a = sp.hstack([pairs, lift]).tocsc()
    else:
        a = pairs
    cols = a.shape[1]
    lower = np.zeros(cols)
    upper = np.concatenate([np.ones(k), np.full(cols - k, np.inf)])
    if locks is not None:
        locked = np.flatnonzero(locks >= 0)
        upper[(locked[:, None] * p + np.arange(p)[None, :]).reshape(-1)] = 0.0
        lower[locked * p + locks[locked]] = 1.0
        upper[locked * p + locks[locked]] = 1.0
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = cols, rows
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_ = np.concatenate([np.ones(n), load_lower])
    lp.row_upper_ = np.concatenate([np.ones(n), load_upper])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    h = new_highs(1)
    h.passModel(lp)
    set_limits(h, time_limit)
    h.run()
    return h if h.getModelStatus() == highspy.HighsModelStatus.kOptimal else None
