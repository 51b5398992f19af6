"""The planning pages: rep assignment and sizing, quotas, goals, territory plans and the
monitoring dashboard. Each renders the dict of its JSON twin (:mod:`.api_plan`); forms
post here, and a form with a bad field is shown again with the reason (HTTP 400, or 404
for an unknown scenario or territory) and nothing written.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from territorial.web import views_plan as vp
from territorial.web.api_plan import AsOfParam, CapacityParam, PeriodParam, UtilisationParam
from territorial.web.deps import ScenarioParam, Uow
from territorial.web.errors import NotFound, WebError
from territorial.web.forms import Fields
from territorial.web.rendering import render
from territorial.web.views import reps, scenarios

router = APIRouter(include_in_schema=False)


def _query(**params: object) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------- reps


@router.get("/reps/assignment", response_class=HTMLResponse)
def rep_assignment(
    request: Request,
    uow: Uow,
    scenario: ScenarioParam = None,
    capacity_hours: CapacityParam = 40.0,
    utilisation: UtilisationParam = 0.85,
    applied: bool = False,
) -> HTMLResponse:
    """The assignment and sizing; the panel alone for htmx (the reps page loads it)."""
    data = vp.rep_plan(uow, scenario, capacity_hours, utilisation)
    query = _query(
        scenario=scenario,
        capacity_hours=capacity_hours if capacity_hours != 40.0 else None,
        utilisation=utilisation if utilisation != 0.85 else None,
    )
    context = {
        "data": data,
        "applied": applied,
        "scenarios": scenarios(uow)["scenarios"],
        "capacity_hours": capacity_hours,
        "utilisation": utilisation,
        "json_url": f"/api/reps/assignment{query}",
    }
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "_pl_assignment.html" if partial else "pl_assignment.html", context)


@router.post("/reps/assignment/apply")
def rep_assignment_apply(uow: Uow, fields: Fields) -> Response:
    report = vp.apply_rep_plan(uow, fields)
    return _see_other(f"/reps/assignment{_query(scenario=report['scenario']['name'], applied=1)}")


# ---------------------------------------------------------------- quotas

QUOTA_DEFAULTS = {"method": "potential", "granularity": "month", "round": "1000"}


def _quota_page(
    request: Request,
    uow: Uow,
    form: dict[str, str],
    stored: dict[str, Any] | None,
    preview: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
    period: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    shown = preview or (stored or {}).get("quota")
    return render(
        request,
        "pl_quotas.html",
        {
            "form": {**QUOTA_DEFAULTS, **form},
            "stored": stored,
            "preview": preview,
            "shown": shown,
            "chart": vp.split_chart(shown) if shown else None,
            "error": error,
            "notice": notice,
            "methods": vp.QUOTA_METHODS,
            "rep_names": {r["external_id"]: r["name"] for r in reps(uow)["reps"]},
            "scenarios": scenarios(uow)["scenarios"],
            "json_url": f"/api/quotas{_query(period=period)}",
        },
        status,
    )


@router.get("/quotas", response_class=HTMLResponse)
def quotas(
    request: Request,
    uow: Uow,
    period: PeriodParam = None,
    scenario: ScenarioParam = None,
    stored: bool = False,
) -> HTMLResponse:
    data = vp.quotas(uow, period, scenario)
    form = {"scenario": scenario or ""}
    if data["quota"]:
        q = data["quota"]
        form.update(
            period=q["period"]["label"],
            total=q["total"],
            method=q["method"],
            granularity=q["granularity"],
            round=q["unit"],
            weights=",".join(f"{k}={v:g}" for k, v in q["weights"].items()),
        )
    notice = f"Stored quotas for {data['quota']['period']['label']}." if stored else None
    return _quota_page(request, uow, form, data, period=period, notice=notice)


def _stored_or_none(uow: Uow) -> dict[str, Any] | None:
    try:
        return vp.quotas(uow)
    except WebError:
        return None


@router.post("/quotas/preview", response_class=HTMLResponse)
def quota_preview(request: Request, uow: Uow, fields: Fields) -> HTMLResponse:
    try:
        preview = vp.quota_preview(uow, fields)
    except WebError as exc:
        return _quota_page(
            request, uow, fields, _stored_or_none(uow), error=exc.reason, status=exc.status
        )
    return _quota_page(request, uow, fields, _stored_or_none(uow), preview=preview)


@router.post("/quotas", response_model=None)
def quota_store(request: Request, uow: Uow, fields: Fields) -> Response:
    try:
        stored = vp.quota_store(uow, fields)
    except WebError as exc:
        return _quota_page(
            request, uow, fields, _stored_or_none(uow), error=exc.reason, status=exc.status
        )
    label = stored["period"]["label"]
    return _see_other(f"/quotas{_query(period=label, scenario=fields.get('scenario'), stored=1)}")


# ---------------------------------------------------------------- goals


def _goals_page(
    request: Request,
    uow: Uow,
    as_of: str | None,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
    added: int | None = None,
) -> HTMLResponse:
    return render(
        request,
        "pl_goals.html",
        {
            "data": vp.goals(uow, as_of),
            "choices": vp.goal_form_choices(uow),
            "form": form or {"scope": "territory", "metric": "revenue", "baseline": "0"},
            "error": error,
            "added": added,
            "json_url": f"/api/goals{_query(as_of=as_of)}",
        },
        status,
    )


@router.get("/goals", response_class=HTMLResponse)
def goals(
    request: Request, uow: Uow, as_of: AsOfParam = None, added: int | None = None
) -> HTMLResponse:
    return _goals_page(request, uow, as_of, added=added)


@router.post("/goals", response_model=None)
def goal_add(request: Request, uow: Uow, fields: Fields) -> Response:
    try:
        record = vp.goal_add(uow, fields)
    except WebError as exc:
        return _goals_page(request, uow, None, fields, exc.reason, exc.status)
    return _see_other(f"/goals?added={record['id']}")


# ---------------------------------------------------------------- territory plans


@router.get("/plans", response_class=HTMLResponse)
def plans(request: Request, uow: Uow, scenario: ScenarioParam = None) -> HTMLResponse:
    return render(
        request,
        "pl_plans.html",
        {
            "data": vp.plan_index(uow, scenario),
            "scenarios": scenarios(uow)["scenarios"],
            "selected": scenario,
            "json_url": f"/api/plans{_query(scenario=scenario)}",
        },
    )


def _plan_page(
    request: Request,
    uow: Uow,
    territory: str,
    scenario: str | None,
    error: str | None = None,
    status: int = 200,
    saved: bool = False,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    data = vp.plan(uow, territory, scenario)
    return render(
        request,
        "pl_plan.html",
        {
            "data": data,
            "selected": scenario,
            "error": error,
            "saved": saved,
            "form": form,
            "action": f"/plans/{quote(territory, safe='')}{_query(scenario=scenario)}",
            "json_url": f"/api/plans/{quote(territory, safe='')}{_query(scenario=scenario)}",
        },
        status,
    )


@router.get("/plans/{territory}", response_class=HTMLResponse)
def plan(
    request: Request, uow: Uow, territory: str, scenario: ScenarioParam = None, saved: bool = False
) -> HTMLResponse:
    return _plan_page(request, uow, territory, scenario, saved=saved)


@router.post("/plans/{territory}", response_model=None)
def plan_edit(
    request: Request, uow: Uow, territory: str, fields: Fields, scenario: ScenarioParam = None
) -> Response:
    try:
        vp.plan_edit(uow, territory, fields, scenario)
    except WebError as exc:
        if exc.status == 404:
            raise
        return _plan_page(request, uow, territory, scenario, exc.reason, exc.status, form=fields)
    return _see_other(f"/plans/{quote(territory, safe='')}{_query(scenario=scenario, saved=1)}")


# ---------------------------------------------------------------- monitoring


@router.get("/monitor", response_class=HTMLResponse)
def monitor(
    request: Request,
    uow: Uow,
    period: PeriodParam = None,
    as_of: AsOfParam = None,
    scenario: ScenarioParam = None,
) -> HTMLResponse:
    form = {"period": period or "", "as_of": as_of or "", "scenario": scenario or ""}
    json_url = f"/api/monitor{_query(period=period, as_of=as_of, scenario=scenario)}"
    try:
        data = vp.monitor(uow, period, as_of, scenario)
    except NotFound as exc:
        # no quotas for the period: say so, with the way to set them
        reason = exc.reason.split("; set them with")[0]
        context = {"reason": reason, "form": form, "json_url": json_url}
        # the bare dashboard before any quota is a normal first visit, not an error
        return render(request, "pl_monitor_missing.html", context, 404 if period else 200)
    return render(
        request,
        "pl_monitor.html",
        {
            "data": data,
            "form": form,
            "scenarios": scenarios(uow)["scenarios"],
            "json_url": json_url,
        },
    )


@router.post("/monitor/rebalance")
def rebalance(uow: Uow, fields: Fields) -> Response:
    """Queue the rebalance as a job and follow it on its page."""
    job = vp.rebalance(uow, fields)
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)
