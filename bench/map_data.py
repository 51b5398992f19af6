"""Map benchmark: bench/map_data.py [--n 50000 --reps 100] [--db bench/out/map50k.db]

Builds a workspace with the demo generator (``--n`` accounts, ``--reps`` reps, so as many
territories), then times, against the issue 8 targets:

* territory shapes for the active scenario (accounts' Voronoi cells, dissolved and
  clipped; ZIP and county shapes too), target < 3 s;
* ``/api/map`` (cold: shapes computed; warm: shapes cached) and its size;
* ``/api/map`` of a draft copy of the scenario (``services.drafts``) and again after a
  burst of 5 moves of 100 accounts (only the touched territories' shapes are redone);
* the map page in headless Chromium (Playwright): ``page.goto`` until ``#map`` has
  ``data-ready="1"`` (data fetched, shapes, accounts, rep homes, heat drawn), target < 2 s:
  with nothing cached (a restart or an import), later loads, and the draft's map after
  another burst of edits.

An existing ``--db`` is reused (``--rebuild`` to regenerate).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import numpy as np

from _login import bench_user, browser_log_in, log_in
from _workspace import build
from territorial.services import editing
from territorial.services.actor import acting_as, local_actor
from territorial.services.drafts import copy_to_draft
from territorial.services.frame import load_frame
from territorial.services.mapdata import clear_shape_cache, compute_shapes
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace
from territorial.web.app import create_app

EDIT_DRAFT = "Map bench edits"
CHROMIUM = os.environ.get("TERRITORIAL_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--db", default="bench/out/map50k.db")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="browser loads (best and median kept)")
    args = ap.parse_args(argv)
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    if args.rebuild or not Path(args.db).is_file():
        rows.append(
            (
                "build workspace (generator + store)",
                f"{build(args.db, args.n, args.reps, args.months, args.seed):.1f} s",
                "",
            )
        )
    uow = open_workspace(args.db)
    t0 = time.perf_counter()
    with uow:
        scenario = resolve_scenario(uow, None)
        frame = load_frame(uow, scenario)
    rows.append(
        (
            f"load frame ({len(frame.accounts):,} accounts, {len(frame.labels)} territories)",
            f"{time.perf_counter() - t0:.2f} s",
            "",
        )
    )
    compute_shapes(frame, "account")  # loads the US outline once (cached per process)
    for kind in ("account", "zip", "county"):
        t0 = time.perf_counter()
        shapes = compute_shapes(frame, kind)  # type: ignore[arg-type]
        took = time.perf_counter() - t0
        drawn = sum(g is not None for g in shapes.geometries)
        rows.append(
            (
                f"shapes by {kind} ({drawn} territories, {max(shapes.colors) + 1} colours)",
                f"{took:.2f} s",
                "< 3 s" if kind == "account" else "",
            )
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    bench_user(args.db)
    client = TestClient(create_app(args.db), base_url="http://127.0.0.1")
    log_in(client)
    clear_shape_cache()
    for label in ("cold: shapes computed", "warm: shapes cached"):
        t0 = time.perf_counter()
        response = client.get("/api/map")
        took = time.perf_counter() - t0
        assert response.status_code == 200, response.text[:200]
        rows.append((f"/api/map {label}", f"{took:.2f} s", f"{len(response.content) / 1e6:.1f} MB"))

    # a burst of edits on a draft copy, then the map again (shapes of the touched
    # territories only; the accounts part of the frame is reused)
    with acting_as(local_actor()):
        with uow:
            uow.scenarios.delete(EDIT_DRAFT)
            uow.commit()
        copy_to_draft(uow, scenario.name, EDIT_DRAFT)
    q = f"/api/map?scenario={quote(EDIT_DRAFT)}"
    t0 = time.perf_counter()
    response = client.get(q)
    rows.append(
        (
            "/api/map of a fresh draft copy",
            f"{time.perf_counter() - t0:.2f} s",
            f"{len(response.content) / 1e6:.1f} MB",
        )
    )
    rng = np.random.default_rng(7)

    def burst() -> None:
        """Five moves of up to 100 accounts of a random territory to the next one."""
        for _ in range(5):
            t = int(rng.integers(0, len(frame.labels)))
            rows_t = np.flatnonzero(frame.territory == t)
            picked = rng.choice(rows_t, min(100, rows_t.size), replace=False)
            editing.move(
                uow,
                EDIT_DRAFT,
                [frame.accounts[i].external_id for i in picked],
                frame.labels[(t + 1) % len(frame.labels)],
            )

    burst()
    t0 = time.perf_counter()
    response = client.get(q)
    assert response.status_code == 200, response.text[:200]
    rows.append(
        (
            "/api/map after 5 moves of 100 accounts",
            f"{time.perf_counter() - t0:.2f} s",
            f"{response.json()['shapes_seconds']:.2f} s of shapes",
        )
    )

    import uvicorn

    port = _port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(args.db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            times = []
            in_page = []
            drawn_accounts = "?"
            clear_shape_cache()
            for run in range(max(1, args.runs) + 1):
                page = browser.new_page(viewport={"width": 1366, "height": 860})
                browser_log_in(page, base)
                t0 = time.perf_counter()
                page.goto(base + "/map")
                page.wait_for_selector('#map[data-ready="1"]', timeout=120_000)
                if run == 0:
                    times_cold = time.perf_counter() - t0
                else:
                    times.append(time.perf_counter() - t0)
                drawn_accounts = page.get_attribute("#map", "data-accounts") or "?"
                timings = json.loads(page.get_attribute("#map", "data-timings") or "{}")
                if run:
                    in_page.append(timings.get("ready", 0) / 1000)
                print("browser timings (ms since navigation):", timings, flush=True)
                page.close()
            # the draft's map page after another burst of edits (what the editor reloads)
            burst()
            page = browser.new_page(viewport={"width": 1366, "height": 860})
            browser_log_in(page, base)
            t0 = time.perf_counter()
            page.goto(base + "/map?scenario=" + quote(EDIT_DRAFT))
            page.wait_for_selector('#map[data-ready="1"]', timeout=120_000)
            after_edits = time.perf_counter() - t0
            page.close()
            browser.close()
        times.sort()
        in_page.sort()
        rows.append(
            (
                f"map page interactive, Chromium ({int(drawn_accounts):,} accounts), "
                "first load after a restart or an import (nothing cached)",
                f"{times_cold:.2f} s",
                "",
            )
        )
        rows.append(
            (
                "map page of a draft, first load after 5 moves of 100 accounts",
                f"{after_edits:.2f} s",
                "touched shapes only",
            )
        )
        rows.append(
            (
                "map page interactive, later loads: goto -> data-ready",
                f"{times[len(times) // 2]:.2f} s median, {times[0]:.2f} s best",
                "< 2 s",
            )
        )
        rows.append(
            (
                "  same, in the page (navigation start -> data-ready)",
                f"{in_page[len(in_page) // 2]:.2f} s median, {in_page[0]:.2f} s best",
                "< 2 s",
            )
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':<24}  note / target")
    print("-" * (width + 40))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<24}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
