"""Errors a user can act on: they carry a one-line reason, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


class TerritorialError(Exception):
    """A problem the user can fix (bad input, unknown scenario, ...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located as a spreadsheet shows it.

    ``row`` counts the header as row 1 (``None`` for file-level problems).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        if self.value not in (None, ""):
            where += f" (value {self.value!r})"
        return f"{where}: {self.message}"


class InputRejected(TerritorialError):
    """An input file was rejected as a whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}" if first else "input rejected")


class NotPermitted(TerritorialError):
    """The acting user's role does not allow this action."""
