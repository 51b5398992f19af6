"""Unit-level helpers: aggregation, mapping back, graphs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csgraph

from territorial.geo.units import (
    aggregate,
    build_units,
    connect_components,
    delaunay_edges,
    edges_to_csr,
    haversine_km,
    proximity_graph,
    units_to_accounts,
)


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
@given(st.lists(st.tuples(st.floats(25, 49), st.floats(-124, -67)), min_size=1, max_size=60),
       st.floats(1, 500))
def test_proximity_graph_is_symmetric_and_connected(points: list[tuple[float, float]],
                                                   max_km: float) -> None:
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
