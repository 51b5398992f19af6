"""Stopping criteria: small callable objects in the style of PyVRP's ``stop`` module."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@runtime_checkable
class StoppingCriterion(Protocol):
    """Decides, between multistart iterations, whether the search stops.

    ``time_left`` lets the compiled kernels stop inside an iteration; criteria that are
    not time based return ``math.inf`` (this keeps iteration-bounded runs deterministic).
    """

    def __call__(self, iteration: int, elapsed: float) -> bool: ...

    def time_left(self, elapsed: float) -> float: ...


@dataclass(frozen=True)
class MaxRuntime:
    """Stop once ``seconds`` of wall time have passed (the best plan so far is returned)."""

    seconds: float

    def __post_init__(self) -> None:
        if not (self.seconds >= 0 and math.isfinite(self.seconds)):
            raise ValueError(
                f"MaxRuntime: seconds must be a finite number >= 0, got {self.seconds!r}"
            )

    def __call__(self, iteration: int, elapsed: float) -> bool:
        return elapsed >= self.seconds

    def time_left(self, elapsed: float) -> float:
        return max(0.0, self.seconds - elapsed)


@dataclass(frozen=True)
class MaxIterations:
    """Stop after ``iterations`` multistart iterations (deterministic given the seed)."""

    iterations: int

    def __post_init__(self) -> None:
        if (
            isinstance(self.iterations, bool)
            or not isinstance(self.iterations, int)
            or self.iterations < 1
        ):
            raise ValueError(
                f"MaxIterations: iterations must be an int >= 1, got {self.iterations!r}"
            )

    def __call__(self, iteration: int, elapsed: float) -> bool:
        return iteration >= self.iterations

    def time_left(self, elapsed: float) -> float:
        return math.inf


class FirstOf:
    """Stop as soon as any of the given criteria says so."""

    def __init__(self, *criteria: StoppingCriterion) -> None:
        if not criteria:
            raise ValueError("FirstOf: give at least one stopping criterion")
        self.criteria = criteria

    def __call__(self, iteration: int, elapsed: float) -> bool:
        return any(c(iteration, elapsed) for c in self.criteria)

    def time_left(self, elapsed: float) -> float:
        return min(c.time_left(elapsed) for c in self.criteria)
