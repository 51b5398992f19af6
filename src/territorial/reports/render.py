"""Render a report template to HTML, and HTML to PDF (WeasyPrint), all or nothing."""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

__all__ = ["REPORT_SUFFIXES", "render_html", "write_report_file"]

REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def _money(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}"


def _pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.{digits}f}%" if signed else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


_env = Environment(
    loader=PackageLoader("territorial.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(money=_money, pct=_pct, num=_num, svg=Markup)


def render_html(template: str, context: dict[str, Any]) -> str:
    """The report ``template`` (a file in ``reports/templates``) as a complete HTML page.

    SVG strings in ``context`` are inserted with the ``svg`` filter (they are built by
    :mod:`territorial.reports.svg`, which escapes every text it draws)."""
    return _env.get_template(template).render(generated=date.today().isoformat(), **context)


def write_report_file(html: str, output: Path) -> int:
    """Write ``html`` to ``output`` as HTML, or as PDF when it ends in ``.pdf``;
    returns the number of pages (1 for HTML). The file appears only when complete."""
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        from territorial.domain import TerritorialError

        raise TerritorialError(f"{output}: a report is written as .html or .pdf")
    name = str(output.parent / f".{output.stem}-{uuid.uuid4().hex[:8]}{suffix}")
    try:
        if suffix == ".pdf":
            from weasyprint import HTML

            document = HTML(string=html).render()
            document.write_pdf(name)
            pages = len(document.pages)
        else:
            Path(name).write_text(html, encoding="utf-8")
            pages = 1
        os.replace(name, output)
    finally:
        Path(name).unlink(missing_ok=True)
    return pages
