"""Small cells of nearby units: a design too big for the LP solved on its cells.

Recursive median splits (a k-d tree's leaves) along the wider side of each box until a
cell holds at most ``leaf`` units: nearby units share a cell, dense areas get small
cells; a cell heavier than a load cap is split too, so that no cell takes much of a
territory's balance band.  A cell's cost of serving it from a centre is the sum of its units'
costs, so a plan of cells has exactly the travel of the same plan of units; what is
lost is only that a cell's units go together.
"""

from __future__ import annotations

import numpy as np


def median_cells(points: np.ndarray, leaf: int, load: np.ndarray | None = None) -> np.ndarray:
    """(n,) cell label of each point, cells of at most ``leaf`` points (``leaf`` >= 1) and,
    with ``load`` ((n,) nonnegative), of at most 1 in load unless a single point."""
    n = len(points)
    label = np.zeros(n, dtype=np.int64)
    stack = [np.arange(n)]
    cells = 0
    while stack:
        members = stack.pop()
        light = load is None or len(members) == 1 or float(load[members].sum()) <= 1.0
        if len(members) <= leaf and light:
            label[members] = cells
            cells += 1
            continue
        box = points[members]
        axis = int(np.argmax(box.max(axis=0) - box.min(axis=0)))
        half = len(members) // 2
        order = np.argpartition(box[:, axis], half)
        stack += [members[order[:half]], members[order[half:]]]
    return label


def cell_sums(label: np.ndarray, values: np.ndarray, cells: int) -> np.ndarray:
    """Per-cell sums of ``values`` ((n,) or (n, k)) over units labelled ``label``."""
    out = np.zeros((cells, *values.shape[1:]))
    np.add.at(out, label, values)
    return out
