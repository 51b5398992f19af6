"""JSON twins of the pages, under ``/api``: the same dicts the pages render."""

from __future__ import annotations

import gzip
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from territorial.services.answers import Answer
from territorial.web import views
from territorial.web.deps import (
    JudgeParam,
    PageParam,
    ScenarioParam,
    SearchParam,
    SizeParam,
    ToleranceParam,
    Uow,
)
from territorial.web.rendering import json_response, plain_json_response

router = APIRouter(prefix="/api", tags=["api"])
GEOJSON = "application/geo+json"


def _json(request: Request, found: Answer) -> Response:
    """A cached answer's JSON text as it was made (compressed once, not per request)."""
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(found.gzipped, media_type="application/json", headers=headers)
    return Response(found.body, media_type="application/json")


@router.get("/overview")
def overview(request: Request, uow: Uow) -> Response:
    """Workspace summary: accounts, how located, reps, scenarios, active territories."""
    return _json(request, views.overview_answer(uow))


@router.get("/accounts")
def accounts(
    uow: Uow, q: SearchParam = None, page: PageParam = 1, size: SizeParam = views.PAGE_SIZE
) -> Response:
    """A page of accounts with their territory in the active alignment."""
    return plain_json_response(views.accounts(uow, q, page, size))


@router.get("/reps")
def reps(request: Request, uow: Uow) -> Response:
    """Reps and the territories they hold in the active alignment."""
    return _json(request, views.reps_answer(uow))


@router.get("/scenarios")
def scenarios(uow: Uow) -> Response:
    """Scenarios (name, status), oldest first."""
    return json_response(views.scenarios(uow))


@router.get("/assess")
def assess(
    request: Request,
    uow: Uow,
    scenario: ScenarioParam = None,
    tolerance: ToleranceParam = None,
    judge: JudgeParam = None,
) -> Response:
    """The assessment of a scenario (default: the active alignment)."""
    return _json(request, views.assessment_answer(uow, scenario, tolerance, judge=judge))


@router.get("/map")
def map_data(
    request: Request, uow: Uow, scenario: ScenarioParam = None, by: str | None = None
) -> Response:
    """The map as compact columns: accounts, territory shapes and colours, reps, heat layer,
    white space (``by``: account, zip or county shapes; default from the scenario)."""
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    body = views.map_json(uow, scenario, by, gzipped=gzipped)
    headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if gzipped else None
    return Response(body, media_type="application/json", headers=headers)


@router.get("/map/states")
def map_states() -> Response:
    """US state outlines as GeoJSON (from the packaged us-atlas map; no download)."""
    return Response(
        _states_body(),
        media_type=GEOJSON,
        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
    )


@cache
def _states_body() -> bytes:
    """The outlines as gzipped JSON, made once (every browser accepts gzip)."""
    return gzip.compress(json_response(views.states()).body, compresslevel=6, mtime=0)
