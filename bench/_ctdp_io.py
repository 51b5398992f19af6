"""Reader for the CTDP "DL" instance files (format: shared/benchmarks/ctdp/README.md)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class CtdpInstance:
    name: str
    coords: np.ndarray
    measures: np.ndarray
    adjacency: sp.csr_matrix
    p: int
    tau: np.ndarray


def read_instance(path: Path) -> CtdpInstance:
    tok = path.read_text().split()
    pos = 0
    n = int(tok[pos])
    pos += 1
    rows = np.array(tok[pos : pos + 6 * n], dtype=np.float64).reshape(n, 6)
    pos += 6 * n
    if not np.array_equal(rows[:, 0].astype(np.int64), np.arange(n)):
        raise ValueError(f"{path}: unit ids are not 0..n-1 in order")
    m = int(tok[pos])
    pos += 1
    edges = np.array(tok[pos : pos + 2 * m], dtype=np.int64).reshape(m, 2)
    pos += 2 * m
    p = int(tok[pos])
    tau = np.array(tok[pos + 2 : pos + 5], dtype=np.float64)
    adj = sp.csr_matrix(
        (
            np.ones(2 * m, dtype=np.int8),
            (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]]),
        ),
        shape=(n, n),
    )
    adj.data[:] = 1
    return CtdpInstance(path.stem, rows[:, 1:3].copy(), rows[:, 3:6].copy(), adj, p, tau)


def shared_dir(override: str | None = None) -> Path:
    """Locate shared/ (``--shared``, ``TERRITORIAL_SHARED`` or ../../shared); exit if absent."""
    cand = override or os.environ.get("TERRITORIAL_SHARED")
    path = Path(cand) if cand else Path(__file__).resolve().parents[2] / "shared"
    if not (path / "benchmarks" / "ctdp" / "instances").is_dir():
        sys.exit(
            f"shared folder with benchmarks/ctdp/instances not found at {path}; "
            "pass --shared DIR or set TERRITORIAL_SHARED"
        )
    return path


def write_plan(path: Path, assignment: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["unit,territory"] + [f"{u},{t}" for u, t in enumerate(assignment.tolist())]
    path.write_text("\n".join(lines) + "\n")
