"""Printable reports: HTML from Jinja2 templates with SVG maps and charts, PDF by WeasyPrint."""

from territorial.reports.render import render_html, write_report_file
from territorial.reports.svg import MapPoint, MapShape, bar_chart, column_chart, svg_map

__all__ = [
    "MapPoint",
    "MapShape",
    "bar_chart",
    "column_chart",
    "render_html",
    "svg_map",
    "write_report_file",
]
