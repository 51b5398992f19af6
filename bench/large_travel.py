"""Travel designs above the LP's size: bench/large_travel.py [--time-limit 30]

Accounts from bench/scale.py around random rep homes (one per territory), two measures
±5%, through the pure engine: the plan solved on cells of nearby accounts (the
default) beside the balance-first search that served such designs before, in the same
run; both against the Lagrangian lower bound each reports.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import territorial.optimize.design.travel as travel
from scale import make_accounts
from territorial.optimize.design import DesignProblem, MaxRuntime, solve

CASES = ((20_000, 50), (50_000, 100))


def run(n: int, p: int, time_limit: float, cells: bool, seed: int) -> list[str]:
    xy, w = make_accounts(n, seed)
    homes = xy[np.random.default_rng(seed + 1).choice(n, p, replace=False)]
    problem = DesignProblem(
        xy, w, p, 0.05, ("revenue", "workload"), objective="travel", fixed_centres=homes
    )
    saved = travel._cellular
    if not cells:
        travel._cellular = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        res = solve(problem, MaxRuntime(time_limit), seed=seed)
        seconds = time.perf_counter() - t0
    finally:
        travel._cellular = saved
    own = float(np.linalg.norm(xy - homes[res.assignment], axis=1).mean())
    bound = None if res.lower_bound is None else res.lower_bound / n
    return [
        f"{n:,} x {p}",
        "cells (default)" if cells else "balance-first search",
        "yes" if res.feasible else "NO",
        f"{max(res.max_deviation):.1%}",
        f"{own:,.1f}",
        "-" if bound is None else f"{bound:,.1f}",
        "-" if bound is None else f"{own / bound:.3f}",
        f"{seconds:.1f}",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    head = [
        "accounts x territories",
        "engine",
        "balanced",
        "worst Δ",
        "mean to home",
        "bound",
        "× bound",
        "seconds",
    ]
    rows = [
        run(n, p, args.time_limit, cells, args.seed) for n, p in CASES for cells in (True, False)
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(c.rjust(wd) for c, wd in zip(r, widths, strict=True)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
