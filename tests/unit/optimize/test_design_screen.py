"""The growth screen of the diameter search: only promising growths are searched."""

from __future__ import annotations

import math

import numpy as np
from design_helpers import random_instance, territories_connected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design import DesignParams, MaxIterations, solve
from territorial.optimize.design.evaluate import evaluate
from territorial.optimize.design.kernels.state import objective_value, total_excess
from territorial.optimize.design.search import kernel

FAST = DesignParams(max_no_improve=50, alternations=3, repair_no_improve=200)
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GROWTH = np.full(1, -1, dtype=np.int32)


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(15, 60), p=st.integers(2, 6))
def test_a_growth_over_the_screen_is_left_as_grown(seed: int, n: int, p: int) -> None:
    pb = random_instance(seed, n=n, p=p, tol=0.05)
    k = kernel(pb, FAST, seed)
    grown = k.start(GROWTH, math.inf, seed, -1.0)  # every diameter is over -1
    assert grown == objective_value(k.state)  # the plan is the growth itself
    grown_excess = total_excess(k.state)
    again = k.start(GROWTH, math.inf, seed, math.inf)  # same draw, searched this time
    assert again == grown  # the screen does not change the growth
    searched = (total_excess(k.state), objective_value(k.state))
    # the search ends at the best plan it visited, the growth included
    assert searched[0] < grown_excess - 1e-9 or (
        searched[0] <= grown_excess + 1e-9 and searched[1] <= grown + 1e-9
    )


@SETTINGS
@given(seed=st.integers(0, 10_000), quantile=st.floats(0.01, 1.0), warmup=st.integers(0, 2))
def test_screened_search_counts_searched_starts_and_repeats(
    seed: int, quantile: float, warmup: int
) -> None:
    pb = random_instance(seed, n=50, p=4, tol=0.1)
    params = DesignParams(
        max_no_improve=50,
        alternations=3,
        repair_no_improve=200,
        screen_quantile=quantile,
        screen_warmup=warmup,
    )
    r1 = solve(pb, MaxIterations(4), seed=seed, params=params)
    r2 = solve(pb, MaxIterations(4), seed=seed, params=params)
    assert r1.iterations == 4  # screened growths are not iterations
    assert np.array_equal(r1.assignment, r2.assignment)
    assert territories_connected(pb, r1.assignment)
    assert evaluate(pb, r1.assignment).diameter == r1.diameter
