"""Contiguous balanced assignment to fixed centres: a flow MIP over moving neighbourhoods.

The plan starts as the graph Voronoi partition of the unit graph around one *root* unit
per territory (the unit nearest its centre): every unit joins the root nearest along
the graph, so each territory is connected (a unit's predecessor on its shortest path
joined the same root).  It is then improved by a large-neighbourhood search: a few
neighbouring territories at a time are re-solved exactly by HiGHS as a MIP with
single-commodity flow contiguity (Shirabe 2005): the territory's root sends one unit of
flow to each of its members along edges inside the territory::

    min  sum c[i,j] x[i,j] + M * slack
    s.t. sum_j x[i,j] = 1                                 every unit of the region
         lo[j] <= sum_i w[i] x[i,j] (+/- slack) <= hi[j]   every region territory
         in(v,j) - out(v,j) = x[v,j]                      v not j's root
         in(v,j) <= (s - 1) x[v,j]                        flow only inside j
         x[root_j, j] = 1

The rest of the plan is fixed, so every accepted plan keeps every territory
connected; balance slack is allowed (heavily penalised) until the plan is balanced,
then the rows are hard and each solve can only lower travel.  NOTES.md has the
figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from territorial.optimize.highs import new_highs, set_limits

# elastic balance: deviation from the target in tiers (x the tolerance band) of growing
# cost, convex, so that load flows through balanced territories towards light ones
TIER_WIDTH = np.array([0.5, 0.5, 0.5, 0.5, 1.0, 2.0, 4.0, 8.0, np.inf])
TIER_SLOPE = np.array([0.25, 0.75, 100.0, 150.0, 250.0, 400.0, 700.0, 1300.0, 2500.0])
MIN_BAND = 0.01  # a zero tolerance still gets tiers this wide (relative to the target)


@dataclass(frozen=True)
class MoveCap:
    """At most ``cap`` weight moved from the ``current`` plan (``weights`` per unit)."""

    current: np.ndarray
    weights: np.ndarray
    cap: float

    def moved(self, plan: np.ndarray) -> float:
        return float(self.weights[plan != self.current].sum())


@dataclass(frozen=True)
class Graph:
    """The unit graph as CSR arrays (symmetric, no self loops)."""

    ptr: np.ndarray
    idx: np.ndarray

    @classmethod
    def of(cls, adjacency: sp.spmatrix | sp.sparray) -> Graph:
        a = sp.csr_matrix(adjacency)
        return cls(a.indptr.astype(np.int64), a.indices.astype(np.int64))

    @property
    def n(self) -> int:
        return len(self.ptr) - 1

    def neighbours(self, u: int) -> np.ndarray:
        return self.idx[self.ptr[u] : self.ptr[u + 1]]


def pieces(graph: Graph, plan: np.ndarray) -> np.ndarray:
    """(n,) a label per unit: units share it when connected inside their territory."""
    n = graph.n
    rows = np.repeat(np.arange(n), np.diff(graph.ptr))
    same = plan[rows] == plan[graph.idx]
    g = sp.csr_matrix((np.ones(int(same.sum())), (rows[same], graph.idx[same])), shape=(n, n))
    label: np.ndarray = csgraph.connected_components(g, directed=False)[1]
    return label


def connected(graph: Graph, plan: np.ndarray, p: int) -> np.ndarray:
    """(p,) True where the territory is one non-empty connected piece of the graph."""
    label = pieces(graph, plan)
    count = np.zeros(p, dtype=np.int64)
    for j in range(p):
        count[j] = len(np.unique(label[plan == j]))
    out: np.ndarray = count == 1
    return out


def distinct_roots(coords: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """One unit per territory, each the unit nearest its centre not taken by another."""
    p = len(centres)
    d = np.linalg.norm(coords[:, None, :] - centres[None, :, :], axis=2)
    roots = np.full(p, -1, dtype=np.int64)
    taken: set[int] = set()
    for j in np.argsort(d.min(axis=0), kind="stable"):  # closest centres choose first
        for u in np.argsort(d[:, j], kind="stable"):
            if int(u) not in taken:
                roots[j] = int(u)
                taken.add(int(u))
                break
    return roots


def voronoi_plan(
    adjacency: sp.spmatrix | sp.sparray, coords: np.ndarray, roots: np.ndarray
) -> np.ndarray:
    """Each unit to the root nearest along the graph (edges weighted by length).

    Connected by construction: a unit's predecessor on its shortest path to its root
    belongs to the same root.  Units no root reaches go to the nearest root in the plane.
    """
    a = sp.triu(sp.csr_matrix(adjacency), k=1).tocoo()
    length = np.linalg.norm(coords[a.row] - coords[a.col], axis=1) + 1e-6
    n = len(coords)
    w = sp.csr_matrix((length, (a.row, a.col)), shape=(n, n))
    _, _, source = csgraph.dijkstra(
        w, directed=False, indices=roots, return_predecessors=True, min_only=True
    )
    position = np.full(n, -1, dtype=np.int64)
    position[roots] = np.arange(len(roots))
    plan = np.where(source >= 0, position[np.maximum(source, 0)], -1)
    stray = np.flatnonzero(plan < 0)
    if stray.size:
        d = np.linalg.norm(coords[stray, None, :] - coords[roots][None, :, :], axis=2)
        plan[stray] = d.argmin(axis=1)
    return plan.astype(np.int64)


def _tree_flows(graph: Graph, inside: np.ndarray, root: int) -> list[tuple[int, int, int]]:
    """Flow on a BFS tree of the units flagged ``inside`` from ``root``: (from, to, flow)
    with each arc carrying the size of the subtree below it."""
    order = [root]
    parent = {root: -1}
    head = 0
    while head < len(order):
        u = order[head]
        head += 1
        for v in graph.neighbours(u):
            v = int(v)
            if inside[v] and v not in parent:
                parent[v] = u
                order.append(v)
    below = dict.fromkeys(order, 1)
    arcs = []
    for v in reversed(order[1:]):
        below[parent[v]] += below[v]
        arcs.append((parent[v], v, below[v]))
    return arcs


@dataclass
class RegionResult:
    plan: np.ndarray | None  # the whole plan with the region re-solved (None: no plan)
    optimal: bool


def solve_region(
    cost: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    graph: Graph,
    plan: np.ndarray,
    territories: np.ndarray,
    roots: np.ndarray,
    time_limit: float,
    elastic: bool,
    free: np.ndarray | None = None,
    nodes: int | None = None,
) -> RegionResult:
    """Re-solve the units of ``territories`` (contiguous in ``plan``) exactly.

    ``cost`` (n, p), ``weights`` (n, m), ``lo``/``hi`` (p, m); ``roots[j]`` is a member
    of territory ``j`` kept in it.  ``free``: mask of the region's units that may change
    territory (default all); the others keep theirs but still carry flow.  ``elastic``:
    balance rows may be missed at a price (for a plan not balanced yet).  ``nodes``: a
    node limit (see :func:`~territorial.optimize.highs.set_limits`).
    """
    terr = np.asarray(territories, dtype=np.int64)
    s, m = len(terr), weights.shape[1]
    units = np.flatnonzero(np.isin(plan, terr))
    u = len(units)
    local = np.full(len(plan), -1, dtype=np.int64)
    local[units] = np.arange(u)
    slot = np.full(cost.shape[1], -1, dtype=np.int64)
    slot[terr] = np.arange(s)
    movable = np.ones(u, dtype=bool) if free is None else free[units]
    root_local = local[roots[terr]]
    movable[root_local] = False
    # x columns: every (unit, territory) of the region; fixed units keep one
    xu = np.repeat(np.arange(u), s)
    xj = np.tile(np.arange(s), u)
    own = slot[plan[units]]
    keep = movable[xu] | (xj == own[xu])
    xu, xj = xu[keep], xj[keep]
    k = len(xu)
    col_of = np.full((u, s), -1, dtype=np.int64)
    col_of[xu, xj] = np.arange(k)
    # arcs inside the region, per territory where both ends may belong to it
    rows = np.repeat(np.arange(len(plan)), np.diff(graph.ptr))
    inner = (local[rows] >= 0) & (local[graph.idx] >= 0)
    au, av = local[rows[inner]], local[graph.idx[inner]]
    arc_u, arc_v, arc_j = [], [], []
    for t in range(s):
        ok = (col_of[au, t] >= 0) & (col_of[av, t] >= 0) & (av != root_local[t])
        arc_u.append(au[ok])
        arc_v.append(av[ok])
        arc_j.append(np.full(int(ok.sum()), t, dtype=np.int64))
    fu, fv, fj = np.concatenate(arc_u), np.concatenate(arc_v), np.concatenate(arc_j)
    nf = len(fu)
    tiers = len(TIER_WIDTH) if elastic else 0
    slack0 = k
    flow0 = k + 2 * s * m * tiers
    ncols = flow0 + nf
    r_r: list[np.ndarray] = []
    r_c: list[np.ndarray] = []
    r_v: list[np.ndarray] = []
    r_lo: list[np.ndarray] = []
    r_hi: list[np.ndarray] = []
    nrow = 0

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray, lo_: np.ndarray, hi_: np.ndarray) -> None:
        nonlocal nrow
        r_r.append(r + nrow)
        r_c.append(c)
        r_v.append(v)
        r_lo.append(lo_)
        r_hi.append(hi_)
        nrow += len(lo_)

    xcols = np.arange(k)
    add(xu, xcols, np.ones(k), np.ones(u), np.ones(u))
    target = 0.5 * (lo[terr] + hi[terr])
    scale = np.where(target > 0, target, 1.0).reshape(-1)
    brow = xj[:, None] * m + np.arange(m)[None, :]
    bcols, bvals = np.repeat(xcols, m), weights[units[xu]].reshape(-1)
    if elastic:  # load = target + scale * (over - under), each side in convex tiers
        sl = np.repeat(np.arange(s * m), tiers)
        cols = slack0 + np.arange(s * m * tiers)
        add(
            np.concatenate([brow.reshape(-1), sl, sl]),
            np.concatenate([bcols, cols, cols + s * m * tiers]),
            np.concatenate([bvals, -np.repeat(scale, tiers), np.repeat(scale, tiers)]),
            target.reshape(-1),
            target.reshape(-1),
        )
    else:
        add(brow.reshape(-1), bcols, bvals, lo[terr].reshape(-1), hi[terr].reshape(-1))
    # conservation and capacity rows, one per (unit, territory) column except roots
    node_row = np.full(k, -1, dtype=np.int64)
    not_root = xu != root_local[xj]
    node_row[not_root] = np.arange(int(not_root.sum()))
    nn = int(not_root.sum())
    fcols = flow0 + np.arange(nf)
    into = node_row[col_of[fv, fj]]
    out_of = node_row[col_of[fu, fj]]
    has_out = out_of >= 0
    add(
        np.concatenate([into, out_of[has_out], node_row[not_root]]),
        np.concatenate([fcols, fcols[has_out], xcols[not_root]]),
        np.concatenate([np.ones(nf), -np.ones(int(has_out.sum())), -np.ones(nn)]),
        np.zeros(nn),
        np.zeros(nn),
    )
    big = float(max(1, u - 1))
    add(
        np.concatenate([into, node_row[not_root]]),
        np.concatenate([fcols, xcols[not_root]]),
        np.concatenate([np.ones(nf), np.full(nn, -big)]),
        np.full(nn, -np.inf),
        np.zeros(nn),
    )
    a = sp.csc_matrix(
        (np.concatenate(r_v), (np.concatenate(r_r), np.concatenate(r_c))), shape=(nrow, ncols)
    )
    xcost = cost[units[xu], terr[xj]]
    band = np.maximum((hi[terr] - lo[terr]).reshape(-1) / (2 * scale), MIN_BAND)
    width = band[:, None] * TIER_WIDTH[None, :]  # (s*m, tiers), relative to the target
    if elastic:  # balance first: all of the region's travel weighs as 1e-4 of a target
        xcost = xcost * (1e-4 / max(float(cost[units, plan[units]].sum()), 1e-9))
    if not elastic:
        width = np.zeros((0, 0))
    slope = np.tile(TIER_SLOPE, s * m) if elastic else np.zeros(0)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncols, nrow
    lp.col_cost_ = np.concatenate([xcost, slope, slope, np.zeros(nf)])
    lower = np.zeros(ncols)
    lower[col_of[root_local, np.arange(s)]] = 1.0
    fixed = ~movable[xu]
    lower[xcols[fixed]] = 1.0  # the one column a fixed unit has
    lp.col_lower_ = lower
    lp.col_upper_ = np.concatenate(
        [np.ones(k), width.reshape(-1), width.reshape(-1), np.full(nf, big)]
    )
    lp.row_lower_ = np.concatenate(r_lo)
    lp.row_upper_ = np.concatenate(r_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * k + [highspy.HighsVarType.kContinuous] * (
        ncols - k
    )
    h = new_highs(1)
    h.passModel(lp)
    set_limits(h, time_limit, nodes)
    h.setOptionValue("mip_rel_gap", 1e-4)
    h.setSolution(
        _start(
            plan,
            units,
            own,
            col_of,
            terr,
            roots,
            graph,
            weights,
            target.reshape(-1),
            scale,
            width if elastic else None,
            slack0,
            flow0,
            fu,
            fv,
            fj,
            ncols,
        )
    )
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return RegionResult(None, False)
    col = np.asarray(h.getSolution().col_value)
    chosen = col[:k] > 0.5
    out = plan.copy()
    out[units[xu[chosen]]] = terr[xj[chosen]]
    return RegionResult(out, h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def _start(
    plan: np.ndarray,
    units: np.ndarray,
    own: np.ndarray,
    col_of: np.ndarray,
    terr: np.ndarray,
    roots: np.ndarray,
    graph: Graph,
    weights: np.ndarray,
    target: np.ndarray,
    scale: np.ndarray,
    width: np.ndarray | None,
    slack0: int,
    flow0: int,
    fu: np.ndarray,
    fv: np.ndarray,
    fj: np.ndarray,
    ncols: int,
) -> highspy.HighsSolution:
    """The incumbent as a full MIP solution (flows on BFS trees, tiers filled in order)."""
    col = np.zeros(ncols)
    col[col_of[np.arange(len(units)), own]] = 1.0
    s, m = len(terr), weights.shape[1]
    if width is not None:
        load = np.zeros((s, m))
        np.add.at(load, own, weights[units])
        dev = (load.reshape(-1) - target) / scale
        cum = np.zeros_like(width)  # where each tier starts
        cum[:, 1:] = np.cumsum(width[:, :-1], axis=1)
        fill = np.clip(np.abs(dev)[:, None] - cum, 0.0, width)
        half = s * m * width.shape[1]
        col[slack0 : slack0 + half] = np.where(dev[:, None] > 0, fill, 0.0).reshape(-1)
        col[slack0 + half : slack0 + 2 * half] = np.where(dev[:, None] < 0, fill, 0.0).reshape(-1)
    arc = {
        (int(a), int(b), int(t)): flow0 + i
        for i, (a, b, t) in enumerate(zip(fu, fv, fj, strict=True))
    }
    local = {int(g): i for i, g in enumerate(units)}
    for t, j in enumerate(terr):
        inside = plan == j
        for a, b, f in _tree_flows(graph, inside, int(roots[j])):
            key = (local[a], local[b], t)
            if key in arc:
                col[arc[key]] = f
    sol = highspy.HighsSolution()  # type: ignore[no-untyped-call]
    sol.col_value = list(col)
    sol.value_valid = True
    return sol


def _band(graph: Graph, plan: np.ndarray, pair: tuple[int, int], hops: int, cap: int) -> np.ndarray:
    """Mask of the pair's units within ``hops`` of their shared boundary (at most about
    ``cap``: layers are added while the mask stays under it)."""
    a, b = pair
    rows = np.repeat(np.arange(graph.n), np.diff(graph.ptr))
    inside = (plan == a) | (plan == b)
    edge = inside[rows] & inside[graph.idx] & (plan[rows] != plan[graph.idx])
    mask = np.zeros(graph.n, dtype=bool)
    mask[rows[edge]] = True
    for _ in range(hops - 1):
        grown = mask.copy()
        grown[graph.idx[mask[rows]]] = True
        grown &= inside
        if grown.sum() > cap:
            break
        mask = grown
    return mask


def _excess(plan: np.ndarray, weights: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Total relative excess over the tolerance bands (B(S) of the tabu search)."""
    load = np.zeros_like(lo)
    np.add.at(load, plan, weights)
    target = 0.5 * (lo + hi)
    scale = np.where(target > 0, target, 1.0)
    return float((np.maximum(0.0, np.maximum(load - hi, lo - load)) / scale).sum())


def pair_search(
    cost: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    graph: Graph,
    plan: np.ndarray,
    centres: np.ndarray,
    coords: np.ndarray,
    deadline: float,
    seed: int = 0,
    hops: int = 2,
    cap: int = 60,
    solve_seconds: float = 1.0,
    roots: np.ndarray | None = None,
    solves: int | None = None,
    nodes: int | None = None,
) -> np.ndarray:
    """Re-solve pairs of neighbouring territories exactly (:func:`solve_region`), the
    units near their shared boundary free, until ``deadline`` (or, bounded by work,
    ``solves`` MIPs of at most ``nodes`` nodes each).

    A balanced plan stays balanced and its travel never rises; an unbalanced one is
    solved with elastic balance rows, and a change is kept only when it does not
    raise the total excess over the tolerances.  Every
    territory stays connected (and keeps its unit of ``roots``, when given; otherwise
    its member nearest the centre is its root).  Pairs that did not change are skipped
    until another move touches them.
    """
    rng = np.random.default_rng(seed)
    p = cost.shape[1]
    rows = np.repeat(np.arange(graph.n), np.diff(graph.ptr))
    settled: set[tuple[int, int]] = set()
    plan = plan.copy()
    done = 0
    while time.perf_counter() < deadline - 0.05 and (solves is None or done < solves):
        load = np.zeros_like(lo)
        np.add.at(load, plan, weights)
        balanced = bool(((load >= lo - 1e-9) & (load <= hi + 1e-9)).all())
        touch = plan[rows] != plan[graph.idx]
        pairs = {
            (int(min(x, y)), int(max(x, y)))
            for x, y in zip(plan[rows[touch]], plan[graph.idx[touch]], strict=True)
        }
        open_ = sorted(pairs - settled)
        if not open_:
            break
        pair = open_[int(rng.integers(len(open_)))]
        pair_roots = np.zeros(p, dtype=np.int64) if roots is None else roots
        for j in pair if roots is None else ():
            members = np.flatnonzero(plan == j)
            pair_roots[j] = members[np.argmin(np.linalg.norm(coords[members] - centres[j], axis=1))]
        free = _band(graph, plan, pair, hops, cap)
        limit = min(solve_seconds, deadline - time.perf_counter() - 0.1)
        if limit < 0.1:
            break
        found = solve_region(
            cost,
            weights,
            lo,
            hi,
            graph,
            plan,
            np.array(pair),
            pair_roots,
            limit,
            not balanced,
            free,
            nodes,
        )
        done += 1
        if found.plan is None or (found.plan == plan).all():
            settled.add(pair)
            continue
        before = float(cost[np.arange(len(plan)), plan].sum())
        after = float(cost[np.arange(len(plan)), found.plan].sum())
        worse = (
            after > before - 1e-9
            if balanced
            else _excess(found.plan, weights, lo, hi) > _excess(plan, weights, lo, hi) - 1e-12
        )
        if worse:
            settled.add(pair)
            continue
        changed = np.unique(
            np.concatenate([plan[found.plan != plan], found.plan[found.plan != plan]])
        )
        settled = {q for q in settled if q[0] not in changed and q[1] not in changed}
        plan = found.plan
    return plan
