"""The scenario editor's JSON API: the editor state, moves, locks, undo and redo.

``GET /api/scenarios/{name}/editor`` gives the balance table, travel, locks and the
editor ``version``; the POSTs take a form or a JSON object (``accounts`` a list, or ids
separated by commas or newlines; ``expect_version`` optional) and answer with the new
balance. Refusals: 404 unknown scenario, 409 not a draft, locked accounts or a stale
``expect_version``, 400 anything else; nothing is changed by a refused edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import Response

from territorial.domain import TerritorialError
from territorial.services import editing
from territorial.services.region import NotVisible
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, NotFound, WebError, worded
from territorial.web.forms import Fields
from territorial.web.rendering import json_response

router = APIRouter(prefix="/api", tags=["editor"])
T = TypeVar("T")


def call(action: Callable[[], T]) -> T:
    """Run a service call, its errors as web errors (404, 409 or 400)."""
    try:
        return action()
    except (editing.UnknownScenario, NotVisible) as exc:
        raise NotFound(worded(exc)) from None
    except (editing.EditRefused, editing.EditConflict) as exc:
        raise WebError(409, str(exc)) from None
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None


def account_list(fields: dict[str, str]) -> list[str]:
    """The ``accounts`` field: ids separated by newlines or commas."""
    return [a for a in (p.strip() for p in re.split(r"[\n,]", fields.get("accounts", ""))) if a]


def version_of(fields: dict[str, str]) -> int | None:
    text = fields.get("expect_version", "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise BadRequest(f"expect_version: {text!r} is not a whole number") from None


def flag(fields: dict[str, str], name: str, default: bool) -> bool:
    text = fields.get(name, "").strip().lower()
    if not text:
        return default
    if text in ("1", "true", "on", "yes", "lock", "locked"):
        return True
    if text in ("0", "false", "off", "no", "unlock", "unlocked"):
        return False
    raise BadRequest(f"{name}: expected true or false, got {text!r}")


def do_move(uow: Uow, name: str, fields: dict[str, str]) -> dict[str, Any]:
    territory = fields.get("territory", "").strip()
    if not territory:
        raise BadRequest("territory: choose the territory to move the accounts to")
    return call(
        lambda: editing.move(uow, name, account_list(fields), territory, version_of(fields))
    )


def do_lock(uow: Uow, name: str, fields: dict[str, str]) -> dict[str, Any]:
    return call(
        lambda: editing.set_locked(
            uow, name, account_list(fields), flag(fields, "locked", True), version_of(fields)
        )
    )


def do_step(uow: Uow, name: str, fields: dict[str, str], undo: bool) -> dict[str, Any]:
    step = editing.undo if undo else editing.redo
    return call(lambda: step(uow, name, version_of(fields)))


@router.get("/scenarios/{name}/editor")
def editor_state(uow: Uow, name: str) -> Response:
    """Balance (every measure, deviation, within tolerance), travel per territory,
    locks, version, undo/redo counts, and whether the scenario can be edited."""
    return json_response(call(lambda: editing.editor_state(uow, name)))


@router.post("/scenarios/{name}/moves")
def moves(uow: Uow, name: str, fields: Fields) -> Response:
    """Move ``accounts`` to ``territory``; the new balance and what changed."""
    return json_response(do_move(uow, name, fields))


@router.post("/scenarios/{name}/locks")
def locks(uow: Uow, name: str, fields: Fields) -> Response:
    """Lock (``locked`` true, the default) or unlock ``accounts``."""
    return json_response(do_lock(uow, name, fields))


@router.post("/scenarios/{name}/undo")
def undo(uow: Uow, name: str, fields: Fields) -> Response:
    """Undo the newest edit still in force."""
    return json_response(do_step(uow, name, fields, True))


@router.post("/scenarios/{name}/redo")
def redo(uow: Uow, name: str, fields: Fields) -> Response:
    """Redo the edit undone last."""
    return json_response(do_step(uow, name, fields, False))
