"""The TopoJSON reader on a hand-written topology."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from territorial.geo.topojson import (
    Topology,
    adjacency_from_arcs,
    decode_arcs,
    points_in_rings,
    polygons_centroid,
)

SCALE = (0.5, 0.25)
TRANSLATE = (10.0, 20.0)

#   C = [0,2]x[1,2] on top of A = [0,1]x[0,1] and B = [1,2]x[0,1]; D far away with a hole.
ARCS = [
    [(1, 1), (1, 0)],  # 0: A | B
    [(1, 0), (0, 0), (0, 1)],  # 1: A outer
    [(0, 1), (1, 1)],  # 2: A | C
    [(1, 1), (2, 1)],  # 3: B | C
    [(2, 1), (2, 0), (1, 0)],  # 4: B outer
    [(2, 1), (2, 2), (0, 2), (0, 1)],  # 5: C outer
    [(5, 0), (9, 0), (9, 4), (5, 4), (5, 0)],  # 6: D outer
    [(6, 1), (6, 3), (8, 3), (8, 1), (6, 1)],  # 7: D hole
    [(12, 0), (13, 0), (13, 1), (12, 0)],  # 8: D second part
]


def _quantise(arc: list[tuple[int, int]]) -> list[list[int]]:
    q = [(round(x / SCALE[0]), round(y / SCALE[1])) for x, y in arc]
    return [list(q[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in pairwise(q)]


def _topology() -> dict[str, Any]:
    return {
        "type": "Topology",
        "transform": {"scale": list(SCALE), "translate": list(TRANSLATE)},
        "arcs": [_quantise(arc) for arc in ARCS],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "id": "A",
                        "arcs": [[1, 2, 0]],
                        "properties": {"name": "a"},
                    },
                    {"type": "Polygon", "id": "B", "arcs": [[3, 4, ~0]]},
                    {"type": "Polygon", "id": "C", "arcs": [[~2, ~5, ~3]]},
                    {"type": "MultiPolygon", "id": 4, "arcs": [[[6], [7]], [[8]]]},
                ],
            }
        },
    }


def _world(x: float, y: float) -> tuple[float, float]:
    return TRANSLATE[0] + x, TRANSLATE[1] + y


def test_arcs_decode_to_absolute_coordinates() -> None:
    topo = Topology(_topology())
    for arc, decoded in zip(ARCS, topo.arcs, strict=True):
        np.testing.assert_allclose(decoded, [_world(x, y) for x, y in arc])
    assert decode_arcs([[[1.5, 2.5], [3.0, 4.0]]])[0].tolist() == [[1.5, 2.5], [3.0, 4.0]]


def test_rings_join_arcs_and_reverse_negative_indexes() -> None:
    topo = Topology(_topology())
    geoms = topo.geometries("shapes")
    assert [g.id for g in geoms] == ["A", "B", "C", "4"]
    ((ring_a,),) = topo.polygons(geoms[0])
    np.testing.assert_allclose(
        ring_a, [_world(*p) for p in [(1, 0), (0, 0), (0, 1), (1, 1), (1, 0)]]
    )
    ((ring_c,),) = topo.polygons(geoms[2])
    np.testing.assert_allclose(
        ring_c, [_world(*p) for p in [(1, 1), (0, 1), (0, 2), (2, 2), (2, 1), (1, 1)]]
    )
    assert len(topo.polygons(geoms[3])) == 2


def test_adjacency_from_shared_arcs() -> None:
    geoms = Topology(_topology()).geometries("shapes")
    adj = adjacency_from_arcs(geoms).toarray()
    expected = np.array([[0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]], dtype=bool)
    assert (adj == expected).all()


def test_point_in_polygon_with_hole_and_parts() -> None:
    topo = Topology(_topology())
    geoms = topo.geometries("shapes")
    rings_d = [r for poly in topo.polygons(geoms[3]) for r in poly]
    pts = np.array(
        [_world(5.5, 0.5), _world(7, 2), _world(12.8, 0.5), _world(12.2, 0.9), _world(4, 2)]
    )
    inside = points_in_rings(pts[:, 0], pts[:, 1], rings_d)
    assert inside.tolist() == [True, False, True, False, False]
    rings_a = topo.polygons(geoms[0])[0]
    assert points_in_rings(np.array([10.5]), np.array([20.5]), rings_a).tolist() == [True]


def test_centroid_and_geojson() -> None:
    topo = Topology(_topology())
    geoms = topo.geometries("shapes")
    assert polygons_centroid(topo.polygons(geoms[2])) == pytest.approx(_world(1.0, 1.5))
    # D: 4x4 square minus a 2x2 hole, both centred on (7, 2); the triangle pulls east
    lon, _ = polygons_centroid(topo.polygons(geoms[3]))
    assert lon > _world(7, 2)[0]
    feature = topo.to_geojson(geoms[3])
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["geometry"]["coordinates"][0][1][0] == list(_world(6, 1))
    assert topo.to_geojson(geoms[0])["properties"] == {"name": "a"}


def test_rejects_non_topology() -> None:
    with pytest.raises(ValueError):
        Topology({"type": "FeatureCollection"})
    with pytest.raises(KeyError):
        Topology(_topology()).geometries("nope")
