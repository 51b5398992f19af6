"""A benchmark workspace from the demo generator, written over whatever ``db`` held."""

from __future__ import annotations

import time

from territorial.sample.generate import generate_workspace
from territorial.services.workspace import open_workspace


def build(db: str, n: int, reps: int, months: int = 12, seed: int = 2026) -> float:
    """Fill ``db`` with ``n`` generated accounts, ``reps`` reps, their active scenario and
    ``months`` of sales; the seconds it took."""
    t0 = time.perf_counter()
    ws = generate_workspace(seed=seed, n_accounts=n, n_reps=reps, months=months)
    uow = open_workspace(db)
    with uow:
        uow.clear_all()
        uow.accounts.add_many(ws.accounts)
        uow.reps.add_many(ws.reps)
        uow.scenarios.save(ws.scenario)
        uow.sales.add_many(ws.sales)
        uow.commit()
    return time.perf_counter() - t0
