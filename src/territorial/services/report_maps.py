"""SVG maps of a scenario for reports, from the shapes the web map draws."""

from __future__ import annotations

from typing import Any

from territorial.reports import MapPoint, MapShape, svg_map
from territorial.services.mapdata import UNASSIGNED_COLOR

__all__ = ["MAX_POINTS", "scenario_svg", "territory_svg"]

#: Accounts drawn on an overview map at most (every k-th beyond that): a printable size.
MAX_POINTS = 4000
TIER_COLORS = {"A": "#b3261e", "B": "#f28e2b", "C": "#4e79a7"}


def _shapes(
    data: dict[str, Any], highlight: set[str] | None = None, opacity: float = 0.55
) -> list[MapShape]:
    shapes = []
    for t in data["territories"]:
        on = highlight is None or t["name"] in highlight
        label_at = tuple(t["label"]) if t["label"] and on else None
        shapes.append(
            MapShape(
                t["shape"],
                t["color"] if on else "#c7ced6",
                t["name"] if on else "",
                label_at,  # type: ignore[arg-type]
                opacity if on else 0.35,
            )
        )
    return shapes


def scenario_svg(data: dict[str, Any], width: int = 680, height: int = 380) -> str:
    """Every territory in its map colour, labelled, with (a sample of) the accounts."""
    cols = data["accounts"]
    n = len(cols["id"])
    step = max(1, -(-n // MAX_POINTS))
    points = [
        MapPoint(
            cols["lon"][i],
            cols["lat"][i],
            "#1d2733" if cols["territory"][i] >= 0 else UNASSIGNED_COLOR,
            0.9,
        )
        for i in range(0, n, step)
    ]
    return svg_map(
        _shapes(data),
        points,
        width=width,
        height=height,
        title=f"Map of {data['scenario']['name']}",
    )


def territory_svg(
    data: dict[str, Any],
    names: set[str],
    tiers: dict[str, str],
    home: tuple[float, float] | None,
    width: int = 680,
    height: int = 460,
) -> str:
    """The territories ``names`` in colour (others grey), their accounts coloured by
    tier (``tiers``: account id -> A/B/C) and the rep's home (lon, lat) as a square."""
    cols = data["accounts"]
    index = {t["name"]: t["index"] for t in data["territories"]}
    wanted = {index[n] for n in names if n in index}
    points = [
        MapPoint(
            cols["lon"][i],
            cols["lat"][i],
            TIER_COLORS.get(tiers.get(ext, ""), "#555"),
            2.2,
            f"{cols['name'][i]} ({tiers.get(ext, '')})",
        )
        for i, ext in enumerate(cols["id"])
        if cols["territory"][i] in wanted
    ]
    if home is not None:
        points.append(MapPoint(home[0], home[1], "#000000", 4.0, "home"))
    focus = None
    if points:
        xs, ys = [p.lon for p in points], [p.lat for p in points]
        pad_x, pad_y = max((max(xs) - min(xs)) * 0.15, 0.2), max((max(ys) - min(ys)) * 0.15, 0.2)
        focus = (min(xs) - pad_x, min(ys) - pad_y, max(xs) + pad_x, max(ys) + pad_y)
    return svg_map(
        _shapes(data, names, 0.25),
        points,
        width=width,
        height=height,
        focus=focus,
        title="Territory map",
    )
