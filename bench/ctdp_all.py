"""Run the CTDP benchmark: bench/ctdp_all.py [--time-limit 60] [--jobs 1] [--filter n1000]

Solves every instance (or those whose name contains ``--filter``) with bench/ctdp.py in
a subprocess, checks each plan with shared/benchmarks/ctdp/check_plan.py and prints a
table against the published MATS and RME results (reference.csv).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _ctdp_io import shared_dir  # noqa: E402


def run_one(
    inst: Path,
    shared: Path,
    out_dir: Path,
    time_limit: float,
    seed: int,
) -> dict[str, object]:
    plan = out_dir / f"{inst.stem}.csv"
    solve = subprocess.run(
        [
            sys.executable,
            str(HERE / "ctdp.py"),
            str(inst),
            "--time-limit",
            str(time_limit),
            "--seed",
            str(seed),
            "--out",
            str(plan),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if solve.returncode != 0 or not plan.exists():
        return {"error": (solve.stderr or solve.stdout).strip()[-300:]}
    check = subprocess.run(
        [sys.executable, str(shared / "benchmarks/ctdp/check_plan.py"), str(inst), str(plan)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        verdict: dict[str, object] = json.loads(check.stdout)
    except json.JSONDecodeError:
        return {"error": check.stdout[-300:] + check.stderr[-300:]}
    verdict["solver_line"] = solve.stdout.strip().splitlines()[-1] if solve.stdout else ""
    return verdict


def fnum(x: object) -> float | None:
    try:
        return float(str(x))
    except ValueError:
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--filter", default="")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--out", type=Path, default=HERE / "out" / "ctdp")
    args = ap.parse_args(argv)
    shared = shared_dir(args.shared)
    with (shared / "benchmarks/ctdp/reference.csv").open() as f:
        ref = [r for r in csv.DictReader(f) if args.filter in r["instance"]]
    if not ref:
        sys.exit(f"no instance matches --filter {args.filter!r}")
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{len(ref)} instances, {args.time_limit:g} s each, {args.jobs} job(s)", flush=True)
    hdr = (
        f"{'instance':26} {'n':>6} {'p':>4} {'ours D':>9} {'feas':>5} {'B(S)':>8} "
        f"{'MATS mean':>9} {'MATS best':>9} {'RME mean':>9} {'vs MATS':>8}"
    )
    print(hdr)
    print("-" * len(hdr), flush=True)

    def task(row: dict[str, str]) -> tuple[dict[str, str], dict[str, object]]:
        return row, run_one(shared / row["file"], shared, args.out, args.time_limit, args.seed)

    n_feas = 0
    gaps: list[float] = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for row, v in pool.map(task, ref):
            mats = fnum(row["mats_cmp_mean"])
            if "error" in v:
                print(f"{row['instance']:26} ERROR {v['error']}", flush=True)
                continue
            d = fnum(v.get("diameter"))
            feas = bool(v.get("feasible"))
            n_feas += feas
            gap = (d / mats - 1.0) * 100 if (d is not None and mats and feas) else None
            if gap is not None:
                gaps.append(gap)
            rme = row["rme_cmp_mean"] or "-"
            print(
                f"{row['instance']:26} {row['n']:>6} {row['p']:>4} "
                f"{d if d is not None else float('nan'):9.3f} {('yes' if feas else 'NO'):>5} "
                f"{fnum(v.get('total_excess')) or 0.0:8.5f} {row['mats_cmp_mean']:>9} "
                f"{row['mats_cmp_best']:>9} {rme:>9} "
                f"{(f'{gap:+.2f}%' if gap is not None else '-'):>8}",
                flush=True,
            )
    print("-" * len(hdr))
    print(f"feasible: {n_feas}/{len(ref)}")
    if gaps:
        print(
            f"mean diameter vs MATS 1800 s mean (feasible plans): {sum(gaps) / len(gaps):+.2f}% "
            f"(min {min(gaps):+.2f}%, max {max(gaps):+.2f}%, {len(gaps)} instances)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
