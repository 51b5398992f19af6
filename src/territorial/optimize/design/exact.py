"""Exact MIP (HiGHS) for small instances: optimum or a lower bound.

Formulation (diameter objective), binary ``x[u,i]`` = unit u in territory i, ``D >= 0``:

* assignment: ``sum_i x[u,i] = 1``; locks fix ``x``; size bounds on ``sum_u x[u,i]``;
* balance: ``(1 - tol_a) mu_ia <= sum_u w_ua x[u,i] <= (1 + tol_a) mu_ia``;
* diameter: ``D >= d_uv (x[u,i] + x[v,i] - 1)`` for every pair with LB < d_uv <= UB,
  and ``x[u,i] + x[v,i] <= 1`` for pairs with d_uv > UB, where UB is the diameter of
  a known feasible plan (``initial``) and LB the smallest pairwise distance among p+1
  greedily dispersed units (two of them must share a territory);
* contiguity (single-commodity flow, one commodity per territory): root binaries
  ``r[u,i] <= x[u,i]`` with ``sum_u r[u,i] = 1``; arc flows ``0 <= f[a,i] <= M x`` at
  both arc ends; ``inflow - outflow >= x[u,i] - M r[u,i]``, so every unit of a territory
  receives flow from its root through units of the same territory;
* move cap: ``sum_u mw_u (1 - x[u, current_u]) <= cap``;
* symmetry breaking when territories are interchangeable: ``x[u,i] = 0`` for ``i > u``.

Objective ``min D``.  With fixed centres the travel objective is also supported
(``min sum tw_u dist(u, c_i) x[u,i]``, no D).  Returns the HiGHS dual bound as
``lower_bound`` (the optimum when ``optimal``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import pdist, squareform

from territorial.optimize.design.checks import check_feasible
from territorial.optimize.design.evaluate import evaluate
from territorial.optimize.design.problem import DesignProblem
from territorial.optimize.highs import new_highs


@dataclass(frozen=True)
class ExactResult:
    """Outcome of :func:`solve_exact`."""

    assignment: np.ndarray | None
    objective: float | None
    lower_bound: float | None
    optimal: bool
    status: str
    runtime: float


class _Rows:
    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.n = 0

    def add(
        self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> None:
        """Add len(lo) rows; ``rows`` are local indices 0..len(lo)-1."""
        self.r.append(np.asarray(rows, dtype=np.int64) + self.n)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.asarray(vals, dtype=np.float64))
        self.lo.append(np.asarray(lo, dtype=np.float64))
        self.hi.append(np.asarray(hi, dtype=np.float64))
        self.n += len(lo)


def _dispersion_lb(d: np.ndarray, k: int) -> float:
    n = d.shape[0]
    if k > n:
        return 0.0
    i, j = np.unravel_index(np.argmax(d), d.shape)
    chosen = [int(i), int(j)]
    mind = np.minimum(d[i], d[j])
    while len(chosen) < k:
        nxt = int(np.argmax(mind))
        chosen.append(nxt)
        mind = np.minimum(mind, d[nxt])
    sub = d[np.ix_(chosen, chosen)]
    return float(sub[np.triu_indices(k, 1)].min())


def _interchangeable(problem: DesignProblem) -> bool:
    t = problem.array("targets")
    return bool(
        (problem.array("locks") < 0).all()
        and np.allclose(t, t[0])
        and problem.fixed_centres is None
        and problem.current is None
        and np.unique(problem.array("min_units")).size == 1
        and np.unique(problem.array("max_units")).size == 1
    )


def solve_exact(
    problem: DesignProblem, time_limit: float, initial: np.ndarray | None = None, threads: int = 1
) -> ExactResult:
    """Solve ``problem`` with HiGHS within ``time_limit`` seconds (n <= ~200).

    ``initial`` (a feasible assignment, e.g. from :func:`solve`) gives the upper bound
    UB that removes far pairs from the model.
    """
    if not time_limit > 0:
        raise ValueError("time_limit must be > 0")
    if problem.objective == "travel" and problem.fixed_centres is None:
        raise ValueError(
            "solve_exact supports the diameter objective, and travel only with fixed_centres"
        )
    check_feasible(problem)
    t0 = time.perf_counter()
    n, p, m = problem.n, problem.p, problem.m
    xy = problem.array("coords")
    w = problem.array("measures")
    tol = problem.array("tolerances")
    mu = problem.array("targets") * w.sum(axis=0)[None, :]
    diam_obj = problem.objective == "diameter"
    d = squareform(pdist(xy))
    ub = np.inf
    if initial is not None:
        fig = evaluate(problem, np.asarray(initial))
        if fig.feasible(problem.move_cap()):
            ub = fig.diameter if diam_obj else np.inf
    lb = _dispersion_lb(d, p + 1) if diam_obj else 0.0

    def x(u: object, i: object) -> np.ndarray:
        return np.asarray(np.asarray(u) * p + np.asarray(i))

    nx = n * p
    col = nx
    d_col = -1
    if diam_obj:
        d_col = col
        col += 1
    rows = _Rows()
    uu = np.repeat(np.arange(n), p)
    ii = np.tile(np.arange(p), n)
    rows.add(uu, x(uu, ii), np.ones(nx), np.ones(n), np.ones(n))
    for a in range(m):
        rows.add(ii, x(uu, ii), w[uu, a], (1 - tol[a]) * mu[:, a], (1 + tol[a]) * mu[:, a])
    min_u = problem.array("min_units").astype(float)
    max_u = problem.array("max_units").astype(float)
    rows.add(ii, x(uu, ii), np.ones(nx), min_u, max_u)
    if diam_obj:
        pu, pv = np.triu_indices(n, 1)
        dist = d[pu, pv]
        mid = (dist > lb + 1e-12) & (dist <= ub + 1e-9)
        far = dist > ub + 1e-9
        for mask, is_far in ((mid, False), (far, True)):
            a_u, a_v, a_d = pu[mask], pv[mask], dist[mask]
            k = a_u.size
            if k == 0:
                continue
            r = np.arange(k * p)
            ru = np.repeat(a_u, p)
            rv = np.repeat(a_v, p)
            rd = np.repeat(a_d, p)
            ri = np.tile(np.arange(p), k)
            if is_far:
                rows.add(
                    np.r_[r, r],
                    np.r_[x(ru, ri), x(rv, ri)],
                    np.ones(2 * k * p),
                    np.full(k * p, -np.inf),
                    np.ones(k * p),
                )
            else:
                rows.add(
                    np.r_[r, r, r],
                    np.r_[x(ru, ri), x(rv, ri), np.full(k * p, d_col)],
                    np.r_[rd, rd, -np.ones(k * p)],
                    np.full(k * p, -np.inf),
                    rd,
                )
    if problem.contiguous and problem.adjacency is not None:
        g = sp.csr_matrix(problem.adjacency).tocoo()
        tails, heads = g.row.astype(np.int64), g.col.astype(np.int64)
        na = tails.size
        r0 = col
        col += nx  # roots r[u,i]
        f0 = col
        col += na * p  # flows f[a,i]
        big = float(min(n - p + 1, max_u.max()))
        rows.add(
            np.arange(p).repeat(n),
            r0 + x(np.tile(np.arange(n), p), np.arange(p).repeat(n)),
            np.ones(nx),
            np.ones(p),
            np.ones(p),
        )
        r = np.arange(nx)
        rows.add(
            np.r_[r, r],
            np.r_[r0 + r, r],
            np.r_[np.ones(nx), -np.ones(nx)],
            np.full(nx, -np.inf),
            np.zeros(nx),
        )
        ai = np.tile(np.arange(p), na)
        aa = np.repeat(np.arange(na), p)
        fcol = f0 + aa * p + ai
        k = na * p
        r = np.arange(k)
        for ends in (tails, heads):
            rows.add(
                np.r_[r, r],
                np.r_[fcol, x(ends[aa], ai)],
                np.r_[np.ones(k), -big * np.ones(k)],
                np.full(k, -np.inf),
                np.zeros(k),
            )
        # conservation at (u, i): in - out - x + big r >= 0
        rr_in = x(heads[aa], ai)
        rr_out = x(tails[aa], ai)
        r = np.arange(nx)
        rows.add(
            np.r_[rr_in, rr_out, r, r],
            np.r_[fcol, fcol, r, r0 + r],
            np.r_[np.ones(k), -np.ones(k), -np.ones(nx), big * np.ones(nx)],
            np.zeros(nx),
            np.full(nx, np.inf),
        )
    if problem.current is not None and problem.max_moves is not None:
        cur = problem.array("current")
        mw = problem.move_weight_array()
        rows.add(
            np.zeros(n, dtype=np.int64),
            x(np.arange(n), cur),
            -mw,
            np.array([-np.inf]),
            np.array([problem.move_cap() - mw.sum()]),
        )
    ncol = col
    lo = np.zeros(ncol)
    hi = np.full(ncol, np.inf)
    hi[:nx] = 1.0
    locks = problem.array("locks")
    for u in np.flatnonzero(locks >= 0).tolist():
        lo[x(u, locks[u])] = 1.0
        hi[x(u, np.arange(p))] = 0.0
        hi[x(u, locks[u])] = 1.0
    if _interchangeable(problem):
        for v in range(min(n, p)):
            hi[x(v, np.arange(v + 1, p))] = 0.0
    cost = np.zeros(ncol)
    if diam_obj:
        cost[d_col] = 1.0
        lo[d_col] = lb
        hi[d_col] = ub if np.isfinite(ub) else float(d.max())
    else:
        c = np.asarray(problem.fixed_centres, dtype=np.float64)
        tw = problem.travel_weights()
        cost[:nx] = (tw[:, None] * np.linalg.norm(xy[:, None, :] - c[None, :, :], axis=2)).ravel()
    integ = np.zeros(ncol, dtype=bool)
    integ[:nx] = True
    if problem.contiguous and problem.adjacency is not None:
        integ[nx + (1 if diam_obj else 0) : nx + (1 if diam_obj else 0) + nx] = True
    a_mat = sp.csr_matrix(
        (np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))),
        shape=(rows.n, ncol),
    )
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = rows.n
    lp.col_cost_ = cost
    lp.col_lower_ = lo
    lp.col_upper_ = hi
    lp.row_lower_ = np.concatenate(rows.lo)
    lp.row_upper_ = np.concatenate(rows.hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = a_mat.indptr
    lp.a_matrix_.index_ = a_mat.indices
    lp.a_matrix_.value_ = a_mat.data
    lp.a_matrix_.num_col_ = ncol
    lp.a_matrix_.num_row_ = rows.n
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous for b in integ
    ]
    h = new_highs()
    h.setOptionValue("time_limit", float(max(0.1, time_limit - (time.perf_counter() - t0))))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    infeasible = h.getModelStatus() == highspy.HighsModelStatus.kInfeasible
    bound = float(info.mip_dual_bound)
    assignment: np.ndarray | None = None
    obj: float | None = None
    if info.primal_solution_status == 2:  # feasible
        xv = np.asarray(h.getSolution().col_value)[:nx].reshape(n, p)
        assignment = xv.argmax(axis=1).astype(np.int64)
        obj = float(info.objective_function_value)
        if optimal:
            bound = obj
    if infeasible and np.isfinite(ub):  # nothing strictly better than the initial plan
        optimal = True
        bound = float(ub)
        assignment = np.asarray(initial, dtype=np.int64)
        obj = float(ub)
    lower = bound if np.isfinite(bound) else (lb if diam_obj else None)
    if diam_obj and lower is not None:
        lower = max(lower, lb)
    return ExactResult(assignment, obj, lower, optimal, status, time.perf_counter() - t0)
