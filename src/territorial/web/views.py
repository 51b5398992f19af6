"""The data behind each page, as JSON-ready dicts.

A page renders exactly the dict its JSON twin returns, so the two always agree. Every
function here calls :mod:`territorial.services` and nothing else; service errors become
:class:`~territorial.web.errors.WebError` with the service's one-line reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from territorial.domain import TerritorialError
from territorial.domain.design_choices import UnitKind, choices
from territorial.metrics import TravelModel
from territorial.services.answers import Answer, OneScenario, answer, made
from territorial.services.assess import assess_scenario
from territorial.services.design_options import parse_names
from territorial.services.listing import list_accounts, list_reps
from territorial.services.mapdata import scenario_map, scenario_map_json, state_outlines
from territorial.services.region import NotVisible
from territorial.services.scenarios import list_scenarios, resolve_scenario
from territorial.services.workspace import summarise
from territorial.storage import UnitOfWork
from territorial.web.errors import BadRequest, NotFound, worded

T = TypeVar("T")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def _service(call: Callable[[], T]) -> T:
    """Run a service call; a :class:`TerritorialError` becomes a 400 with its reason."""
    try:
        return call()
    except NotVisible as exc:  # unknown, or outside a limited manager's region
        raise NotFound(str(exc)) from None
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None


def scenario_name(uow: UnitOfWork, name: str | None) -> str:
    """The scenario a request names (default: the active alignment), else 404/400.

    An unknown name is a 404; no name and no active alignment is a 400.
    """
    with uow:
        try:
            return resolve_scenario(uow, name or None).name
        except TerritorialError as exc:
            raise (NotFound if name else BadRequest)(worded(exc)) from None


def overview(uow: UnitOfWork) -> dict[str, Any]:
    """The workspace summary (:func:`territorial.services.workspace.summarise`)."""
    data: dict[str, Any] = overview_answer(uow).data
    return data


def overview_answer(uow: UnitOfWork) -> Answer:
    """:func:`overview`: the counts and the territories of the alignment in force
    computed once per version of that alignment and the common data
    (:mod:`territorial.services.answers`), the list of scenarios read afresh (a new
    draft changes only that)."""

    def compute() -> dict[str, object]:
        with uow:
            return summarise(uow).to_dict()

    counted = answer(uow, "overview", (), compute, OneScenario(None))
    with uow:
        names = list_scenarios(uow)
    scenarios = [{"name": n, "status": s} for n, s in names]
    return made({k: scenarios if k == "scenarios" else v for k, v in counted.data.items()})


def accounts(
    uow: UnitOfWork, q: str | None = None, page: int = 1, size: int = PAGE_SIZE
) -> dict[str, Any]:
    """One page of accounts matching ``q`` (id or name substring), with paging numbers."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    with uow:
        found = list_accounts(uow, limit=size, search=q or None, offset=(page - 1) * size)
    rows: list[dict[str, Any]] = found.to_dict()["accounts"]  # type: ignore[assignment]
    pages = max(1, math.ceil(found.total / size))
    return {
        "query": q or "",
        "total": found.total,
        "page": page,
        "pages": pages,
        "size": size,
        "accounts": rows,
    }


def reps(uow: UnitOfWork) -> dict[str, Any]:
    """Reps with the territories they hold in the active alignment."""
    data: dict[str, Any] = reps_answer(uow).data
    return data


def reps_answer(uow: UnitOfWork) -> Answer:
    """:func:`reps`, computed once per data version."""

    def compute() -> dict[str, object]:
        with uow:
            rows = list_reps(uow)
        return {"reps": [row.to_dict() for row in rows]}

    return answer(uow, "reps", (), compute)


def scenarios(uow: UnitOfWork) -> dict[str, Any]:
    """Every scenario (name, status), oldest first, and which one is active."""
    with uow:
        names = list_scenarios(uow)
    active = next((n for n, s in names if s == "active"), None)
    return {"active": active, "scenarios": [{"name": n, "status": s} for n, s in names]}


def assessment(
    uow: UnitOfWork,
    scenario: str | None = None,
    tolerance: float | None = None,
    detour: float = 1.3,
    speed: float = 50.0,
    judge: str | None = None,
) -> dict[str, Any]:
    """:meth:`ScenarioAssessment.to_dict` of ``scenario`` (default: the active alignment)."""
    data: dict[str, Any] = assessment_answer(uow, scenario, tolerance, detour, speed, judge).data
    return data


def assessment_answer(
    uow: UnitOfWork,
    scenario: str | None = None,
    tolerance: float | None = None,
    detour: float = 1.3,
    speed: float = 50.0,
    judge: str | None = None,
) -> Answer:
    """:func:`assessment`, computed once per version of the scenario and the common data
    (an unknown scenario is a 404, no active alignment a 400, every time: errors are not
    cached). ``judge``: measures to judge, comma-separated (default: the design's own)."""
    if not ((tolerance is None or 0 < tolerance < 10) and detour >= 1 and speed > 0):
        raise BadRequest("tolerance must be in (0, 10), detour >= 1 and speed > 0")
    judged = None if judge is None else parse_names(judge)

    def compute() -> dict[str, Any]:
        name = scenario_name(uow, scenario)
        travel = TravelModel(detour, speed)
        return _service(
            lambda: assess_scenario(uow, name, travel=travel, tolerance=tolerance, judged=judged)
        ).to_dict()

    params = (scenario or "", tolerance, detour, speed, judged)
    return answer(uow, "assess", params, compute, OneScenario(scenario or None))


def map_features(
    uow: UnitOfWork, scenario: str | None = None, by: str | None = None
) -> dict[str, Any]:
    """The map of ``scenario``: account columns, territory shapes, reps, heat, white space.

    ``by`` picks the shapes (account, zip or county; default: what the scenario was
    designed by, else account).
    """
    if by and by not in choices(UnitKind):
        raise BadRequest(f"by must be one of {', '.join(choices(UnitKind))}")
    name = scenario_name(uow, scenario)
    return _service(lambda: scenario_map(uow, name, by or None))


def map_json(
    uow: UnitOfWork, scenario: str | None = None, by: str | None = None, gzipped: bool = False
) -> bytes:
    """:func:`map_features` as JSON bytes (gzip if asked), cached until the workspace changes.

    An unknown scenario is a 404; no scenario named and no active alignment a 400.
    """
    if by and by not in choices(UnitKind):
        raise BadRequest(f"by must be one of {', '.join(choices(UnitKind))}")
    try:
        return scenario_map_json(uow, scenario or None, by or None, gzipped=gzipped)
    except TerritorialError as exc:
        if scenario:
            scenario_name(uow, scenario)  # an unknown name is a 404
        raise BadRequest(worded(exc)) from None


def states() -> dict[str, Any]:
    """US state outlines (GeoJSON; empty when the county map was not built)."""
    return state_outlines()
