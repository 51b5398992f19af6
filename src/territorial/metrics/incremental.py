"""Balance and travel kept up to date move by move, without a full reassessment.

:class:`RunningBalance` holds per-territory sums of each measure, the account counts and
the sum of the accounts' distances to their territory's base (the rep's home). Moving
``k`` accounts subtracts their values from the territories they leave and adds them to
the one they join: ``O(k + territories)`` work, whatever the number of accounts.
:func:`full_totals` is the from-scratch computation the running sums must always equal.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from territorial.geo.geodesy import haversine_km
from territorial.metrics._arrays import FloatArray, IntArray
from territorial.metrics.balance import deviation_from_target


def account_km(
    lat: FloatArray,
    lon: FloatArray,
    territory: IntArray,
    base_lat: FloatArray,
    base_lon: FloatArray,
) -> FloatArray:
    """Each account's km to its territory's base; 0 when unassigned or the base unknown."""
    out = np.zeros(lat.shape[0])
    t = np.asarray(territory, dtype=np.int64)
    ok = t >= 0
    ok[ok] = np.isfinite(base_lat[t[ok]])
    if ok.any():
        out[ok] = haversine_km(lat[ok], lon[ok], base_lat[t[ok]], base_lon[t[ok]])
    return out


def full_totals(
    values: FloatArray, territory: IntArray, n_territories: int
) -> tuple[FloatArray, IntArray]:
    """Per-territory sums of ``values`` (accounts x measures) and counts, from scratch."""
    t = np.asarray(territory, dtype=np.int64)
    ok = t >= 0
    sums = np.zeros((n_territories, values.shape[1]))
    for m in range(values.shape[1]):
        sums[:, m] = np.bincount(t[ok], weights=values[ok, m], minlength=n_territories)
    counts = np.bincount(t[ok], minlength=n_territories).astype(np.int64)
    return sums, counts


class RunningBalance:
    """Per-territory totals of a scenario, updated by the deltas of each move.

    Parameters
    ----------
    values : ndarray, shape (n_accounts, n_measures)
        Each account's value of each measure.
    lat, lon : ndarray, shape (n_accounts,)
        Account positions (degrees).
    territory : ndarray of int, shape (n_accounts,)
        Territory index of each account, -1 if unassigned. Copied; read it back from
        :attr:`territory`.
    base_lat, base_lon : ndarray, shape (n_territories,)
        Each territory's base (its rep's home); NaN for a vacant territory, whose travel
        is then unknown.
    fixed : ndarray, shape (n_territories, n_measures), optional
        Totals that no move changes (accounts without a location, which cannot be moved
        on the map), added to every territory's sums.
    """

    def __init__(
        self,
        values: npt.ArrayLike,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        territory: npt.ArrayLike,
        base_lat: npt.ArrayLike,
        base_lon: npt.ArrayLike,
        fixed: npt.ArrayLike | None = None,
    ) -> None:
        self.values = np.asarray(values, dtype=np.float64).reshape(len(np.asarray(lat)), -1)
        self.lat = np.asarray(lat, dtype=np.float64)
        self.lon = np.asarray(lon, dtype=np.float64)
        self.territory = np.array(territory, dtype=np.int64)
        self.base_lat = np.asarray(base_lat, dtype=np.float64)
        self.base_lon = np.asarray(base_lon, dtype=np.float64)
        self.n_territories = self.base_lat.shape[0]
        if self.territory.shape[0] and self.territory.max(initial=-1) >= self.n_territories:
            raise ValueError("a territory index is out of range")
        self.sums, self.counts = full_totals(self.values, self.territory, self.n_territories)
        shape = (self.n_territories, self.values.shape[1])
        self.fixed = np.zeros(shape) if fixed is None else np.asarray(fixed, np.float64)
        if self.fixed.shape != shape:
            raise ValueError(f"fixed must have shape {shape}")
        self.sums += self.fixed
        km = account_km(self.lat, self.lon, self.territory, self.base_lat, self.base_lon)
        ok = self.territory >= 0
        self.km_sums = np.bincount(
            self.territory[ok], weights=km[ok], minlength=self.n_territories
        ).astype(np.float64)

    def move(self, rows: npt.ArrayLike, to: npt.ArrayLike) -> None:
        """Move accounts ``rows`` to territory ``to`` (one index for all, or one per row;
        -1 unassigns). ``O(len(rows) + territories)``."""
        r = np.asarray(rows, dtype=np.int64)
        dest = np.broadcast_to(np.asarray(to, dtype=np.int64), r.shape).copy()
        if r.size == 0:
            return
        if np.unique(r).size != r.size:
            raise ValueError("an account is moved twice in one move")
        if dest.max() >= self.n_territories or dest.min() < -1:
            raise ValueError("a territory index is out of range")
        old = self.territory[r]
        self._add(r, old, -1.0)
        self.territory[r] = dest
        self._add(r, dest, 1.0)
        empty = self.counts == 0  # no rounding residue in a territory left empty
        self.sums[empty] = self.fixed[empty]
        self.km_sums[empty] = 0.0

    def _add(self, rows: IntArray, terr: IntArray, sign: float) -> None:
        ok = terr >= 0
        if not ok.any():
            return
        rows, terr = rows[ok], terr[ok]
        n = self.n_territories
        for m in range(self.values.shape[1]):
            self.sums[:, m] += sign * np.bincount(terr, weights=self.values[rows, m], minlength=n)
        self.counts += (int(sign) * np.bincount(terr, minlength=n)).astype(np.int64)
        km = account_km(self.lat[rows], self.lon[rows], terr, self.base_lat, self.base_lon)
        self.km_sums += sign * np.bincount(terr, weights=km, minlength=n)

    def deviations(self) -> FloatArray:
        """``(total - mean) / mean`` per territory and measure (mean over territories)."""
        out = np.zeros_like(self.sums)
        for m in range(self.sums.shape[1]):
            totals = self.sums[:, m]
            mean = np.full_like(totals, totals.mean() if totals.size else 0.0)
            out[:, m] = deviation_from_target(totals, mean)
        return out

    def mean_km(self) -> FloatArray:
        """Mean km from each territory's accounts to its base (NaN: vacant or empty)."""
        out = np.full(self.n_territories, np.nan)
        ok = (self.counts > 0) & np.isfinite(self.base_lat)
        out[ok] = self.km_sums[ok] / self.counts[ok]
        return out
