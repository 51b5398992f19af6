"""Figures of a plan computed from scratch with NumPy/SciPy (independent of the search)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import ConvexHull, QhullError
from scipy.spatial.distance import pdist

from territorial.optimize.design.problem import DesignProblem


@dataclass(frozen=True)
class Figures:
    balance_excess: float
    max_deviation: np.ndarray
    diameter: float
    travel: float
    disconnected: tuple[int, ...]
    moves: int
    moved_weight: float
    sizes_ok: bool
    contiguous: bool

    def feasible(self, move_cap: float) -> bool:
        connected = not (self.contiguous and self.disconnected)
        return (
            self.balance_excess <= 1e-9
            and connected
            and self.sizes_ok
            and self.moved_weight <= move_cap + 1e-9
        )


def territory_diameter(pts: np.ndarray) -> float:
    if pts.shape[0] < 2:
        return 0.0
    if pts.shape[0] > 3:
        with contextlib.suppress(QhullError):  # collinear or duplicate points
            pts = pts[ConvexHull(pts).vertices]
    return float(pdist(pts).max())


def centres_of(problem: DesignProblem, a: np.ndarray) -> np.ndarray:
    if problem.fixed_centres is not None:
        return np.asarray(problem.fixed_centres, dtype=np.float64)
    xy = problem.array("coords")
    tw = problem.travel_weights() + 1e-12
    p = problem.p
    sw = np.bincount(a, weights=tw, minlength=p)
    cx = np.bincount(a, weights=tw * xy[:, 0], minlength=p)
    cy = np.bincount(a, weights=tw * xy[:, 1], minlength=p)
    sw = np.where(sw > 0, sw, 1.0)
    return np.column_stack([cx / sw, cy / sw])


def evaluate(problem: DesignProblem, a: np.ndarray) -> Figures:
    p, m = problem.p, problem.m
    xy = problem.array("coords")
    w = problem.array("measures")
    tgt = problem.array("targets") * w.sum(axis=0)[None, :]
    load = np.zeros((p, m))
    np.add.at(load, a, w)
    dev = np.abs(load - tgt) / tgt
    excess = float(np.maximum(0.0, dev - problem.array("tolerances")[None, :]).sum())
    order = np.argsort(a, kind="stable")
    bounds = np.searchsorted(a[order], np.arange(p + 1))
    diam = 0.0
    for i in range(p):
        diam = max(diam, territory_diameter(xy[order[bounds[i] : bounds[i + 1]]]))
    c = centres_of(problem, a)
    travel = float((problem.travel_weights() * np.linalg.norm(xy - c[a], axis=1)).sum())
    bad: list[int] = []
    sizes = np.bincount(a, minlength=p)
    if problem.adjacency is not None:
        g = sp.csr_matrix(problem.adjacency)
        for i in range(p):
            idx = order[bounds[i] : bounds[i + 1]]
            if idx.size == 0:
                bad.append(i)
                continue
            k, _ = connected_components(g[idx][:, idx], directed=False)
            if k > 1:
                bad.append(i)
    moves = 0
    moved_w = 0.0
    if problem.current is not None:
        diff = a != problem.array("current")
        moves = int(diff.sum())
        moved_w = float(problem.move_weight_array()[diff].sum())
    sizes_ok = bool(
        (sizes >= problem.array("min_units")).all()
        and (sizes <= problem.array("max_units")).all()
        and (sizes > 0).all()
    )
    return Figures(
        excess,
        dev.max(axis=0),
        diam,
        travel,
        tuple(bad),
        moves,
        moved_w,
        sizes_ok,
        bool(problem.contiguous),
    )
