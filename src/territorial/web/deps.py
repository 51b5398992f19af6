"""Request dependencies: a fresh unit of work per request on the app's one engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator, Field

from territorial.storage import UnitOfWork


def unit_of_work(request: Request) -> UnitOfWork:
    """A unit of work of its own (requests run concurrently) sharing the app's engine."""
    base: UnitOfWork = request.app.state.workspace
    return UnitOfWork(base.engine)


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
ScenarioParam = Annotated[
    str | None, Query(description="Scenario name; default: the active alignment.")
]
SearchParam = Annotated[str | None, Query(description="Substring of the account id or name.")]
PageParam = Annotated[int, Query(ge=1, description="Page number, from 1.")]
SizeParam = Annotated[int, Query(ge=1, le=1000, description="Accounts per page.")]


def _blank_is_none(value: object) -> object:
    """A form's empty choice ("as designed") is the parameter left out."""
    return None if value == "" else value


ToleranceParam = Annotated[
    Annotated[float, Field(gt=0, lt=10)] | None,
    BeforeValidator(_blank_is_none),
    Query(
        description="Allowed deviation from the mean for every judged measure, 0.05 = ±5%; "
        "default: a designed scenario's own tolerances, else 0.05.",
    ),
]
JudgeParam = Annotated[
    str | None,
    BeforeValidator(_blank_is_none),
    Query(
        description="Measures to judge, comma-separated (accounts,revenue); default: what "
        "the scenario was designed to balance, else accounts, potential, revenue, workload."
    ),
]
