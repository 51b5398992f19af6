"""Balance of one measure over territories: deviation, CV, max/min ratio, Gini.

All statistics treat the territory totals as the population (no sample correction).
Definitions, for totals ``x_1..x_n`` with mean ``μ``:

* deviation from target ``(x_i − t_i) / t_i`` (a fraction; ``+0.31`` is 31% over);
  the target is ``μ`` unless explicit targets are given; a zero target gives 0 for a
  zero total and ``±inf`` otherwise;
* coefficient of variation ``σ / μ`` with the population standard deviation;
* max/min ratio ``max(x) / min(x)``: 1 when all totals are equal (zero included),
  ``inf`` when the smallest total is 0 and the largest is not;
* Gini ``Σ_i Σ_j |x_i − x_j| / (2 n² μ)``, 0 for equal totals and at most
  ``(n − 1) / n`` when one territory holds everything.

Statistics that need non-negative totals (CV, ratio, Gini) are ``nan`` when a total is
negative or when there are no territories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.metrics._arrays import BoolArray, FloatArray, as_float_array

_WITHIN_EPS = 1e-9  # slack so a deviation of exactly the tolerance counts as within


def deviation_from_target(totals: npt.ArrayLike, targets: npt.ArrayLike) -> FloatArray:
    """``(total − target) / target`` per territory, inf-safe for zero targets."""
    x = as_float_array(totals, "totals")
    t = as_float_array(targets, "targets")
    if x.shape != t.shape:
        raise ValueError("totals and targets must have the same length")
    diff = x - t
    out = np.zeros_like(x)
    nz = t != 0
    out[nz] = diff[nz] / np.abs(t[nz])
    zero_t = ~nz & (diff != 0)
    out[zero_t] = np.copysign(np.inf, diff[zero_t])
    return out


def coefficient_of_variation(values: npt.ArrayLike) -> float:
    """Population standard deviation over mean; 0 for all-zero, nan if any value < 0."""
    x = as_float_array(values)
    if x.size == 0 or np.any(x < 0):
        return float("nan")
    mean = float(x.mean())
    if mean == 0.0:
        return 0.0
    if np.all(x == x[0]):
        return 0.0
    return float(x.std() / mean)


def max_min_ratio(values: npt.ArrayLike) -> float:
    """``max / min``; 1 if all equal, inf if min is 0 < max, nan if any value < 0."""
    x = as_float_array(values)
    if x.size == 0 or np.any(x < 0):
        return float("nan")
    hi, lo = float(x.max()), float(x.min())
    if hi == lo:
        return 1.0
    if lo == 0.0:
        return float("inf")
    return hi / lo


def gini(values: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative values: 0 (equal) to ``(n−1)/n``; nan if any < 0."""
    x = as_float_array(values)
    if x.size == 0 or np.any(x < 0):
        return float("nan")
    total = float(x.sum())
    if total == 0.0 or np.all(x == x[0]):
        return 0.0
    s = np.sort(x)
    n = s.size
    # Σ_i Σ_j |x_i − x_j| = 2 Σ_k (2k − n − 1) s_k  for sorted s, k = 1..n
    k = np.arange(1, n + 1, dtype=np.float64)
    pair_sum = 2.0 * float(np.dot(2.0 * k - n - 1.0, s))
    return max(0.0, pair_sum / (2.0 * n * total))


@dataclass(frozen=True, eq=False)
class BalanceStats:
    """Balance of one measure across territories.

    Attributes
    ----------
    measure
        Name of the measure.
    totals, targets, deviations
        Per territory; deviations as fractions of the target.
    tolerance
        Allowed ``|deviation|``.
    within_tolerance
        Per territory, ``|deviation| <= tolerance``.
    mean, cv, max_min_ratio, gini
        Summary statistics (see module docstring).
    """

    measure: str
    totals: FloatArray
    targets: FloatArray
    deviations: FloatArray
    tolerance: float
    within_tolerance: BoolArray
    mean: float
    cv: float
    max_min_ratio: float
    gini: float

    @property
    def all_within(self) -> bool:
        """True when every territory is within tolerance."""
        return bool(np.all(self.within_tolerance))

    @property
    def n_outside(self) -> int:
        """Number of territories outside the tolerance."""
        return int(np.count_nonzero(~self.within_tolerance))

    @property
    def max_abs_deviation(self) -> float:
        """Largest ``|deviation|`` (0 when there are no territories)."""
        return float(np.max(np.abs(self.deviations))) if self.deviations.size else 0.0


def balance_stats(
    measure: str,
    totals: npt.ArrayLike,
    targets: npt.ArrayLike | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> BalanceStats:
    """Balance statistics of one measure.

    Parameters
    ----------
    measure
        Name, carried into the result.
    totals
        Total of the measure per territory.
    targets
        Explicit target per territory; ``None`` uses the mean of the totals.
    tolerance
        Allowed ``|deviation|`` as a fraction, e.g. 0.05 for ±5%.
    """
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance}")
    x = as_float_array(totals, "totals")
    mean = float(x.mean()) if x.size else float("nan")
    t = np.full_like(x, mean) if targets is None else as_float_array(targets, "targets")
    dev = deviation_from_target(x, t)
    return BalanceStats(
        measure=measure,
        totals=x,
        targets=t,
        deviations=dev,
        tolerance=float(tolerance),
        within_tolerance=np.abs(dev) <= tolerance + _WITHIN_EPS,
        mean=mean,
        cv=coefficient_of_variation(x),
        max_min_ratio=max_min_ratio(x),
        gini=gini(x),
    )
