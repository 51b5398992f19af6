"""Small array helpers shared by the metrics modules (private)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from territorial.arrays import BoolArray, FloatArray, IntArray
from territorial.geo.geodesy import as_float_array

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "as_float_array",
    "as_territory_array",
    "group_indices",
    "totals_by_territory",
]


def as_territory_array(territory: npt.ArrayLike, n_territories: int) -> IntArray:
    """Return territory indices as int64, checking they lie in ``[-1, n_territories)``.

    ``-1`` marks an unassigned account.
    """
    raw = np.asarray(territory)
    if raw.ndim != 1:
        raise ValueError(f"territory must be one-dimensional, got shape {raw.shape}")
    if raw.size and not np.issubdtype(raw.dtype, np.integer):
        as_float = raw.astype(np.float64)
        if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
            raise ValueError("territory indices must be whole numbers")
    arr = raw.astype(np.int64)
    if arr.size and (arr.min() < -1 or arr.max() >= n_territories):
        raise ValueError(
            f"territory indices must lie in [-1, {n_territories - 1}], "
            f"got [{arr.min()}, {arr.max()}]"
        )
    return arr


def group_indices(territory: IntArray, n_territories: int) -> list[IntArray]:
    """Account indices of each territory ``0..n_territories-1`` (unassigned ``-1`` left out)."""
    order = np.argsort(territory, kind="stable").astype(np.int64)
    bounds = np.searchsorted(territory[order], np.arange(n_territories + 1))
    return [order[bounds[t] : bounds[t + 1]] for t in range(n_territories)]


def totals_by_territory(
    values: npt.ArrayLike, territory: npt.ArrayLike, n_territories: int
) -> FloatArray:
    """Sum `values` per territory; accounts with territory ``-1`` are left out.

    Parameters
    ----------
    values
        One number per account.
    territory
        Territory index per account, ``-1`` for unassigned.
    n_territories
        Number of territories (length of the result; empty territories total 0).
    """
    vals = as_float_array(values, "values")
    terr = as_territory_array(territory, n_territories)
    if vals.shape != terr.shape:
        raise ValueError("values and territory must have the same length")
    mask = terr >= 0
    return np.bincount(terr[mask], weights=vals[mask], minlength=n_territories).astype(np.float64)
