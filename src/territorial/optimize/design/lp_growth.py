"""A contiguous start grown from the contiguity bound's LP solution.

The separator-cut LP (:mod:`~territorial.optimize.design.contiguity_bound`) is solved
anyway for the bound, and its solution says where each unit belongs in a cheap,
nearly contiguous plan; rounded as it stands it is in pieces.  Here territories grow
from their roots, the lightest (relative to its target, worst measure) taking next
the neighbouring free unit with the largest LP share in it (ties: the cheaper), so
every territory is one piece and keeps its root.  A locked unit joins only its own
territory; one walled off by other territories is placed in it all the same (a piece
apart, for :func:`~territorial.optimize.design.reconnect.reconnect`).  The result
is near the LP's travel but not balanced (a territory walled in by its neighbours
stops growing); spanning-tree recombination with a travel pull balances it
(``recom.recombine(pull=...)``).  NOTES.md ("thirteenth round") has the figures.
"""

from __future__ import annotations

import heapq

import numpy as np

from territorial.optimize.design.contiguous import Graph


def grown_from_lp(
    graph: Graph,
    solution: np.ndarray,
    cost: np.ndarray,
    weights: np.ndarray,
    target: np.ndarray,
    roots: np.ndarray,
    locks: np.ndarray,
) -> np.ndarray | None:
    """A plan whose territories hold their ``roots`` and every unit with ``locks >= 0``,
    each territory connected but for locked units walled off from it (and the units
    reached only through them); None when the graph leaves a unit unreached.

    ``solution`` (n, p) the LP shares, ``cost`` (n, p) travel, ``weights`` (n, m),
    ``target`` (p, m) each territory's target load.
    """
    n, p = solution.shape
    plan = np.full(n, -1, dtype=np.int64)
    load = np.zeros(target.shape)
    scale = np.where(target > 0, target, 1.0)
    frontier: list[list[tuple[float, float, int]]] = [[] for _ in range(p)]

    def take(unit: int, j: int) -> None:
        plan[unit] = j
        load[j] += weights[unit]
        for nb in graph.neighbours(unit):
            if plan[nb] < 0 and locks[nb] in (-1, j):
                heapq.heappush(frontier[j], (-solution[nb, j], cost[nb, j], int(nb)))

    for j, root in enumerate(roots):
        take(int(root), j)
    growing = np.ones(p, dtype=bool)
    while growing.any():
        fill = np.where(growing, (load / scale).max(axis=1), np.inf)
        j = int(np.argmin(fill))
        queue = frontier[j]
        while queue and plan[queue[0][2]] >= 0:
            heapq.heappop(queue)
        if queue:
            take(heapq.heappop(queue)[2], j)
        else:
            growing[j] = False
    for walled in np.flatnonzero((plan < 0) & (locks >= 0)):
        take(int(walled), int(locks[walled]))
    for j in range(p):  # units behind a walled-off locked unit
        while frontier[j]:
            unit = heapq.heappop(frontier[j])[2]
            if plan[unit] < 0:
                take(unit, j)
    return plan if (plan >= 0).all() else None
