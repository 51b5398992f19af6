"""The data behind the planning pages: reps, quotas, goals, territory plans, monitoring.

As in :mod:`territorial.web.views`, a page renders exactly the dict its JSON twin
returns, every function calls :mod:`territorial.services` and nothing else, and a
service's :class:`~territorial.domain.TerritorialError` becomes a 400 with its reason
(an unknown scenario, territory or quota period a 404).

Forms arrive as ``dict[str, str]`` (an HTML form or a JSON object); every field is
checked here or by the service before anything is written, and a request that fails
writes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from territorial.domain import TerritorialError
from territorial.domain.period import parse_period
from territorial.domain.planning import PLAN_SECTIONS
from territorial.optimize.quota import GrowthRule
from territorial.services import jobs
from territorial.services.goals import add_goal, list_goals
from territorial.services.monitor import run_monitor
from territorial.services.plans import edit_plan, plan_territories, show_plan
from territorial.services.quotas import (
    period_scenario,
    quota_set_dict,
    set_quotas,
    show_quotas,
)
from territorial.services.rebalance import require_company_rebalance
from territorial.services.region import limited_to
from territorial.services.reps_assign import assign_scenario_reps
from territorial.services.scenarios import list_scenarios, resolve_scenario
from territorial.services.sizing import size_sales_force
from territorial.services.territory_data import parse_pairs, parse_weights
from territorial.storage import UnitOfWork
from territorial.web.errors import BadRequest, NotFound, WebError, worded
from territorial.web.views import _service as _plain_service
from territorial.web.views import scenario_name

Form = dict[str, str]

QUOTA_METHODS = ("potential", "history", "blend", "growth", "equal")
GRANULARITIES = ("month", "quarter")
GOAL_METRICS = ("revenue", "visits", "new_accounts", "accounts", "potential")
#: The monitoring dashboard's rebalance button: at most this long a search (seconds).
REBALANCE_MAX_SECONDS = 60.0
REBALANCE_DEFAULT_SECONDS = 10.0
#: Colours for chart series (Okabe-Ito and Tableau-like, distinct on white).
PALETTE = (
    "#2563eb",
    "#e69f00",
    "#009e73",
    "#d55e00",
    "#cc79a7",
    "#56b4e9",
    "#7c3aed",
    "#b45309",
    "#0f766e",
    "#be123c",
    "#4d7c0f",
    "#1e40af",
    "#a16207",
    "#6b21a8",
    "#0e7490",
    "#9f1239",
    "#3f6212",
    "#475569",
)


# ---------------------------------------------------------------- small parsers

T = TypeVar("T")
_CLI_FLAG = re.compile(r"(^|[\s(])--(?=[a-z])")


def _service(call: Callable[[], T]) -> T:
    """A service call; its errors name the form's fields, not the CLI's ``--options``."""
    try:
        return _plain_service(call)
    except WebError as exc:
        exc.reason = _CLI_FLAG.sub(r"\1", exc.reason)
        raise


def _text(form: Form, key: str) -> str:
    return str(form.get(key) or "").strip()


def _required(form: Form, key: str, what: str) -> str:
    value = _text(form, key)
    if not value:
        raise BadRequest(f"{what} is required")
    return value


def _number(form: Form, key: str, what: str, default: float | None = None) -> float:
    value = _text(form, key).replace(",", "")
    if not value:
        if default is None:
            raise BadRequest(f"{what} is required")
        return default
    try:
        out = float(value.rstrip("%")) / (100.0 if value.endswith("%") else 1.0)
    except ValueError:
        raise BadRequest(f"{what}: {value!r} is not a number") from None
    if not math.isfinite(out):
        raise BadRequest(f"{what}: {value!r} is not a number")
    return out


def _date(value: str | None, what: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _period(value: str | None) -> str | None:
    """The period label of ``value`` (``2026``, ``2026-Q3``, ``2026-07``), else a 400."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_period(value).label
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None


def _scenario_status(uow: UnitOfWork, name: str) -> str:
    with uow:
        return resolve_scenario(uow, name).status.value


def _scenario_list(uow: UnitOfWork) -> list[dict[str, str]]:
    with uow:
        return [{"name": n, "status": s} for n, s in list_scenarios(uow)]


def _money(value: Any) -> float:
    return float(Decimal(str(value)))


# ---------------------------------------------------------------- reps


def rep_plan(
    uow: UnitOfWork,
    scenario: str | None = None,
    capacity_hours: float = 40.0,
    utilisation: float = 0.85,
) -> dict[str, Any]:
    """The optimal rep assignment of ``scenario`` (not applied) and the sizing with the
    ±1-rep what-ifs (:func:`assign_scenario_reps`, :func:`size_sales_force`)."""
    if not (0 < capacity_hours <= 168 and 0 < utilisation <= 1):
        raise BadRequest("capacity_hours must be in (0, 168] and utilisation in (0, 1]")
    name = scenario_name(uow, scenario)
    report = _service(lambda: assign_scenario_reps(uow, name))
    sizing = _service(
        lambda: size_sales_force(
            uow, name, capacity_hours_per_week=capacity_hours, utilisation=utilisation
        )
    )
    assignment = report.to_dict()
    rows = assignment["assignments"]
    over = [a for a in rows if a["over_capacity"]]
    return {
        "scenario": assignment["scenario"],
        "assignment": assignment,
        "capacity": {
            "over_capacity": len(over),
            "mean_utilisation": (sum(a["utilisation"] for a in rows) / len(rows)) if rows else None,
            "vacancies": len(assignment["vacancies"]),
            "unassigned_reps": len(assignment["unassigned_reps"]),
        },
        "sizing": sizing.to_dict(),
        "can_apply": assignment["scenario"]["status"] == "draft",
    }


def apply_rep_plan(uow: UnitOfWork, form: Form) -> dict[str, Any]:
    """Write the optimal assignment into a DRAFT scenario (never the active alignment)."""
    name = scenario_name(uow, _required(form, "scenario", "scenario"))
    status = _scenario_status(uow, name)
    if status != "draft":
        raise BadRequest(
            f"scenario {name!r} is {status}: reps are applied to drafts only "
            "(copy it, or publish a draft)"
        )
    report = _service(lambda: assign_scenario_reps(uow, name, apply=True))
    return report.to_dict()


# ---------------------------------------------------------------- quotas


def _quota_scenario(uow: UnitOfWork, name: str | None, period: str | None) -> str:
    """The scenario a quota request names, else (as the CLI) the alignment in force when
    ``period`` starts, else the active one; 404/400 as :func:`scenario_name`."""
    if name or period is None:
        return scenario_name(uow, name)
    label = period
    with uow:
        return _service(lambda: period_scenario(uow, None, parse_period(label))).name


def _quota_request(uow: UnitOfWork, form: Form) -> dict[str, Any]:
    """The checked arguments of :func:`set_quotas` from a form."""
    period = _period(_required(form, "period", "period"))
    total = _required(form, "total", "total")
    method = _text(form, "method") or "potential"
    if method not in QUOTA_METHODS:
        raise BadRequest(f"method: {method!r} is not one of {', '.join(QUOTA_METHODS)}")
    granularity = _text(form, "granularity") or "month"
    if granularity not in GRANULARITIES:
        raise BadRequest(f"granularity: {granularity!r} is not month or quarter")
    weights_text = _text(form, "weights")
    overrides_text = _text(form, "overrides").replace("\r", "")
    try:
        weights = parse_weights([weights_text], "weights") if weights_text else None
        overrides = parse_pairs(overrides_text.split("\n"), "overrides")
        growth = None
        if method == "growth":
            growth = GrowthRule(
                min_growth=_number(form, "min_growth", "min_growth", -0.1),
                max_growth=_number(form, "max_growth", "max_growth", 0.3),
            )
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    except ValueError as exc:
        raise BadRequest(f"growth: {exc}") from None
    if method == "blend" and not weights:
        raise BadRequest(
            "weights are required for the blend method, e.g. potential=0.6,history=0.4"
        )
    scenario = _quota_scenario(uow, _text(form, "scenario") or None, period)
    return {
        "period": period,
        "total": total,
        "method": method,
        "weights": weights,
        "unit": _text(form, "round") or "1",
        "overrides": overrides,
        "granularity": granularity,
        "scenario": scenario,
        "growth": growth,
    }


def _quota_data(qs_dict: dict[str, Any], notes: list[str], stored: bool) -> dict[str, Any]:
    reps = qs_dict["reps"]
    return {**qs_dict, "notes": notes, "stored": stored, "rep_count": len(reps)}


def quota_preview(uow: UnitOfWork, form: Form) -> dict[str, Any]:
    """The quota set the form would store, computed and checked but not written."""
    args = _quota_request(uow, form)
    qs = _service(lambda: set_quotas(uow, **args, store=False))
    return _quota_data(quota_set_dict(qs), list(qs.notes), stored=False)


def quota_store(uow: UnitOfWork, form: Form) -> dict[str, Any]:
    """Compute and store the quota set (replaces the scenario's set for that period)."""
    args = _quota_request(uow, form)
    qs = _service(lambda: set_quotas(uow, **args, store=True))
    return _quota_data(quota_set_dict(qs), list(qs.notes), stored=True)


def quotas(
    uow: UnitOfWork, period: str | None = None, scenario: str | None = None
) -> dict[str, Any]:
    """The stored quota set of ``period`` (default the latest), or ``quota: None``."""
    label = _period(period)
    name = _quota_scenario(uow, scenario, label)
    try:
        qs = show_quotas(uow, label, name)
    except TerritorialError as exc:
        if label is not None:
            raise NotFound(worded(exc)) from None
        return {"scenario": name, "quota": None}
    return {"scenario": name, "quota": _quota_data(quota_set_dict(qs), list(qs.notes), True)}


def split_chart(qs: dict[str, Any]) -> dict[str, Any]:
    """Chart.js config: the seasonal split, one stacked bar series per territory."""
    terr = qs["territories"]
    labels = [s["label"] for s in terr[0]["slices"]] if terr else []
    datasets = [
        {
            "label": t["territory"],
            "data": [_money(s["quota"]) for s in t["slices"]],
            "backgroundColor": PALETTE[i % len(PALETTE)],
            "stack": "quota",
        }
        for i, t in enumerate(terr)
    ]
    return {
        "type": "bar",
        "data": {"labels": labels, "datasets": datasets},
        "options": {
            "plugins": {
                "legend": {"position": "right"},
                "title": {"display": True, "text": f"Quota by {qs['granularity']}"},
            },
            "scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}},
        },
        "pl_format": {"y": "money"},
    }


# ---------------------------------------------------------------- goals


def goals(uow: UnitOfWork, as_of: str | None = None) -> dict[str, Any]:
    """Every goal with its actual and status on ``as_of`` (default today)."""
    day = _date(as_of, "as_of")
    rows = _service(lambda: list_goals(uow, day))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.progress.status.value] = counts.get(r.progress.status.value, 0) + 1
    return {
        "as_of": str(day or date.today()),
        "goals": [r.to_dict() for r in rows],
        "status_counts": counts,
    }


def goal_add(uow: UnitOfWork, form: Form) -> dict[str, Any]:
    """Store a SMART goal (the fields of ``territorial goals add``)."""
    scope = _text(form, "scope") or ("rep" if _text(form, "rep") else "territory")
    subject = _text(form, scope) or _text(form, "subject")
    if scope not in ("territory", "rep"):
        raise BadRequest(f"scope: {scope!r} is not territory or rep")
    if not subject:
        raise BadRequest(f"{scope} is required")
    metric = _required(form, "metric", "metric")
    baseline = _number(form, "baseline", "baseline")
    target = _number(form, "target", "target")
    due = _date(_required(form, "due", "due"), "due")
    assert due is not None
    start = _date(form.get("start"), "start")
    record = _service(
        lambda: add_goal(
            uow,
            territory=subject if scope == "territory" else None,
            rep=subject if scope == "rep" else None,
            metric=metric,
            baseline=baseline,
            target=target,
            due=due,
            start=start,
            owner=_text(form, "owner") or None,
            description=_text(form, "description"),
        )
    )
    return {
        "id": record.id,
        "scope": record.scope,
        "subject": record.subject,
        "metric": record.metric,
        "baseline": record.baseline,
        "target": record.target,
        "start": str(record.start),
        "due": str(record.due),
        "owner": record.owner,
        "description": record.description,
    }


def goal_form_choices(uow: UnitOfWork) -> dict[str, Any]:
    """Territories of the active alignment and reps, for the goal form's pickers."""
    from territorial.web.views import overview, reps

    summary = overview(uow)
    return {
        "territories": [t["name"] for t in summary["territories"]],
        "reps": [{"id": r["external_id"], "name": r["name"]} for r in reps(uow)["reps"]],
        "metrics": list(GOAL_METRICS),
    }


# ---------------------------------------------------------------- territory plans


def plan_index(uow: UnitOfWork, scenario: str | None = None) -> dict[str, Any]:
    """The territories of ``scenario`` whose plans can be opened."""
    from territorial.web.views import overview

    name = scenario_name(uow, scenario)
    summary = overview(uow)
    if name == summary.get("active"):
        rows = [
            {"name": t["name"], "rep": t["rep"], "accounts": t["accounts"]}
            for t in summary["territories"]
        ]
    else:
        rows = _service(lambda: plan_territories(uow, name))[1]
    return {"scenario": name, "sections": list(PLAN_SECTIONS), "territories": rows}


def plan(uow: UnitOfWork, territory: str, scenario: str | None = None) -> dict[str, Any]:
    """A territory's plan (GSOT, SWOT), tiers, seasonal calendar, quota and goals."""
    name = scenario_name(uow, scenario)
    try:
        view = show_plan(uow, territory, name)
    except TerritorialError as exc:
        raise NotFound(worded(exc)) from None
    data = view.to_dict()
    data["status"] = _scenario_status(uow, name)
    return data


def plan_edit(
    uow: UnitOfWork, territory: str, form: Form, scenario: str | None = None
) -> dict[str, Any]:
    """Set the plan sections the form gives (one item per line); others are kept."""
    name = scenario_name(uow, scenario or _text(form, "scenario") or None)
    sections = {
        key: [line for line in str(form[key]).replace("\r", "").split("\n") if line.strip()]
        for key in PLAN_SECTIONS
        if key in form
    }
    unknown = sorted(set(form) - set(PLAN_SECTIONS) - {"scenario"})
    if unknown:
        raise BadRequest(
            f"unknown plan section(s) {', '.join(unknown)}; use {', '.join(PLAN_SECTIONS)}"
        )
    if not sections:
        raise BadRequest(f"nothing to write: give at least one of {', '.join(PLAN_SECTIONS)}")
    too_long = [k for k, items in sections.items() if sum(len(i) for i in items) > 20_000]
    if too_long:
        raise BadRequest(f"section(s) too long (20,000 characters at most): {', '.join(too_long)}")
    with uow:
        known = resolve_scenario(uow, name).territory(territory) is not None
    if not known:
        raise NotFound(f"no territory {territory!r} in scenario {name!r}")
    saved = _service(lambda: edit_plan(uow, territory, sections, name))
    return {
        "scenario": saved.scenario,
        "territory": saved.territory,
        "sections": {s: saved.section(s) for s in PLAN_SECTIONS},
    }


# ---------------------------------------------------------------- monitoring


def _monitor_args(
    uow: UnitOfWork, period: str | None, as_of: str | None, scenario: str | None
) -> tuple[str | None, date | None, str]:
    label = _period(period)
    day = _date(as_of, "as_of")
    name = scenario_name(uow, scenario)
    try:
        show_quotas(uow, label, name)
    except TerritorialError as exc:
        raise NotFound(worded(exc)) from None
    return label, day, name


def _attainment_chart(rows: list[dict[str, Any]], key: str, title: str) -> dict[str, Any]:
    labels = [r[key] or "vacant" for r in rows]

    def pct(x: float | None) -> float | None:
        return None if x is None else round(100 * x, 1)

    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": "Attainment %",
                    "data": [pct(r["attainment"]) for r in rows],
                    "backgroundColor": "#2563eb",
                },
                {
                    "label": "Pace %",
                    "data": [pct(r["pace"]) for r in rows],
                    "backgroundColor": "#e69f00",
                },
                {
                    "label": "Projected attainment %",
                    "data": [pct(r["projected_attainment"]) for r in rows],
                    "backgroundColor": "#94a3b8",
                },
            ],
        },
        "options": {
            "indexAxis": "y",
            "plugins": {"title": {"display": True, "text": title}},
            "scales": {"x": {"beginAtZero": True}},
        },
        "pl_format": {"x": "pct"},
    }


def _trend_chart(data: dict[str, Any]) -> dict[str, Any]:
    rows = data["territories"]
    months = rows[0]["trend"]["months"] if rows else []
    return {
        "type": "bar",
        "data": {
            "labels": months,
            "datasets": [
                {
                    "label": r["territory"],
                    "data": r["trend"]["actuals"][: len(months)],
                    "backgroundColor": PALETTE[i % len(PALETTE)],
                    "stack": "sales",
                }
                for i, r in enumerate(rows)
            ],
        },
        "options": {
            "plugins": {
                "legend": {"position": "right"},
                "title": {"display": True, "text": "Sales by month, per territory"},
            },
            "scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}},
        },
        "pl_format": {"y": "money"},
    }


def monitor(
    uow: UnitOfWork,
    period: str | None = None,
    as_of: str | None = None,
    scenario: str | None = None,
) -> dict[str, Any]:
    """:meth:`MonitorReport.to_dict` for the period, with the rep names and chart configs."""
    label, day, name = _monitor_args(uow, period, as_of, scenario)
    report = _service(lambda: run_monitor(uow, label, day, name))
    data = report.to_dict()
    names = {t["rep_external_id"]: t["rep"] for t in data["territories"] if t["rep_external_id"]}
    for r in data["reps"]:
        r["rep"] = names.get(r["rep_external_id"], r["rep_external_id"])
    data["drift_alerts"] = [a for a in data["alerts"] if a["kind"] == "drift"]
    data["can_rebalance"] = limited_to() is None  # a rebalance redesigns every region
    data["charts"] = {
        "territories": _attainment_chart(data["territories"], "territory", "Per territory"),
        "reps": _attainment_chart(data["reps"], "rep", "Per rep"),
        "trend": _trend_chart(data),
    }
    return data


def rebalance(uow: UnitOfWork, form: Form) -> dict[str, Any]:
    """Queue a rebalance proposal (a new draft scenario under a move cap) as a job;
    refused to a manager limited to a region, before queueing (the runner would not)."""
    require_company_rebalance()
    label, day, name = _monitor_args(
        uow, form.get("period"), form.get("as_of"), form.get("scenario") or None
    )
    cap_text = _text(form, "max_moves") or "10%"
    max_moves = _number(form, "max_moves", "max_moves", 0.10)
    share = cap_text.endswith("%") or max_moves < 1
    if max_moves < 0 or (share and max_moves >= 1) or (not share and max_moves != int(max_moves)):
        raise BadRequest(f"max_moves: {cap_text!r} must be a share (10%) or a count (25)")
    seconds = _number(form, "time_limit", "time_limit", REBALANCE_DEFAULT_SECONDS)
    if not 1 <= seconds <= REBALANCE_MAX_SECONDS:
        raise BadRequest(f"time_limit must be between 1 and {REBALANCE_MAX_SECONDS:g} seconds")
    job = jobs.submit_rebalance(uow, label, day, name, max_moves, seconds)
    jobs.dispatch(job, uow.engine.url.render_as_string(hide_password=False))
    return jobs.describe(job)
