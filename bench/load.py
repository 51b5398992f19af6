"""Load benchmark (issue 11): bench/load.py [--workers 1,4] [--clients 20] [--seconds 20]

One PostgreSQL database holds the demo (or ``--accounts N`` generated accounts);
``territorial serve --workers N`` serves it and
``--clients`` logged-in users ask the JSON API, as fast as they can (``--think`` seconds
between requests), for a mix of map data, the assessment, account searches and light
pages (overview, a page of accounts, scenarios), while one more user submits a design
job (``--design-seconds`` long, run by the app's embedded job pool) every
``--design-every`` seconds, so that the answers' data changes under the load.  The table
puts each number of app workers side by side: throughput, p50/p95/p99 of all requests
and p95 per kind, errors, the designs started and finished, and the load average (the
machine is shared: read the figures with it).

With ``--trace FILE`` each request is also written to FILE as it ends (a line: start as
Unix time, kind, milliseconds), to set the slow ones beside the designs' finishing
times (table ``jobs``).

With ``--jobs N`` it also queues N designs of ``--job-seconds`` each on Redis and runs
them on ``--job-workers`` ``territorial worker`` processes while the last row's load runs
again, and prints the wall time beside the ideal (N x seconds / workers).

Needs PostgreSQL (``--db``, default postgresql://postgres@127.0.0.1/territorial_load,
created if missing) and, for ``--jobs``, Redis (``--redis``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

import httpx

from _login import bench_user, log_in

KINDS = {
    "map": ("/api/map",),
    "assess": ("/api/assess",),
    "search": tuple(
        f"/api/accounts?q={q}" for q in ("med", "ACC-01", "supply", "son", "tech", "ACC-2")
    ),
    "light": ("/api/overview", "/api/accounts?page=2", "/api/scenarios"),
}
#: One round of a user: each kind in turn (map and assessment are the heavy pages).
ROUND = ("map", "search", "light", "assess", "search", "light")
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _territorial(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "territorial"), *args], check=True, capture_output=True, text=True, env=env
    )


def prepare(db: str, accounts: int = 0, reps: int = 100) -> None:
    """Create the database if needed and build the demo in it (with ``accounts``: that
    many generated accounts, ``reps`` reps and a year of sales instead)."""
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
    if accounts:
        from _workspace import build

        build(db, accounts, reps)
    else:
        _territorial("demo", "--db", db, "--no-serve", "--reset")
    bench_user(db)


def _pct(values: list[float], q: float) -> float:
    return values[int(q * (len(values) - 1))] if values else float("nan")


def _tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of ``pid`` and its live descendants (the app workers) and of the
    children they have reaped (the design jobs of the embedded pool), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    own, reaped = 0.0, 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    todo = [pid]
    while todo:
        child = todo.pop()
        todo += children.get(child, [])
        try:
            fields = (Path("/proc") / str(child) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        reaped += (int(fields[13]) + int(fields[14])) / tick  # cutime, cstime
    return own, reaped


def _designer(
    client: httpx.Client, every: float, seconds: float, stop: float, out: dict[str, int]
) -> None:
    """Submit a design every ``every`` seconds until ``stop``; count them, then wait for
    the last ones to end (so that the next row starts on a quiet machine)."""
    ids: list[str] = []
    for k in itertools.count():
        if time.monotonic() >= stop:
            break
        fields = {
            "name": f"Load {os.getpid()}-{time.time():.0f}-{k}",
            "territories": "15",
            "balance": "potential,workload",
            "tolerance": "10%",
            "time_limit": f"{seconds:g}",
        }
        answer = client.post("/api/design", data=fields)
        if answer.status_code == 202:
            ids.append(answer.json()["id"])
        else:
            out["design_errors"] += 1
        time.sleep(max(0.0, min(every, stop - time.monotonic())))
    out["designs"] = len(ids)
    deadline = time.monotonic() + seconds + 30
    for job_id in ids:
        while time.monotonic() < deadline:
            state = client.get(f"/api/jobs/{job_id}").json().get("state")
            if state in ("done", "failed", "cancelled"):
                out["designs_done"] += state == "done"
                break
            time.sleep(0.5)


def run_load(
    db: str,
    workers: int,
    clients: int,
    seconds: float,
    think: float = 0.0,
    design_every: float = 5.0,
    design_seconds: float = 2.0,
    trace: TextIO | None = None,
) -> dict[str, float]:
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
        for _ in range(clients + 1):
            client = httpx.Client(base_url=base, timeout=120)
            log_in(client)
            sessions.append(client)
        for client in sessions[:clients]:  # every worker has answered each URL once or so
            for urls in KINDS.values():
                client.get(urls[0])
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        errors = 0
        lock = threading.Lock()
        load_before = os.getloadavg()[0]
        app_before, jobs_before = _tree_cpu(server.pid)
        client_before = time.process_time()
        stop = time.monotonic() + seconds

        def client_loop(i: int, client: httpx.Client) -> None:
            nonlocal errors
            turn = itertools.count(i)
            while time.monotonic() < stop:
                k = next(turn)
                kind = ROUND[k % len(ROUND)]
                urls = KINDS[kind]
                url = urls[(k // len(ROUND)) % len(urls)]
                t0 = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - t0
                with lock:
                    times[kind].append(took)
                    errors += not ok
                    if trace is not None:
                        trace.write(f"{time.time() - took:.3f} {kind} {took * 1000:.0f}\n")
                if think:
                    time.sleep(think)

        design = {"designs": 0, "designs_done": 0, "design_errors": 0}
        threads = [
            threading.Thread(target=client_loop, args=(i, c))
            for i, c in enumerate(sessions[:clients])
        ]
        if design_every > 0:
            threads.append(
                threading.Thread(
                    target=_designer,
                    args=(sessions[-1], design_every, design_seconds, stop, design),
                )
            )
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads[:clients]:
            t.join()
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
        app_after, jobs_after = _tree_cpu(server.pid)
        client_cpu = time.process_time() - client_before
        for t in threads[clients:]:
            t.join()
        every = sorted(itertools.chain.from_iterable(times.values()))
        row: dict[str, float] = {
            "requests": len(every),
            "rps": len(every) / wall,
            "p50": statistics.median(every) if every else float("nan"),
            "p95": _pct(every, 0.95),
            "p99": _pct(every, 0.99),
            "errors": errors + design["design_errors"],
            "designs": design["designs"],
            "designs_done": design["designs_done"],
            "load_before": load_before,
            "load_after": load_after,
            "app_cpu": (app_after - app_before) / wall,
            "jobs_cpu": (jobs_after - jobs_before) / wall,
            "client_cpu": client_cpu / wall,
            "app_ms_per_request": (app_after - app_before) / max(1, len(every)) * 1000,
        }
        for kind, values in times.items():
            row[f"p95 {kind}"] = _pct(sorted(values), 0.95)
        return row
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
    ap.add_argument("--workers", default="1,4")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--think", type=float, default=0.0, help="seconds between a user's requests")
    ap.add_argument("--design-every", type=float, default=5.0, help="0: no designs")
    ap.add_argument("--design-seconds", type=float, default=2.0)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--job-workers", type=int, default=2)
    ap.add_argument("--job-seconds", type=float, default=10)
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--accounts", type=int, default=0, help="generated accounts, not the demo")
    ap.add_argument("--reps", type=int, default=100, help="with --accounts")
    ap.add_argument("--trace", type=Path, help="write every request's time to this file")
    args = ap.parse_args(argv)
    if not args.skip_build:
        prepare(args.db, args.accounts, args.reps)
    designs = (
        f"a design of {args.design_seconds:g} s every {args.design_every:g} s"
        if args.design_every > 0
        else "no designs"
    )
    print(
        f"Load: {args.clients} users, {args.think:g} s between requests, {args.seconds:g} s "
        f"per row, {designs}; machine: {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at the start\n"
    )
    counts = [int(w) for w in args.workers.split(",")]
    rows: list[tuple[str, dict[str, float]]] = []
    trace = args.trace.open("a", encoding="utf-8") if args.trace else None
    for n in counts:
        rows.append(
            (
                str(n),
                run_load(
                    args.db,
                    n,
                    args.clients,
                    args.seconds,
                    args.think,
                    args.design_every,
                    args.design_seconds,
                    trace,
                ),
            )
        )
    walls: list[float] = []
    if args.jobs:
        # the designs run on their workers while the app serves the same load again
        working = threading.Event()
        jobs = threading.Thread(
            target=lambda: walls.append(
                run_jobs(
                    args.db, args.redis, args.jobs, args.job_workers, args.job_seconds, working
                )
            )
        )
        jobs.start()
        working.wait()
        rows.append(
            (
                f"{counts[-1]} + queue",
                run_load(
                    args.db,
                    counts[-1],
                    args.clients,
                    args.seconds,
                    args.think,
                    args.design_every,
                    args.design_seconds,
                ),
            )
        )
        jobs.join()
    if trace is not None:
        trace.close()
    print_table(rows)
    if walls:
        ideal = args.jobs * args.job_seconds / args.job_workers
        print(
            f"\n{args.jobs} designs of {args.job_seconds:g} s on {args.job_workers} "
            f"workers: {walls[0]:.1f} s wall (ideal {ideal:.0f} s; one worker would need "
            f"{args.jobs * args.job_seconds:.0f} s)"
        )
    return 0


def print_table(rows: list[tuple[str, dict[str, float]]]) -> None:
    """One column per run (app workers), one line per figure: the runs side by side."""
    lines = [
        ("requests", "requests", "{:.0f}"),
        ("requests/s", "rps", "{:.2f}"),
        ("p50 ms", "p50", "ms"),
        ("p95 ms", "p95", "ms"),
        ("p99 ms", "p99", "ms"),
        ("p95 map ms", "p95 map", "ms"),
        ("p95 assessment ms", "p95 assess", "ms"),
        ("p95 search ms", "p95 search", "ms"),
        ("p95 light ms", "p95 light", "ms"),
        ("errors", "errors", "{:.0f}"),
        ("designs started", "designs", "{:.0f}"),
        ("designs done", "designs_done", "{:.0f}"),
        ("app CPU (cores)", "app_cpu", "{:.2f}"),
        ("app CPU ms/request", "app_ms_per_request", "{:.1f}"),
        ("design jobs CPU", "jobs_cpu", "{:.2f}"),
        ("load generator CPU", "client_cpu", "{:.2f}"),
        ("load avg before", "load_before", "{:.2f}"),
        ("load avg after", "load_after", "{:.2f}"),
    ]
    width = max(12, *(len(label) + 2 for label, _ in rows))
    print(f"{'app workers':<20}" + "".join(f"{label:>{width}}" for label, _ in rows))
    for title, key, form in lines:
        cells = []
        for _, row in rows:
            value = row.get(key, float("nan"))
            cells.append(f"{value * 1000:.0f}" if form == "ms" else form.format(value))
        print(f"{title:<20}" + "".join(f"{c:>{width}}" for c in cells), flush=True)
    if len(rows) > 1:
        first = rows[0][1]["rps"]
        print(
            f"{'vs first':<20}"
            + "".join(f"{row['rps'] / first:>{width - 1}.2f}x" for _, row in rows)
        )


if __name__ == "__main__":
    raise SystemExit(main())
