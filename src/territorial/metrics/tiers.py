"""A/B/C account tiers from potential and revenue.

Score = weighted mean of the percentile ranks of potential and revenue (ties
share their average rank; ranks scaled to ``(0, 1]``). The top ``a_share`` of
accounts by score are A, the next ``b_share`` B, the rest C. Accounts tied on
score at a boundary all take the higher tier, so a tier can be larger than its
share. The cut-offs are cumulative: A is the top ``a_share``, A and B together
the top ``a_share + b_share``; when ties push A past that, B is empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["TierConfig", "TierResult", "assign_tiers", "percentile_rank"]


@dataclass(frozen=True)
class TierConfig:
    """Weights of the two ranks and the shares of tiers A and B."""

    potential_weight: float = 0.5
    revenue_weight: float = 0.5
    a_share: float = 0.2
    b_share: float = 0.3

    def __post_init__(self) -> None:
        w = (self.potential_weight, self.revenue_weight)
        if any((not math.isfinite(x)) or x < 0 for x in w) or sum(w) <= 0:
            raise ValueError("tier weights must be non-negative and not both zero")
        if not (0 <= self.a_share <= 1 and 0 <= self.b_share <= 1):
            raise ValueError("tier shares must lie in [0, 1]")
        if self.a_share + self.b_share > 1 + 1e-12:
            raise ValueError("a_share + b_share must not exceed 1")


@dataclass(frozen=True, eq=False)
class TierResult:
    """Score and tier per account (input order) and the tier counts."""

    score: NDArray[np.float64]
    tier: tuple[str, ...]
    counts: dict[str, int]


def percentile_rank(values: ArrayLike) -> NDArray[np.float64]:
    """Average rank over n, in ``(0, 1]`` (ties share their mean rank)."""
    from scipy.stats import rankdata  # SciPy loads when used, not at start-up

    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size == 0:
        return v
    if not np.all(np.isfinite(v)):
        raise ValueError("values to rank must be finite")
    out: NDArray[np.float64] = rankdata(v, method="average") / v.size
    return out


def assign_tiers(
    potential: ArrayLike, revenue: ArrayLike, config: TierConfig | None = None
) -> TierResult:
    """Prioritise accounts into tiers A, B and C.

    Parameters
    ----------
    potential, revenue
        One value per account.
    config
        Weights and tier shares (default 50/50, top 20% A, next 30% B).
    """
    cfg = config or TierConfig()
    p = percentile_rank(potential)
    r = percentile_rank(revenue)
    if p.size != r.size:
        raise ValueError("potential and revenue need one value per account")
    n = p.size
    wsum = cfg.potential_weight + cfg.revenue_weight
    score = (cfg.potential_weight * p + cfg.revenue_weight * r) / wsum
    tiers = np.full(n, "C", dtype=object)
    if n:
        order = np.argsort(-score, kind="stable")
        n_a = round(cfg.a_share * n)
        n_ab = min(round((cfg.a_share + cfg.b_share) * n), n)
        cut_a = score[order[n_a - 1]] if n_a > 0 else math.inf
        cut_b = score[order[n_ab - 1]] if n_ab > 0 else math.inf
        tol = 1e-12
        tiers[score >= cut_b - tol] = "B"
        tiers[score >= cut_a - tol] = "A"
    tier = tuple(str(t) for t in tiers)
    counts = {k: tier.count(k) for k in ("A", "B", "C")}
    return TierResult(score=score, tier=tier, counts=counts)
