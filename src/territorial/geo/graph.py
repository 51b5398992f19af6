"""Graphs of points on the map: Delaunay adjacency, bridging components, contraction.

One Delaunay builder (:func:`delaunay_edges`) serves the unit graphs of
:mod:`territorial.geo.units` and the account graphs of :mod:`territorial.metrics`
(:func:`delaunay_adjacency`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import Delaunay, QhullError, cKDTree

from territorial.arrays import FloatArray, IntArray
from territorial.geo.geodesy import as_float_array, equirectangular_km, haversine_km, unit_vectors

__all__ = [
    "connect_components",
    "contract_empty",
    "delaunay_adjacency",
    "delaunay_edges",
    "edges_to_csr",
    "plane_km",
    "proximity_graph",
    "valid_points",
]


def plane_km(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
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


def connect_components(
    adjacency: sparse.spmatrix,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    candidates: npt.ArrayLike | None = None,
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
    cand = (
        delaunay_edges(plane_km(lat_a, lon_a))
        if candidates is None
        else np.asarray(candidates, dtype=np.int64).reshape(-1, 2)
    )
    ci, cj = labels[cand[:, 0]], labels[cand[:, 1]]
    between = ci != cj
    cand, ci, cj = cand[between], ci[between], cj[between]
    length = haversine_km(
        lat_a[cand[:, 0]], lon_a[cand[:, 0]], lat_a[cand[:, 1]], lon_a[cand[:, 1]]
    )
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
    pair_to_edge = {
        (int(lo_), int(hi_)): int(k)
        for lo_, hi_, k in zip(
            np.minimum(ci, cj)[best], np.maximum(ci, cj)[best], best, strict=True
        )
    }
    chosen = [pair_to_edge[(int(a), int(b))] for a, b in zip(tree.row, tree.col, strict=True)]
    bridges = cand[np.asarray(chosen, dtype=np.int64)]
    existing = sparse.triu(adj).tocoo()
    edges = np.concatenate([np.column_stack([existing.row, existing.col]), bridges])
    return edges_to_csr(edges, n), bridges


def proximity_graph(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    max_edge_km: float,
    off_land: Callable[[IntArray, FloatArray], npt.NDArray[np.bool_]] | None = None,
) -> tuple[sparse.csr_matrix, int]:
    """Connected Delaunay graph of points, edges over ``max_edge_km`` (and those
    ``off_land(edges, lengths)`` marks) dropped, then the components rejoined with
    their shortest bridges.

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
    edges = delaunay_edges(plane_km(lat_a, lon_a))
    if not edges.size:
        return edges_to_csr(edges, n), 0
    length = haversine_km(
        lat_a[edges[:, 0]], lon_a[edges[:, 0]], lat_a[edges[:, 1]], lon_a[edges[:, 1]]
    )
    keep = length <= max_edge_km
    if off_land is not None:
        keep &= ~off_land(edges, length)
    short = edges_to_csr(edges[keep], n)
    adj, bridges = connect_components(short, lat_a, lon_a, candidates=edges)
    return adj, int(bridges.shape[0])


def contract_empty(
    adjacency: sparse.spmatrix, lat: npt.ArrayLike, lon: npt.ArrayLike, keep: npt.ArrayLike
) -> tuple[sparse.csr_matrix, IntArray]:
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
    _, _, source = csgraph.dijkstra(
        weights, directed=False, indices=kept, return_predecessors=True, min_only=True
    )
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


def delaunay_adjacency(lat: npt.ArrayLike, lon: npt.ArrayLike) -> sparse.csr_matrix:
    """Symmetric ``n × n`` 0/1 (int8) adjacency of points from their Delaunay graph
    (planar, around their centre); see :func:`delaunay_edges` for duplicate and
    collinear points."""
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    if la.size != lo.size:
        raise ValueError(f"lat has {la.size} values, lon {lo.size}")
    n = la.size
    if n == 0:
        return sparse.csr_matrix((0, 0), dtype=np.int8)
    adj = edges_to_csr(delaunay_edges(plane_km(la, lo)), n)
    return sparse.csr_matrix(adj, dtype=np.int8)
