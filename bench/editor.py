"""Editor benchmark: bench/editor.py [--sizes 2500,50000] [--runs 20]

Server time of a move in the scenario editor (``services.editing.move``: checks, the
database update, the edit log, the new balance of every measure and every territory's
travel), p50 and p95 over ``--runs`` moves of 1, 100 and 5,000 accounts, on workspaces
from the demo generator (2,500 accounts and 15 reps; 50,000 and 100). Also the time to
open the editor (cold: the session built; warm: cached) and, through the HTTP app, the
p50 of the same moves (JSON encoding included). Target (issue 8): a move answered within
150 ms of server time at 50,000 accounts. ``--by zip``: the same draft as if designed by
ZIP, so whole ZIPs move and every move checks contiguity on the ZIP graph (more accounts
move than are selected). Workspaces are kept in ``bench/out``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from _workspace import build
from territorial.domain import ScenarioStatus
from territorial.services import editing
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork

DRAFT = "Editor bench"
REPS = {2500: 15, 50_000: 100}


def fresh_draft(uow: UnitOfWork, by: str) -> None:
    with uow:
        uow.scenarios.delete(DRAFT)
        current = resolve_scenario(uow, None)
        uow.scenarios.save(
            dataclasses.replace(
                current,
                name=DRAFT,
                status=ScenarioStatus.DRAFT,
                parent=current.name,
                locks={},
                description=f"territories by {by}",
                territories=[dataclasses.replace(t) for t in current.territories],
            )
        )
        uow.commit()


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="2500,50000")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument(
        "--by",
        default="account,zip",
        help="kinds of scenario: account, zip (whole ZIPs move; contiguity)",
    )
    ap.add_argument("--out", default="bench/out")
    args = ap.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from territorial.web.app import create_app

    rows = []
    cases = [(int(s), by) for s in args.sizes.split(",") for by in args.by.split(",")]
    for n, by in cases:
        db = str(Path(args.out) / f"editor{n // 1000}k.db")
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        if not Path(db).is_file():
            build(db, n, REPS.get(n, max(1, n // 500)))
        uow = open_workspace(db)
        fresh_draft(uow, by)
        editing.clear_sessions()
        t0 = time.perf_counter()
        state = editing.editor_state(uow, DRAFT)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        editing.editor_state(uow, DRAFT)
        warm = time.perf_counter() - t0
        session = next(iter(editing._sessions.values()))
        ids = session.ext_ids
        names = state["territories"]
        rng = np.random.default_rng(7)
        client = TestClient(create_app(db))
        for k in (1, 100, 5000):
            size = min(k, len(ids))
            took, http, moved = [], [], []
            for run in range(args.runs):
                chosen = [ids[i] for i in rng.choice(len(ids), size, replace=False)]
                to = names[run % len(names)]
                t0 = time.perf_counter()
                result = editing.move(uow, DRAFT, chosen, to)
                took.append(time.perf_counter() - t0)
                moved.append(result["moved"])
                t0 = time.perf_counter()
                response = client.post(
                    f"/api/scenarios/{DRAFT}/moves",
                    json={"accounts": chosen, "territory": names[-1 - run % 3]},
                )
                http.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.text[:200]
            rows.append(
                (
                    f"{len(ids):,}",
                    f"{len(names)}",
                    by,
                    f"{size:,}",
                    f"{int(np.median(moved)):,}",
                    f"{pct(took, 50):.0f}",
                    f"{pct(took, 95):.0f}",
                    f"{pct(http, 50):.0f}",
                    f"{cold:.2f} / {warm * 1000:.0f} ms",
                )
            )
        client.close()
    head = (
        "accounts",
        "territories",
        "by",
        "selected",
        "moved (median)",
        "p50 ms",
        "p95 ms",
        "HTTP p50 ms",
        "open cold s / warm",
    )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("Editor moves, server time (target: < 150 ms at 50,000 accounts)")
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
