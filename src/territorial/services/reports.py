"""Reports for people: assessment, scenario comparison and monitoring (the rep pack is
in :mod:`territorial.services.rep_pack`), as HTML or PDF with a map and charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from territorial.reports import bar_chart, column_chart, render_html, write_report_file
from territorial.services.assess import assess_scenario, judged_text, outside_label
from territorial.services.compare import compare_scenarios, rep_changes
from territorial.services.mapdata import scenario_map
from territorial.services.monitor import run_monitor
from territorial.services.region import require_whole_company
from territorial.services.report_maps import scenario_svg
from territorial.storage import UnitOfWork

__all__ = [
    "REPORT_KINDS",
    "ReportFile",
    "assessment_context",
    "compare_context",
    "monitoring_context",
    "write_report",
]

REPORT_KINDS = ("assessment", "compare", "rep-pack", "monitoring")
MAX_MOVES_SHOWN = 100


@dataclass
class ReportFile:
    kind: str
    path: Path
    pages: int
    scenario: str


def _pct_fmt(v: float) -> str:
    return f"{v:+.0f}%"


def assessment_context(uow: UnitOfWork, scenario: str | None = None) -> dict[str, Any]:
    """Everything the assessment report shows: balance, territories, findings, gaps."""
    result = assess_scenario(uow, scenario)
    data = result.to_dict()
    rows = data["territories"]
    labels = [r["label"] for r in rows]
    no_data = data["summary"]["measures_without_data"]
    judged = [m for m, b in data["balance"].items() if b["judged"] and m not in no_data]
    charts = {
        m: bar_chart(
            labels,
            [100 * (r["deviation"].get(m) or 0.0) for r in rows],
            fmt=_pct_fmt,
            reference=None,
            title=f"{m} deviation from the target",
        )
        for m in ("potential", "workload")
        if m not in no_data
    }
    workload = [r["workload_hours"] for r in rows]
    charts["workload_hours"] = bar_chart(
        labels,
        workload,
        reference=sum(workload) / len(workload) if workload else None,
        title="workload hours per year",
    )
    return {
        "scenario_name": result.scenario,
        "title": f"Territory assessment: {result.scenario}",
        "subtitle": f"scenario {result.scenario} ({result.status})",
        "data": data,
        "judged": judged,
        "judged_text": judged_text(data),
        "outside_label": outside_label(data),
        "no_data": no_data,
        "map": scenario_svg(scenario_map(uow, result.scenario)),
        "charts": charts,
    }


def compare_context(uow: UnitOfWork, a: str | None, b: str) -> dict[str, Any]:
    """Before and after: balance side by side, both maps, what changes per rep, moves."""
    comparison = compare_scenarios(uow, a, b)
    reps = rep_changes(uow, comparison.a, comparison.b)
    measures = [
        m for m in ("accounts", "potential", "revenue", "workload") if m in comparison.measures
    ]
    chart = column_chart(
        measures,
        [
            (
                comparison.a,
                [100 * (comparison.measures[m]["a"]["max_abs_deviation"] or 0.0) for m in measures],
                "#9aa5b1",
            ),
            (
                comparison.b,
                [100 * (comparison.measures[m]["b"]["max_abs_deviation"] or 0.0) for m in measures],
                "#4e79a7",
            ),
        ],
        fmt=lambda v: f"{v:.0f}%",
        title="largest deviation from the mean, per measure",
    )
    rep_chart = bar_chart(
        [r.rep for r in reps],
        [r.revenue_b - r.revenue_a for r in reps],
        title="revenue change per rep",
    )
    return {
        "scenario_name": comparison.b,
        "title": f"Scenario comparison: {comparison.a} → {comparison.b}",
        "subtitle": f"{len(comparison.moves):,} of {comparison.accounts:,} accounts move",
        "c": comparison,
        "measures": measures,
        "reps": reps,
        "moves": sorted(comparison.moves, key=lambda m: (-m.revenue, m.account_id))[
            :MAX_MOVES_SHOWN
        ],
        "moves_hidden": max(0, len(comparison.moves) - MAX_MOVES_SHOWN),
        "map_a": scenario_svg(scenario_map(uow, comparison.a), width=340, height=260),
        "map_b": scenario_svg(scenario_map(uow, comparison.b), width=340, height=260),
        "chart": chart,
        "rep_chart": rep_chart,
    }


def monitoring_context(
    uow: UnitOfWork, period: str | None, as_of: date | None, scenario: str | None = None
) -> dict[str, Any]:
    """Attainment, pace and alerts for a period, with the map and charts."""
    report = run_monitor(uow, period, as_of, scenario)
    data = report.to_dict()
    rows = data["territories"]
    labels = [r["territory"] for r in rows]
    attainment = bar_chart(
        labels,
        [100 * (r["attainment"] or 0.0) for r in rows],
        fmt=lambda v: f"{v:.0f}%",
        reference=100 * data["company"]["elapsed_fraction"]
        if data["company"].get("elapsed_fraction") is not None
        else None,
        reference_label="time elapsed",
        title="attainment to date",
    )
    months = report.months
    totals = [sum(r["trend"]["actuals"][i] for r in rows) for i in range(len(months))]
    trend = column_chart(
        months, [("actual sales", totals, "#4e79a7")], title="sales per month, all territories"
    )
    return {
        "scenario_name": report.scenario,
        "title": f"Monitoring: {data['period']['label']}",
        "subtitle": f"scenario {report.scenario}, as of {data['as_of']}",
        "data": data,
        "map": scenario_svg(scenario_map(uow, report.scenario)),
        "attainment_chart": attainment,
        "trend_chart": trend,
    }


def write_report(
    uow: UnitOfWork,
    kind: str,
    output: Path,
    *,
    scenario: str | None = None,
    other: str | None = None,
    rep: str | None = None,
    period: str | None = None,
    as_of: date | None = None,
) -> ReportFile:
    """Render report ``kind`` and write it to ``output`` (.html or .pdf)."""
    from territorial.domain import OptionError, TerritorialError
    from territorial.reports.render import REPORT_SUFFIXES

    require_whole_company(f"the {kind} report")
    output = Path(output)
    if output.suffix.lower() not in REPORT_SUFFIXES:
        raise TerritorialError(f"{output}: a report is written as .html or .pdf")
    if not output.parent.is_dir():
        raise TerritorialError(f"no such folder: {output.parent}")
    if kind == "assessment":
        context, template = assessment_context(uow, scenario), "assessment.html"
    elif kind == "compare":
        if other is None:
            raise TerritorialError("compare needs the scenario to compare with")
        context, template = compare_context(uow, scenario, other), "compare.html"
    elif kind == "monitoring":
        context, template = monitoring_context(uow, period, as_of, scenario), "monitoring.html"
    elif kind == "rep-pack":
        from territorial.services.rep_pack import rep_pack_context

        if rep is None:
            raise OptionError("rep", "a rep pack needs a rep (id, name or email)")
        context, template = rep_pack_context(uow, rep, scenario, period, as_of), "rep_pack.html"
    else:
        raise TerritorialError(f"unknown report {kind!r}; one of {', '.join(REPORT_KINDS)}")
    pages = write_report_file(render_html(template, context), output)
    return ReportFile(kind, output, pages, str(context.get("scenario_name", "")))
