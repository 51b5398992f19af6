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
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from territorial.optimize.highs import new_highs, set_limits

MAX_PAIRS = 2_000_000  # n x p above this: no proof attempted (the LP gets slow)


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
    unit = np.repeat(np.arange(n), p)
    terr = np.tile(np.arange(p), n)
    s_col = k
    # rows: n assignment rows, then per (j, a) the upper and the lower side
    load_rows = terr[:, None] * m + np.arange(m)[None, :]
    vals = weights[unit]
    band = (tolerances[None, :] * targets).reshape(-1)
    rows = np.concatenate(
        [
            unit,
            n + load_rows.reshape(-1),
            n + p * m + load_rows.reshape(-1),
            n + np.arange(p * m),
            n + p * m + np.arange(p * m),
        ]
    )
    cols = np.concatenate(
        [
            np.arange(k),
            np.repeat(np.arange(k), m),
            np.repeat(np.arange(k), m),
            np.full(2 * p * m, s_col),
        ]
    )
    data = np.concatenate([np.ones(k), vals.reshape(-1), vals.reshape(-1), -band, band])
    a = sp.csc_matrix((data, (rows, cols)), shape=(n + 2 * p * m, k + 1))
    tgt = targets.reshape(-1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = k + 1, n + 2 * p * m
    lp.col_cost_ = np.concatenate([np.zeros(k), [1.0]])
    lower = np.zeros(k + 1)
    upper = np.concatenate([np.ones(k), [np.inf]])
    if locks is not None:
        locked = np.flatnonzero(locks >= 0)
        upper[(locked[:, None] * p + np.arange(p)[None, :]).reshape(-1)] = 0.0
        lower[locked * p + locks[locked]] = 1.0
        upper[locked * p + locks[locked]] = 1.0
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_ = np.concatenate([np.ones(n), np.full(p * m, -np.inf), tgt])
    lp.row_upper_ = np.concatenate([np.ones(n), tgt, np.full(p * m, np.inf)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    h = new_highs(1)
    h.passModel(lp)
    set_limits(h, time_limit)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
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
