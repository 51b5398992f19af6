"""Start-up benchmark (issue 12): bench/startup.py [--db territorial.db] [--runs 5] [--installed]

Times whole commands as a user runs them (a new process each time) and prints the
median beside the target: ``--version``, ``--help`` and a command's ``--help`` under
0.3 s, ``accounts list`` on the demo under 0.8 s. By default it runs
``python -m territorial.cli.entry`` with this interpreter (so ``PYTHONPATH=src`` times
the working tree); ``--installed`` times the installed ``territorial`` script.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = [str(Path(sys.executable).parent / "territorial")]
MODULE = [sys.executable, "-m", "territorial.cli.entry"]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], args: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``runs`` runs.

    CPU time is what the command costs; wall time also counts waiting for a busy machine.
    """
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), _cpu()
        subprocess.run([*command, *args], check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="bench/out/startup.db")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--installed", action="store_true", help="Time the installed script.")
    args = ap.parse_args(argv)
    command = SCRIPT if args.installed else MODULE
    if not Path(args.db).exists():
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [*command, "demo", "--db", args.db, "--no-serve"], check=True, capture_output=True
        )
    cases = [
        (["--version"], 0.3),
        (["--help"], 0.3),
        (["assess", "--help"], 0.3),
        (["quota", "set", "--help"], 0.3),
        (["accounts", "list", "--db", args.db], 0.8),
        (["status", "--db", args.db], None),
        (["scenario", "history", "--db", args.db], None),
        (["jobs", "list", "--db", args.db], None),
    ]
    print(f"{'command':<40} {'wall s':>9} {'cpu s':>9} {'target s':>9}")
    for case, target in cases:
        wall, cpu = timed(command, case, args.runs)
        shown = " ".join(case).replace(f" --db {args.db}", "")
        goal = f"{target:.1f}" if target else "-"
        print(f"territorial {shown:<28} {wall:>9.2f} {cpu:>9.2f} {goal:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
