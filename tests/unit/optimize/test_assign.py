"""Rep assignment: optimality against brute force, pins, rectangles, reasons."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.domain.rep import Rep
from territorial.optimize.assign import (
    AccountTable,
    AssignWeights,
    CapacityRule,
    RepProfile,
    assign_reps,
    cost_matrices,
    haversine_km,
    solve_assignment,
)


def brute_force(cost: np.ndarray, pins: list[tuple[int, int]]) -> float:
    n_r, n_t = cost.shape
    best = np.inf
    if n_r <= n_t:
        for perm in itertools.permutations(range(n_t), n_r):
            pairs = list(enumerate(perm))
            if all(p in pairs for p in pins):
                best = min(best, sum(cost[r, t] for r, t in pairs))
    else:
        for perm in itertools.permutations(range(n_r), n_t):
            pairs = [(r, t) for t, r in enumerate(perm)]
            if all(p in pairs for p in pins):
                best = min(best, sum(cost[r, t] for r, t in pairs))
    return float(best)


INDUSTRIES = ["Healthcare", "Retail", "Energy"]


@st.composite
def problems(draw: st.DrawFn) -> tuple:  # type: ignore[type-arg]
    n_r = draw(st.integers(1, 6))
    n_t = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    reps = [
        RepProfile(
            id=f"R{i}",
            name=f"Rep {i}",
            lat=float(rng.uniform(40, 42)),
            lon=float(rng.uniform(-76, -73)),
            industries=frozenset(x for x in INDUSTRIES if rng.random() < 0.5),
            experience_years=float(rng.integers(0, 10)),
        )
        for i in range(n_r)
    ]
    tids = [f"T{j}" for j in range(n_t)]
    n_a = int(rng.integers(n_t, 4 * n_t + 1))
    owners = [None, *[r.id for r in reps]]
    acc = AccountTable(
        territory=[tids[int(rng.integers(n_t))] for _ in range(n_a)],
        lat=rng.uniform(40, 42, n_a),
        lon=rng.uniform(-76, -73, n_a),
        industry=[INDUSTRIES[int(rng.integers(3))] for _ in range(n_a)],
        potential=rng.uniform(0, 100, n_a),
        revenue=rng.uniform(0, 50, n_a),
        workload=rng.uniform(10, 300, n_a),
        owner=[owners[int(rng.integers(len(owners)))] for _ in range(n_a)],
    )
    n_pins = draw(st.integers(0, min(n_r, n_t, 2)))
    pin_r = rng.choice(n_r, n_pins, replace=False)
    pin_t = rng.choice(n_t, n_pins, replace=False)
    pins = {reps[int(r)].id: tids[int(t)] for r, t in zip(pin_r, pin_t, strict=True)}
    weights = AssignWeights(*(float(x) for x in rng.uniform(0.1, 1, 4)))
    return reps, tids, acc, pins, weights


@settings(max_examples=120, deadline=None)
@given(problems())
def test_assignment_matches_brute_force(problem: tuple) -> None:  # type: ignore[type-arg]
    reps, tids, acc, pins, weights = problem
    res = assign_reps(reps, tids, acc, weights=weights, pins=pins)
    m = cost_matrices(reps, tids, acc, weights)
    ri = {r.id: i for i, r in enumerate(reps)}
    ti = {t: j for j, t in enumerate(tids)}
    pin_idx = [(ri[r], ti[t]) for r, t in pins.items()]
    assert res.total_cost == pytest.approx(brute_force(m.total, pin_idx), abs=1e-9)
    assert len(res.assignments) == min(len(reps), len(tids))
    for r, t in pins.items():
        assert res.territory_of(r) == t
    assert len(res.vacancies) == max(len(tids) - len(reps), 0)
    assert len(res.unassigned_reps) == max(len(reps) - len(tids), 0)
    assert len({a.territory_id for a in res.assignments}) == len(res.assignments)
    for name in ("travel", "fit", "experience", "continuity", "total"):
        arr = getattr(m, name)
        assert np.all(arr >= -1e-12) and np.all(arr <= 1 + 1e-12)


def test_solve_assignment_rectangular_and_pins() -> None:
    c = np.array([[1.0, 9.0, 9.0], [9.0, 1.0, 9.0]])
    assert solve_assignment(c) == [(0, 0), (1, 1)]
    assert solve_assignment(c, [(0, 1)]) == [(0, 1), (1, 0)]
    assert solve_assignment(c.T) == [(0, 0), (1, 1)]
    with pytest.raises(ValueError, match="twice"):
        solve_assignment(c, [(0, 1), (1, 1)])


@pytest.fixture
def small() -> tuple[list[RepProfile], AccountTable]:
    reps = [
        RepProfile("ann", "Ann Lee", 40.0, -75.0, frozenset({"Healthcare"}), 8),
        RepProfile("bob", "Bob Ray", 41.0, -74.0, frozenset({"Retail"}), 1),
        RepProfile("cy", "Cy Li", 40.5, -74.5, frozenset(), 3),
    ]
    acc = AccountTable(
        territory=["t1", "t1", "t2", "t2", "t3"],
        lat=[40.1, 40.0, 41.0, 41.1, 40.5],
        lon=[-75.0, -75.1, -74.0, -74.1, -74.5],
        industry=["Healthcare", "Retail", "Retail", "Healthcare", "Retail"],
        potential=[64, 36, 50, 10, 5],
        revenue=[71, 29, 10, 10, 3],
        workload=[800, 900, 1000, 500, 100],
        owner=["ann", None, "bob", "ann", None],
    )
    return reps, acc


def test_reasons_sentence(small: tuple[list[RepProfile], AccountTable]) -> None:
    reps, acc = small
    res = assign_reps(reps, ["t1", "t2"], acc)
    a = next(x for x in res.assignments if x.rep_id == "ann")
    assert a.territory_id == "t1"
    assert a.reason.startswith("Ann Lee: home ")
    assert "knows Healthcare (64% of potential)" in a.reason
    assert "already owns 71% of its revenue" in a.reason
    assert a.continuity_share == pytest.approx(0.71)
    assert a.missing_industry_share == pytest.approx(0.36)
    assert set(a.components) == {"travel", "fit", "experience", "continuity"}
    assert res.unassigned_reps == ("cy",)
    assert any("Cy Li has no territory" in n for n in res.notes)


def test_vacancies_and_pins(small: tuple[list[RepProfile], AccountTable]) -> None:
    reps, acc = small
    res = assign_reps(reps[:1], ["t1", "t2", "t3"], acc, pins={"ann": "t3"})
    assert res.rep_of("t3") == "ann" and res.assignments[0].pinned
    assert res.vacancies == ("t1", "t2")
    assert "(pinned)" in res.assignments[0].reason


def test_bad_pins(small: tuple[list[RepProfile], AccountTable]) -> None:
    reps, acc = small
    with pytest.raises(ValueError, match="no such territory"):
        assign_reps(reps, ["t1"], acc, pins={"ann": "t9"})
    with pytest.raises(ValueError, match="no such rep"):
        assign_reps(reps, ["t1"], acc, pins={"zed": "t1"})
    with pytest.raises(ValueError, match="both pinned to territory"):
        assign_reps(reps, ["t1", "t2"], acc, pins={"ann": "t1", "bob": "t1"})


def test_capacity_check(small: tuple[list[RepProfile], AccountTable]) -> None:
    reps, acc = small
    res = assign_reps(reps, ["t1", "t2"], acc, capacity=CapacityRule(working_weeks=40))
    a = next(x for x in res.assignments if x.territory_id == "t1")
    assert a.workload_hours == 1700 and a.capacity_hours == 1600
    assert a.over_capacity and a.utilisation == pytest.approx(1700 / 1600)
    assert any("over capacity" in n for n in res.notes)


def test_junior_penalised_in_top_territory() -> None:
    reps = [
        RepProfile("sen", "Senior", 40, -75, experience_years=10),
        RepProfile("jun", "Junior", 40, -75, experience_years=0),
    ]
    acc = AccountTable(
        territory=["big", "small"], lat=[40, 40], lon=[-75, -75], potential=[100, 10]
    )
    m = cost_matrices(reps, ["big", "small"], acc)
    assert m.experience[0].tolist() == [0, 0]
    assert m.experience[1].tolist() == pytest.approx([1.0, 0.1])
    res = assign_reps(reps, ["big", "small"], acc)
    assert res.territory_of("sen") == "big"


def test_experience_not_on_record_is_neither_junior_nor_claimed() -> None:
    acc = AccountTable(
        territory=["big", "small"], lat=[40, 40], lon=[-75, -75], potential=[100, 10]
    )
    unknown = [RepProfile("a", "Ann", 40, -75), RepProfile("b", "Bo", 40, -75)]
    m = cost_matrices(unknown, ["big", "small"], acc)
    assert m.experience.tolist() == [[0, 0], [0, 0]]
    res = assign_reps(unknown, ["big", "small"], acc)
    assert not any("experience for" in a.reason for a in res.assignments)
    assert "No rep has years of experience on record" in " ".join(res.notes)
    # beside a senior and a junior, a rep without years counts as their average
    mixed = [
        RepProfile("sen", "Senior", 40, -75, experience_years=10),
        RepProfile("jun", "Junior", 40, -75, experience_years=0),
        RepProfile("new", "Nobody Knows", 40, -75),
    ]
    m = cost_matrices(mixed, ["big", "small"], acc)
    assert m.experience[2].tolist() == pytest.approx([0.5, 0.05])
    notes = " ".join(assign_reps(mixed, ["big", "small"], acc).notes)
    assert "not on record for Nobody Knows" in notes
    assert (
        RepProfile.from_rep(
            Rep(external_id="r", name="R", home_latitude=1.0, home_longitude=2.0)
        ).experience_years
        is None
    )


def test_travel_is_the_mean_distance_to_the_accounts_whatever_their_workload() -> None:
    """The figure a design prints per rep: a far account with a large workload (its drive
    time) does not count for more."""
    acc = AccountTable(
        territory=["t", "t"], lat=[40.0, 45.0], lon=[-75.0, -75.0], workload=[10.0, 500.0]
    )
    m = cost_matrices([RepProfile("r", "R", 40.0, -75.0)], ["t"], acc)
    far = float(haversine_km(40.0, -75.0, 45.0, -75.0))
    assert m.travel_km[0, 0] == pytest.approx(far / 2)


def test_weights_validation() -> None:
    with pytest.raises(ValueError):
        AssignWeights(0, 0, 0, 0)
    with pytest.raises(ValueError):
        AssignWeights(travel=-1)
    assert sum(AssignWeights(1, 1, 1, 1).normalised().values()) == pytest.approx(1)


def test_haversine_known_distance() -> None:
    # London to Paris ≈ 344 km
    assert float(haversine_km(51.5074, -0.1278, 48.8566, 2.3522)) == pytest.approx(344, abs=2)


def test_from_domain_rep() -> None:
    rep = Rep(
        external_id="r1",
        name="Ann",
        home_latitude=1.0,
        home_longitude=2.0,
        skills=["Healthcare"],
        years_experience=4,
        capacity_hours_per_week=None,
    )
    p = RepProfile.from_rep(rep)
    assert p.industries == {"Healthcare"} and p.hours_per_week == 40
    with pytest.raises(ValueError, match="no home"):
        RepProfile.from_rep(Rep(external_id="r2", name="Bo"))
