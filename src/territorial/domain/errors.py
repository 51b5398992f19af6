"""Errors a user can act on: they carry a one-line reason, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class TerritorialError(Exception):
    """A problem the user can fix (bad input, unknown scenario, ...)."""


class OptionError(TerritorialError):
    """A refusal tied to one option of a request, said in the domain's words.

    ``option`` is the request's field (``"force"``, ``"max_moves"``); ``reason`` says what
    is wrong without naming how a front end spells the option. Without ``remedy`` the
    option's value is at fault; with one, giving the option is the way out (``remedy`` is
    what it then does: ``"publish anyway"``). The CLI names the option as its flag, the
    web as its form field (:meth:`worded`); ``str()`` is a neutral wording.
    """

    def __init__(self, option: str, reason: str, remedy: str | None = None) -> None:
        self.option = option
        self.reason = reason
        self.remedy = remedy
        plain = option.replace("_", " ")
        super().__init__(
            self.worded(lambda _: f"the {plain} option")
            if remedy is not None
            else self.worded(lambda _: plain)
        )

    def worded(self, name: Callable[[str], str], use: str = "use") -> str:
        """The message with the option named by ``name``; ``use`` is the verb of a remedy."""
        if self.remedy is None:
            return f"{name(self.option)}: {self.reason}"
        return f"{self.reason}; {use} {name(self.option)} to {self.remedy}"


class MissingStep(TerritorialError):
    """A refusal because an earlier step of the cycle was not done (``step``: e.g. ``"quotas"``).

    The CLI points to its command, the web to its page.
    """

    def __init__(self, reason: str, step: str) -> None:
        self.reason = reason
        self.step = step
        super().__init__(f"{reason}; set the {step} first")


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

    def __init__(self, problems: list[Problem], hint: str | None = None) -> None:
        self.problems = problems
        self.hint = hint  # what the user can do about them, beyond fixing each row
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}" if first else "input rejected")


class NotPermitted(TerritorialError):
    """The acting user's role does not allow this action."""
