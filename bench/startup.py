"""Start-up benchmark (issue 12): bench/startup.py [--db territorial.db] [--runs 5]

Times whole commands as a user runs them (a new process each time) and prints the
median beside the target: ``--version`` and ``--help`` under 0.3 s, ``accounts list``
on the demo under 0.8 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "territorial"


def timed(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([str(BIN), *args], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="bench/out/startup.db")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    if not Path(args.db).exists():
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(BIN), "demo", "--db", args.db, "--no-serve"], check=True,
                       capture_output=True)
    cases = [
        (["--version"], 0.3),
        (["--help"], 0.3),
        (["accounts", "list", "--db", args.db], 0.8),
        (["status", "--db", args.db], None),
    ]
    print(f"{'command':<40} {'median s':>9} {'target s':>9}")
    for command, target in cases:
        took = timed(command, args.runs)
        shown = " ".join(command).replace(f" --db {args.db}", "")
        goal = f"{target:.1f}" if target else "-"
        print(f"territorial {shown:<28} {took:>9.2f} {goal:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
