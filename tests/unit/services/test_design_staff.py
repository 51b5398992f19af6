"""Designs with one territory per rep with a home when that is not the base's count: new
hires get a territory around their home, territories of reps without a home are dropped.
The engine is the real one; no database is opened (an in-memory unit of work)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from territorial.domain import Account, OptionError, Rep, Scenario, TerritorialError
from territorial.geo.geodesy import haversine_km
from territorial.sample.generate import generate_workspace
from territorial.services.design import DesignOutcome, DesignRequest, design_scenario

Workspace = tuple[list[Account], list[Rep], Scenario]
TOL = 0.1


def request(name: str, territories: int, **options: Any) -> DesignRequest:
    return DesignRequest(
        name=name,
        territories=territories,
        **{"time_limit": 20.0, "iterations": 2, "seed": 1, "tolerance": TOL, **options},
    )


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    ws = generate_workspace(seed=11, n_accounts=300, n_reps=4, months=1)
    return ws.accounts, ws.reps, ws.scenario


def hire(near: Account) -> Rep:
    """A new rep living next to ``near`` (an account), with no territory yet."""
    assert near.latitude is not None and near.longitude is not None
    return Rep(
        "NEW-1",
        "Nina Hale",
        home_city="Newtown",
        home_latitude=near.latitude + 0.01,
        home_longitude=near.longitude,
    )


def rep_home_km(accounts: list[Account], reps: list[Rep], plan: Scenario) -> float:
    """Mean great-circle km from each account to its territory's rep's home."""
    home = {r.external_id: (r.home_latitude, r.home_longitude) for r in reps}
    rep_of = {t.name: t.rep_external_id for t in plan.territories}
    km = [
        float(haversine_km(a.latitude, a.longitude, *home[rep_of[plan.assignments[a.external_id]]]))
        for a in accounts
        if a.is_located
    ]
    return float(np.mean(km))


def balanced(outcome: DesignOutcome) -> bool:
    return all(abs(d) <= TOL + 1e-9 for d in outcome.segments[0].max_deviation.values())


def test_a_new_hire_gets_a_territory_around_their_home(workspace: Workspace) -> None:
    accounts, reps, base = workspace
    # the new rep lives by the account farthest from every current rep's home
    far = max(
        (a for a in accounts if a.is_located),
        key=lambda a: min(
            float(haversine_km(a.latitude, a.longitude, r.home_latitude, r.home_longitude))
            for r in reps
        ),
    )
    new = hire(far)
    uow = FakeUnitOfWork(accounts, [*reps, new], [base])
    outcome = design_scenario(uow, request("Hire", 5))
    plan = uow.committed.scenarios["Hire"]

    leaves = {t.name: t for t in plan.territories if t.name in plan.assignments.values()}
    assert len(leaves) == 5
    # every base territory keeps its name and rep; the hire's is named after their town,
    # sits in the region of the nearest rep's territory and holds the account by their home
    for t in base.territories:
        if t.name in base.assignments.values():
            assert leaves[t.name].rep_external_id == t.rep_external_id
    assert leaves["Newtown"].rep_external_id == "NEW-1"
    nearest = min(
        (t for t in base.territories if t.rep_external_id),
        key=lambda t: float(
            haversine_km(
                new.home_latitude,
                new.home_longitude,
                *next(
                    (r.home_latitude, r.home_longitude)
                    for r in reps
                    if r.external_id == t.rep_external_id
                ),
            )
        ),
    )
    assert leaves["Newtown"].parent == nearest.parent is not None
    assert plan.assignments[far.external_id] == "Newtown"

    figures = outcome.segments[0]
    assert figures.centres == "rep homes" and balanced(outcome)
    # the reported travel is to the reps' homes, and within the reported bound's reach
    assert figures.mean_distance_km == pytest.approx(
        rep_home_km(accounts, [*reps, new], plan), rel=1e-3
    )
    assert figures.bound_km is not None and figures.bound_km <= figures.mean_distance_km
    # moves are counted against the kept names: most accounts stay
    assert 0 < outcome.moved_accounts < len(plan.assignments) / 2
    assert any("Newtown (Nina Hale)" in note for note in outcome.notes)


def test_a_move_cap_holds_when_a_rep_is_hired(workspace: Workspace) -> None:
    accounts, reps, base = workspace
    uow = FakeUnitOfWork(accounts, [*reps, hire(accounts[0])], [base])
    outcome = design_scenario(uow, request("Capped", 5, max_moves=0.3))
    assert outcome.moved_accounts <= 0.3 * len(accounts) + 1e-9
    assert outcome.moved_accounts > 0  # the hire's territory takes accounts


def test_a_territory_whose_rep_has_no_home_is_dropped(workspace: Workspace) -> None:
    accounts, reps, base = workspace
    homeless = replace(reps[0], home_latitude=None, home_longitude=None)
    dropped = next(t.name for t in base.territories if t.rep_external_id == homeless.external_id)
    uow = FakeUnitOfWork(accounts, [homeless, *reps[1:]], [base])
    outcome = design_scenario(uow, request("Three", 3))
    plan = uow.committed.scenarios["Three"]
    assert dropped not in plan.assignments.values()
    assert dropped not in {t.name for t in plan.territories}
    assert len(set(plan.assignments.values())) == 3
    assert len(plan.assignments) == len(accounts)  # its accounts went to the others
    assert outcome.segments[0].centres == "rep homes" and balanced(outcome)
    assert any(f"second territory): {dropped};" in note for note in outcome.notes)
    # a move cap compares with territories that no longer exist: refused
    with pytest.raises(OptionError, match="one per rep with a home"):
        design_scenario(uow, request("Capped", 3, max_moves=0.2))


def test_a_lock_to_a_dropped_territory_is_refused_by_name(workspace: Workspace) -> None:
    accounts, reps, base = workspace
    homeless = replace(reps[0], home_latitude=None, home_longitude=None)
    dropped = next(t.name for t in base.territories if t.rep_external_id == homeless.external_id)
    locked = next(e for e, t in base.assignments.items() if t == dropped)
    uow = FakeUnitOfWork(accounts, [homeless, *reps[1:]], [replace(base, locks={locked: dropped})])
    with pytest.raises(TerritorialError, match=f"account {locked!r} is locked to {dropped!r}"):
        design_scenario(uow, request("Three", 3))
    assert "Three" not in uow.committed.scenarios


def test_territories_beyond_one_per_rep_are_vacancies_placed_freely(
    workspace: Workspace,
) -> None:
    accounts, reps, base = workspace
    new = hire(accounts[0])
    uow = FakeUnitOfWork(accounts, [*reps, new], [base])
    outcome = design_scenario(uow, request("Seven", 7))
    plan = uow.committed.scenarios["Seven"]
    leaves = {t.name: t for t in plan.territories if t.name in plan.assignments.values()}
    assert len(leaves) == 7 and len(plan.assignments) == len(accounts)
    # every rep holds exactly one territory: the base's keep their names, the hire gets
    # one named after their town, and the two vacancies have no rep
    for t in base.territories:
        if t.name in base.assignments.values():
            assert leaves[t.name].rep_external_id == t.rep_external_id
    assert leaves["Newtown"].rep_external_id == "NEW-1"
    assert leaves["Vacancy 1"].rep_external_id is None is leaves["Vacancy 2"].rep_external_id
    held = [t.rep_external_id for t in leaves.values() if t.rep_external_id]
    assert sorted(held) == sorted(r.external_id for r in [*reps, new])
    figures = outcome.segments[0]
    assert figures.centres == "mixed" and balanced(outcome)
    assert any("Vacancies, placed where the accounts need them" in n for n in outcome.notes)
    # moves are counted against the kept names
    assert 0 < outcome.moved_accounts < len(plan.assignments)
    with pytest.raises(TerritorialError, match="'Vacancy 1' has no rep"):
        design_scenario(uow, request("Seven", 7, centres="reps", replace=True))


def test_fewer_territories_than_reps_design_their_own(workspace: Workspace) -> None:
    accounts, reps, base = workspace
    uow = FakeUnitOfWork(accounts, [*reps, hire(accounts[0])], [base])
    outcome = design_scenario(uow, request("Three", 3))
    plan = uow.committed.scenarios["Three"]
    assert sorted(set(plan.assignments.values())) == [f"T{k:02d}" for k in range(1, 4)]
    assert outcome.segments[0].centres == "free"
    with pytest.raises(TerritorialError, match="ask for 4 or 5 territories"):
        design_scenario(uow, request("Three", 3, centres="reps", replace=True))


def test_a_rep_with_two_territories_keeps_the_first(workspace: Workspace) -> None:
    accounts, reps, base = workspace
    leaves = [t for t in base.territories if t.name in base.assignments.values()]
    first, second = leaves[0], leaves[1]
    doubled = replace(
        base,
        territories=[
            replace(t, rep_external_id=first.rep_external_id) if t.name == second.name else t
            for t in base.territories
        ],
    )
    homed = [r for r in reps if r.external_id != second.rep_external_id]
    uow = FakeUnitOfWork(accounts, homed, [doubled])
    outcome = design_scenario(uow, request("Merged", len(homed)))
    plan = uow.committed.scenarios["Merged"]
    used = set(plan.assignments.values())
    assert first.name in used and second.name not in used and len(used) == len(homed)
    assert any(f"second territory): {second.name};" in note for note in outcome.notes)


def test_reps_rematched_after_a_diameter_design_hold_one_territory_each(
    workspace: Workspace,
) -> None:
    accounts, reps, base = workspace
    leaves = [t for t in base.territories if t.name in base.assignments.values()]
    # each base territory made vacant in turn: the rematch may give its neighbour's rep
    # the vacant one, and must then leave the neighbour's vacant, not held twice
    for vacant in leaves:
        with_vacancy = replace(
            base,
            territories=[
                replace(t, rep_external_id=None) if t.name == vacant.name else t
                for t in base.territories
            ],
        )
        uow = FakeUnitOfWork(accounts, reps, [with_vacancy])
        design_scenario(uow, request("Dia", len(leaves), objective="diameter"))
        plan = uow.committed.scenarios["Dia"]
        held = [t.rep_external_id for t in plan.territories if t.rep_external_id]
        assert len(held) == len(set(held)) == len(leaves) - 1, vacant.name


def test_a_hire_is_named_after_them_where_territories_bear_their_reps_names(
    workspace: Workspace,
) -> None:
    """A CRM import names territories after their reps; a hire's territory follows suit
    (not their town), and the note names them once."""
    accounts, reps, base = workspace
    names = {r.external_id: r.name for r in reps}
    renamed = {t.name: names[t.rep_external_id] for t in base.territories if t.rep_external_id}
    by_rep = replace(
        base,
        territories=[
            replace(t, name=renamed.get(t.name, t.name), parent=renamed.get(t.parent, t.parent))
            for t in base.territories
        ],
        assignments={a: renamed.get(t, t) for a, t in base.assignments.items()},
    )
    uow = FakeUnitOfWork(accounts, [*reps, hire(accounts[0])], [by_rep])
    outcome = design_scenario(uow, request("Hire by name", 5))
    plan = uow.committed.scenarios["Hire by name"]
    assert {t.name for t in plan.territories if t.rep_external_id == "NEW-1"} == {"Nina Hale"}
    note = next(n for n in outcome.notes if "New territories" in n)
    assert "reps who had none: Nina Hale" in note and "(Nina Hale)" not in note
