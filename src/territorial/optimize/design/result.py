"""Result and progress records returned by :func:`territorial.optimize.design.solve`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Progress:
    """Summary of the best plan so far, passed to the ``progress`` callback."""

    iteration: int
    runtime: float
    balance_excess: float
    objective: float
    feasible: bool


@dataclass(frozen=True, eq=False)
class DesignResult:
    """A territory plan and its figures.

    Attributes
    ----------
    assignment : (n,) int array, territory 0..p-1 of every unit.
    feasible : every measure within tolerance, contiguity (when asked), unit-count
        bounds and move cap honoured.
    balance_excess : B(S) = sum over territories and measures of
        max(0, |load - target| / target - tolerance).
    max_deviation : (m,) max over territories of |load - target| / target.
    diameter : largest within-territory Euclidean distance.
    travel : sum of weight x distance to the territory centre (fixed centre, or the
        weighted mean of the territory).
    disconnected : territories whose units do not induce a connected subgraph of the
        adjacency (empty when no adjacency was given).
    moves, moved_weight : units (and their move weight) assigned differently from
        ``current`` (0 when no current plan was given).
    lower_bound, gap : bound on the objective and the relative gap
        (objective - bound) / objective; None when not computed.  Diameter: from the
        exact model (small designs).  Travel: the LP relaxation of the balanced
        assignment to the plan's centres (a bound over every plan when the centres are
        all fixed, e.g. rep homes; with free centres, over plans using these centres).
    bound_scope : "contiguous" when ``lower_bound`` is the LP with separator cuts: it
        holds for contiguous plans in which each territory keeps its root unit (the
        unit of its centre), as the engine's contiguous plans do.
    centres : (p, 2) the territories' centres in the problem's coordinates (travel).
    note : why no feasible plan exists, when the engine proved it (e.g. the least
        tolerance the LP relaxation can meet); None otherwise.
    """

    assignment: np.ndarray
    feasible: bool
    balance_excess: float
    max_deviation: np.ndarray
    diameter: float
    travel: float
    disconnected: tuple[int, ...]
    moves: int
    moved_weight: float
    runtime: float
    iterations: int
    objective: str
    lower_bound: float | None = None
    gap: float | None = None
    centres: np.ndarray | None = None
    note: str | None = None
    bound_scope: str | None = None  # "contiguous": holds for contiguous plans keeping roots

    @property
    def objective_value(self) -> float:
        return self.diameter if self.objective == "diameter" else self.travel
