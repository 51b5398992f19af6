"""One published CTDP instance end to end (skipped when shared/ is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from territorial.optimize.design import DesignProblem, MaxIterations, solve

SHARED = Path(os.environ.get("TERRITORIAL_SHARED", Path(__file__).resolve().parents[4] / "shared"))
INSTANCE = SHARED / "benchmarks/ctdp/instances/del-n1000-k5-s59721.in"


@pytest.mark.skipif(
    not INSTANCE.exists(), reason=f"CTDP instance not found at {INSTANCE} (set TERRITORIAL_SHARED)"
)
def test_ctdp_instance_feasible() -> None:
    tok = INSTANCE.read_text().split()
    n = int(tok[0])
    rows = np.array(tok[1 : 1 + 6 * n], dtype=float).reshape(n, 6)
    m = int(tok[1 + 6 * n])
    e = np.array(tok[2 + 6 * n : 2 + 6 * n + 2 * m], dtype=int).reshape(m, 2)
    p = int(tok[2 + 6 * n + 2 * m])
    adj = sp.csr_matrix(
        (np.ones(2 * m), (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n, n)
    )
    pb = DesignProblem(
        rows[:, 1:3], rows[:, 3:6], p=p, tolerances=0.05, adjacency=adj, contiguous=True
    )
    res = solve(pb, MaxIterations(3), seed=0)
    assert res.feasible
    assert res.diameter < 700  # published MATS optimum 610.65; a bad plan is >> 700
