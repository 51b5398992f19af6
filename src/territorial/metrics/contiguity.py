"""Contiguity: how many connected pieces each territory falls into on an adjacency graph.

The graph joins accounts or geographic units that touch (shared borders for ZIPs or
counties, or a Delaunay triangulation of points as a stand-in). A territory is
contiguous when its members form one connected piece using only edges inside it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix, csr_matrix, issparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError

from territorial.geo.geodesy import equirectangular_km
from territorial.metrics._arrays import IntArray, as_float_array, as_territory_array


def as_adjacency(adjacency: object, n: int) -> csr_matrix:
    """Return `adjacency` (sparse or dense, ``n × n``) as a boolean CSR matrix.

    Any non-zero entry is an edge; direction is ignored.
    """
    m = csr_matrix(adjacency) if issparse(adjacency) else csr_matrix(np.asarray(adjacency))
    if m.shape != (n, n):
        raise ValueError(f"adjacency must be {n} x {n}, got {m.shape[0]} x {m.shape[1]}")
    m = (m != 0).astype(np.int8)
    return csr_matrix(m + m.T)


def territory_components(
    adjacency: object, territory: npt.ArrayLike, n_territories: int
) -> IntArray:
    """Number of connected components of each territory on an adjacency graph.

    Parameters
    ----------
    adjacency
        ``n × n`` sparse or dense matrix; non-zero means the two nodes touch.
    territory
        Territory index per node, ``-1`` for unassigned (ignored).
    n_territories
        Number of territories.

    Returns
    -------
    numpy.ndarray
        Components per territory: 1 for a contiguous territory, 0 for an empty one.
    """
    terr = as_territory_array(territory, n_territories)
    n = terr.size
    adj = as_adjacency(adjacency, n).tocoo()
    keep = (terr[adj.row] == terr[adj.col]) & (terr[adj.row] >= 0)
    inner = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (adj.row[keep], adj.col[keep])), shape=(n, n)
    ).tocsr()
    _, labels = connected_components(inner, directed=False)
    out = np.zeros(n_territories, dtype=np.int64)
    assigned = terr >= 0
    pairs = np.unique(np.column_stack([terr[assigned], labels[assigned]]), axis=0)
    if pairs.size:
        np.add.at(out, pairs[:, 0], 1)
    return out


def delaunay_adjacency(lat: npt.ArrayLike, lon: npt.ArrayLike) -> csr_matrix:
    """Adjacency of points from a Delaunay triangulation (planar, around their centre).

    Points at identical coordinates are triangulated once and joined to each other.
    Fewer than three distinct points, or collinear points, are joined in a chain
    along their line.

    Returns
    -------
    scipy.sparse.csr_matrix
        Symmetric ``n × n`` 0/1 matrix.
    """
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    n = la.size
    if n == 0:
        return csr_matrix((0, 0), dtype=np.int8)
    uniq, first, inverse = np.unique(
        np.column_stack([la, lo]), axis=0, return_index=True, return_inverse=True
    )
    inverse = np.asarray(inverse).reshape(-1)
    m = uniq.shape[0]
    x, y = equirectangular_km(uniq[:, 0], uniq[:, 1])
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    chain = m < 3
    if not chain:
        try:
            tri = Delaunay(np.column_stack([x, y]))
            s = tri.simplices.astype(np.int64)
            for a, b in ((0, 1), (1, 2), (0, 2)):
                rows.append(s[:, a])
                cols.append(s[:, b])
        except (QhullError, ValueError):
            chain = True
    if chain and m > 1:
        # order along the direction of largest spread, then link neighbours
        xy = np.column_stack([x - x.mean(), y - y.mean()])
        direction = np.linalg.svd(xy, full_matrices=False)[2][0]
        order = np.argsort(xy @ direction, kind="stable").astype(np.int64)
        rows.append(order[:-1])
        cols.append(order[1:])
    # lift unique-point edges to all points: connect one representative per location,
    # then join duplicates to their representative.
    rep = np.asarray(first, dtype=np.int64)  # first account at each location
    r = [rep[a] for a in rows]
    c = [rep[b] for b in cols]
    dup = np.flatnonzero(rep[inverse] != np.arange(n))
    r.append(dup)
    c.append(rep[inverse[dup]])
    rr = np.concatenate(r) if r else np.empty(0, dtype=np.int64)
    cc = np.concatenate(c) if c else np.empty(0, dtype=np.int64)
    mat = coo_matrix((np.ones(rr.size, dtype=np.int8), (rr, cc)), shape=(n, n)).tocsr()
    mat = ((mat + mat.T) != 0).astype(np.int8)
    return csr_matrix(mat)
