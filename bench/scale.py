"""Scale benchmark: bench/scale.py [--n 100000 --p 200] [--time-limit 100] [--contiguous]

Random clustered accounts with two measures (revenue-like and count-like), +-5%
tolerance, designed into p territories; prints wall time and peak memory beside the
targets (100,000 into 200 in under 2 minutes and 4 GiB; 10,000 into 50).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np

from territorial.optimize.design import DesignParams, DesignProblem, MaxRuntime, Progress, solve


def make_accounts(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.random((max(5, n // 2000), 2)) * 1000
    k = rng.integers(0, centres.shape[0], n)
    xy = np.where(
        rng.random((n, 1)) < 0.7, centres[k] + rng.normal(0, 40, (n, 2)), rng.random((n, 2)) * 1000
    )
    revenue = rng.lognormal(8, 1.0, n)
    workload = rng.uniform(1, 5, n)
    return xy, np.column_stack([revenue / revenue.max() * 100, workload])


def run(n: int, p: int, time_limit: float, contiguous: bool, seed: int) -> None:
    xy, w = make_accounts(n, seed)
    adj = None
    if contiguous:
        from territorial.optimize.design.build import knn_graph

        adj = knn_graph(xy, 8)
    t0 = time.perf_counter()
    pb = DesignProblem(
        xy,
        w,
        p=p,
        tolerances=0.05,
        measure_names=("revenue", "workload"),
        adjacency=adj,
        contiguous=contiguous,
    )
    first: list[float] = []

    def progress(pr: Progress) -> None:
        if pr.feasible and not first:
            first.append(time.perf_counter() - t0)

    res = solve(pb, MaxRuntime(time_limit), seed=seed, params=DesignParams(), progress=progress)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
    dev = " ".join(f"{d:.4f}" for d in res.max_deviation)
    print(
        f"n={n:>7} p={p:>4} contiguous={contiguous!s:5} feasible={res.feasible!s:5} "
        f"maxdev=[{dev}] D={res.diameter:8.2f} starts={res.iterations:4d} "
        f"first feasible={first[0] if first else float('nan'):6.1f}s "
        f"time={wall:6.1f}s (target < 120 s) peak RSS={peak:5.2f} GiB (target < 4 GiB)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=0)
    ap.add_argument("--p", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=100.0)
    ap.add_argument("--contiguous", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    cases = [(args.n, args.p)] if args.n else [(10_000, 50), (100_000, 200)]
    for n, p in cases:
        run(n, p, args.time_limit, args.contiguous, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
