"""Small CTDP-like instances: heuristic vs exact HiGHS optimum (the reported gap).

bench/ctdp_small.py [--sizes 30,60,100,150,200] [--p 3] [--time-limit 10]
    [--exact-time 120]

Instances are generated like the DL set (uniform points in [0, 1000]^2, Delaunay
graph, activities from [4, 20], [15, 400], [15, 100], tau = 0.05).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import scipy.sparse as sp
from scipy.spatial import Delaunay

from territorial.optimize.design import DesignProblem, MaxRuntime, solve
from territorial.optimize.design.exact import solve_exact


def make(n: int, p: int, seed: int) -> DesignProblem:
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * 1000
    w = np.column_stack([rng.uniform(4, 20, n), rng.uniform(15, 400, n), rng.uniform(15, 100, n)])
    tri = Delaunay(xy).simplices
    e = np.vstack([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [0, 2]]])
    adj = sp.csr_matrix(
        (np.ones(2 * len(e)), (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n, n)
    )
    adj.data[:] = 1
    return DesignProblem(xy, w, p=p, tolerances=0.05, adjacency=adj, contiguous=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="30,60,100,150,200")
    ap.add_argument("--p", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--exact-time", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print(
        f"{'n':>5} {'p':>3} {'heur D':>9} {'feas':>5} {'exact D':>9} {'bound':>9} "
        f"{'optimal':>7} {'gap':>7} {'MIP s':>7}"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        pb = make(n, args.p, args.seed)
        res = solve(pb, MaxRuntime(args.time_limit), seed=0)
        ex = solve_exact(pb, args.exact_time, initial=res.assignment)
        lb = ex.lower_bound
        gap = (res.diameter - lb) / res.diameter if lb is not None and res.feasible else None
        print(
            f"{n:>5} {args.p:>3} {res.diameter:9.3f} {('yes' if res.feasible else 'NO'):>5} "
            f"{(ex.objective if ex.objective is not None else float('nan')):9.3f} "
            f"{(lb if lb is not None else float('nan')):9.3f} {ex.optimal!s:>7} "
            f"{(f'{100 * gap:.2f}%' if gap is not None else '-'):>7} {ex.runtime:7.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
