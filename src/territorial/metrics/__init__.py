"""Assessment metrics: pure functions, arrays in, dataclasses out.

The entry point is :func:`assess`; the modules it combines can be used on their own:
:mod:`~territorial.geo.geodesy` (distances in km), :mod:`~.workload`,
:mod:`~.balance`, :mod:`~.compactness`, :mod:`~.contiguity`, :mod:`~.coverage` and
:mod:`~.findings`.
"""

from typing import TYPE_CHECKING

from territorial.lazy_exports import lazy_exports

if TYPE_CHECKING:  # each name loads its module on first use (lazy_exports)
    from territorial.geo.geodesy import (
        EARTH_RADIUS_KM,
        equirectangular_inverse,
        equirectangular_km,
        haversine_km,
        haversine_matrix,
        haversine_one_to_many,
        min_distance_km,
        spherical_centre,
    )
    from territorial.metrics.assessment import (
        Assessment,
        AssessmentInputs,
        RepInfo,
        RepRow,
        TerritoryRow,
        assess,
    )
    from territorial.metrics.balance import BalanceStats, balance_stats
    from territorial.metrics.compactness import CompactnessStats, compactness, diameter_km
    from territorial.metrics.contiguity import delaunay_adjacency, territory_components
    from territorial.metrics.coverage import CoverageGaps, WhiteSpaceCell, coverage_gaps
    from territorial.metrics.findings import Finding
    from territorial.metrics.workload import TravelModel, workload_hours

__all__ = [
    "EARTH_RADIUS_KM",
    "Assessment",
    "AssessmentInputs",
    "BalanceStats",
    "CompactnessStats",
    "CoverageGaps",
    "Finding",
    "RepInfo",
    "RepRow",
    "TerritoryRow",
    "TravelModel",
    "WhiteSpaceCell",
    "assess",
    "balance_stats",
    "compactness",
    "coverage_gaps",
    "delaunay_adjacency",
    "diameter_km",
    "equirectangular_inverse",
    "equirectangular_km",
    "haversine_km",
    "haversine_matrix",
    "haversine_one_to_many",
    "min_distance_km",
    "spherical_centre",
    "territory_components",
    "workload_hours",
]

lazy_exports(__name__, __file__)
