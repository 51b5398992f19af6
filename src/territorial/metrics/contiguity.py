"""Contiguity: how many connected pieces each territory falls into on an adjacency graph.

The graph joins accounts or geographic units that touch (shared borders for ZIPs or
counties, or a Delaunay triangulation of points as a stand-in:
:func:`territorial.geo.graph.delaunay_adjacency`). A territory is
contiguous when its members form one connected piece using only edges inside it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix, csr_matrix, issparse
from scipy.sparse.csgraph import connected_components

from territorial.geo.graph import delaunay_adjacency
from territorial.metrics._arrays import IntArray, as_territory_array

__all__ = ["as_adjacency", "delaunay_adjacency", "territory_components"]


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
