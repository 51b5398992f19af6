"""Unit-level helpers: aggregation, mapping back, graphs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from territorial.geo.builder import build_units
from territorial.geo.geodesy import haversine_km
from territorial.geo.graph import (
    connect_components,
    contract_empty,
    delaunay_edges,
    edges_to_csr,
    proximity_graph,
)
from territorial.geo.units import aggregate, units_to_accounts


def test_aggregate_sums_measures_and_skips_unplaced() -> None:
    measures = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0], [8.0, 80.0]])
    out = aggregate(measures, np.array([1, 0, 1, -1]), n_units=3)
    np.testing.assert_allclose(out, [[2, 20], [5, 50], [0, 0]])
    np.testing.assert_allclose(aggregate(np.array([1.0, 2.0]), np.array([0, 0])), [3.0])


def test_aggregate_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError):
        aggregate(np.ones((3, 2)), np.array([0, 1]))
    with pytest.raises(ValueError):
        aggregate(np.ones(2), np.array([0, 5]), n_units=2)


def test_units_to_accounts() -> None:
    out = units_to_accounts(np.array([7, 8, 9]), np.array([2, -1, 0, 2]))
    assert out.tolist() == [9, -1, 7, 9]


def test_delaunay_edges_degenerate_inputs() -> None:
    assert delaunay_edges(np.zeros((1, 2))).shape == (0, 2)
    assert delaunay_edges(np.array([[0.0, 0.0], [1.0, 1.0]])).tolist() == [[0, 1]]
    line = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    assert delaunay_edges(line).tolist() == [[0, 2], [1, 2], [1, 3]]
    dup = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    adj = edges_to_csr(delaunay_edges(dup), 4)
    assert csgraph.connected_components(adj)[0] == 1


def test_connect_components_adds_shortest_bridge() -> None:
    # two pairs 1 degree of longitude apart at the equator; the bridge joins the near ends
    lat = np.zeros(4)
    lon = np.array([0.0, 0.1, 1.1, 1.2])
    adj = edges_to_csr(np.array([[0, 1], [2, 3]]), 4)
    out, bridges = connect_components(adj, lat, lon)
    assert bridges.tolist() == [[1, 2]]
    assert csgraph.connected_components(out)[0] == 1
    assert (out != out.T).nnz == 0


def test_proximity_graph_drops_long_edges_but_stays_connected() -> None:
    lat = np.array([0.0, 0.0, 0.5, 10.0])
    lon = np.array([0.0, 0.5, 0.25, 0.0])
    adj, bridges = proximity_graph(lat, lon, max_edge_km=150.0)
    assert bridges == 1
    assert adj[3].nnz == 1  # the far point has exactly its bridge
    assert csgraph.connected_components(adj)[0] == 1


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.floats(25, 49), st.floats(-124, -67)), min_size=1, max_size=60),
    st.floats(1, 500),
)
def test_proximity_graph_is_symmetric_and_connected(
    points: list[tuple[float, float]], max_km: float
) -> None:
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    adj, _ = proximity_graph(lat, lon, max_km)
    assert adj.shape == (len(points), len(points))
    assert (adj != adj.T).nnz == 0
    assert adj.diagonal().sum() == 0
    assert csgraph.connected_components(adj)[0] == 1


def test_haversine_known_distance() -> None:
    # Boston to New York, about 306 km
    assert haversine_km(42.3601, -71.0589, 40.7128, -74.0060) == pytest.approx(306, abs=3)


def test_build_units_validates_inputs() -> None:
    with pytest.raises(ValueError, match="one entry per account"):
        build_units(np.zeros(2), np.zeros(2), ["02139"], [None, None], by="zip")
    with pytest.raises(ValueError, match="unknown unit kind"):
        build_units(np.zeros(1), np.zeros(1), ["02139"], [None], by="state")  # type: ignore[arg-type]


def test_no_accounts_gives_no_zip_units() -> None:
    units = build_units(np.empty(0), np.empty(0), [], [], by="zip")
    assert units.ids == []
    assert units.adjacency.shape == (0, 0)
    assert units.unit_of_account.shape == (0,)


# --- contracting empty nodes (county units) -------------------------------------------


def _grid(rows: int, cols: int) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """A rows x cols grid of square cells (rook adjacency), 0.5 degree apart."""
    node = np.arange(rows * cols).reshape(rows, cols)
    edges = np.concatenate(
        [
            np.column_stack([node[:, :-1].ravel(), node[:, 1:].ravel()]),
            np.column_stack([node[:-1, :].ravel(), node[1:, :].ravel()]),
        ]
    )
    lat = 40.0 + 0.5 * np.repeat(np.arange(rows), cols)
    lon = -100.0 + 0.5 * np.tile(np.arange(cols), rows)
    return edges_to_csr(edges, rows * cols), lat, lon


def _touching(adj: sparse.csr_matrix, owner: np.ndarray, k: int) -> set[tuple[int, int]]:
    """Pairs of regions with adjacent nodes."""
    coo = sparse.triu(adj, 1).tocoo()
    return {
        (min(a, b), max(a, b))
        for a, b in zip(owner[coo.row].tolist(), owner[coo.col].tolist(), strict=True)
        if a != b
    }


def _pairs(adj: sparse.csr_matrix) -> set[tuple[int, int]]:
    coo = sparse.triu(adj, 1).tocoo()
    return set(zip(coo.row.tolist(), coo.col.tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.data())
def test_contract_empty_on_grids(rows: int, cols: int, data: st.DataObject) -> None:
    adj, lat, lon = _grid(rows, cols)
    n = rows * cols
    keep = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))))
    k = keep.shape[0]
    out, owner = contract_empty(adj, lat, lon, keep)
    assert out.shape == (k, k)
    assert (out != out.T).nnz == 0 and out.diagonal().sum() == 0
    # the grid is connected, so every node is reached and the contraction is connected
    assert csgraph.connected_components(out)[0] == 1
    assert (owner >= 0).all()
    assert owner[keep].tolist() == list(range(k))  # a kept node is its own region
    # every region is connected and holds its kept node
    for r in range(k):
        members = np.flatnonzero(owner == r)
        assert keep[r] in members
        assert csgraph.connected_components(adj[members][:, members])[0] == 1
    # each node joins a kept node nearest along the grid
    weights = adj.astype(np.float64).multiply(
        haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    )
    dist = csgraph.dijkstra(sparse.csr_matrix(weights), directed=False, indices=keep)
    np.testing.assert_allclose(dist[owner, np.arange(n)], dist.min(axis=0), atol=1e-3)
    # adjacent exactly when the regions touch: direct neighbours stay adjacent
    got = _pairs(out)
    assert got == _touching(adj, owner, k)
    position = {int(v): i for i, v in enumerate(keep)}
    for a, b in _pairs(adj):
        if a in position and b in position:
            assert (min(position[a], position[b]), max(position[a], position[b])) in got
    # and every link is a direct border or runs through one group of empty nodes
    empty = np.setdiff1d(np.arange(n), keep)
    _, group = csgraph.connected_components(adj[empty][:, empty])
    group_of = dict(zip(empty.tolist(), group.tolist(), strict=True))
    borders: dict[int, set[int]] = {}
    for a, b in _pairs(adj):
        for x, y in ((a, b), (b, a)):
            if x in position and y in group_of:
                borders.setdefault(position[x], set()).add(group_of[y])
    direct = {
        (min(position[a], position[b]), max(position[a], position[b]))
        for a, b in _pairs(adj)
        if a in position and b in position
    }
    for a, b in got - direct:
        assert borders.get(a, set()) & borders.get(b, set())
    # a grid is planar, and so is any contraction of it: at most 3k - 6 edges
    assert len(got) <= (3 * k - 6 if k >= 3 else k * (k - 1) // 2)


def test_contract_empty_links_a_ring_around_an_empty_plain_sparsely() -> None:
    # a 12 x 12 grid whose border cells hold accounts around an empty 10 x 10 plain:
    # linking every borderer of the plain to every other would give 44 * 43 / 2 edges
    adj, lat, lon = _grid(12, 12)
    cells = np.arange(144).reshape(12, 12)
    ring = np.unique(np.concatenate([cells[0], cells[-1], cells[:, 0], cells[:, -1]]))
    out, owner = contract_empty(adj, lat, lon, ring)
    assert out.shape == (44, 44)
    assert out.nnz // 2 <= 3 * 44 - 6
    assert csgraph.connected_components(out)[0] == 1
    assert (owner >= 0).all()


def test_contract_empty_strays_join_the_nearest_centroid_and_link_nothing() -> None:
    # 0 - 1 - 2 on the mainland; 3 - 4, an empty island pair nearest to node 2
    adj = edges_to_csr(np.array([[0, 1], [1, 2], [3, 4]]), 5)
    lat = np.zeros(5)
    lon = np.array([0.0, 1.0, 2.0, 2.5, 2.6])
    out, owner = contract_empty(adj, lat, lon, np.array([0, 2]))
    assert owner[[0, 2, 3, 4]].tolist() == [0, 1, 1, 1]  # node 1 is halfway: either
    assert _pairs(out) == {(0, 1)}
    # a stray pair split between two kept nodes by nearest centroid links nothing
    out, owner = contract_empty(
        edges_to_csr(np.array([[2, 3]]), 4),
        np.zeros(4),
        np.array([0.0, 10.0, 4.0, 6.0]),
        np.array([0, 1]),
    )
    assert owner.tolist() == [0, 1, 0, 1]
    assert out.nnz == 0


def test_contract_empty_degenerate_inputs() -> None:
    adj, lat, lon = _grid(2, 2)
    out, owner = contract_empty(adj, lat, lon, np.empty(0, dtype=np.int64))
    assert out.shape == (0, 0)
    assert owner.tolist() == [-1] * 4
    with pytest.raises(ValueError, match="repeated"):
        contract_empty(adj, lat, lon, np.array([1, 1]))


def test_fill_counties_is_empty_for_zip_units_and_checks_lengths() -> None:
    units = build_units(
        np.full(2, float("nan")),
        np.full(2, float("nan")),
        ["02139", "10001"],
        [None, None],
        by="zip",
    )
    assert units.fill_counties(["A", "B"]) == {}
    with pytest.raises(ValueError, match="3 labels for 2 units"):
        units.fill_counties(["A", "B", "C"])
