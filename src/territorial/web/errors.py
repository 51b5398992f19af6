"""Errors a page or its JSON twin reports: an HTTP status and a one-line reason."""

from __future__ import annotations

from territorial.domain.errors import MissingStep, OptionError


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


# how the web's forms name a request field a service error concerns
FIELDS = {
    "force": "the force box",
    "replace": "the replace box",
    "reset": "the reset box",
    "effective": "the effective date",
    "max_moves": "the move cap",
    "time_limit": "the time limit",
    "base": "the scenario",
}
BOXES = ("force", "replace", "reset")  # ticked, not typed
CLI_ONLY = ("users", "reset")  # options the web has no field for
# where the web does a step of the cycle a service found missing
STEPS = {"quotas": "the Quotas page"}


def field(option: str) -> str:
    """The form's name for a request field: ``max_moves`` -> ``the move cap``."""
    return FIELDS.get(option, option.replace("_", " "))


def worded(exc: BaseException) -> str:
    """A service error as a page says it: options as form fields, steps as pages."""
    if isinstance(exc, OptionError):
        if exc.remedy is not None and exc.option in CLI_ONLY:
            return f"{exc.reason}; to {exc.remedy}, use the command line"
        return exc.worded(field, "tick" if exc.option in BOXES else "give")
    if isinstance(exc, MissingStep):
        page = STEPS.get(exc.step)
        return f"{exc.reason}; set them first on {page}" if page else str(exc)
    return str(exc)
