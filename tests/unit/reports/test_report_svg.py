"""SVG maps and charts: well-formed XML, text escaped, shapes where the data says."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from territorial.reports import (
    MapPoint,
    MapShape,
    bar_chart,
    column_chart,
    render_html,
    svg_map,
    write_report_file,
)

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & Co'


def test_map_is_valid_svg_with_escaped_labels_and_fitted_points() -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]]]}
    drawn = svg_map(
        [MapShape(square, "#4e79a7", EVIL, (1.0, 0.5))],
        [MapPoint(0.0, 0.0, title=EVIL), MapPoint(2.0, 1.0)],
        width=400,
        height=300,
    )
    root = ET.fromstring(drawn)  # parses: every text was escaped
    assert "<script>" not in drawn
    assert [t.text for t in root.iter(f"{SVG}text")] == [EVIL, EVIL]  # halo, then the label
    xs = [float(c.get("cx", "nan")) for c in root.iter(f"{SVG}circle")]
    ys = [float(c.get("cy", "nan")) for c in root.iter(f"{SVG}circle")]
    assert all(0 <= x <= 400 for x in xs) and all(0 <= y <= 300 for y in ys)
    assert xs[0] < xs[1] and ys[0] > ys[1]  # east is right, north is up


def test_bar_lengths_follow_values_and_column_chart_parses() -> None:
    drawn = bar_chart(["a", "b", EVIL], [10.0, 20.0, -5.0], reference=10.0)
    rects = list(ET.fromstring(drawn).iter(f"{SVG}rect"))
    widths = [float(r.get("width", "0")) for r in rects]
    assert widths[1] == pytest.approx(2 * widths[0]) and widths[2] == pytest.approx(widths[0] / 2)
    assert rects[2].get("fill") == "#e15759"  # negative bars in red
    columns = column_chart(["Jan", "Feb"], [("quota", [1.0, 3.0], "#4e79a7")])
    heights = [
        float(r.get("height", "0"))
        for r in ET.fromstring(columns).iter(f"{SVG}rect")
        if r.get("height") != "10"
    ]
    assert heights[1] == pytest.approx(3 * heights[0])


def test_templates_escape_data() -> None:
    html = render_html("base.html", {"title": EVIL, "subtitle": "s"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_pdf_footer_repeats_the_title_as_written(tmp_path: Path) -> None:
    from pypdf import PdfReader

    title = 'Pack: O\'Brien & "Co"'
    pages = write_report_file(
        render_html("base.html", {"title": title, "subtitle": "s"}), tmp_path / "t.pdf"
    )
    text = PdfReader(tmp_path / "t.pdf").pages[0].extract_text()
    assert pages == 1 and text.count(title) == 2 and "&#39;" not in text  # heading, footer
