"""Solve one CTDP instance: bench/ctdp.py INSTANCE --time-limit S --seed N --out PLAN.csv"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ctdp_io import read_instance, write_plan
from territorial.optimize.design import (
    DesignParams,
    DesignProblem,
    MaxRuntime,
    Progress,
    solve,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("instance", type=Path)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--bound", type=float, default=0.0, help="seconds for the exact lower bound (n <= 200 only)"
    )
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    inst = read_instance(args.instance)
    problem = DesignProblem(
        coords=inst.coords,
        measures=inst.measures,
        p=inst.p,
        tolerances=inst.tau,
        measure_names=("w1", "w2", "w3"),
        adjacency=inst.adjacency,
        contiguous=True,
    )
    t0 = time.perf_counter()

    def report(pr: Progress) -> None:
        if args.verbose:
            print(
                f"  it {pr.iteration:5d} t {pr.runtime:7.2f}s B {pr.balance_excess:.5f} "
                f"D {pr.objective:.4f}",
                flush=True,
            )

    res = solve(
        problem,
        MaxRuntime(args.time_limit),
        seed=args.seed,
        params=DesignParams(bound_time_limit=args.bound),
        progress=report,
    )
    if args.out is not None:
        write_plan(args.out, res.assignment)
    dev = " ".join(f"{d:.4f}" for d in res.max_deviation)
    print(
        f"{inst.name} n={problem.n} p={problem.p} feasible={res.feasible} "
        f"D={res.diameter:.4f} B={res.balance_excess:.6f} maxdev=[{dev}] "
        f"disconnected={len(res.disconnected)} iterations={res.iterations} "
        f"time={time.perf_counter() - t0:.1f}s"
        + (f" lb={res.lower_bound:.4f} gap={res.gap:.4f}" if res.lower_bound else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
