"""Dates in query and form parameters."""

from __future__ import annotations

from datetime import date

from territorial.web.errors import BadRequest

__all__ = ["parse_day"]


def parse_day(value: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` (empty: None), else a 400 naming ``what``."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None
