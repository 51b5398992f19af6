"""Build ZIP or county units from account locations (see :mod:`territorial.geo.units`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from territorial.domain.design_choices import UnitKind
from territorial.geo.counties import build_county_units
from territorial.geo.units import ZIP_MAX_EDGE_KM, GeoUnits
from territorial.geo.zips import build_zip_units

__all__ = ["build_units"]


def build_units(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    zips: Sequence[str | None],
    states: Sequence[str | None],
    by: UnitKind,
    *,
    max_edge_km: float = ZIP_MAX_EDGE_KM,
) -> GeoUnits:
    """Build ZIP or county units from account locations.

    Parameters
    ----------
    lat, lon : array_like, shape (n_accounts,)
        Account coordinates in degrees; NaN where unknown.
    zips : sequence of str or None
        Account ZIP codes (``"2139"``, ``"02139-4307"`` are normalised to ``"02139"``).
    states : sequence of str or None
        Account state codes. For counties they let an offshore point snap to a county of
        its own state; ZIP units do not need them.
    by : UnitKind.ZIP or UnitKind.COUNTY (or their text, "zip", "county")
        The kind of unit.
    max_edge_km : float, default ZIP_MAX_EDGE_KM (1,000)
        ZIP units only: Delaunay edges longer than this are dropped unless needed for
        connectivity (see :func:`territorial.geo.zips.build_zip_units`).

    Returns
    -------
    GeoUnits
    """
    lat_a = np.asarray(lat, dtype=np.float64).reshape(-1)
    lon_a = np.asarray(lon, dtype=np.float64).reshape(-1)
    n = lat_a.shape[0]
    if lon_a.shape[0] != n or len(zips) != n or len(states) != n:
        raise ValueError(
            f"lat, lon, zips and states must have one entry per account "
            f"(got {n}, {lon_a.shape[0]}, {len(zips)}, {len(states)})"
        )
    if by == UnitKind.ZIP:
        return build_zip_units(lat_a, lon_a, zips, max_edge_km=max_edge_km)
    if by == UnitKind.COUNTY:
        return build_county_units(lat_a, lon_a, zips, states)
    raise ValueError(f"unknown unit kind {by!r}: use 'zip' or 'county'")
