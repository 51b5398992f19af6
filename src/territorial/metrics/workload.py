"""Workload: the hours a year each account needs, visits plus travel.

The model
---------
For an account visited ``v`` times a year for ``m`` minutes a visit::

    hours/year = v × (m + travel minutes per visit) / 60
    travel minutes per visit = 2 × d × detour_factor / speed_kmh × 60

where ``d`` is the great-circle distance in km from the account to its territory's
base: the rep's home when it is known, otherwise the territory's weighted centre.
Each visit is counted as a round trip from the base; the detour factor turns the
straight line into road distance (1.3 is a common rule of thumb) and the speed is an
average door-to-door speed. Chaining several visits into one trip makes real travel
shorter, so this is an upper estimate suited to comparing territories, not a route.
Unassigned accounts have no base: they count their visit time only.

:func:`stop_workload_hours` is the territory-independent model the services use for
both design and assessment, so that what the designer balances is what the assessment
reports: reps chain visits into routes, so the travel a visit needs is about the
distance from the previous stop, estimated as the mean distance to the account's
``k`` nearest accounts (dense areas need less travel per visit)::

    travel minutes per visit = mean distance to k nearest accounts × detour / speed × 60
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from territorial.geo.geodesy import EARTH_RADIUS_KM, haversine_km
from territorial.metrics._arrays import FloatArray, as_float_array, as_territory_array


@dataclass(frozen=True)
class TravelModel:
    """How straight-line distance becomes travel time.

    Parameters
    ----------
    detour_factor
        Road distance per km of great-circle distance, ``>= 1`` (default 1.3).
    speed_kmh
        Average travel speed in km/h, ``> 0`` (default 50).
    """

    detour_factor: float = 1.3
    speed_kmh: float = 50.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.detour_factor) or self.detour_factor < 1.0:
            raise ValueError(
                f"detour_factor must be a finite number >= 1, got {self.detour_factor}"
            )
        if not math.isfinite(self.speed_kmh) or self.speed_kmh <= 0.0:
            raise ValueError(f"speed_kmh must be a finite number > 0, got {self.speed_kmh}")

    def round_trip_minutes(self, distance_km: npt.ArrayLike) -> FloatArray:
        """Minutes for a round trip to a place `distance_km` away (great circle)."""
        d = np.asarray(distance_km, dtype=np.float64)
        out: FloatArray = 2.0 * d * self.detour_factor / self.speed_kmh * 60.0
        return out


def base_distance_km(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    territory: npt.ArrayLike,
    base_lat: npt.ArrayLike,
    base_lon: npt.ArrayLike,
) -> FloatArray:
    """Great-circle km from each account to its territory's base.

    Parameters
    ----------
    lat, lon
        Account locations in degrees.
    territory
        Territory index per account, ``-1`` for unassigned.
    base_lat, base_lon
        One base per territory (rep home or territory centre).

    Returns
    -------
    numpy.ndarray
        Distance per account; ``nan`` for unassigned accounts.
    """
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    b_lat, b_lon = as_float_array(base_lat, "base_lat"), as_float_array(base_lon, "base_lon")
    terr = as_territory_array(territory, b_lat.size)
    out = np.full(la.shape, np.nan)
    mask = terr >= 0
    out[mask] = haversine_km(la[mask], lo[mask], b_lat[terr[mask]], b_lon[terr[mask]])
    return out


def workload_hours(
    visits_per_year: npt.ArrayLike,
    visit_minutes: npt.ArrayLike,
    base_km: npt.ArrayLike,
    travel: TravelModel,
) -> FloatArray:
    """Hours a year per account: ``visits × (visit minutes + travel minutes) / 60``.

    Parameters
    ----------
    visits_per_year, visit_minutes
        Per account, non-negative.
    base_km
        Great-circle km from each account to its base; ``nan`` means no base (no travel).
    travel
        The :class:`TravelModel`.
    """
    visits = np.asarray(visits_per_year, dtype=np.float64)
    minutes = np.asarray(visit_minutes, dtype=np.float64)
    dist = np.asarray(base_km, dtype=np.float64)
    travel_min = np.where(np.isnan(dist), 0.0, travel.round_trip_minutes(np.nan_to_num(dist)))
    out: FloatArray = visits * (minutes + travel_min) / 60.0
    return out


def stop_workload_hours(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    visits_per_year: npt.ArrayLike,
    visit_minutes: npt.ArrayLike,
    travel: TravelModel,
    k: int = 5,
) -> FloatArray:
    """Hours a year per account with per-stop travel from its ``k`` nearest accounts.

    See the module docstring; independent of the alignment, so it can be balanced.
    """
    from scipy.spatial import cKDTree

    from territorial.geo.geodesy import unit_vectors

    points = unit_vectors(lat, lon)
    n = points.shape[0]
    kk = min(k + 1, n)
    if kk > 1:
        chord, _ = cKDTree(points).query(points, k=kk)
        chord = np.atleast_2d(chord)[:, 1:]
        per_stop_km = (2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))).mean(
            axis=1
        )
    else:
        per_stop_km = np.zeros(n)
    minutes = per_stop_km * travel.detour_factor / travel.speed_kmh * 60.0
    visits = np.asarray(visits_per_year, dtype=np.float64)
    duration = np.asarray(visit_minutes, dtype=np.float64)
    out: FloatArray = visits * (duration + minutes) / 60.0
    return out
