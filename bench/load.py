"""Load benchmark (issue 11): bench/load.py [--workers 1,2,4] [--clients 20] [--seconds 20]

One PostgreSQL database holds the demo; ``territorial serve --workers N`` serves it and
``--clients`` logged-in clients ask for the heavy pages (map data, assessment) and the
light ones (overview, accounts) as fast as they can for ``--seconds``.  The table puts
the figures for each number of app workers side by side with the single-process run.

With ``--jobs N`` it also queues N designs of ``--design-seconds`` each on Redis and runs
them on ``--job-workers`` ``territorial worker`` processes, and prints the wall time
beside the ideal (N x seconds / workers).

Needs PostgreSQL (``--db``, default postgresql://postgres@127.0.0.1/territorial_load,
created if missing) and, for ``--jobs``, Redis (``--redis``).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from _login import bench_user, log_in

HEAVY = ("/api/map", "/api/assess")
LIGHT = ("/api/overview", "/api/accounts?page=2", "/api/scenarios")
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _territorial(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "territorial"), *args], check=True, capture_output=True, text=True, env=env
    )


def prepare(db: str) -> None:
    """Create the database if needed and build the demo in it."""
    import sqlalchemy as sa

    url = sa.make_url(db)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        ).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    _territorial("demo", "--db", db, "--no-serve", "--reset")
    bench_user(db)


def run_load(db: str, workers: int, clients: int, seconds: float) -> dict[str, float]:
    port = _port()
    server = subprocess.Popen(
        [
            str(BIN / "territorial"),
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in 60 s")
            time.sleep(0.2)
        sessions = []
        for _ in range(clients):
            client = httpx.Client(base_url=base, timeout=120)
            log_in(client)
            sessions.append(client)
        for url in (*HEAVY, *LIGHT):  # warm every worker's caches a little
            sessions[0].get(url)
        times: list[float] = []
        errors = 0
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client_loop(i: int, client: httpx.Client) -> None:
            nonlocal errors
            urls = [*HEAVY, *LIGHT]
            k = i
            while time.monotonic() < stop:
                url = urls[k % len(urls)]
                k += 1
                t0 = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - t0
                with lock:
                    times.append(took)
                    errors += not ok

        threads = [
            threading.Thread(target=client_loop, args=(i, c)) for i, c in enumerate(sessions)
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        times.sort()
        return {
            "requests": len(times),
            "rps": len(times) / wall,
            "p50": statistics.median(times) if times else float("nan"),
            "p95": times[int(0.95 * (len(times) - 1))] if times else float("nan"),
            "p99": times[int(0.99 * (len(times) - 1))] if times else float("nan"),
            "errors": errors,
        }
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def run_jobs(
    db: str,
    redis: str,
    jobs: int,
    job_workers: int,
    seconds: float,
    started: threading.Event | None = None,
) -> float:
    """Wall time for ``jobs`` designs of ``seconds`` each on ``job_workers`` RQ workers."""
    env = {**os.environ, "TERRITORIAL_QUEUE": redis, "TERRITORIAL_QUEUE_NAME": "bench-load"}
    ids = []
    for i in range(jobs):
        out = _territorial(
            "design",
            "-p",
            "15",
            "--name",
            f"Load {i} {time.time():.0f}",
            "--time-limit",
            str(seconds),
            "--background",
            "--db",
            db,
            env=env,
        )
        ids.append(out.stdout.split("job ")[1].split()[0])
    t0 = time.perf_counter()
    workers = [
        subprocess.Popen(
            [str(BIN / "territorial"), "worker", "--burst"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(job_workers)
    ]
    if started is not None:
        started.set()
    for w in workers:
        w.wait()
    wall = time.perf_counter() - t0
    for job_id in ids:
        state = _territorial("jobs", "show", job_id, "--db", db).stdout
        if "done" not in state:
            print(f"job {job_id} did not finish: {state}", file=sys.stderr)
    return wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db", default="postgresql://postgres@127.0.0.1/territorial_load")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--job-workers", type=int, default=2)
    ap.add_argument("--design-seconds", type=float, default=10)
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--skip-build", action="store_true")
    args = ap.parse_args(argv)
    if not args.skip_build:
        prepare(args.db)
    print(
        f"Load: {args.clients} clients for {args.seconds:g} s each; machine: "
        f"{os.cpu_count()} CPUs\n"
    )
    print(
        f"{'app workers':>21} {'requests':>9} {'req/s':>7} {'p50 s':>7} {'p95 s':>7} "
        f"{'p99 s':>7} {'errors':>6} {'vs 1 worker':>11}"
    )
    first = None
    counts = [int(w) for w in args.workers.split(",")]

    def row(label: str, r: dict[str, float]) -> None:
        print(
            f"{label:>21} {r['requests']:>9.0f} {r['rps']:>7.2f} {r['p50']:>7.2f} "
            f"{r['p95']:>7.2f} {r['p99']:>7.2f} {r['errors']:>6.0f} "
            f"{r['rps'] / (first or r['rps']):>10.2f}x",
            flush=True,
        )

    for n in counts:
        r = run_load(args.db, n, args.clients, args.seconds)
        first = first or r["rps"]
        row(str(n), r)
    if args.jobs:
        # the designs run on their workers while the app serves the same load again
        walls: list[float] = []
        working = threading.Event()
        jobs = threading.Thread(
            target=lambda: walls.append(
                run_jobs(
                    args.db, args.redis, args.jobs, args.job_workers, args.design_seconds, working
                )
            )
        )
        jobs.start()
        working.wait()
        row(
            f"{counts[-1]} (designs running)",
            run_load(args.db, counts[-1], args.clients, args.seconds),
        )
        jobs.join()
        wall = walls[0]
        ideal = args.jobs * args.design_seconds / args.job_workers
        print(
            f"\n{args.jobs} designs of {args.design_seconds:g} s on {args.job_workers} "
            f"workers: {wall:.1f} s wall (ideal {ideal:.0f} s; one worker would need "
            f"{args.jobs * args.design_seconds:.0f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
