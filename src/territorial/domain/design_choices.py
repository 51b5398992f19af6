"""The closed choices of a design: its units, its objective and where travel is centred.

String enums, so a choice compares equal to its text ("zip"), is stored and sent as
JSON as that text, and the CLI and the web offer exactly these values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from territorial.domain.errors import OptionError

C = TypeVar("C", bound=StrEnum)


class UnitKind(StrEnum):
    """What a design assigns to territories: accounts, or whole ZIP codes or counties."""

    ACCOUNT = "account"
    ZIP = "zip"
    COUNTY = "county"


class Objective(StrEnum):
    """What a balanced design makes small: travel to the centre, or territory diameter."""

    TRAVEL = "travel"
    DIAMETER = "diameter"


class CentresRule(StrEnum):
    """Where travel territories are centred.

    ``auto``: each kept territory at its rep's home where the rep has one, the others
    placed freely; ``reps``: every territory at its rep's home (each must have one);
    ``free``: the engine places every centre.
    """

    AUTO = "auto"
    REPS = "reps"
    FREE = "free"


def choices(kind: type[StrEnum]) -> list[str]:
    """The values of a choice, in order (for forms and messages)."""
    return [member.value for member in kind]


def choice(kind: type[C], value: str, option: str) -> C:
    """``value`` as a member of ``kind``; an :class:`OptionError` naming ``option`` if none."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(choices(kind))
        raise OptionError(option, f"one of {allowed}, not {value!r}") from None
