"""Numeric options checked when they are parsed: finite, and within their range.

``--speed -1`` or ``--tolerance nan`` end in Typer's usage error naming the option
(exit code 2) before any work starts, never in a traceback from deep inside.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

import typer

Check = Callable[[typer.CallbackParam, float | None], float | None]


def _fmt(x: float) -> str:
    return f"{x:g}"


def number(
    *, above: float | None = None, at_least: float | None = None, at_most: float | None = None
) -> Check:
    """A callback accepting finite numbers ``> above``, ``>= at_least``, ``<= at_most``."""
    rules = []
    if above is not None:
        rules.append(f"above {_fmt(above)}")
    if at_least is not None:
        rules.append(f"at least {_fmt(at_least)}")
    if at_most is not None:
        rules.append(f"at most {_fmt(at_most)}")
    wanted = "a finite number" + (f" {' and '.join(rules)}" if rules else "")

    def check(param: typer.CallbackParam, value: float | None) -> float | None:
        if value is None:
            return None
        ok = math.isfinite(value)
        ok = ok and (above is None or value > above)
        ok = ok and (at_least is None or value >= at_least)
        ok = ok and (at_most is None or value <= at_most)
        if not ok:
            raise typer.BadParameter(f"must be {wanted}, not {value!r}")
        return value

    return check


def count(*, at_least: int = 0) -> Callable[[typer.CallbackParam, int | None], int | None]:
    """A callback accepting whole numbers ``>= at_least``."""

    def check(param: typer.CallbackParam, value: int | None) -> int | None:
        if value is not None and value < at_least:
            raise typer.BadParameter(f"must be at least {at_least}, not {value}")
        return value

    return check


Detour = Annotated[
    float, typer.Option(help="Road distance / great-circle.", callback=number(at_least=1.0))
]
Speed = Annotated[
    float, typer.Option(help="Average travel speed, km/h.", callback=number(above=0.0))
]
