"""One multistart iteration, compiled: construct (or restart) then improve."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from territorial.optimize.design.kernels.connectivity import count_components
from territorial.optimize.design.kernels.grow import grow, pick_seeds
from territorial.optimize.design.kernels.state import State, objective_value, rebuild
from territorial.optimize.design.kernels.tabu import improve


class StartParams(NamedTuple):
    """The search settings of one start (a tuple of scalars, cheap to pass to Numba)."""

    sample: int  # units sampled for the p-dispersion seeds
    fcap: int  # growth frontier cap
    tenure: int  # tabu tenure
    imax: int  # diameter iterations without improvement
    amax: int  # alternations of the diameter and balance searches
    pimax: int  # escape moves
    alpha: float  # weight of balance in the diameter move choice
    repair_imax: int  # balance repair iterations without improvement


@njit(cache=True)
def run_start(
    s: State,
    start: np.ndarray,
    lock: np.ndarray,
    comp: np.ndarray,
    ncomp: int,
    params: StartParams,
    deadline: float,
    seed: int,
    keys: np.ndarray,
    screen: float = np.inf,
) -> float:
    """Build a start (growth when ``start[0] < 0``, else the given plan) and improve it,
    unless a growth's objective is above ``screen``.  Returns that growth's objective
    (inf for a given plan)."""
    np.random.seed(seed)
    s.tabu[:] = 0
    grown = np.inf
    itc = np.zeros(1, dtype=np.int64)
    p = s.load.shape[0]
    if start[0] < 0:
        s.a[:] = -1
        for u in range(lock.shape[0]):
            if lock[u] >= 0:
                s.a[u] = lock[u]
        seeds = np.full(p, -1, dtype=np.int64)
        for u in range(lock.shape[0]):
            if lock[u] >= 0 and seeds[lock[u]] < 0:
                seeds[lock[u]] = u
        pick_seeds(s, comp, ncomp, params.sample, seeds)
        grow(s, seeds, lock, params.fcap)
        grown = objective_value(s)
    else:
        s.a[:] = start
        rebuild(s)
    if grown > screen:
        return grown
    improve(
        s,
        params.tenure,
        params.imax,
        params.amax,
        params.pimax,
        params.alpha,
        params.repair_imax,
        deadline,
        itc,
        keys,
    )
    return grown


@njit(cache=True)
def disconnected_count(s: State) -> int:
    if s.cfg[0] == 0:
        return 0
    bad = 0
    for i in range(s.load.shape[0]):
        if (
            s.msize[i] == 0
            or count_components(s.mem[i], s.msize[i], i, s.a, s.adj_ptr, s.adj_idx, s.seen, s.stk)
            > 1
        ):
            bad += 1
    return bad
