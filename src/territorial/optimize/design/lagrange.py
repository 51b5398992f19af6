"""A lower bound on balanced travel by Lagrangian relaxation (for designs too big for the LP).

Relaxing the balance rows of the assignment problem with multipliers ``mu`` (one per
territory and measure, any sign) gives::

    L(mu) = sum_i min_j (c[i,j] + sum_m mu[j,m] w[i,m]) - sum_{j,m} max(mu hi, mu lo)

which is at most the cost of every balanced plan, for every ``mu``; its maximum equals
the LP bound.  Subgradient steps (Polyak, towards a known plan's cost) climb towards it;
the best value seen is returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from territorial.optimize.design.assignment import Balance

CHUNK = 8192
STEPS = 1000  # subgradient steps at most (a deadline usually stops it first)


def lagrangian_bound(
    cost: Callable[[np.ndarray], np.ndarray],
    n: int,
    balance: Balance,
    deadline: float,
    upper: float,
    iterations: int = STEPS,
) -> float:
    """The best ``L(mu)`` found before ``deadline`` (at least ``L(0)``, the cost of
    serving every unit from its cheapest centre).

    ``upper``: the cost of a known plan, the target of the Polyak step size (raised when
    the relaxation passes it, as it does when that plan is not balanced).
    """
    target = np.maximum(0.5 * (balance.lo + balance.hi), 1e-12)
    lo, hi = balance.lo / target, balance.hi / target
    p, m = lo.shape
    chunks = [np.arange(s, min(n, s + CHUNK)) for s in range(0, n, CHUNK)]
    cached = [cost(u) for u in chunks] if n * p <= 30_000_000 else None
    shares = [balance.weights[u][:, None, :] / target[None, :, :] for u in chunks]
    mu = np.zeros((p, m))
    best = -np.inf
    for k in range(iterations):
        if k > 0 and time.perf_counter() > deadline:
            break
        load = np.zeros((p, m))
        value = 0.0
        for c, units in enumerate(chunks):
            reduced = (cached[c] if cached is not None else cost(units)) + (
                shares[c] * mu[None, :, :]
            ).sum(axis=2)
            choice = np.argmin(reduced, axis=1)
            value += float(reduced[np.arange(len(units)), choice].sum())
            np.add.at(load, choice, shares[c][np.arange(len(units)), choice])
        value -= float(np.maximum(mu * hi, mu * lo).sum())
        best = max(best, value)
        if value >= upper:
            upper = value * 1.02
        side = np.where(mu > 0, hi, np.where(mu < 0, lo, np.clip(load, lo, hi)))
        grad = load - side
        norm = float((grad * grad).sum())
        if norm < 1e-18:
            break  # the relaxed plan is balanced: the bound is tight
        mu += max(upper - value, 1e-6 * abs(upper)) / norm * grad
    return float(best)
