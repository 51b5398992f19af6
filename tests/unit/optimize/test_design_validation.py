"""Bad parameters and obviously infeasible instances raise ValueError with a clear message."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from design_helpers import random_instance

from territorial.optimize.design import (
    DesignParams,
    DesignProblem,
    FirstOf,
    MaxIterations,
    MaxRuntime,
    solve,
)

XY = np.random.default_rng(0).random((10, 2))
W = np.ones((10, 2))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"coords": np.zeros((10, 3))}, "coords"),
        ({"coords": np.full((10, 2), np.nan)}, "coords"),
        ({"measures": -np.ones((10, 2))}, "measures"),
        ({"measures": np.ones((9, 2))}, "measures"),
        ({"measures": np.zeros((10, 2))}, "positive total"),
        ({"p": 0}, "p must"),
        ({"p": 11}, "exceed"),
        ({"tolerances": [0.1, -0.1]}, "tolerances"),
        ({"tolerances": [0.1, 0.1, 0.1]}, "tolerances"),
        ({"targets": np.full((2, 2), 0.3)}, "sum to 1"),
        ({"targets": np.ones((3, 2))}, "targets"),
        ({"contiguous": True}, "adjacency"),
        ({"adjacency": sp.eye(9, format="csr")}, "adjacency"),
        ({"adjacency": sp.csr_matrix(np.triu(np.ones((10, 10)), 1))}, "symmetric"),
        ({"objective": "area"}, "objective"),
        ({"locks": np.full(10, 2)}, "locks"),
        ({"locks": np.full(10, -2)}, "locks"),
        ({"fixed_centres": np.zeros((3, 2))}, "fixed_centres"),
        ({"min_units": 6, "max_units": 5}, "min_units"),
        ({"current": np.full(10, 5)}, "current"),
        ({"max_moves": 3}, "max_moves needs"),
        ({"current": np.zeros(10, dtype=int), "max_moves": -1}, "max_moves"),
        ({"move_weights": -np.ones(10)}, "move_weights"),
        ({"travel_weight": "nope"}, "travel_weight"),
        ({"travel_weight": 5}, "travel_weight"),
        ({"measure_names": ("a",)}, "measure_names"),
    ],
)
def test_problem_rejects_bad_input(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"coords": XY, "measures": W, "p": 2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        DesignProblem(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tenure_factor": -1},
        {"max_no_improve": 0},
        {"alternations": 0},
        {"alpha": -0.1},
        {"knn": 0},
        {"bound_time_limit": -1.0},
        {"repair_no_improve": 0},
        {"screen_quantile": 0.0},
        {"screen_quantile": 1.5},
        {"screen_warmup": -1},
    ],
)
def test_params_reject_bad_values(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        DesignParams(**kwargs)  # type: ignore[arg-type]


def test_stop_criteria_validate() -> None:
    with pytest.raises(ValueError, match="seconds"):
        MaxRuntime(-1)
    with pytest.raises(ValueError, match="iterations"):
        MaxIterations(0)
    with pytest.raises(ValueError, match="criterion"):
        FirstOf()
    stop = FirstOf(MaxIterations(3), MaxRuntime(100))
    assert stop(3, 0.0) and not stop(1, 1.0)


def test_solve_rejects_bad_arguments() -> None:
    pb = DesignProblem(XY, W, p=2)
    with pytest.raises(ValueError, match="stop"):
        solve(pb, 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seed"):
        solve(pb, MaxIterations(1), seed=-1)


def test_infeasible_heavy_unit() -> None:
    w = np.ones((10, 2))
    w[3, 1] = 100.0  # the second measure: 100 of 109, a territory's share at +5% is 57.2
    pb = DesignProblem(XY, w, p=2, tolerances=0.05, measure_names=("accounts", "revenue"))
    with pytest.raises(ValueError, match="unit 3 alone") as e:
        solve(pb, MaxIterations(1))
    assert "(revenue 100, a territory at most 57.2)" in str(e.value)


def test_infeasible_components() -> None:
    adj = sp.csr_matrix((10, 10), dtype=np.int8)  # 10 isolated units
    pb = DesignProblem(XY, W, p=2, adjacency=adj, contiguous=True)
    with pytest.raises(ValueError, match="components"):
        solve(pb, MaxIterations(1))


def test_locks_beyond_move_cap() -> None:
    cur = np.zeros(10, dtype=np.int64)
    cur[5:] = 1
    locks = np.full(10, -1)
    locks[:3] = 1  # three forced moves
    pb = DesignProblem(XY, W, p=2, current=cur, max_moves=2, locks=locks)
    with pytest.raises(ValueError, match="move cap"):
        solve(pb, MaxIterations(1))


def test_unit_bounds_impossible() -> None:
    pb = DesignProblem(XY, W, p=2, max_units=4)
    with pytest.raises(ValueError, match="max_units"):
        solve(pb, MaxIterations(1))


def test_locks_in_different_components() -> None:
    pb0 = random_instance(1, n=20, p=2)
    adj = sp.csr_matrix(pb0.adjacency).tolil()
    adj[:, :] = 0
    adj[0, 1] = adj[1, 0] = 1
    locks = np.full(20, -1)
    locks[0] = 0
    locks[5] = 0
    pb = DesignProblem(
        pb0.coords,
        pb0.measures,
        p=19,
        tolerances=1.0,
        adjacency=adj.tocsr(),
        contiguous=True,
        locks=locks,
    )
    with pytest.raises(ValueError, match=r"locks|components"):
        solve(pb, MaxIterations(1))
