"""Spanning-tree recombination (ReCom) stage of contiguous travel designs.

Two neighbouring territories are merged, a uniform random spanning tree of their
union is drawn and cut on the path between their roots, so both stay connected and
keep their roots (:mod:`~territorial.optimize.design.kernels.recom`; GerryChain's
ReCom, DeFord, Duchin & Solomon 2021).  While the plan misses its tolerances, cuts are
scored by balance excess plus a quadratic pull towards the targets (plus ``pull`` x
the pair's travel relative to its travel before the cut: 0 lets travel only break
ties, and a start far from balance but near the travel optimum keeps more of its
travel with a pull) and accepted by Metropolis at a falling temperature (so excess can
travel through balanced territories); once a plan is balanced, only cuts that keep
the pair balanced and lower travel are taken.  The best plan seen (least excess, then
travel) is returned.  NOTES.md ("fifth round") has the figures.
"""

from __future__ import annotations

import math
import time

import numpy as np

from territorial.optimize.design.contiguous import Graph, MoveCap, _excess
from territorial.optimize.design.kernels.recom import recom

QUAD = 1.0  # weight of the squared relative deviation beside the excess
TEMP = 0.003  # starting temperature of the balance phase (falls linearly to 0)
CHUNK = 2_000  # proposals per kernel call (the temperature is constant within one)
STALE = 5  # travel phase: stop after this many chunks without an accepted cut


def recombine(
    cost: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    graph: Graph,
    plan: np.ndarray,
    roots: np.ndarray,
    seed: int,
    deadline: float = math.inf,
    proposals: int | None = None,
    locks: np.ndarray | None = None,
    moves: MoveCap | None = None,
    pull: float = 0.0,
) -> np.ndarray:
    """The best plan the recombination chain finds from ``plan`` (connected territories,
    ``plan[roots[j]] == j``, every unit with ``locks >= 0`` in that territory) until
    ``deadline`` or, bounded by work, after ``proposals`` proposals (and no later than
    ``deadline``); its excess over the tolerances is never above ``plan``'s, nor its
    moved weight above ``moves.cap`` (or ``plan``'s, if that is higher).

    ``cost`` (n, p) travel of each unit from each territory, ``weights`` (n, m),
    ``lo``/``hi`` (p, m) the tolerance bands.
    """
    if not math.isfinite(deadline) and proposals is None:
        raise ValueError("recombine needs a deadline or a number of proposals")
    ptr, idx = graph.ptr.astype(np.int64), graph.idx.astype(np.int64)
    cost = np.ascontiguousarray(cost, dtype=np.float64)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    lo = np.ascontiguousarray(lo, dtype=np.float64)
    hi = np.ascontiguousarray(hi, dtype=np.float64)
    roots = np.asarray(roots, dtype=np.int64)
    locked = np.full(len(plan), -1, np.int64) if locks is None else np.asarray(locks, np.int64)
    moves = moves or MoveCap(np.zeros(len(plan), np.int64), np.zeros(len(plan)), math.inf)
    current = np.asarray(moves.current, dtype=np.int64)
    move_w = np.ascontiguousarray(moves.weights, dtype=np.float64)
    work = np.asarray(plan, dtype=np.int64).copy()
    best = work.copy()
    balanced = _excess(best, weights, lo, hi) <= 1e-12
    t0 = time.perf_counter()
    done = calls = stale = 0
    while True:
        if proposals is not None:
            frac = done / proposals
            size = min(CHUNK, proposals - done)
        else:
            frac = (time.perf_counter() - t0) / max(deadline - t0, 1e-9)
            size = CHUNK
        if frac >= 1.0 or size <= 0:
            break
        made, accepted, best_excess, _ = recom(
            ptr,
            idx,
            work,
            best,
            weights,
            cost,
            lo,
            hi,
            roots,
            locked,
            current,
            move_w,
            float(moves.cap),
            QUAD,
            pull,
            0.0 if balanced else TEMP * (1.0 - frac),
            balanced,
            size,
            deadline,
            (seed * 1_000_003 + calls) % (2**31),
        )
        calls += 1
        done += made
        if made < size:
            break  # out of time inside the kernel
        if not balanced and best_excess <= 0.0:
            balanced = True  # from now on: keep balance, lower travel, from the best plan
            work[:] = best
        elif balanced:
            stale = 0 if accepted else stale + 1
            if stale >= STALE:
                break
    return best
