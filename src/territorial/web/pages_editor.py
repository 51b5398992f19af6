"""The scenario editor's form posts (the map page holds the editor; ``editor.js`` uses
the JSON API). Without scripts, or from a test, a form post edits and returns to the
map with a one-line message; a refusal shows the error page with the reason."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from territorial.web import api_editor as ed
from territorial.web.deps import Uow
from territorial.web.forms import Fields

router = APIRouter(include_in_schema=False)


def _back(name: str, result: dict[str, object]) -> RedirectResponse:
    done = quote(str(result.get("message", "")), safe="")
    return RedirectResponse(f"/map?scenario={quote(name, safe='')}&done={done}", status_code=303)


@router.post("/scenarios/{name}/moves")
def moves(uow: Uow, name: str, fields: Fields) -> RedirectResponse:
    return _back(name, ed.do_move(uow, name, fields))


@router.post("/scenarios/{name}/locks")
def locks(uow: Uow, name: str, fields: Fields) -> RedirectResponse:
    return _back(name, ed.do_lock(uow, name, fields))


@router.post("/scenarios/{name}/undo")
def undo(uow: Uow, name: str, fields: Fields) -> RedirectResponse:
    return _back(name, ed.do_step(uow, name, fields, True))


@router.post("/scenarios/{name}/redo")
def redo(uow: Uow, name: str, fields: Fields) -> RedirectResponse:
    return _back(name, ed.do_step(uow, name, fields, False))
