"""Static SVG drawings for reports: a territory map and simple bar charts.

Plain strings (no JavaScript, no fonts to fetch), so they print the same in a browser
and in WeasyPrint. Text is escaped; numbers are rounded to keep files small.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["MapPoint", "MapShape", "bar_chart", "column_chart", "svg_map"]

_FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class MapShape:
    """A territory: GeoJSON (multi)polygon geometry, fill colour, label and its point."""

    geometry: dict[str, Any] | None
    color: str
    label: str = ""
    label_at: tuple[float, float] | None = None
    opacity: float = 0.55


@dataclass(frozen=True)
class MapPoint:
    lon: float
    lat: float
    color: str = "#333333"
    radius: float = 2.0
    title: str = ""


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


class _Projection:
    """Equirectangular around the middle latitude, fitted into the box with a margin."""

    def __init__(
        self, bbox: tuple[float, float, float, float], width: int, height: int, margin: int = 12
    ) -> None:
        x0, y0, x1, y1 = bbox
        self.k = math.cos(math.radians((y0 + y1) / 2))
        span_x = max((x1 - x0) * self.k, 1e-6)
        span_y = max(y1 - y0, 1e-6)
        self.scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        self.x0, self.y1 = x0, y1
        self.dx = (width - span_x * self.scale) / 2
        self.dy = (height - span_y * self.scale) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.dx + (lon - self.x0) * self.k * self.scale,
            self.dy + (self.y1 - lat) * self.scale,
        )


def _bbox(
    shapes: Sequence[MapShape], points: Sequence[MapPoint]
) -> tuple[float, float, float, float] | None:
    xs: list[float] = [p.lon for p in points]
    ys: list[float] = [p.lat for p in points]
    for s in shapes:
        if s.geometry:
            for ring in _rings(s.geometry):
                xs.extend(c[0] for c in ring)
                ys.extend(c[1] for c in ring)
    if not xs:
        return None
    pad_x, pad_y = max((max(xs) - min(xs)) * 0.03, 0.05), max((max(ys) - min(ys)) * 0.03, 0.05)
    return min(xs) - pad_x, min(ys) - pad_y, max(xs) + pad_x, max(ys) + pad_y


def svg_map(
    shapes: Sequence[MapShape],
    points: Sequence[MapPoint] = (),
    *,
    width: int = 640,
    height: int = 420,
    focus: tuple[float, float, float, float] | None = None,
    title: str = "",
) -> str:
    """An SVG map: filled territory shapes, labels and points, fitted to ``focus``
    (lon0, lat0, lon1, lat1) or to everything drawn. Lon/lat in WGS 84."""
    box = focus or _bbox(shapes, points)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    )
    parts = [head, f'<rect width="{width}" height="{height}" fill="#f4f6f8"/>']
    if box is None:
        parts.append(f'<text x="20" y="30" {_FONT} font-size="12">No located accounts</text>')
        return "".join(parts) + "</svg>"
    proj = _Projection(box, width, height)
    parts.append(
        f'<clipPath id="frame"><rect width="{width}" height="{height}"/></clipPath>'
        '<g clip-path="url(#frame)">'
    )
    for s in shapes:
        if not s.geometry:
            continue
        d = []
        for ring in _rings(s.geometry):
            pts = [proj(c[0], c[1]) for c in ring]
            d.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        parts.append(
            f'<path d="{"".join(d)}" fill="{escape(s.color)}" fill-opacity="{s.opacity}" '
            'fill-rule="evenodd" stroke="#ffffff" stroke-width="0.8">'
            f"<title>{escape(s.label)}</title></path>"
        )
    for p in points:
        x, y = proj(p.lon, p.lat)
        edge = ' stroke="#ffffff" stroke-width="0.5"' if p.radius >= 2 else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{p.radius}" '
            f'fill="{escape(p.color)}"{edge}><title>{escape(p.title)}</title></circle>'
        )
    for s in shapes:
        if s.label and s.label_at:
            x, y = proj(*s.label_at)
            # a white halo drawn first (paint-order is not supported everywhere), then the text
            for style in ('fill="#fff" stroke="#fff" stroke-width="2.5"', 'fill="#111"'):
                parts.append(
                    f'<text x="{x:.1f}" y="{y:.1f}" {_FONT} font-size="10" '
                    f'text-anchor="middle" {style}>{escape(s.label)}</text>'
                )
    parts.append("</g></svg>")
    return "".join(parts)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
    reference: float | None = None,
    reference_label: str = "mean",
    colors: Sequence[str] | None = None,
    width: int = 640,
    title: str = "",
) -> str:
    """Horizontal bars, one per label (negative values go left of zero), with an
    optional reference line (the mean, a target)."""
    row, left, right = 18, 150, 70
    height = row * len(labels) + 30
    lo = min(0.0, *values) if values else 0.0
    hi = max(0.0, *values, reference or 0.0) if values else 1.0
    span_hi, span_lo = _nice_max(hi) if hi > 0 else 0.0, -_nice_max(-lo) if lo < 0 else 0.0
    plot = width - left - right
    scale = plot / ((span_hi - span_lo) or 1.0)

    def x(v: float) -> float:
        return left + (v - span_lo) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    zero = x(0.0)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        color = colors[i] if colors else ("#e15759" if value < 0 else "#4e79a7")
        x0, x1 = sorted((zero, x(value)))
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" {_FONT} font-size="10" '
            f'text-anchor="end">{escape(label[:24])}</text>'
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 2}" width="{max(x1 - x0, 0.5):.1f}" '
            f'height="{row - 5}" fill="{escape(color)}"/>'
        )
        parts.append(
            f'<text x="{max(x1, zero) + 4:.1f}" y="{y + 12}" {_FONT} font-size="9" '
            f'fill="#333">{escape(fmt(value))}</text>'
        )
    parts.append(
        f'<line x1="{zero:.1f}" y1="6" x2="{zero:.1f}" y2="{height - 18}" '
        'stroke="#555" stroke-width="0.8"/>'
    )
    if reference is not None:
        rx = x(reference)
        parts.append(
            f'<line x1="{rx:.1f}" y1="6" x2="{rx:.1f}" y2="{height - 18}" '
            'stroke="#f28e2b" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{rx:.1f}" y="{height - 6}" {_FONT} font-size="9" '
            f'text-anchor="middle" fill="#b05a00">{escape(reference_label)} '
            f"{escape(fmt(reference))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
    width: int = 640,
    height: int = 220,
    title: str = "",
) -> str:
    """Vertical columns per label, one per series (name, values, colour), with a legend."""
    left, bottom, top = 60, 34, 22
    n, k = len(labels), max(len(series), 1)
    hi = _nice_max(max((v for _, vals, _ in series for v in vals), default=0.0))
    plot_w, plot_h = width - left - 10, height - bottom - top
    group = plot_w / max(n, 1)
    bar = group * 0.8 / k
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    for tick in range(5):
        v = hi * tick / 4
        y = top + plot_h - v / hi * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 3:.1f}" {_FONT} font-size="8" '
            f'text-anchor="end">{escape(fmt(v))}</text>'
        )
    for i, label in enumerate(labels):
        gx = left + i * group + group * 0.1
        for j, (_, vals, color) in enumerate(series):
            v = vals[i]
            h = max(v, 0.0) / hi * plot_h
            parts.append(
                f'<rect x="{gx + j * bar:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar * 0.92:.1f}" height="{h:.1f}" fill="{escape(color)}">'
                f"<title>{escape(label)}: {escape(fmt(v))}</title></rect>"
            )
        parts.append(
            f'<text x="{gx + group * 0.4:.1f}" y="{height - bottom + 12}" {_FONT} '
            f'font-size="8" text-anchor="middle">{escape(label[:10])}</text>'
        )
    for j, (name, _, color) in enumerate(series):
        lx = left + j * 150
        parts.append(
            f'<rect x="{lx}" y="4" width="10" height="10" fill="{escape(color)}"/>'
            f'<text x="{lx + 14}" y="13" {_FONT} font-size="9">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
