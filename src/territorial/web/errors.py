"""Errors a page or its JSON twin reports: an HTTP status and a one-line reason."""

from __future__ import annotations


class WebError(Exception):
    """A user-facing error: shown as a friendly page, or ``{"error": reason}`` under /api."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class NotFound(WebError):
    """Something named in the request (a scenario, a page) does not exist: HTTP 404."""

    def __init__(self, reason: str) -> None:
        super().__init__(404, reason)


class BadRequest(WebError):
    """The request cannot be answered from this workspace (e.g. it is empty): HTTP 400."""

    def __init__(self, reason: str) -> None:
        super().__init__(400, reason)
