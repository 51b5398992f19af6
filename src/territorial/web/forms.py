"""Reading a POST body as flat text fields: an HTML form or a JSON object."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Depends, Request

from territorial.web.errors import BadRequest

CSRF_FIELD = "csrf_token"  # checked by web/auth.py before any endpoint; not a field
MAX_BODY = 1_000_000  # bytes; a plan or a quota form is far smaller


async def read_fields(request: Request) -> dict[str, str]:
    """The body's fields as strings (lists of lines joined by newlines); 400 if unreadable."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > MAX_BODY:
        raise BadRequest(f"request body too large ({len(body):,} bytes; at most {MAX_BODY:,})")
    if kind == "application/json":
        try:
            data = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadRequest(f"body is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise BadRequest("body must be a JSON object of fields")
        out: dict[str, str] = {}
        for key, value in data.items():
            if value is None:
                continue
            if isinstance(value, list):
                out[str(key)] = "\n".join(str(v) for v in value)
            elif isinstance(value, dict):
                out[str(key)] = ",".join(f"{k}={v}" for k, v in value.items())
            else:
                out[str(key)] = str(value)
        out.pop(CSRF_FIELD, None)
        return out
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
    raise BadRequest(f"unsupported content type {kind!r}: send a form or a JSON object")


Fields = Annotated[dict[str, str], Depends(read_fields)]
