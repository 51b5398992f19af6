"""Balanced assignment of units to fixed centres: the LP relaxation and a MIP (HiGHS).

Given a cost ``c[i, j]`` of serving unit ``i`` from territory ``j``'s centre, the model
has one variable per *candidate* pair (not every pair at scale)::

    min  sum c[i,j] x[i,j]  +  M * sum slack
    s.t. sum_j x[i,j] = 1                                   every unit
         lo[j,m] <= sum_i w[i,m] x[i,j] (+/- slack) <= hi[j,m]   every territory, measure
         min_units[j] <= sum_i x[i,j] <= max_units[j]       when bounded
         sum_i mw[i] x[i, current[i]] >= total_mw - cap      move cap
         x[i, lock[i]] = 1                                  locks

The balance rows are elastic (penalised slack) so that a restricted candidate set can
never make the LP infeasible; slack is priced like any column.  With every pair whose
reduced cost is negative added (:meth:`AssignmentModel.price`), the LP optimum is a
lower bound on every integral plan with these centres (slack adds no plan the real
problem forbids: it only relaxes).  A vertex of this LP has at most ``n + 2mp``
non-zeros, so at most ``2mp`` units are split: rounding then a small MIP over a
neighbourhood of the LP solution (:meth:`AssignmentModel.solve_mip`) gives plans a few
per cent from the bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from territorial.optimize.highs import new_highs, set_limits

CostFn = Callable[[np.ndarray], np.ndarray]  # unit indices -> (k, p) costs


@dataclass(frozen=True)
class Balance:
    """Measures and their per-territory bounds (``lo``, ``hi``: (p, m))."""

    weights: np.ndarray  # (n, m)
    lo: np.ndarray
    hi: np.ndarray


@dataclass(frozen=True)
class Limits:
    """Size bounds, locks and the move cap (all optional)."""

    min_units: np.ndarray | None = None  # (p,)
    max_units: np.ndarray | None = None
    locks: np.ndarray | None = None  # (n,), -1 = free
    current: np.ndarray | None = None  # (n,)
    move_weights: np.ndarray | None = None
    move_cap: float = np.inf


@dataclass(frozen=True)
class LpSolution:
    """The LP optimum over the candidate pairs."""

    value: float  # objective without slack penalties
    slack: float  # total relative balance violation (0 when the LP is balanced)
    x: sp.csr_matrix  # (n, p) fractional assignment
    unit_dual: np.ndarray  # (n,)
    balance_dual: np.ndarray  # (p, m)
    size_dual: np.ndarray  # (p,)
    move_dual: float


@dataclass(frozen=True)
class MipSolution:
    """An integral plan from :meth:`AssignmentModel.solve_mip`."""

    assignment: np.ndarray | None  # (n,) territory per unit; None when none was found
    value: float
    slack: float
    optimal: bool
    infeasible: bool = False  # proven: no integral plan over the allowed pairs


class AssignmentModel:
    """The candidate-pair model, kept between solves so priced columns accumulate."""

    def __init__(
        self,
        n: int,
        p: int,
        cost: CostFn,
        balance: Balance,
        limits: Limits,
        candidates: np.ndarray,
        threads: int = 1,
    ) -> None:
        self.n, self.p = n, p
        self.cost = cost
        self.balance = balance
        self.limits = limits
        self.threads = threads
        self.m = balance.weights.shape[1]
        target = 0.5 * (balance.lo + balance.hi)
        self._scale = np.where(target > 0, target, 1.0)  # slack is relative to the target
        self._pairs = np.zeros((0, 2), dtype=np.int64)  # (unit, territory) per column
        self._pair_cost = np.zeros(0)
        self._known: set[tuple[int, int]] = set()
        self.penalty = 0.0
        self._lp: highspy.Highs | None = None  # the last LP, kept for warm starts
        self._lp_columns = -1  # pairs in it (new pairs need a new model)
        self._lp_costs_stale = False
        self.add_pairs(candidates)

    # -- columns -----------------------------------------------------------------------

    def add_pairs(self, pairs: np.ndarray) -> int:
        """Add candidate (unit, territory) pairs not yet in the model; returns how many."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        locks = self.limits.locks
        if locks is not None:  # a locked unit has only its lock's column
            keep = (locks[pairs[:, 0]] < 0) | (locks[pairs[:, 0]] == pairs[:, 1])
            pairs = pairs[keep]
        keys = pairs[:, 0] * self.p + pairs[:, 1]
        _, first = np.unique(keys, return_index=True)
        pairs = pairs[np.sort(first)]
        new = np.array([(int(i), int(j)) not in self._known for i, j in pairs], dtype=bool)
        pairs = pairs[new] if len(pairs) else pairs
        if not len(pairs):
            return 0
        self._known.update((int(i), int(j)) for i, j in pairs)
        pairs = pairs[np.argsort(pairs[:, 0], kind="stable")]
        self._pairs = np.concatenate([self._pairs, pairs])
        self._pair_cost = np.concatenate([self._pair_cost, self._costs_of(pairs)])
        self._raise_penalty()
        return len(pairs)

    def _costs_of(self, pairs: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """``self.cost`` of each (unit, territory) pair, asking for units a chunk at a time."""
        units = np.unique(pairs[:, 0])
        where = np.searchsorted(units, pairs[:, 0])
        out = np.empty(len(pairs))
        for start in range(0, len(units), chunk):
            part = units[start : start + chunk]
            mine = (where >= start) & (where < start + len(part))
            out[mine] = self.cost(part)[where[mine] - start, pairs[mine, 1]]
        return out

    def _raise_penalty(self) -> None:
        """Keep the slack's price above any plan's cost."""
        top = float(np.abs(self._pair_cost).max(initial=1.0))
        self.penalty = max(self.penalty, 10.0 * top * self.n)

    def _size_bounds(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Each territory's least and most units, when the limits bound them."""
        lim = self.limits
        if lim.min_units is None and lim.max_units is None:
            return None
        mn = np.zeros(self.p) if lim.min_units is None else lim.min_units.astype(float)
        mx = (
            np.full(self.p, float(self.n)) if lim.max_units is None else lim.max_units.astype(float)
        )
        return mn, mx

    def _move_weights(self) -> np.ndarray | None:
        """Each unit's weight in the move cap's row, when there is a cap."""
        lim = self.limits
        if lim.current is None or not np.isfinite(lim.move_cap):
            return None
        return np.ones(self.n) if lim.move_weights is None else lim.move_weights

    @property
    def pairs(self) -> np.ndarray:
        return self._pairs

    def recost(self, cost: CostFn) -> None:
        """New costs for every pair (the centres moved); the next LP starts from the
        last one's basis instead of from scratch."""
        self.cost = cost
        self._pair_cost = self._costs_of(self._pairs)
        self._raise_penalty()
        self._lp_costs_stale = True

    # -- the HiGHS model ------------------------------------------------------------------

    def _build(
        self, allowed: np.ndarray | None, integral: bool, slack: bool = True
    ) -> tuple[highspy.Highs, int]:
        n, p, m = self.n, self.p, self.m
        pairs = self._pairs
        k = len(pairs)
        w = self.balance.weights
        lim = self.limits
        rows_r: list[np.ndarray] = []
        rows_c: list[np.ndarray] = []
        rows_v: list[np.ndarray] = []
        lo: list[np.ndarray] = []
        hi: list[np.ndarray] = []
        nrow = 0

        def add(
            r: np.ndarray, c: np.ndarray, v: np.ndarray, lo_: np.ndarray, hi_: np.ndarray
        ) -> None:
            nonlocal nrow
            rows_r.append(r + nrow)
            rows_c.append(c)
            rows_v.append(v)
            lo.append(lo_)
            hi.append(hi_)
            nrow += len(lo_)

        cols = np.arange(k)
        add(pairs[:, 0], cols, np.ones(k), np.ones(n), np.ones(n))  # assignment rows
        # balance rows j*m + a, with slack columns k + 2*(j*m + a) (+1 for the upper side)
        brow = pairs[:, 1][:, None] * m + np.arange(m)[None, :]
        bval = w[pairs[:, 0]]
        sl = np.arange(p * m)
        slack_cols = k + 2 * sl
        scale = self._scale.reshape(-1)
        add(
            np.concatenate([brow.reshape(-1), sl, sl]),
            np.concatenate([np.repeat(cols, m), slack_cols, slack_cols + 1]),
            np.concatenate([bval.reshape(-1), scale, -scale]),
            self.balance.lo.reshape(-1),
            self.balance.hi.reshape(-1),
        )
        ncols = k + 2 * p * m
        size = self._size_bounds()
        if size is not None:
            add(pairs[:, 1], cols, np.ones(k), *size)
        mw = self._move_weights()
        if mw is not None and lim.current is not None:
            stay = pairs[:, 1] == lim.current[pairs[:, 0]]
            add(
                np.zeros(int(stay.sum()), dtype=np.int64),
                cols[stay],
                mw[pairs[stay, 0]],
                np.array([float(mw.sum()) - lim.move_cap]),
                np.array([np.inf]),
            )
        a = sp.csc_matrix(
            (np.concatenate(rows_v), (np.concatenate(rows_r), np.concatenate(rows_c))),
            shape=(nrow, ncols),
        )
        lp = highspy.HighsLp()
        lp.num_col_ = ncols
        lp.num_row_ = nrow
        lp.col_cost_ = np.concatenate([self._pair_cost, np.full(2 * p * m, self.penalty)])
        ub = np.ones(k) if allowed is None else allowed.astype(np.float64)
        lp.col_lower_ = np.zeros(ncols)
        lp.col_upper_ = np.concatenate([ub, np.full(2 * p * m, np.inf if slack else 0.0)])
        lp.row_lower_ = np.concatenate(lo)
        lp.row_upper_ = np.concatenate(hi)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        if integral:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * k + [
                highspy.HighsVarType.kContinuous
            ] * (2 * p * m)
        h = new_highs(self.threads)
        h.passModel(lp)
        return h, nrow

    def solve_lp(self, time_limit: float = np.inf) -> LpSolution | None:
        """The LP over the current candidate pairs (None when it did not finish); warm
        started from the previous LP when only the costs changed (:meth:`recost`)."""
        k = len(self._pairs)
        h = self._lp
        if h is None or self._lp_columns != k:
            h, _ = self._build(None, integral=False)
            self._lp, self._lp_columns = h, k
        elif self._lp_costs_stale:
            cost = np.concatenate([self._pair_cost, np.full(2 * self.p * self.m, self.penalty)])
            h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        self._lp_costs_stale = False
        set_limits(h, max(0.05, time_limit))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        col = np.asarray(sol.col_value)
        dual = np.asarray(sol.row_dual)
        k, n, p, m = len(self._pairs), self.n, self.p, self.m
        xk = col[:k]
        slack = col[k:]
        keep = xk > 1e-9
        x = sp.csr_matrix((xk[keep], (self._pairs[keep, 0], self._pairs[keep, 1])), shape=(n, p))
        nxt = n + p * m
        size_dual = np.zeros(p)
        if self._size_bounds() is not None:
            size_dual = dual[nxt : nxt + p]
            nxt += p
        move_dual = 0.0
        if self._move_weights() is not None:
            move_dual = float(dual[nxt])
        return LpSolution(
            value=float(self._pair_cost @ xk),
            slack=float(slack.sum()),
            x=x,
            unit_dual=dual[:n],
            balance_dual=dual[n : n + p * m].reshape(p, m),
            size_dual=size_dual,
            move_dual=move_dual,
        )

    def reduced_costs(self, lp: LpSolution, units: np.ndarray) -> np.ndarray:
        """(len(units), p) reduced cost of every pair of ``units`` at the LP's duals."""
        rc: np.ndarray = self.cost(units) - lp.unit_dual[units][:, None]
        rc -= self.balance.weights[units] @ lp.balance_dual.T
        rc -= lp.size_dual[None, :]
        lim = self.limits
        mw = self._move_weights()
        if mw is not None and lim.current is not None and lp.move_dual != 0.0:
            rc[np.arange(len(units)), lim.current[units]] -= lp.move_dual * mw[units]
        locks = lim.locks
        if locks is not None:
            locked = locks[units] >= 0
            rc[locked] = np.inf
            rc[locked, locks[units][locked]] = 0.0
        return rc

    def lower_bound(self, lp: LpSolution, chunk: int = 4096) -> float:
        """A lower bound on every plan with these costs, from ``lp``'s duals priced over
        every pair (the Lagrangian relaxation of the balance, size and move rows): equal
        to ``lp.value`` once no pair prices out, below it while some still do, so it
        holds when pricing ran out of time.  Meaningless when ``lp`` needed slack."""
        total = 0.0
        for start in range(0, self.n, chunk):
            units = np.arange(start, min(self.n, start + chunk))
            rc = self.reduced_costs(lp, units)
            total += float((lp.unit_dual[units] + rc.min(axis=1)).sum())

        def rows(dual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
            # a row's multiplier prices the side it holds: >= 0 the lower, <= 0 the upper
            return float(np.where(dual > 0, dual * lo, np.where(dual < 0, dual * hi, 0.0)).sum())

        total += rows(
            lp.balance_dual.reshape(-1), self.balance.lo.reshape(-1), self.balance.hi.reshape(-1)
        )
        size = self._size_bounds()
        if size is not None:
            total += rows(lp.size_dual, *size)
        mw = self._move_weights()
        if mw is not None:
            total += lp.move_dual * (float(mw.sum()) - self.limits.move_cap)
        return total

    def price(self, lp: LpSolution, chunk: int = 4096, per_unit: int = 3) -> int:
        """Add pairs with negative reduced cost (up to ``per_unit`` per unit); how many."""
        added = 0
        for start in range(0, self.n, chunk):
            units = np.arange(start, min(self.n, start + chunk))
            rc = self.reduced_costs(lp, units)
            tol = 1e-7 * (1.0 + np.abs(self.cost(units)))
            neg = rc < -tol
            if not neg.any():
                continue
            rows = np.flatnonzero(neg.any(axis=1))
            sub = np.where(neg[rows], rc[rows], np.inf)
            take = np.argsort(sub, axis=1)[:, :per_unit]
            pairs = [
                (int(units[r]), int(j))
                for r, js in zip(rows, take, strict=True)
                for j in js
                if np.isfinite(sub[np.flatnonzero(rows == r)[0], j])
            ]
            added += self.add_pairs(np.array(pairs, dtype=np.int64))
        return added

    def solve_mip(
        self,
        allowed_pairs: np.ndarray,
        time_limit: float,
        start: np.ndarray | None = None,
        nodes: int | None = None,
    ) -> MipSolution:
        """Integral plan over the pairs flagged in ``allowed_pairs`` (a mask of :attr:`pairs`).

        ``start``: a plan to begin from (used when its pairs are allowed); ``nodes``: a
        node limit (see :func:`~territorial.optimize.highs.set_limits`).
        """
        h, _ = self._build(allowed_pairs, integral=True, slack=False)
        set_limits(h, time_limit, nodes)
        h.setOptionValue("mip_rel_gap", 2e-3)
        if start is not None:
            chosen = self._pairs[:, 1] == start[self._pairs[:, 0]]
            if chosen.sum() == self.n and allowed_pairs[chosen].all():
                sol = highspy.HighsSolution()  # type: ignore[no-untyped-call]
                sol.col_value = list(
                    np.concatenate([chosen.astype(np.float64), np.zeros(2 * self.p * self.m)])
                )
                sol.value_valid = True
                h.setSolution(sol)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if info.primal_solution_status != 2:  # no feasible integral point
            infeasible = status == highspy.HighsModelStatus.kInfeasible
            return MipSolution(None, np.inf, np.inf, False, infeasible)
        col = np.asarray(h.getSolution().col_value)
        k = len(self._pairs)
        chosen = col[:k] > 0.5
        a = np.full(self.n, -1, dtype=np.int64)
        a[self._pairs[chosen, 0]] = self._pairs[chosen, 1]
        return MipSolution(
            a,
            float(self._pair_cost[chosen].sum()),
            float(col[k:].sum()),
            status == highspy.HighsModelStatus.kOptimal,
        )
