"""Coverage gaps: valuable accounts nobody serves well, and white space by area.

* **High-potential accounts** are those whose potential is strictly above the given
  percentile of all accounts' potential (and above zero).
* A high-potential account is a **gap** when it is unassigned, or when it is farther
  than ``max_km`` (great circle) from every known rep home.
* **White space**: accounts are binned into square cells of about ``cell_km`` on a side
  (an equirectangular grid around the accounts' centre); a cell is white space when no
  rep home lies within ``max_km`` of the cell's centre. Each cell reports its accounts
  and their total potential.

Distance checks need rep homes; with none known they are skipped (``far`` and
``white_space`` are empty and ``reps_with_home`` is 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from territorial.geo.geodesy import (
    equirectangular_inverse,
    equirectangular_km,
    min_distance_km,
    spherical_centre,
)
from territorial.metrics._arrays import (
    FloatArray,
    IntArray,
    as_float_array,
    as_territory_array,
)


@dataclass(frozen=True)
class WhiteSpaceCell:
    """One grid cell with accounts and no rep home within reach.

    Attributes
    ----------
    row, col
        Grid position (``row`` grows northwards, ``col`` eastwards).
    centre_lat, centre_lon, south, west, north, east
        Cell centre and bounds in degrees.
    accounts
        Number of accounts in the cell.
    potential
        Their total potential.
    nearest_rep_km
        Great-circle km from the cell centre to the nearest rep home.
    account_indices
        Indices of the accounts in the cell.
    """

    row: int
    col: int
    centre_lat: float
    centre_lon: float
    south: float
    west: float
    north: float
    east: float
    accounts: int
    potential: float
    nearest_rep_km: float
    account_indices: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class CoverageGaps:
    """Coverage gaps (see module docstring).

    Attributes
    ----------
    percentile, threshold
        The percentile used and the potential it corresponds to.
    max_km, cell_km
        Reach of a rep home and white-space grid size.
    reps_with_home
        Number of rep homes used for distance checks.
    high_potential
        Indices of high-potential accounts.
    unassigned
        High-potential accounts with no territory.
    far
        High-potential accounts farther than ``max_km`` from every rep home.
    nearest_rep_km
        Per account, km to the nearest rep home (``inf`` when none is known).
    white_space
        Cells with no rep within ``max_km``, largest potential first.
    unassigned_potential, far_potential, white_space_potential
        Total potential of each group.
    """

    percentile: float
    threshold: float
    max_km: float
    cell_km: float
    reps_with_home: int
    high_potential: IntArray
    unassigned: IntArray
    far: IntArray
    nearest_rep_km: FloatArray
    white_space: tuple[WhiteSpaceCell, ...]
    unassigned_potential: float
    far_potential: float
    white_space_potential: float

    @property
    def gaps(self) -> IntArray:
        """High-potential accounts that are unassigned or far (sorted, no repeats)."""
        return np.union1d(self.unassigned, self.far).astype(np.int64)

    @property
    def white_space_accounts(self) -> int:
        """Number of accounts in white-space cells."""
        return sum(c.accounts for c in self.white_space)


def high_potential_threshold(potential: npt.ArrayLike, percentile: float) -> float:
    """The potential at `percentile` (linear interpolation); ``nan`` with no accounts."""
    p = as_float_array(potential, "potential")
    if not 0.0 <= percentile <= 100.0:
        raise ValueError(f"percentile must lie in [0, 100], got {percentile}")
    return float(np.percentile(p, percentile)) if p.size else float("nan")


def white_space_cells(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    potential: npt.ArrayLike,
    rep_lat: npt.ArrayLike,
    rep_lon: npt.ArrayLike,
    *,
    max_km: float = 150.0,
    cell_km: float = 50.0,
) -> tuple[WhiteSpaceCell, ...]:
    """Grid cells holding accounts with no rep home within `max_km` of the cell centre.

    Returns cells ordered by total potential, largest first; empty when no rep home
    is known.
    """
    if not np.isfinite(cell_km) or cell_km <= 0:
        raise ValueError(f"cell_km must be a positive number, got {cell_km}")
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    pot = as_float_array(potential, "potential")
    r_lat, r_lon = as_float_array(rep_lat, "rep_lat"), as_float_array(rep_lon, "rep_lon")
    if la.size == 0 or r_lat.size == 0:
        return ()
    c_lat, c_lon = spherical_centre(la, lo)
    x, y = equirectangular_km(la, lo, c_lat, c_lon)
    col = np.floor(x / cell_km).astype(np.int64)
    row = np.floor(y / cell_km).astype(np.int64)
    keys, inverse = np.unique(np.column_stack([row, col]), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    cx = (keys[:, 1] + 0.5) * cell_km
    cy = (keys[:, 0] + 0.5) * cell_km
    cell_lat, cell_lon = equirectangular_inverse(cx, cy, c_lat, c_lon)
    nearest = min_distance_km(cell_lat, cell_lon, r_lat, r_lon)
    cell_pot = np.bincount(inverse, weights=pot, minlength=keys.shape[0])
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(keys.shape[0] + 1))
    s_lat, w_lon = equirectangular_inverse(cx - cell_km / 2, cy - cell_km / 2, c_lat, c_lon)
    n_lat, e_lon = equirectangular_inverse(cx + cell_km / 2, cy + cell_km / 2, c_lat, c_lon)
    cells = []
    for k in np.flatnonzero(nearest > max_km):
        members = order[bounds[k] : bounds[k + 1]]
        cells.append(
            WhiteSpaceCell(
                row=int(keys[k, 0]),
                col=int(keys[k, 1]),
                centre_lat=float(cell_lat[k]),
                centre_lon=float(cell_lon[k]),
                south=float(s_lat[k]),
                west=float(w_lon[k]),
                north=float(n_lat[k]),
                east=float(e_lon[k]),
                accounts=int(members.size),
                potential=float(cell_pot[k]),
                nearest_rep_km=float(nearest[k]),
                account_indices=tuple(int(i) for i in np.sort(members)),
            )
        )
    cells.sort(key=lambda c: (-c.potential, c.row, c.col))
    return tuple(cells)


def coverage_gaps(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    potential: npt.ArrayLike,
    territory: npt.ArrayLike,
    rep_lat: npt.ArrayLike,
    rep_lon: npt.ArrayLike,
    *,
    percentile: float = 90.0,
    max_km: float = 150.0,
    cell_km: float = 50.0,
) -> CoverageGaps:
    """Find high-potential accounts that are unassigned or out of reach, and white space.

    Parameters
    ----------
    lat, lon
        Account locations in degrees.
    potential
        Potential per account.
    territory
        Territory index per account, ``-1`` for unassigned (any upper bound accepted).
    rep_lat, rep_lon
        Known rep homes (degrees); may be empty.
    percentile
        Accounts with potential strictly above this percentile are high-potential.
    max_km
        Reach of a rep home in great-circle km.
    cell_km
        White-space grid cell size in km.
    """
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    pot = as_float_array(potential, "potential")
    terr = np.asarray(territory, dtype=np.int64)
    terr = as_territory_array(terr, int(terr.max()) + 1 if terr.size else 0)
    if not (la.shape == lo.shape == pot.shape == terr.shape):
        raise ValueError("lat, lon, potential and territory must have the same length")
    if not np.isfinite(max_km) or max_km < 0:
        raise ValueError(f"max_km must be a non-negative number, got {max_km}")
    r_lat, r_lon = as_float_array(rep_lat, "rep_lat"), as_float_array(rep_lon, "rep_lon")
    threshold = high_potential_threshold(pot, percentile)
    high = np.flatnonzero((pot > threshold) & (pot > 0)).astype(np.int64)
    nearest = min_distance_km(la, lo, r_lat, r_lon)
    unassigned = high[terr[high] < 0]
    far = high[nearest[high] > max_km] if r_lat.size else np.empty(0, dtype=np.int64)
    cells = white_space_cells(la, lo, pot, r_lat, r_lon, max_km=max_km, cell_km=cell_km)
    return CoverageGaps(
        percentile=float(percentile),
        threshold=threshold,
        max_km=float(max_km),
        cell_km=float(cell_km),
        reps_with_home=int(r_lat.size),
        high_potential=high,
        unassigned=unassigned,
        far=far,
        nearest_rep_km=nearest,
        white_space=cells,
        unassigned_potential=float(pot[unassigned].sum()),
        far_potential=float(pot[far].sum()),
        white_space_potential=float(sum(c.potential for c in cells)),
    )
