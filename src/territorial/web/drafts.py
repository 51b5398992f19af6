"""Copy a scenario to a new draft (``services.drafts``): the scenario page's form posts
``/scenarios/{name}/copy`` and lands on the new draft's map with the editor open; the
JSON twin ``POST /api/scenarios/{name}/copy`` answers with the new draft's name and links.
The optional ``name`` field names the draft (default ``"<name> (edit)"``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from territorial.domain import TerritorialError
from territorial.domain.errors import NotPermitted
from territorial.services import drafts
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, NotFound, worded
from territorial.web.forms import Fields
from territorial.web.rendering import json_response

api = APIRouter(prefix="/api", tags=["editor"])
pages = APIRouter(include_in_schema=False)


def copy(uow: Uow, name: str, fields: dict[str, str]) -> dict[str, Any]:
    """Copy ``name``; 404 if unknown, 400 with the reason for a refused name."""
    with uow:
        known = uow.scenarios.exists(name)
    if not known:
        raise NotFound(f"no scenario named {name!r}")
    try:
        draft = drafts.copy_to_draft(uow, name, fields.get("name"))
    except NotPermitted:
        raise
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    q = quote(draft.name, safe="")
    return {
        "name": draft.name,
        "status": draft.status.value,
        "parent": draft.parent,
        "accounts": len(draft.assignments),
        "message": f"{draft.name} is a new draft copied from {name}; edit it on the map.",
        "map_url": f"/map?scenario={q}",
        "editor_url": f"/api/scenarios/{q}/editor",
        "scenario_url": f"/scenarios/{q}",
    }


@api.post("/scenarios/{name}/copy")
def copy_json(uow: Uow, name: str, fields: Fields) -> Response:
    """Copy the scenario to a new draft (``name``: the draft's name, optional)."""
    return json_response(copy(uow, name, fields), status=201)


@pages.post("/scenarios/{name}/copy")
def copy_page(uow: Uow, name: str, fields: Fields) -> RedirectResponse:
    result = copy(uow, name, fields)
    done = quote(str(result["message"]), safe="")
    return RedirectResponse(f"{result['map_url']}&done={done}", status_code=303)
