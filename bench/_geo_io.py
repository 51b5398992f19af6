"""Independent measuring tools for bench/geo_design.py.

Nothing here asks the design engine for a figure: distances are great-circle distances
from the accounts' coordinates, balance is recomputed from the assignment, the lower
bound is an LP relaxation built here and solved with HiGHS through scipy, and territory
centres are geometric medians computed here (Weiszfeld). ``self_check`` tests the LP
against brute-force enumeration on tiny instances, and the other tools on known cases.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp, minimize
from scipy.sparse import csgraph

from territorial.geo.geodesy import equirectangular_inverse, equirectangular_km

EARTH_RADIUS_KM = 6371.0088


def haversine(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km (broadcasting), written here to stay independent."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def deviations(terr: np.ndarray, measures: np.ndarray, p: int) -> np.ndarray:
    """Per measure, the worst |load - mean| / mean over the p territories (mean = total/p)."""
    loads = np.stack(
        [np.bincount(terr, weights=measures[:, k], minlength=p) for k in range(measures.shape[1])],
        axis=1,
    )
    mean = measures.sum(axis=0) / p
    return np.asarray(np.abs(loads - mean).max(axis=0) / mean)


def balanced(terr: np.ndarray, measures: np.ndarray, p: int, tol: float) -> bool:
    """Every account assigned to one of p territories and every measure within ±tol."""
    if (terr < 0).any() or (terr >= p).any():
        return False
    return bool((deviations(terr, measures, p) <= tol + 1e-9).all())


def _model(
    cost: np.ndarray,
    measures: np.ndarray,
    tol: float,
) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray, sp.csr_matrix, np.ndarray]:
    """x[u, j] flattened as u * p + j: each unit once, every territory within ±tol."""
    n, p = cost.shape
    a_eq = sp.kron(sp.eye(n), np.ones((1, p))).tocsr()
    rows, lo, hi = [], [], []
    for k in range(measures.shape[1]):
        rows.append(sp.kron(measures[:, k][None, :], sp.eye(p)))
        mean = measures[:, k].sum() / p
        lo.append(np.full(p, (1 - tol) * mean))
        hi.append(np.full(p, (1 + tol) * mean))
    load = sp.vstack(rows).tocsr()
    a_ub = sp.vstack([load, -load]).tocsr()
    b_ub = np.concatenate([np.concatenate(hi), -np.concatenate(lo)])
    return cost.ravel(), a_eq, np.ones(n), a_ub, b_ub


def lp_bound(cost: np.ndarray, measures: np.ndarray, tol: float) -> tuple[float, int]:
    """LP relaxation of the balanced assignment: (minimum total cost, fractional units).

    ``cost[u, j]``: cost of unit u in territory j (e.g. the sum of its accounts' distances
    to rep j's home); ``measures[u, k]``: unit u's measure k. Returns (nan, 0) when even
    the relaxation is infeasible.
    """
    c, a_eq, b_eq, a_ub, b_ub = _model(cost, measures, tol)
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1), method="highs")
    if res.status != 0:
        return float("nan"), 0
    x = res.x.reshape(cost.shape)
    return float(res.fun), int(((x > 1e-6) & (x < 1 - 1e-6)).any(axis=1).sum())


def milp_optimum(cost: np.ndarray, measures: np.ndarray, tol: float) -> float:
    """The same model with integral x (self-check only): the exact optimum, nan if none."""
    c, a_eq, b_eq, a_ub, b_ub = _model(cost, measures, tol)
    res = milp(
        c,
        integrality=np.ones_like(c),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(a_eq, b_eq, b_eq), LinearConstraint(a_ub, -np.inf, b_ub)],
    )
    return float(res.fun) if res.status == 0 else float("nan")


def brute_force(cost: np.ndarray, measures: np.ndarray, tol: float) -> float:
    """Minimum cost over all p**n assignments within ±tol (self-check only)."""
    n, p = cost.shape
    best = math.inf
    for plan in itertools.product(range(p), repeat=n):
        terr = np.array(plan)
        if balanced(terr, measures, p, tol):
            best = min(best, float(cost[np.arange(n), terr].sum()))
    return best if best < math.inf else float("nan")


def unit_costs(
    lat: np.ndarray,
    lon: np.ndarray,
    unit: np.ndarray,
    n_units: int,
    home_lat: np.ndarray,
    home_lon: np.ndarray,
) -> np.ndarray:
    """(n_units, p): sum over each unit's accounts of the distance to each home."""
    d = haversine(lat[:, None], lon[:, None], home_lat[None, :], home_lon[None, :])
    out = np.zeros((n_units, len(home_lat)))
    np.add.at(out, unit, d)
    return out


def aggregate(values: np.ndarray, unit: np.ndarray, n_units: int) -> np.ndarray:
    out = np.zeros((n_units, values.shape[1]))
    np.add.at(out, unit, values)
    return out


def geometric_median(
    lat: np.ndarray,
    lon: np.ndarray,
    iters: int = 200,
) -> tuple[float, float]:
    """The point minimising the sum of distances (Weiszfeld in a local projection)."""
    ref_lat, ref_lon = float(np.mean(lat)), float(np.mean(lon))
    x, y = equirectangular_km(lat, lon, ref_lat, ref_lon)
    pts = np.column_stack([x, y])
    c = pts.mean(axis=0)
    for _ in range(iters):
        d = np.maximum(np.linalg.norm(pts - c, axis=1), 1e-9)
        nxt = (pts / d[:, None]).sum(axis=0) / (1 / d).sum()
        if np.linalg.norm(nxt - c) < 1e-6:
            c = nxt
            break
        c = nxt
    la, lo = equirectangular_inverse(c[0], c[1], ref_lat, ref_lon)
    return float(la), float(lo)


def median_distances(
    lat: np.ndarray,
    lon: np.ndarray,
    terr: np.ndarray,
    p: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Each account's distance to its territory's geometric median, and the medians."""
    dist = np.zeros(len(lat))
    centres = np.full((p, 2), np.nan)
    for t in range(p):
        mask = terr == t
        if mask.any():
            centres[t] = geometric_median(lat[mask], lon[mask])
            dist[mask] = haversine(lat[mask], lon[mask], *centres[t])
    return dist, centres


def connected_territories(unit_terr: np.ndarray, adjacency: sp.spmatrix, p: int) -> bool:
    """Whether each territory's units form one component of the adjacency.

    Units with ``unit_terr == -1`` (units holding no account, e.g. empty counties, which
    the stored plan does not record) may serve as connectors of any territory, so for such
    graphs this is a necessary condition only.
    """
    adj = sp.csr_matrix(adjacency)
    free = unit_terr < 0
    for t in range(p):
        keep = np.flatnonzero((unit_terr == t) | free)
        mine = unit_terr[keep] == t
        if not mine.any():
            continue
        _, comp = csgraph.connected_components(adj[keep][:, keep], directed=False)
        if len(np.unique(comp[mine])) > 1:
            return False
    return True


def self_check(seed: int = 0) -> list[str]:
    """Checks of the measuring tools; returns failures (empty = all passed)."""
    from territorial.geo.geodesy import haversine_km

    rng = np.random.default_rng(seed)
    fails: list[str] = []
    one_degree = float(haversine(40.0, -75.0, 41.0, -75.0))
    if abs(one_degree - 2 * math.pi * EARTH_RADIUS_KM / 360) > 1e-6:
        fails.append(f"haversine: 1 degree of latitude = {one_degree} km")
    a, b = rng.uniform(25, 49, (2, 50)), rng.uniform(-124, -67, (2, 50))
    if not np.allclose(haversine(a[0], b[0], a[1], b[1]), haversine_km(a[0], b[0], a[1], b[1])):
        fails.append("haversine disagrees with territorial.geo.geodesy.haversine_km")
    solved = 0
    for case in range(12):  # LP <= brute force == MILP, on the account and unit level
        n, p, tol = 7, 3 if case % 2 else 2, (0.05, 0.15, 0.3)[case % 3]
        cost = rng.uniform(0, 100, (n, p))
        meas = np.column_stack([rng.uniform(1, 10, n), rng.integers(1, 4, n)])
        brute = brute_force(cost, meas, tol)
        exact = milp_optimum(cost, meas, tol)
        bound, _ = lp_bound(cost, meas, tol)
        if math.isnan(brute) != math.isnan(exact) or (
            not math.isnan(brute) and abs(brute - exact) > 1e-6 * max(1.0, brute)
        ):
            fails.append(f"case {case}: MILP {exact} != brute force {brute}")
        if not math.isnan(brute) and not bound <= brute + 1e-6:
            fails.append(f"case {case}: LP bound {bound} > optimum {brute}")
        solved += not math.isnan(brute)
        unit = rng.integers(0, 5, n)  # the unit-level bound: a tighter, still valid bound
        unit = np.unique(unit, return_inverse=True)[1]
        u_cost, u_meas = (
            aggregate(cost, unit, unit.max() + 1),
            aggregate(meas, unit, unit.max() + 1),
        )
        u_bound, _ = lp_bound(u_cost, u_meas, tol)
        u_brute = brute_force(u_cost, u_meas, tol)
        if not math.isnan(u_brute) and not (bound - 1e-6 <= u_bound <= u_brute + 1e-6):
            fails.append(f"case {case}: unit bound {u_bound} not in [{bound}, {u_brute}]")
    if solved < 4:
        fails.append(f"only {solved} of 12 tiny instances are feasible: the check is vacuous")
    lat, lon = rng.normal(40, 1.5, 40), rng.normal(-90, 2, 40)
    m_lat, m_lon = geometric_median(lat, lon)

    def total(c: np.ndarray) -> float:
        return float(haversine(lat, lon, c[0], c[1]).sum())

    best = minimize(
        total,
        np.array([lat.mean(), lon.mean()]),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-8},
    ).fun
    if total(np.array([m_lat, m_lon])) > best * 1.001:
        fails.append(f"geometric median sum {total(np.array([m_lat, m_lon]))} > {best}")
    path = sp.diags([np.ones(3), np.ones(3)], [-1, 1], shape=(4, 4))  # units 0-1-2-3
    for plan, want in (([0, 0, 1, 1], True), ([0, 1, 0, 1], False), ([0, -1, 0, 1], True)):
        if connected_territories(np.array(plan), path, 2) != want:
            fails.append(f"connected_territories({plan}) != {want}")
    terr = np.array([0, 0, 1, 1])
    dev = deviations(terr, np.array([[1.0], [1.0], [1.0], [1.5]]), 2)
    if abs(float(dev[0]) - 0.5 / 4.5) > 1e-12:
        fails.append(f"deviations: {dev}")
    return fails
