"""Territory design: balanced, compact (optionally contiguous) partitions of units.

Pure algorithms, arrays in and a result out (no I/O, no logging configuration)::

    from territorial.optimize.design import DesignProblem, MaxRuntime, solve

    problem = DesignProblem(coords, measures, p=20, tolerances=0.05,
                            adjacency=adj, contiguous=True)
    result = solve(problem, MaxRuntime(30), seed=1)
    result.assignment, result.feasible, result.diameter

* :func:`solve` -- multistart alternating tabu search (MATS-like) for the diameter
  objective, plus a location-allocation style descent for the travel objective.
* :func:`solve_exact` -- HiGHS MIP for small instances (n <= ~200): optimum or bound.

See ``NOTES.md`` in this folder for the measurements behind the design.
"""

from typing import TYPE_CHECKING

from territorial.lazy_exports import lazy_exports

if TYPE_CHECKING:  # each name loads its module on first use (lazy_exports)
    from territorial.optimize.design.exact import ExactResult, solve_exact
    from territorial.optimize.design.problem import DesignParams, DesignProblem
    from territorial.optimize.design.result import DesignResult, Progress
    from territorial.optimize.design.solve import solve
    from territorial.optimize.design.stop import (
        FirstOf,
        MaxIterations,
        MaxRuntime,
        StoppingCriterion,
    )

__all__ = [
    "DesignParams",
    "DesignProblem",
    "DesignResult",
    "ExactResult",
    "FirstOf",
    "MaxIterations",
    "MaxRuntime",
    "Progress",
    "StoppingCriterion",
    "solve",
    "solve_exact",
]

lazy_exports(__name__, __file__)
