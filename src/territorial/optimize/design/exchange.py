"""Boundary exchanges: the fine balance repair of a contiguous plan.

Spanning-tree recombination moves whole stretches of a border at once; what it cannot
do is the fine trade two neighbouring territories need when their measures pull
apart (one over in revenue and under in workload, the other the reverse): give one
boundary unit and take another back.  Each round scores every single boundary move
and every swap of two boundary units between neighbouring territories: the balance
excess first, then the squared deviation from the targets (so that a balanced
territory can make room for its neighbour's load), then travel; a change may never
raise its pair's excess.  The best change is applied, then the best of every pair of
territories the round has not touched yet.  Moving units are never articulation
points of their territory, so every territory stays connected; locked units (roots
included) stay, and the moved weight stays within the cap.  It stops once the plan is
balanced or nothing improves.  Without contiguity (an account-level plan the MIP left
unbalanced) the graph only says which units are near, and any of them may move.
NOTES.md ("seventeenth round") has the figures.
"""

from __future__ import annotations

import math
import time

import numpy as np

from territorial.optimize.design.contiguous import Graph, MoveCap
from territorial.optimize.design.kernels.connectivity import mark_articulation

TRIES = 20  # swaps kept per pair of territories and round, best first (one is applied)
EXCESS_FIRST = 1e3  # the excess outweighs the squared deviations of any one change
TRAVEL_TIE = 1e-6  # weight of the relative travel change beside the score

Change = list[tuple[int, int]]  # (unit, the territory it joins), one or two


def exchange_repair(
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    graph: Graph,
    plan: np.ndarray,
    locks: np.ndarray,
    deadline: float = math.inf,
    cost: np.ndarray | None = None,
    moves: MoveCap | None = None,
    changes: int | None = None,
    contiguous: bool = True,
) -> np.ndarray:
    """``plan`` after boundary moves and swaps that lower its balance excess.

    ``weights`` (n, m), ``lo``/``hi`` (p, m) the bands, ``locks`` (n,) a territory per
    unit that may not move (-1: free), ``cost`` (n, p) travel for the ties, ``moves``
    a cap on the weight moved from its current plan (a plan above it may not rise);
    stops at ``deadline`` or after ``changes`` changes.  ``contiguous``: the
    territories are connected in ``graph`` and stay so; else ``graph`` only says which
    units are near (a unit may join a territory one of its neighbours is in)."""
    state = _State(weights, lo, hi, graph, np.asarray(plan, dtype=np.int64).copy(), cost)
    free = np.asarray(locks) < 0
    cap = math.inf if moves is None else max(moves.cap, moves.moved(state.plan))
    done = 0
    while time.perf_counter() < deadline and (changes is None or done < changes):
        if state.excess().sum() <= 0.0:
            break
        touched: set[int] = set()
        movable = free & ~state.articulation() if contiguous else free
        for change in state.candidates(movable):
            pair = {int(state.plan[change[0][0]]), change[0][1]}
            if pair & touched or (contiguous and not state.keeps_connected(change)):
                continue
            if moves is not None and _moved_after(moves, state.plan, change) > cap + 1e-9:
                continue
            state.apply(change)
            touched |= pair
            done += 1
            if changes is not None and done >= changes:
                break
        if not touched:
            break
    return state.plan


class _State:
    """A plan, its loads and its territories' articulation units."""

    def __init__(
        self,
        weights: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        graph: Graph,
        plan: np.ndarray,
        cost: np.ndarray | None,
    ) -> None:
        self.weights, self.lo, self.hi, self.graph, self.plan = weights, lo, hi, graph, plan
        self.cost = cost
        target = 0.5 * (lo + hi)
        self.target = target
        self.scale = np.where(target > 0, target, 1.0)
        self.load = np.zeros_like(lo)
        np.add.at(self.load, plan, weights)
        n = len(plan)
        self.rows = np.repeat(np.arange(n), np.diff(graph.ptr))
        self.travel_weight = 0.0
        if cost is not None:
            total = float(cost[np.arange(n), plan].sum())
            self.travel_weight = TRAVEL_TIE / max(total, 1e-12)
        self.art = np.zeros(n, dtype=np.bool_)
        self.stale = set(range(lo.shape[0]))
        self.scratch = [np.zeros(n, dtype=np.int64) for _ in range(5)]

    def excess(self, load: np.ndarray | None = None, t: np.ndarray | None = None) -> np.ndarray:
        """The relative excess over the bands of ``load`` (k, m) in territories ``t`` (k,)
        (default: every territory's own)."""
        load = self.load if load is None else load
        sl = slice(None) if t is None else t
        over = np.maximum(0.0, np.maximum(load - self.hi[sl], self.lo[sl] - load))
        out: np.ndarray = (over / self.scale[sl]).sum(axis=-1)
        return out

    def squared_deviation(self, load: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The squared relative deviation of ``load`` from territories ``t``'s targets."""
        dev = (load - self.target[t]) / self.scale[t]
        out: np.ndarray = (dev * dev).sum(axis=-1)
        return out

    def articulation(self) -> np.ndarray:
        """(n,) True for the units whose leaving would cut their territory."""
        ptr, idx = self.graph.ptr, self.graph.idx
        for t in self.stale:
            members = np.flatnonzero(self.plan == t)
            mark_articulation(
                members, len(members), t, self.plan, ptr, idx, self.art, *self.scratch
            )
        self.stale.clear()
        return self.art

    def candidates(self, movable: np.ndarray) -> list[Change]:
        """Every single move and swap of movable boundary units that lowers its pair's
        score without raising its excess, best (then least travel) first."""
        plan, rows, cols = self.plan, self.rows, self.graph.idx
        p = self.lo.shape[0]
        movable = movable & (np.bincount(plan, minlength=p)[plan] > 1)  # none left empty
        edge = (plan[rows] != plan[cols]) & movable[rows]
        key = np.unique(rows[edge] * p + plan[cols[edge]])
        if len(key) == 0:
            return []
        unit, into = key // p, key % p
        home = plan[unit]
        w = self.weights[unit]
        gain, rises = self._pair_change(home, into, self.load[home] - w, self.load[into] + w)
        travel = self._travel(unit, home, into)
        scored: list[tuple[float, Change]] = [
            (float(gain[i] + travel[i]), [(int(unit[i]), int(into[i]))])
            for i in np.flatnonzero(~rises & (gain < -1e-12))
        ]
        order = np.lexsort((into, home))
        pair = home[order] * p + into[order]
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        sides = {
            (int(home[order][s]), int(into[order][s])): unit[order][s:e]
            for s, e in zip(starts, np.r_[starts[1:], len(pair)], strict=True)
        }
        for (a, b), give in sides.items():
            take = sides.get((b, a))
            if take is None or a > b:
                continue  # each pair's swaps once
            scored += self._swaps(a, b, give, take)
        scored.sort(key=lambda item: item[0])
        return [change for _, change in scored]

    def _swaps(
        self, a: int, b: int, give: np.ndarray, take: np.ndarray
    ) -> list[tuple[float, Change]]:
        """The improving swaps of a unit of ``a`` (``give``) with one of ``b``."""
        moved = (self.weights[give][:, None, :] - self.weights[take][None, :, :]).reshape(
            -1, self.lo.shape[1]
        )
        k = len(moved)
        ta, tb = np.full(k, a), np.full(k, b)
        gain, rises = self._pair_change(ta, tb, self.load[a] - moved, self.load[b] + moved)
        g, t = np.repeat(give, len(take)), np.tile(take, len(give))
        gain = gain + self._travel(g, ta, tb) + self._travel(t, tb, ta)
        good = np.flatnonzero(~rises & (gain < -1e-12))
        best = good[np.argsort(gain[good])[:TRIES]]
        return [(float(gain[i]), [(int(g[i]), b), (int(t[i]), a)]) for i in best]

    def _pair_change(
        self, a: np.ndarray, b: np.ndarray, load_a: np.ndarray, load_b: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The change in the pair's score (``EXCESS_FIRST`` x the excess plus the squared
        relative deviation), and whether its excess would rise."""
        excess = self.excess(load_a, a) + self.excess(load_b, b)
        excess_before = self.excess(self.load[a], a) + self.excess(self.load[b], b)
        quad = self.squared_deviation(load_a, a) + self.squared_deviation(load_b, b)
        quad_before = self.squared_deviation(self.load[a], a) + self.squared_deviation(
            self.load[b], b
        )
        change = EXCESS_FIRST * (excess - excess_before) + quad - quad_before
        return change, excess > excess_before + 1e-12

    def _travel(self, unit: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        if self.cost is None:
            return np.zeros(len(unit))
        out: np.ndarray = self.travel_weight * (self.cost[unit, dst] - self.cost[unit, src])
        return out

    def keeps_connected(self, change: Change) -> bool:
        """A single move of a non-articulation unit always does; a swap does when each
        unit keeps a neighbour in its new territory other than the one it swaps with."""
        if len(change) == 1:
            return True
        (u, b), (v, a) = change
        return self._touches(u, b, v) and self._touches(v, a, u)

    def _touches(self, unit: int, territory: int, besides: int) -> bool:
        near = self.graph.idx[self.graph.ptr[unit] : self.graph.ptr[unit + 1]]
        return bool(((self.plan[near] == territory) & (near != besides)).any())

    def apply(self, change: Change) -> None:
        for unit, to in change:
            was = int(self.plan[unit])
            self.load[was] -= self.weights[unit]
            self.load[to] += self.weights[unit]
            self.plan[unit] = to
            self.stale |= {was, to}


def _moved_after(moves: MoveCap, plan: np.ndarray, change: Change) -> float:
    moved = moves.moved(plan)
    for unit, to in change:
        was = plan[unit] != moves.current[unit]
        now = to != moves.current[unit]
        moved += float(moves.weights[unit]) * (int(now) - int(was))
    return moved
