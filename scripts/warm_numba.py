"""Compile the design engine's Numba kernels once (``make install`` runs this).

The kernels are cached next to their sources, so the first design a user runs does not
spend its time limit compiling (about 35 s on these machines).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.spatial import Delaunay

from territorial.optimize.design import DesignProblem, MaxIterations, solve
from territorial.optimize.design.contiguous import Graph
from territorial.optimize.design.exchange import exchange_repair

N = 60


def _delaunay(coords: np.ndarray) -> coo_matrix:
    pairs = {
        tuple(sorted((int(a), int(b))))
        for s in Delaunay(coords).simplices
        for a, b in ((s[0], s[1]), (s[1], s[2]), (s[0], s[2]))
    }
    rows, cols = zip(*pairs, strict=True)
    half = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(N, N))
    return half + half.T


def main() -> None:
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    coords = rng.random((N, 2)) * 100
    adjacency = _delaunay(coords)
    for objective in ("diameter", "travel"):
        for contiguous in (False, True):
            problem = DesignProblem(
                coords,
                rng.uniform(1, 2, (N, 2)),
                p=4,
                tolerances=0.1,
                adjacency=adjacency,
                contiguous=contiguous,
                objective=objective,  # type: ignore[arg-type]
                current=rng.integers(0, 4, N),
                max_moves=0.5,
            )
            solve(problem, MaxIterations(2), seed=0)
    # contiguous travel designs around rep homes (no move cap) also run the ReCom kernel;
    # the last problem above is contiguous travel with a cap: drop the cap, fix centres
    homes = replace(problem, current=None, max_moves=None, fixed_centres=coords[:4] + 1.0)
    solve(homes, MaxIterations(2), seed=0)
    # the boundary exchanges (run only when a contiguous plan is still unbalanced)
    # call the articulation kernel from Python
    halves = (coords[:, 0] > 50).astype(np.int64)
    weights = rng.uniform(1, 2, (N, 2))
    loads = np.bincount(halves, weights=weights[:, 0])
    band = np.full((2, 2), loads.mean())
    exchange_repair(weights, band, band, Graph.of(adjacency), halves, np.full(N, -1))
    print(f"design engine compiled in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
