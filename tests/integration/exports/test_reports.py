"""Reports: the HTML holds the figures; the PDF has pages, text and drawn pixels."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from territorial.domain import TerritorialError
from territorial.services.actuals import import_actuals
from territorial.services.assess import assess_scenario
from territorial.services.goals import add_goal
from territorial.services.quotas import set_quotas
from territorial.services.reports import write_report
from territorial.storage import UnitOfWork


@pytest.fixture
def planned(crm_ws: UnitOfWork, tmp_path: Path) -> UnitOfWork:
    """The small workspace with 2026 sales, quotas and a goal."""
    sales = tmp_path / "sales.csv"
    rows = ["Account ID,Close Date,Amount"]
    for k in range(1, 9):
        for month in (1, 2, 3):
            rows.append(f"00100000000000{k}AAA,2026-{month:02d}-15,{1000 * k}")
    sales.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_actuals(crm_ws, sales)
    set_quotas(crm_ws, period="2026", total="1200000", method="potential", unit=1000)
    add_goal(
        crm_ws,
        territory="Boston North",
        metric="revenue",
        baseline=0,
        target=50000,
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
        description="Grow Boston",
    )
    return crm_ws


def _pdf_checks(path: Path, min_pages: int) -> str:
    assert path.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(path)
    assert len(reader.pages) >= min_pages
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert len(pdf) == len(reader.pages)
        for i in range(len(pdf)):  # every page renders to an image that is not blank
            image = pdf[i].render(scale=0.5).to_pil().convert("L")
            dark = sum(image.histogram()[:200])
            assert dark > 500, f"page {i + 1} is (nearly) blank"
    finally:
        pdf.close()
    return "\n".join(page.extract_text() for page in reader.pages)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_assessment_html_has_the_figures_and_pdf_has_pages(
    planned: UnitOfWork, tmp_path: Path
) -> None:
    expected = assess_scenario(planned, "Current").to_dict()
    html_path = tmp_path / "assessment.html"
    report = write_report(planned, "assessment", html_path)
    html = html_path.read_text(encoding="utf-8")
    text = _text(html)
    assert report.scenario == "Current" and html.count("<svg") >= 4  # map + 3 charts
    for row in expected["territories"]:
        assert row["label"] in text
        assert f"{row['potential']:,.0f}" in text  # each territory's potential
    assert f"{expected['summary']['totals']['potential']:,.0f}" in text
    for finding in expected["findings"]:
        assert finding["text"].replace("'", "&#39;") in html
    pdf_path = tmp_path / "assessment.pdf"
    pages = write_report(planned, "assessment", pdf_path).pages
    pdf_text = _pdf_checks(pdf_path, 2)
    assert pages == len(PdfReader(pdf_path).pages)
    assert "Boston North" in pdf_text and "Page 1 of" in pdf_text


def test_rep_pack_lists_accounts_by_tier_goals_and_quota(
    planned: UnitOfWork, tmp_path: Path
) -> None:
    path = tmp_path / "pack.html"
    write_report(planned, "rep-pack", path, rep="jane@example.com", as_of=date(2026, 3, 31))
    text = _text(path.read_text(encoding="utf-8"))
    assert "Territory pack: Jane Smith" in text
    for name, address in (
        ("Acme Robotics", "1 Kendall Sq, Cambridge, MA, 02139"),
        ("Providence Foods", "1 Exchange Ter, Providence, RI, 02903"),
    ):
        assert name in text and address in text
    assert "Empire Clinics" not in text  # Upstate's account, not Jane's
    assert "Grow Boston" in text and "2026-12" in text
    with planned:
        qs = planned.quotas.get("Current", "2026")
    assert qs is not None
    jane = next(q for q in qs.quotas if q.territory == "Boston North")
    assert f"{float(jane.amount):,.0f}" in text
    assert f"{float(jane.slices[0].amount):,.0f}" in text
    pdf = tmp_path / "pack.pdf"
    pages = write_report(planned, "rep-pack", pdf, rep="005000000000001AAA").pages
    assert pages >= 2 and "Tier A accounts" in _pdf_checks(pdf, 2)


def test_compare_and_monitoring_reports(planned: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "compare.html"
    write_report(planned, "compare", path, scenario="Current", other="Realigned")
    text = _text(path.read_text(encoding="utf-8"))
    assert "2 of 8 accounts move" in text
    assert "Acme Robotics" in text and "Lake Tools" in text and "Hudson Bakery" not in text
    assert "Boston North (Jane Smith)" in text and "New York (John Lee)" in text
    path = tmp_path / "monitor.pdf"
    write_report(planned, "monitoring", path, period="2026-Q1", as_of=date(2026, 3, 31))
    pdf_text = _pdf_checks(path, 1)
    assert "Monitoring: 2026-Q1" in pdf_text and "Upstate" in pdf_text
    html = tmp_path / "monitor.html"
    write_report(planned, "monitoring", html, period="2026-Q1", as_of=date(2026, 3, 31))
    assert f"{sum(1000 * k * 3 for k in range(1, 9)):,}" in _text(html.read_text("utf-8"))


def test_report_refusals(planned: UnitOfWork, tmp_path: Path) -> None:
    with pytest.raises(TerritorialError, match=r"\.html or \.pdf"):
        write_report(planned, "assessment", tmp_path / "x.docx")
    with pytest.raises(TerritorialError, match="no rep"):
        write_report(planned, "rep-pack", tmp_path / "x.html", rep="nobody")
    assert list(tmp_path.glob("x.*")) == []
