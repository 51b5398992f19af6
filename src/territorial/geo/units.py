"""Geographic units for territory design: ZIP codes or counties, with an adjacency graph.

The design engine partitions *units*: each has a centroid, measures (the sums of its
accounts' measures, see :func:`aggregate`) and neighbours (a symmetric CSR adjacency).
:func:`territorial.geo.builder.build_units` makes them from account locations;
:func:`units_to_accounts` turns a unit-level design back into account assignments. The
graph helpers (Delaunay, bridging, contraction) are in :mod:`territorial.geo.graph`.

How each kind is built (see :mod:`territorial.geo.zips` and
:mod:`territorial.geo.counties`):

* ``"zip"``: one unit per ZIP holding accounts; adjacency approximated by a Delaunay graph
  of ZIP centroids (there are no ZIP shapes offline);
* ``"county"``: one unit per county holding accounts (from the ``us-atlas`` TopoJSON).
  The empty counties of the states involved are not units: each is drawn with the unit
  nearest to it across the map (:attr:`GeoUnits.county_unit`,
  :meth:`GeoUnits.fill_counties`), and two units are adjacent when their drawn regions
  share a border (:func:`contract_empty`), so the adjacency follows the real map through
  the empty counties without the thousands of empty units.

Both graphs are always connected: components are joined by their shortest bridging edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import sparse

from territorial.arrays import FloatArray, IntArray

__all__ = [
    "ZIP_MAX_EDGE_KM",
    "GeoUnitKind",
    "GeoUnits",
    "aggregate",
    "units_to_accounts",
]

GeoUnitKind = Literal["zip", "county"]  # the units a design by ZIP or county uses
ZIP_MAX_EDGE_KM = 1000.0  # ZIP adjacency: longer Delaunay edges are dropped (see geo.zips)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GeoUnits:
    """Geographic units built from accounts.

    Attributes
    ----------
    kind : {"zip", "county"}
        What the units are.
    ids : list[str]
        5-digit ZIP codes, or 5-digit county FIPS codes. Every unit holds at least one
        account.
    names : list[str]
        Display names, e.g. ``"02139 Cambridge, MA"`` or ``"Middlesex County, MA"``.
    states : list[str]
        Two-letter state (or territory) code of each unit.
    lat, lon : ndarray, shape (n_units,)
        Unit centroids in degrees: the ZIP centroid (``zipcodes``) of a ZIP unit, the
        area-weighted polygon centroid of a county unit (not the mean of its accounts).
    unit_of_account : ndarray of int64, shape (n_accounts,)
        Index of each account's unit, ``-1`` if it could not be placed.
    adjacency : scipy.sparse.csr_matrix, shape (n_units, n_units)
        Symmetric boolean adjacency, no self loops, connected. For counties: the units'
        drawn regions (see ``county_unit``) share a border, or a bridging edge.
    unplaced : list[tuple[int, str]]
        ``(account index, reason)`` for every account with ``unit_of_account == -1``.
    notes : list[tuple[int, str]]
        ``(account index, remark)`` for accounts placed by a fallback (nearest ZIP, ZIP
        centroid instead of coordinates, snapped to the nearest county ...).
    bridges : int
        Number of adjacency edges added only to keep the graph connected.
    county_ids : list[str]
        County units only (``[]`` for ZIP units): the FIPS code of every county of the
        states holding units, in FIPS order, empty or not.
    county_unit : ndarray of int64, shape (len(county_ids),)
        The unit each of ``county_ids`` is drawn with on a map: a county holding accounts
        is its own unit; an empty county goes to the unit nearest to it along the map
        (shortest path between county centroids through bordering counties), so each
        unit's region (its county and the empty counties drawn with it) is connected and
        the regions of a territory contiguous in ``adjacency`` form one piece (bridging
        edges apart). Empty counties that no unit reaches over land (an island group
        without accounts) go to the unit with the nearest centroid. Use
        :meth:`fill_counties` to colour a whole map.
    """

    kind: GeoUnitKind
    ids: list[str]
    names: list[str]
    states: list[str]
    lat: FloatArray
    lon: FloatArray
    unit_of_account: IntArray
    adjacency: sparse.csr_matrix
    unplaced: list[tuple[int, str]]
    notes: list[tuple[int, str]]
    bridges: int = 0
    county_ids: list[str] = field(default_factory=list)
    county_unit: IntArray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.ids)

    def fill_counties(self, unit_assignment: Sequence[T]) -> dict[str, T]:
        """The label (e.g. territory) of every county, empty ones included.

        Parameters
        ----------
        unit_assignment : sequence, length n_units
            A label per unit, e.g. ``[names[t] for t in plan]`` (``ndarray.tolist()``
            for an array of territory indices).

        Returns
        -------
        dict[str, label]
            County FIPS -> label of the unit it is drawn with, for every county of
            ``county_ids`` (``{}`` for ZIP units, which have no shapes), so a territory
            map can paint whole regions instead of scattered counties.
        """
        if len(unit_assignment) != self.n_units:
            raise ValueError(f"{len(unit_assignment)} labels for {self.n_units} units")
        return {
            fips: unit_assignment[int(u)]
            for fips, u in zip(self.county_ids, self.county_unit, strict=True)
        }

    def account_counts(self) -> IntArray:
        """Number of accounts in each unit."""
        placed = self.unit_of_account[self.unit_of_account >= 0]
        return np.bincount(placed, minlength=self.n_units).astype(np.int64)


def aggregate(
    measures: npt.ArrayLike, unit_of_account: npt.ArrayLike, n_units: int | None = None
) -> FloatArray:
    """Sum account measures per unit.

    Parameters
    ----------
    measures : array_like, shape (n_accounts, m) or (n_accounts,)
        Account measures.
    unit_of_account : array_like of int, shape (n_accounts,)
        Unit index of each account; accounts at ``-1`` are left out.
    n_units : int, optional
        Number of units (default: the largest index + 1). Pass it so that trailing
        empty units get rows of zeros.

    Returns
    -------
    ndarray, shape (n_units, m) (or (n_units,) for 1-D measures)
    """
    values = np.asarray(measures, dtype=np.float64)
    units = np.asarray(unit_of_account, dtype=np.int64).reshape(-1)
    if values.shape[0] != units.shape[0]:
        raise ValueError(f"{values.shape[0]} measure rows for {units.shape[0]} accounts")
    size = int(units.max(initial=-1)) + 1 if n_units is None else n_units
    if units.size and units.max(initial=-1) >= size:
        raise ValueError(f"unit index {int(units.max())} out of range for {size} units")
    placed = units >= 0
    out = np.zeros((size, *values.shape[1:]), dtype=np.float64)
    np.add.at(out, units[placed], values[placed])
    return out


def units_to_accounts(
    unit_assignment: npt.ArrayLike, unit_of_account: npt.ArrayLike, *, missing: int = -1
) -> IntArray:
    """Map a unit-level assignment (e.g. territory per unit) back to accounts.

    Parameters
    ----------
    unit_assignment : array_like of int, shape (n_units,)
        Territory (or any label) of each unit.
    unit_of_account : array_like of int, shape (n_accounts,)
        Unit index of each account, ``-1`` for unplaced accounts.
    missing : int, default -1
        Label given to unplaced accounts.

    Returns
    -------
    ndarray of int64, shape (n_accounts,)
    """
    labels = np.asarray(unit_assignment, dtype=np.int64).reshape(-1)
    units = np.asarray(unit_of_account, dtype=np.int64).reshape(-1)
    if units.size and units.max(initial=-1) >= labels.shape[0]:
        raise ValueError(f"unit index {int(units.max())} out of range for {labels.shape[0]} units")
    out = np.full(units.shape[0], missing, dtype=np.int64)
    placed = units >= 0
    out[placed] = labels[units[placed]]
    return out
