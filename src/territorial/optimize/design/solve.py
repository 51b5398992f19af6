"""``solve``: the design engine's entry point (travel or diameter objective)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from territorial.optimize.design.checks import check_feasible
from territorial.optimize.design.feasibility import PROOF_SECONDS, move_cap_note
from territorial.optimize.design.problem import DesignParams, DesignProblem
from territorial.optimize.design.result import DesignResult, Progress
from territorial.optimize.design.search import search
from territorial.optimize.design.stop import StoppingCriterion
from territorial.optimize.design.travel import solve_travel


def solve(
    problem: DesignProblem,
    stop: StoppingCriterion,
    seed: int = 0,
    params: DesignParams | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> DesignResult:
    """Design ``problem.p`` territories; returns the best plan found.

    The travel objective goes to :func:`~territorial.optimize.design.travel.solve_travel`
    (location-allocation with an LP bound); the diameter objective to :func:`search`:
    each multistart iteration seeds territories by greedy p-dispersion over a random
    sample, grows them (lightest territory first, least diameter growth), then, when
    the growth's diameter is within the best ``params.screen_quantile`` of the growths
    so far, alternates the diameter and balance tabu searches.  With a ``current`` plan the
    first start is that plan (and every start when a move cap is set).  Plans are
    ranked by (disconnected territories, balance excess B(S), objective).  At least one
    iteration runs; with ``MaxRuntime`` the kernels also stop inside an iteration.
    Same ``seed`` and a non-time stop give the same plan.
    """
    if not isinstance(problem, DesignProblem):
        raise ValueError("problem must be a DesignProblem")
    if not isinstance(stop, StoppingCriterion):
        raise ValueError("stop must be a stopping criterion (e.g. MaxRuntime(10))")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    params = params or DesignParams()
    check_feasible(problem)
    if problem.objective == "travel":
        return solve_travel(problem, stop, seed, progress)
    found = search(problem, stop, seed, params, progress)
    if not found.feasible and found.note is None:  # a cap too tight is proven, not timed out
        note = move_cap_note(problem, PROOF_SECONDS)
        if note is not None:
            return replace(found, note=note)
    return found
