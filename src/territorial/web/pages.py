"""The HTML pages (Jinja2, htmx for partial updates); each renders its JSON twin's dict."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from territorial.services import editing
from territorial.services.assess import judged_text, outside_label
from territorial.web import views
from territorial.web.deps import (
    JudgeParam,
    PageParam,
    ScenarioParam,
    SearchParam,
    ToleranceParam,
    Uow,
)
from territorial.web.rendering import render

router = APIRouter(include_in_schema=False)


def _query(**params: object) -> str:
    """``?a=1&b=x`` of the params that are set (empty string when none are)."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, uow: Uow) -> HTMLResponse:
    return render(
        request, "overview.html", {"data": views.overview(uow), "json_url": "/api/overview"}
    )


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, uow: Uow, scenario: ScenarioParam = None) -> HTMLResponse:
    selected = views.scenario_name(uow, scenario)
    query = _query(scenario=scenario)
    listed = views.scenarios(uow)["scenarios"]
    draft = any(s["name"] == selected and s["status"] == "draft" for s in listed)
    return render(
        request,
        "map.html",
        {
            "selected": selected,
            "scenarios": listed,
            # the editor's territory list works without scripts too
            "territories": editing.territory_names(uow, selected) if draft else [],
            "json_url": f"/api/map{query}",
            "assess_url": f"/assess{query}",
        },
    )


def _accounts_context(uow: Uow, q: str | None, page: int) -> dict[str, object]:
    data = views.accounts(uow, q, page)
    return {
        "data": data,
        "json_url": f"/api/accounts{_query(q=q, page=page if page > 1 else None)}",
        "page_query": lambda p: _query(q=q, page=p if p > 1 else None),
    }


@router.get("/accounts", response_class=HTMLResponse)
def accounts(
    request: Request, uow: Uow, q: SearchParam = None, page: PageParam = 1
) -> HTMLResponse:
    return render(request, "accounts.html", _accounts_context(uow, q, page))


@router.get("/accounts/table", response_class=HTMLResponse)
def accounts_table(
    request: Request, uow: Uow, q: SearchParam = None, page: PageParam = 1
) -> HTMLResponse:
    """The accounts table alone, for htmx; the address bar follows the search."""
    context = _accounts_context(uow, q, page)
    headers = {"HX-Replace-Url": f"/accounts{_query(q=q, page=page if page > 1 else None)}"}
    return render(request, "_accounts_table.html", context, headers=headers)


@router.get("/reps", response_class=HTMLResponse)
def reps(request: Request, uow: Uow) -> HTMLResponse:
    return render(request, "reps.html", {"data": views.reps(uow), "json_url": "/api/reps"})


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request, uow: Uow, deleted: str | None = None) -> HTMLResponse:
    return render(
        request,
        "scenarios.html",
        {"data": views.scenarios(uow), "json_url": "/api/scenarios", "deleted": deleted},
    )


@router.get("/assess", response_class=HTMLResponse)
def assess(
    request: Request,
    uow: Uow,
    scenario: ScenarioParam = None,
    tolerance: ToleranceParam = None,
    judge: JudgeParam = None,
) -> HTMLResponse:
    data = views.assessment(uow, scenario, tolerance, judge=judge)
    query = _query(scenario=scenario, tolerance=tolerance, judge=judge)
    return render(
        request,
        "assess.html",
        {
            "data": data,
            "scenarios": views.scenarios(uow)["scenarios"],
            "tolerance": tolerance,
            "judge": judge,
            "judged_text": judged_text(data),
            "outside_label": outside_label(data),
            "json_url": f"/api/assess{query}",
            "map_url": f"/map{_query(scenario=scenario)}",
        },
    )
