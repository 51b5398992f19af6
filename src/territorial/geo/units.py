"""Geographic units for territory design: ZIP codes or counties, with an adjacency graph.

The design engine partitions *units*: each has a centroid, measures (the sums of its
accounts' measures, see :func:`aggregate`) and neighbours (a symmetric CSR adjacency).
:func:`build_units` makes them from account locations; :func:`units_to_accounts` turns a
unit-level design back into account assignments.

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
from scipy.sparse import csgraph
from scipy.spatial import Delaunay, QhullError, cKDTree

from territorial.geo.geodesy import (
    EARTH_RADIUS_KM,
    equirectangular_km,
    haversine_km,
    unit_vectors,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "ZIP_MAX_EDGE_KM",
    "GeoUnits",
    "UnitKind",
    "aggregate",
    "build_units",
    "connect_components",
    "contract_empty",
    "delaunay_edges",
    "edges_to_csr",
    "haversine_km",
    "proximity_graph",
    "unit_vectors",
    "units_to_accounts",
    "valid_points",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
UnitKind = Literal["zip", "county"]
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

    kind: UnitKind
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
        return {fips: unit_assignment[int(u)]
                for fips, u in zip(self.county_ids, self.county_unit, strict=True)}

    def account_counts(self) -> IntArray:
        """Number of accounts in each unit."""
        placed = self.unit_of_account[self.unit_of_account >= 0]
        return np.bincount(placed, minlength=self.n_units).astype(np.int64)


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
    by : {"zip", "county"}
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
    if by == "zip":
        from territorial.geo.zips import build_zip_units

        return build_zip_units(lat_a, lon_a, zips, max_edge_km=max_edge_km)
    if by == "county":
        from territorial.geo.counties import build_county_units

        return build_county_units(lat_a, lon_a, zips, states)
    raise ValueError(f"unknown unit kind {by!r}: use 'zip' or 'county'")


def aggregate(measures: npt.ArrayLike, unit_of_account: npt.ArrayLike,
              n_units: int | None = None) -> FloatArray:
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


def units_to_accounts(unit_assignment: npt.ArrayLike, unit_of_account: npt.ArrayLike,
                      *, missing: int = -1) -> IntArray:
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


# --- geometry and graph helpers ------------------------------------------------------


def _plane_km(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """(n, 2) planar km around the points' centre (for triangulations)."""
    x, y = equirectangular_km(lat, lon)
    return np.column_stack([x, y])


def delaunay_edges(xy: npt.ArrayLike) -> IntArray:
    """Edges ``(i, j)``, ``i < j``, of the Delaunay triangulation of planar points.

    Duplicate points (which Qhull leaves out) are linked to the vertex they coincide
    with, so the graph spans every point and is connected. Degenerate inputs (fewer than
    three points, all collinear) give the chain of points ordered along their main axis.
    """
    pts = np.asarray(xy, dtype=np.float64)
    n = pts.shape[0]
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    try:
        if n < 3:
            raise QhullError("too few points")
        tri = Delaunay(pts)
    except QhullError:
        centred = pts - pts.mean(axis=0)
        axis = np.linalg.svd(centred, full_matrices=False)[2][0]
        order = np.argsort(centred @ axis, kind="stable")
        chain = np.column_stack([order[:-1], order[1:]])
        return _unique_edges(chain)
    s = tri.simplices
    edges = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    if len(tri.coplanar):
        edges = np.concatenate([edges, tri.coplanar[:, [0, 2]]])
    return _unique_edges(edges)


def edges_to_csr(edges: npt.ArrayLike, n: int) -> sparse.csr_matrix:
    """Symmetric boolean CSR from an (E, 2) edge list (self loops dropped)."""
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    e = e[e[:, 0] != e[:, 1]]
    rows = np.concatenate([e[:, 0], e[:, 1]])
    cols = np.concatenate([e[:, 1], e[:, 0]])
    m = sparse.csr_matrix((np.ones(rows.shape[0], dtype=bool), (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = True
    return m


def connect_components(adjacency: sparse.spmatrix, lat: npt.ArrayLike, lon: npt.ArrayLike,
                       candidates: npt.ArrayLike | None = None
                       ) -> tuple[sparse.csr_matrix, IntArray]:
    """Join the components of a graph with their shortest bridging edges.

    The components are linked by a minimum spanning tree over the component graph,
    each component pair weighted by its shortest candidate edge (great-circle length).
    Candidates default to the Delaunay edges of the points (which contain the Euclidean
    minimum spanning tree, hence the shortest bridges, up to the projection).

    Parameters
    ----------
    adjacency : sparse matrix, shape (n, n)
        Symmetric adjacency.
    lat, lon : array_like, shape (n,)
        Node coordinates in degrees.
    candidates : array_like, shape (E, 2), optional
        Edges that may be added; must connect the graph when added together.

    Returns
    -------
    adjacency : csr_matrix
        Connected symmetric adjacency.
    bridges : ndarray, shape (k, 2)
        The edges added.
    """
    lat_a = np.asarray(lat, dtype=np.float64)
    lon_a = np.asarray(lon, dtype=np.float64)
    adj = sparse.csr_matrix(adjacency, dtype=bool)
    n = adj.shape[0]
    n_comp, labels = csgraph.connected_components(adj, directed=False)
    if n_comp <= 1:
        return adj, np.empty((0, 2), dtype=np.int64)
    cand = (delaunay_edges(_plane_km(lat_a, lon_a)) if candidates is None
            else np.asarray(candidates, dtype=np.int64).reshape(-1, 2))
    ci, cj = labels[cand[:, 0]], labels[cand[:, 1]]
    between = ci != cj
    cand, ci, cj = cand[between], ci[between], cj[between]
    length = haversine_km(lat_a[cand[:, 0]], lon_a[cand[:, 0]],
                          lat_a[cand[:, 1]], lon_a[cand[:, 1]])
    order = np.lexsort((cand[:, 1], cand[:, 0], length))
    lo, hi = np.minimum(ci, cj)[order], np.maximum(ci, cj)[order]
    _, first = np.unique(lo * n_comp + hi, return_index=True)
    best = order[first]  # shortest candidate edge per component pair
    comp_graph = sparse.csr_matrix(
        (length[best] + 1e-9, (np.minimum(ci, cj)[best], np.maximum(ci, cj)[best])),
        shape=(n_comp, n_comp),
    )
    tree = csgraph.minimum_spanning_tree(comp_graph).tocoo()
    if tree.nnz != n_comp - 1:
        raise ValueError("candidate edges do not connect the graph")
    pair_to_edge = {(int(lo_), int(hi_)): int(k) for lo_, hi_, k in
                    zip(np.minimum(ci, cj)[best], np.maximum(ci, cj)[best], best, strict=True)}
    chosen = [pair_to_edge[(int(a), int(b))] for a, b in zip(tree.row, tree.col, strict=True)]
    bridges = cand[np.asarray(chosen, dtype=np.int64)]
    existing = sparse.triu(adj).tocoo()
    edges = np.concatenate([np.column_stack([existing.row, existing.col]), bridges])
    return edges_to_csr(edges, n), bridges


def proximity_graph(lat: npt.ArrayLike, lon: npt.ArrayLike, max_edge_km: float
                    ) -> tuple[sparse.csr_matrix, int]:
    """Connected Delaunay graph of points, edges over ``max_edge_km`` dropped then
    the components rejoined with their shortest bridges.

    Returns
    -------
    adjacency : csr_matrix
        Symmetric, connected.
    bridges : int
        Number of edges added back to connect the graph.
    """
    lat_a = np.asarray(lat, dtype=np.float64)
    lon_a = np.asarray(lon, dtype=np.float64)
    n = lat_a.shape[0]
    edges = delaunay_edges(_plane_km(lat_a, lon_a))
    if not edges.size:
        return edges_to_csr(edges, n), 0
    length = haversine_km(lat_a[edges[:, 0]], lon_a[edges[:, 0]],
                          lat_a[edges[:, 1]], lon_a[edges[:, 1]])
    short = edges_to_csr(edges[length <= max_edge_km], n)
    adj, bridges = connect_components(short, lat_a, lon_a, candidates=edges)
    return adj, int(bridges.shape[0])


def contract_empty(adjacency: sparse.spmatrix, lat: npt.ArrayLike, lon: npt.ArrayLike,
                   keep: npt.ArrayLike) -> tuple[sparse.csr_matrix, IntArray]:
    """Contract the nodes not kept (empty areas) into the kept nodes nearest to them.

    Every node joins the kept node nearest to it along the graph: shortest path with
    each edge weighted by the great-circle distance between the two centroids (a kept
    node is its own nearest). Each kept node's *region* (itself and the nodes that joined
    it) is connected, since a node's predecessor on its shortest path joined the same kept
    node. Two kept nodes are adjacent when their regions touch: nodes that were adjacent
    stay adjacent, and kept nodes across a group of empty nodes are linked where their
    shares of the group meet, not all to each other (a group of hundreds of empty
    counties bordered by dozens of kept ones gives a sparse, planar-like graph rather
    than a near-complete one). Nodes that reach no kept node (a component without any)
    join the kept node with the nearest centroid and link nothing.

    Parameters
    ----------
    adjacency : sparse matrix, shape (n, n)
        Symmetric adjacency of all nodes (e.g. counties sharing a border).
    lat, lon : array_like, shape (n,)
        Node centroids in degrees.
    keep : array_like of int, shape (k,)
        Distinct indices of the kept nodes (e.g. counties holding accounts).

    Returns
    -------
    adjacency : csr_matrix, shape (k, k)
        Symmetric adjacency of the kept nodes, in the order of ``keep`` (not necessarily
        connected: pass it to :func:`connect_components`).
    owner : ndarray of int64, shape (n,)
        Position in ``keep`` of the kept node each node joined (``-1`` only when ``keep``
        is empty).
    """
    lat_a = np.asarray(lat, dtype=np.float64).reshape(-1)
    lon_a = np.asarray(lon, dtype=np.float64).reshape(-1)
    kept = np.asarray(keep, dtype=np.int64).reshape(-1)
    n, k = lat_a.shape[0], kept.shape[0]
    owner = np.full(n, -1, dtype=np.int64)
    if not k:
        return edges_to_csr(np.empty((0, 2), dtype=np.int64), 0), owner
    if np.unique(kept).shape[0] != k:
        raise ValueError("keep has repeated nodes")
    upper = sparse.triu(sparse.csr_matrix(adjacency, dtype=bool), k=1).tocoo()
    rows, cols = upper.row.astype(np.int64), upper.col.astype(np.int64)
    # strictly positive weights (a zero would read as no edge)
    length = haversine_km(lat_a[rows], lon_a[rows], lat_a[cols], lon_a[cols]) + 1e-6
    weights = sparse.csr_matrix((length, (rows, cols)), shape=(n, n))
    _, _, source = csgraph.dijkstra(weights, directed=False, indices=kept,
                                    return_predecessors=True, min_only=True)
    position = np.full(n, -1, dtype=np.int64)
    position[kept] = np.arange(k)
    reached = source >= 0
    owner[reached] = position[source[reached]]
    stray = np.flatnonzero(~reached)
    if stray.size:
        tree = cKDTree(unit_vectors(lat_a[kept], lon_a[kept]))
        _, nearest = tree.query(unit_vectors(lat_a[stray], lon_a[stray]))
        owner[stray] = np.asarray(nearest, dtype=np.int64)
    a, b = owner[rows], owner[cols]
    across = (a != b) & reached[rows] & reached[cols]
    return edges_to_csr(np.column_stack([a[across], b[across]]), k), owner


def valid_points(lat: FloatArray, lon: FloatArray) -> npt.NDArray[np.bool_]:
    """Finite coordinates within lat/lon ranges (and not the 0,0 placeholder)."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        return np.asarray(ok & ~((lat == 0) & (lon == 0)), dtype=bool)


def _unique_edges(edges: npt.ArrayLike) -> IntArray:
    e = np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1)
    e = e[e[:, 0] != e[:, 1]]
    return np.unique(e, axis=0).astype(np.int64)
