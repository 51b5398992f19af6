"""Feasibility checks run before solving: obvious impossibilities raise ValueError."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from territorial.optimize.design.problem import DesignProblem


def components(problem: DesignProblem) -> tuple[int, np.ndarray]:
    """Connected components of the adjacency graph (one per unit when none given)."""
    adj = problem.adjacency
    if adj is None:
        return 1, np.zeros(problem.n, dtype=np.int64)
    k, lab = connected_components(sp.csr_matrix(adj), directed=False)
    return int(k), lab.astype(np.int64)


def _amount(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def check_feasible(problem: DesignProblem) -> None:
    """Raise ValueError naming the cause when the instance is obviously infeasible."""
    n, p = problem.n, problem.p
    w = problem.array("measures")
    tol = problem.array("tolerances")
    tgt = problem.array("targets") * w.sum(axis=0)[None, :]
    upper = tgt * (1.0 + tol)[None, :]
    too_heavy = (w[:, None, :] > upper[None, :, :] * (1 + 1e-12)).any(axis=2).all(axis=1)
    if too_heavy.any():
        u = int(np.flatnonzero(too_heavy)[0])
        q = int(np.argmax(w[u] / np.maximum(upper.max(axis=0), 1e-300)))
        name = (problem.measure_names or tuple(f"m{k}" for k in range(problem.m)))[q]
        raise ValueError(
            f"tolerances: unit {u} alone exceeds (1 + tolerance) x target of "
            f"every territory ({name} {_amount(w[u, q])}, a territory at most "
            f"{_amount(upper[:, q].max())}), so no plan can be balanced"
        )
    locks = problem.array("locks")
    for i in range(p):
        locked_load = w[locks == i].sum(axis=0)
        if (locked_load > upper[i] * (1 + 1e-12)).any():
            raise ValueError(
                f"locks: the units locked to territory {i} exceed its (1 + tolerance) x target"
            )
    min_u = problem.array("min_units")
    max_u = problem.array("max_units")
    if min_u.sum() > n:
        raise ValueError(f"min_units: sum {int(min_u.sum())} exceeds the n={n} units")
    if max_u.sum() < n:
        raise ValueError(f"max_units: sum {int(max_u.sum())} is below the n={n} units")
    if (max_u < 1).any():
        raise ValueError("max_units: every territory needs room for at least one unit")
    counts = np.bincount(locks[locks >= 0], minlength=p)
    if (counts > max_u).any():
        i = int(np.flatnonzero(counts > max_u)[0])
        raise ValueError(f"locks: territory {i} has more locked units than max_units")
    if problem.current is not None and problem.max_moves is not None:
        cur = problem.array("current")
        forced = (locks >= 0) & (locks != cur)
        fw = float(problem.move_weight_array()[forced].sum())
        cap = problem.move_cap()
        if fw > cap + 1e-9:
            raise ValueError(
                f"max_moves: locks force {int(forced.sum())} units (weight "
                f"{fw:g}) away from their current territory, beyond the "
                f"move cap {cap:g}"
            )
    if problem.contiguous:
        k, lab = components(problem)
        if k > p:
            raise ValueError(
                f"adjacency: the graph has {k} connected components, more "
                f"than p={p} territories, so contiguity is impossible"
            )
        for i in range(p):
            comps = np.unique(lab[locks == i])
            if comps.size > 1:
                raise ValueError(
                    f"locks: territory {i} has locked units in different "
                    "components of the adjacency graph (contiguity "
                    "impossible)"
                )
