"""Territory design: balanced, compact (optionally contiguous) partitions of units.

Pure algorithms, arrays in and a result out::

    from territorial.optimize.design import DesignProblem, MaxRuntime, solve
    result = solve(DesignProblem(coords, measures, p=20, tolerances=0.05), MaxRuntime(10))
"""

from territorial.optimize.design.problem import DesignParams, DesignProblem
from territorial.optimize.design.result import DesignResult, Progress
from territorial.optimize.design.solve import solve
from territorial.optimize.design.stop import FirstOf, MaxIterations, MaxRuntime, StoppingCriterion

__all__ = [
    "DesignParams",
    "DesignProblem",
    "DesignResult",
    "FirstOf",
    "MaxIterations",
    "MaxRuntime",
    "Progress",
    "StoppingCriterion",
    "solve",
]
