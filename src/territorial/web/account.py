"""One account's page and its JSON twin (a manager limited to a region: only theirs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from territorial.services.region import NoSuchAccount, account_detail
from territorial.web.deps import Uow
from territorial.web.errors import NotFound, worded
from territorial.web.rendering import json_response, render

router = APIRouter()


def _account(uow: Uow, external_id: str) -> dict[str, Any]:
    try:
        return account_detail(uow, external_id)
    except NoSuchAccount as exc:
        raise NotFound(worded(exc)) from None


@router.get("/api/accounts/{external_id}")
def account_json(uow: Uow, external_id: str) -> Response:
    """One account with its territory in the active alignment (404: none, or outside
    the manager's region)."""
    return json_response(_account(uow, external_id))


@router.get("/accounts/{external_id}", response_class=HTMLResponse, include_in_schema=False)
def account_page(request: Request, uow: Uow, external_id: str) -> HTMLResponse:
    account = _account(uow, external_id)
    return render(
        request,
        "account.html",
        {"account": account, "json_url": f"/api/accounts/{external_id}"},
    )
