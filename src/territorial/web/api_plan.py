"""JSON twins of the planning pages, under ``/api``: reps, quotas, goals, plans, monitor.

GETs return the dicts the pages render; POSTs take the same fields as the pages' forms
(an HTML form or a JSON object) and answer ``{"error": reason}`` with 400 or 404 when a
field is wrong, having written nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from territorial.web import views_plan as vp
from territorial.web.deps import ScenarioParam, Uow
from territorial.web.forms import Fields
from territorial.web.rendering import json_response

router = APIRouter(prefix="/api", tags=["planning"])

PeriodParam = Annotated[
    str | None, Query(description="2026, 2026-Q3 or 2026-07; default the latest quotas.")
]
AsOfParam = Annotated[str | None, Query(description="Report date YYYY-MM-DD; default today.")]
CapacityParam = Annotated[float, Query(gt=0, le=168, description="Hours per rep per week.")]
UtilisationParam = Annotated[float, Query(gt=0, le=1, description="Target utilisation.")]


@router.get("/reps/assignment")
def rep_assignment(
    uow: Uow,
    scenario: ScenarioParam = None,
    capacity_hours: CapacityParam = 40.0,
    utilisation: UtilisationParam = 0.85,
) -> Response:
    """Optimal reps for the scenario's territories with reasons (not applied), vacancies,
    unassigned reps, capacity, and the sizing with the ±1-rep what-ifs."""
    return json_response(vp.rep_plan(uow, scenario, capacity_hours, utilisation))


@router.post("/reps/assignment/apply")
def rep_assignment_apply(uow: Uow, fields: Fields) -> Response:
    """Write the optimal reps into a draft scenario (field ``scenario``)."""
    return json_response(vp.apply_rep_plan(uow, fields))


@router.get("/quotas")
def quotas(uow: Uow, period: PeriodParam = None, scenario: ScenarioParam = None) -> Response:
    """The stored quotas of a period (default the latest; ``quota`` is null when none)."""
    return json_response(vp.quotas(uow, period, scenario))


@router.post("/quotas/preview")
def quota_preview(uow: Uow, fields: Fields) -> Response:
    """Quotas computed from the fields (period, total, method, weights, round, overrides,
    granularity, scenario, min_growth, max_growth), not stored."""
    return json_response(vp.quota_preview(uow, fields))


@router.post("/quotas")
def quota_store(uow: Uow, fields: Fields) -> Response:
    """Compute and store quotas (same fields as the preview); 201 with the stored set."""
    return json_response(vp.quota_store(uow, fields), status=201)


@router.get("/goals")
def goals(uow: Uow, as_of: AsOfParam = None) -> Response:
    """Every goal with its actual and status on ``as_of``."""
    return json_response(vp.goals(uow, as_of))


@router.post("/goals")
def goal_add(uow: Uow, fields: Fields) -> Response:
    """Add a SMART goal: scope (territory|rep), territory or rep, metric, baseline,
    target, start, due, owner, description."""
    return json_response(vp.goal_add(uow, fields), status=201)


@router.get("/plans")
def plans(uow: Uow, scenario: ScenarioParam = None) -> Response:
    """The territories whose plans can be opened."""
    return json_response(vp.plan_index(uow, scenario))


@router.get("/plans/{territory}")
def plan(uow: Uow, territory: str, scenario: ScenarioParam = None) -> Response:
    """A territory plan: GSOT, SWOT, tiers, seasonal calendar, quota, goals."""
    return json_response(vp.plan(uow, territory, scenario))


@router.post("/plans/{territory}")
def plan_edit(uow: Uow, territory: str, fields: Fields, scenario: ScenarioParam = None) -> Response:
    """Set plan sections (goals, strategies, ..., threats; one item per line)."""
    return json_response(vp.plan_edit(uow, territory, fields, scenario))


@router.get("/monitor")
def monitor(
    uow: Uow, period: PeriodParam = None, as_of: AsOfParam = None, scenario: ScenarioParam = None
) -> Response:
    """Attainment, pace, projection, cost of sales, A-tier coverage, trend, alerts, drift."""
    return json_response(vp.monitor(uow, period, as_of, scenario))


@router.post("/monitor/rebalance")
def rebalance(uow: Uow, fields: Fields) -> Response:
    """Queue a rebalance proposal (fields period, as_of, scenario, max_moves, time_limit)
    as a job: 202 with the job; ``/api/jobs/ID`` gives its progress and, when done, the
    new draft scenario, what it fixes and every move."""
    return json_response(vp.rebalance(uow, fields), status=202)
