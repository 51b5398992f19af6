"""Independent starts of a design: the same design run with several seeds, the best plan
kept. Each start is a whole run of the engine with its own seed, so the starts can run
anywhere (one after another here, or as queue jobs on several workers, see
:mod:`territorial.services.jobs`) and the plan kept is the same: the best by
:func:`rank`, the lowest seed among equals."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from territorial.optimize.design import Progress
from territorial.services.design import (
    DesignRequest,
    SegmentResult,
    SegmentRunner,
    SegmentTask,
    plan_segment,
)
from territorial.services.unit_of_work import UnitOfWorkProtocol

Part = tuple[dict[str, str], SegmentResult]


def seeds(request: DesignRequest) -> list[int]:
    """The seeds of ``request``'s starts, in order."""
    return [request.seed + i for i in range(request.starts)]


def with_seed(request: DesignRequest, seed: int) -> DesignRequest:
    """``request`` as one start of seed ``seed``."""
    return dataclasses.replace(request, seed=seed, starts=1)


def rank(request: DesignRequest, figures: SegmentResult) -> tuple[float, float, float, float]:
    """How good a start's plan is, lower first, as the engine ranks plans: territories in
    pieces, then outside the tolerances (how far), then the objective."""
    excess = sum(abs(deviation) for _, _, deviation in figures.misses)
    objective = figures.travel if request.objective == "travel" else figures.diameter_km
    return (float(len(figures.disconnected)), 0.0 if figures.feasible else 1.0, excess, objective)


def best(request: DesignRequest, tried: list[Part]) -> Part:
    """The best of the starts ``tried`` (in seed order): the first of the lowest rank."""
    return min(tried, key=lambda part: rank(request, part[1]))  # min keeps the first


def local_starts(
    uow: UnitOfWorkProtocol,
    request: DesignRequest,
    progress: Callable[[Progress], None] | None = None,
) -> SegmentRunner:
    """Run every start of every segment in this process, one after another."""

    def run(tasks: list[SegmentTask]) -> list[Part]:
        return [
            best(
                request,
                [
                    plan_segment(uow, with_seed(request, seed), task, progress)
                    for seed in seeds(request)
                ],
            )
            for task in tasks
        ]

    return run
