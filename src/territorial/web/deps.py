"""Request dependencies: a fresh unit of work per request on the app's one engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

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
ToleranceParam = Annotated[
    float, Query(gt=0, lt=10, description="Allowed deviation from the mean, 0.05 = ±5%.")
]
