"""Territory shapes from a reused layout: after reassignments, the same shapes and colours
as computed from scratch, and only the territories touched are dissolved again."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.geo.shapes import point_layout, point_shapes

BOX = shapely.box(-100.0, 35.0, -90.0, 42.0)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(2, 8),
    moves=st.lists(st.tuples(st.integers(0, 299), st.integers(-1, 7)), max_size=40),
)
def test_reused_layout_matches_scratch(seed: int, k: int, moves: list[tuple[int, int]]) -> None:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(36.0, 41.0, 300)
    lon = rng.uniform(-99.0, -91.0, 300)
    terr = rng.integers(0, k, 300)
    layout = point_layout(lat, lon, outline=BOX)
    point_shapes(lat, lon, terr, k, layout=layout)
    before = terr.copy()
    for row, t in moves:
        terr[row] = t if t < k else -1
    reused = point_shapes(lat, lon, terr, k, layout=layout)
    scratch = point_shapes(lat, lon, terr, k, outline=BOX)
    touched = {
        int(t) for t in np.concatenate([before[before != terr], terr[before != terr]]) if t >= 0
    }
    assert layout.redissolved == len(touched)
    assert reused.colors == scratch.colors
    assert reused.adjacency == scratch.adjacency
    for a, b in zip(reused.geometries, scratch.geometries, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a.symmetric_difference(b).area < 1e-9
