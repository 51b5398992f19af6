"""Territory shapes: one (multi)polygon each, no overlaps, covering the points, neighbours
coloured differently."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.geo.shapes import PALETTE, color_graph, county_shapes, point_shapes

BOX = shapely.box(-100.0, 35.0, -90.0, 42.0)


def _points(seed: int, n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(36.0, 41.0, n)
    lon = rng.uniform(-99.0, -91.0, n)
    centres = rng.uniform([36.0, -99.0], [41.0, -91.0], (k, 2))
    terr = np.argmin(
        (lat[:, None] - centres[:, 0]) ** 2 + (lon[:, None] - centres[:, 1]) ** 2, axis=1
    )
    return lat, lon, terr


def _check(shapes, lat, lon, terr, k: int) -> None:  # type: ignore[no-untyped-def]
    geoms = shapes.geometries
    assert len(geoms) == k
    for t in range(k):
        if not np.any(terr == t):
            assert geoms[t] is None
            continue
        g = geoms[t]
        assert g is not None and g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid
        # the territory's points lie in (or on the border of) its shape
        pts = shapely.points(lon[terr == t], lat[terr == t])
        assert bool(np.all(shapely.dwithin(g, pts, 1e-6)))
        for u in range(t + 1, k):
            if geoms[u] is not None:
                assert g.intersection(geoms[u]).area < 1e-9 * max(g.area, 1e-12)
    for t, neighbours in enumerate(shapes.adjacency):
        for u in neighbours:
            assert shapes.colors[t] != shapes.colors[u]
    assert all(0 <= c < len(PALETTE) for c in shapes.colors)


def test_point_shapes_partition_the_land() -> None:
    lat, lon, terr = _points(1, 600, 8)
    shapes = point_shapes(lat, lon, terr, 8, outline=BOX)
    _check(shapes, lat, lon, terr, 8)
    total = shapely.union_all([g for g in shapes.geometries if g is not None])
    assert total.area == pytest.approx(BOX.area, rel=1e-6)  # every point has land
    assert all(label is not None for label in shapes.labels)
    for g, label in zip(shapes.geometries, shapes.labels, strict=True):
        assert g is not None and label is not None
        assert g.buffer(1e-6).contains(shapely.Point(label))


def test_unassigned_points_leave_their_cells_blank_and_empty_territory_has_no_shape() -> None:
    lat, lon, terr = _points(2, 200, 4)
    terr = terr.copy()
    terr[:20] = -1
    shapes = point_shapes(lat, lon, terr, 5, outline=BOX)
    assert shapes.geometries[4] is None and shapes.labels[4] is None
    _check(shapes, lat, lon, terr, 5)


def test_points_outside_the_outline_get_a_buffer() -> None:
    lat = np.array([38.0, 38.5, 39.0, 50.0])
    lon = np.array([-95.0, -94.0, -93.0, -60.0])  # the last one far outside BOX
    shapes = point_shapes(lat, lon, np.array([0, 0, 1, 1]), 2, outline=BOX)
    assert shapes.geometries[1] is not None
    assert shapes.geometries[1].distance(shapely.Point(-60.0, 50.0)) < 1e-9


def test_duplicate_positions_and_tiny_inputs() -> None:
    shapes = point_shapes([38.0, 38.0, 38.0], [-95.0, -95.0, -95.0], [1, 1, 0], 2, outline=BOX)
    assert shapes.geometries[0] is None and shapes.geometries[1] is not None
    two = point_shapes([38.0, 39.0], [-95.0, -94.0], [0, 1], 2, outline=BOX)
    assert 1 in two.adjacency[0] and two.colors[0] != two.colors[1]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 300), k=st.integers(1, 12))
def test_point_shapes_properties(seed: int, n: int, k: int) -> None:
    lat, lon, terr = _points(seed, n, k)
    shapes = point_shapes(lat, lon, terr, k, outline=BOX)
    _check(shapes, lat, lon, terr, k)


def test_county_shapes_union_and_adjacency() -> None:
    squares = [shapely.box(x, y, x + 1, y + 1) for x in range(4) for y in range(3)]
    terr = [0 if x < 2 else (1 if y < 2 else 2) for x in range(4) for y in range(3)]
    shapes = county_shapes(squares, terr, 3)
    assert shapes.geometries[0] is not None and shapes.geometries[0].area == pytest.approx(6)
    assert shapes.adjacency[0] == {1, 2}
    assert len(set(shapes.colors)) == 3


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=60))
def test_colouring_never_gives_neighbours_one_colour(edges: list[tuple[int, int]]) -> None:
    adjacency: list[set[int]] = [set() for _ in range(15)]
    for a, b in edges:
        if a != b:
            adjacency[a].add(b)
            adjacency[b].add(a)
    colors = color_graph(adjacency, n_colors=4)
    for a, b in edges:
        if a != b:
            assert colors[a] != colors[b]


def test_a_label_sits_where_the_accounts_are_not_on_the_largest_empty_piece() -> None:
    # territory 0: a large empty county far away and a small county holding its accounts
    counties = [shapely.box(0, 0, 10, 10), shapely.box(20, 0, 21, 1), shapely.box(21, 0, 22, 1)]
    terr = [0, 0, 1]
    lon = np.array([20.2, 20.5, 20.8, 21.5])
    lat = np.array([0.5, 0.4, 0.6, 0.5])
    shapes = county_shapes(counties, terr, 2, (lon, lat, np.array([0, 0, 0, 1])))
    label = shapes.labels[0]
    assert label is not None and counties[1].contains(shapely.Point(label))
    assert county_shapes(counties, terr, 2).labels[0] is not None  # without points: largest
    assert counties[0].contains(shapely.Point(county_shapes(counties, terr, 2).labels[0]))


def test_point_shapes_label_each_territory_on_its_densest_piece() -> None:
    lat, lon, terr = _points(3, 400, 5)
    shapes = point_shapes(lat, lon, terr, 5, outline=BOX)
    for t, label in enumerate(shapes.labels):
        assert label is not None
        # the label is one of the territory's own points
        mine = np.column_stack([lon[terr == t], lat[terr == t]]).round(4)
        assert any((row == np.round(label, 4)).all() for row in mine)
