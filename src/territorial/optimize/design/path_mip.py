"""Contiguous travel plans improved by a MIP with shortest-path contiguity rows.

Each territory j keeps its root unit r_j.  With d_j(i) the length of the shortest path
from r_j to unit i, a unit may join j only if one of its neighbours nearer r_j joins
too (the contiguity rows of Zoltners & Sinha 1983, "Sales territory alignment: a
review and model")::

    min  sum c[i,j] x[i,j] + penalty * slack
    s.t. sum_j x[i,j] = 1                                       every unit
         lo[j] <= sum_i w[i] x[i,j] (+/- slack) <= hi[j]         every territory, measure
         x[i,j] <= sum_{k ~ i, d_j(k) < d_j(i)} x[k,j]           i not r_j
         x[r_j, j] = 1

Every solution is contiguous: from any member a chain of members with falling d_j
leads to the root.  Around an incumbent plan the path lengths are measured on the
graph with every edge that leaves territory j made long (``LEAVE_FACTOR`` x its length
plus the length of the whole graph), so the plan's own territories satisfy the rows and
HiGHS starts from it; a solution may still move whole chains of units from one
territory to its neighbour.  A unit may take its own territory and the ``k`` whose
roots are nearest (in d_j): a small k makes a round quick and near-optimal, and the
rounds repeat from each new plan, widening k when a round finds nothing better (and,
when the widest misses too, starting again with rounds twice as long while time is
left).  Given an LP solution (the contiguity bound's), a unit may also take the
territories where the LP puts a share of it, and rounds start from k = 0.  Balance
rows are elastic (heavily penalised), so an unbalanced plan can be repaired too; a
plan is accepted only if it does not raise the excess over the tolerances and,
balanced, lowers travel.
NOTES.md has the figures.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from territorial.optimize.design.contiguous import Graph, MoveCap, _excess
from territorial.optimize.highs import new_highs, set_limits

LEAVE_FACTOR = 3.0  # length of an edge leaving the territory, x its own
K_START, K_MAX = 2, 4  # territories a unit may take (besides its own), widened on a miss
# guided by an LP solution, a unit may also take the territories where the LP puts more
# than this share of it; rounds then start with k = 0 (0.1-4.5 s each on the demo's
# ZIPs), widen to K_START..K_MAX on a miss and go back to 0 after each better plan
GUIDE_SHARE = 1e-6
# cost of a unit of relative balance slack, x the plan's travel / p: high enough that
# HiGHS lowers travel only at the excess it has (at 50, a county plan 0.7% off traded
# balance for travel, the acceptance rule refused every round, and 9 s of polish left
# it unchanged; at 5,000 the same 9 s took 11% off its travel at the same excess)
PENALTY = 5_000.0
ROUND_SECONDS = 4.5  # time limit of a round (timed designs)


def path_distances(
    graph: Graph, points: np.ndarray, plan: np.ndarray, roots: np.ndarray
) -> np.ndarray:
    """(n, p) shortest-path length from each root, edges leaving its territory long."""
    rows = np.repeat(np.arange(graph.n), np.diff(graph.ptr))
    cols = graph.idx
    length = np.maximum(np.hypot(*(points[rows] - points[cols]).T), 1e-3)  # no ties
    extra = float(length.sum())  # longer than any path inside a territory
    out = np.empty((graph.n, len(roots)))
    for j, root in enumerate(roots):
        inside = (plan[rows] == j) & (plan[cols] == j)
        w = np.where(inside, length, LEAVE_FACTOR * length + extra)
        matrix = sp.csr_matrix((w, (rows, cols)), shape=(graph.n, graph.n))
        out[:, j] = csgraph.dijkstra(matrix, indices=int(root))
    return out


def _candidates(
    graph: Graph,
    dist: np.ndarray,
    plan: np.ndarray,
    roots: np.ndarray,
    k: int,
    locks: np.ndarray | None = None,
    guide: np.ndarray | None = None,
) -> np.ndarray:
    """(n, p) bool: unit i may join j (its own, one of the k nearest roots, or one where
    the ``guide`` LP solution puts a share of it; a root or a locked unit only its own),
    closed so that every allowed unit but a root has an allowed neighbour nearer the
    root."""
    n, p = dist.shape
    allowed = np.zeros((n, p), dtype=bool) if guide is None else guide > GUIDE_SHARE
    nearest = np.argsort(dist, axis=1)[:, : min(k, p)]
    allowed[np.arange(n)[:, None], nearest] = True
    allowed[np.arange(n), plan] = True
    pinned = np.full(n, -1, np.int64) if locks is None else np.asarray(locks, np.int64).copy()
    pinned[roots] = np.arange(p)
    fixed = np.flatnonzero(pinned >= 0)
    allowed[fixed, :] = False
    allowed[fixed, pinned[fixed]] = True
    changed = True
    while changed:
        changed = False
        for i, j in np.argwhere(allowed):
            if i == roots[j]:
                continue
            nb = graph.neighbours(int(i))
            if not (allowed[nb, j] & (dist[nb, j] < dist[i, j])).any():
                allowed[i, j] = False
                changed = True
    return allowed


def _solve(
    cost: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    graph: Graph,
    plan: np.ndarray,
    roots: np.ndarray,
    dist: np.ndarray,
    allowed: np.ndarray,
    seconds: float,
    nodes: int | None,
    moves: MoveCap | None = None,
) -> np.ndarray | None:
    """One MIP round from ``plan``; the new plan, or None when HiGHS found none."""
    n, p = cost.shape
    m = weights.shape[1]
    pairs = np.argwhere(allowed)
    col = -np.ones((n, p), dtype=np.int64)
    col[pairs[:, 0], pairs[:, 1]] = np.arange(len(pairs))
    k = len(pairs)
    h = new_highs()
    inf = highspy.kHighsInf
    lower = np.zeros(k)
    lower[col[roots, np.arange(p)]] = 1.0
    h.addVars(k, lower, np.ones(k))
    everything = np.arange(k, dtype=np.int32)
    h.changeColsCost(k, everything, cost[pairs[:, 0], pairs[:, 1]])
    h.changeColsIntegrality(k, everything, np.full(k, highspy.HighsVarType.kInteger))
    travel = float(cost[np.arange(n), plan].sum())
    slack0, n_slack = k, 2 * p * m
    # elastic balance only while the plan is unbalanced; then the rows are hard
    elastic = _excess(plan, weights, lo, hi) > 0
    h.addVars(n_slack, np.zeros(n_slack), np.full(n_slack, inf if elastic else 0.0))
    h.changeColsCost(
        n_slack,
        np.arange(slack0, slack0 + n_slack, dtype=np.int32),
        np.full(n_slack, PENALTY * max(travel, 1.0) / p),
    )
    starts: list[int] = []
    index: list[int] = []
    values: list[float] = []
    row_lo: list[float] = []
    row_hi: list[float] = []

    def row(cols: np.ndarray, vals: np.ndarray, low: float, high: float) -> None:
        starts.append(len(index))
        index.extend(cols.tolist())
        values.extend(vals.tolist())
        row_lo.append(low)
        row_hi.append(high)

    for i in range(n):
        mine = col[i][col[i] >= 0]
        row(mine, np.ones(len(mine)), 1.0, 1.0)
    scale = np.where(hi.mean(axis=0) > 0, hi.mean(axis=0), 1.0)
    for j in range(p):
        members = np.flatnonzero(col[:, j] >= 0)
        for q in range(m):
            s = slack0 + 2 * (j * m + q)
            row(
                np.r_[col[members, j], s, s + 1],
                np.r_[weights[members, q] / scale[q], 1.0, -1.0],
                lo[j, q] / scale[q],
                hi[j, q] / scale[q],
            )
    if moves is not None:
        away = pairs[:, 1] != moves.current[pairs[:, 0]]
        limit = max(moves.cap, moves.moved(plan))
        row(np.flatnonzero(away), moves.weights[pairs[away, 0]], -inf, limit)
    for i, j in pairs:
        if i == roots[j]:
            continue
        nb = graph.neighbours(int(i))
        nearer = nb[(dist[nb, j] < dist[i, j]) & (col[nb, j] >= 0)]
        row(np.r_[col[i, j], col[nearer, j]], np.r_[1.0, -np.ones(len(nearer))], -inf, 0.0)
    h.addRows(
        len(starts),
        np.array(row_lo),
        np.array(row_hi),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(values),
    )
    start = np.zeros(h.getNumCol())
    start[col[np.arange(n), plan]] = 1.0
    load = np.zeros((p, m))
    np.add.at(load, plan, weights)
    flat = slack0 + 2 * np.arange(p * m)
    start[flat] = (np.maximum(0.0, lo - load) / scale).reshape(-1)
    start[flat + 1] = (np.maximum(0.0, load - hi) / scale).reshape(-1)
    solution = highspy.HighsSolution()
    solution.col_value = start.tolist()
    solution.value_valid = True
    h.setSolution(solution)
    set_limits(h, seconds, nodes)
    h.run()
    values_ = np.asarray(h.getSolution().col_value)
    if len(values_) < k or h.getInfo().primal_solution_status == 0:
        return None
    x = values_[:k] > 0.5
    out = np.full(n, -1, dtype=np.int64)
    out[pairs[x, 0]] = pairs[x, 1]
    return out if (out >= 0).all() else None


def path_polish(
    cost: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    graph: Graph,
    points: np.ndarray,
    plan: np.ndarray,
    roots: np.ndarray,
    deadline: float,
    round_seconds: float = ROUND_SECONDS,
    rounds: int | None = None,
    nodes: int | None = None,
    locks: np.ndarray | None = None,
    moves: MoveCap | None = None,
    guide: np.ndarray | None = None,
) -> np.ndarray:
    """Rounds of the shortest-path MIP from ``plan`` until ``deadline`` (or, bounded by
    work, ``rounds`` rounds of at most ``nodes`` nodes each).

    ``plan`` must keep each territory connected and holding its root, and every unit
    locked to a territory (``locks >= 0``) in it.  Every plan returned does too, and
    moves at most ``moves.cap`` (or ``plan``'s moved weight, if higher); its excess over
    the tolerances is never higher, and when balanced its travel never higher, than
    ``plan``'s.  ``guide`` (n, p), an LP solution, widens each unit's territories to those
    where the LP puts a share of it.
    """

    def score(candidate: np.ndarray) -> tuple[float, float]:
        """(excess over the tolerances, travel): lower is better, excess first."""
        travel = float(cost[np.arange(len(candidate)), candidate].sum())
        return _excess(candidate, weights, lo, hi), travel

    plan = plan.copy()
    best = score(plan)
    widths = ([0] if guide is not None else []) + list(range(K_START, K_MAX + 1))
    width, done = 0, 0
    while rounds is None or done < rounds:
        left = deadline - time.perf_counter()
        if math.isfinite(deadline) and left < 1.0:
            break
        dist = path_distances(graph, points, plan, roots)
        allowed = _candidates(graph, dist, plan, roots, widths[width], locks, guide)
        found = _solve(
            cost,
            weights,
            lo,
            hi,
            graph,
            plan,
            roots,
            dist,
            allowed,
            min(round_seconds, left),
            nodes,
            moves,
        )
        done += 1
        scored = (math.inf, math.inf) if found is None else score(found)
        if scored[0] < best[0] - 1e-9 or (
            scored[0] <= best[0] + 1e-9 and scored[1] < best[1] * (1 - 1e-6)
        ):
            assert found is not None
            plan, best = found, scored
            if guide is not None:
                width = 0
        elif width + 1 < len(widths):
            width += 1
        elif deadline - time.perf_counter() > 2 * round_seconds:  # (never when untimed)
            width, round_seconds = 0, 2 * round_seconds  # every width missed: longer rounds
        else:
            break
    return plan
