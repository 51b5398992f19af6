"""The design service's glue on an in-memory unit of work: segments, ZIP and county units,
per-territory targets, names. The engine is the real one; no database is opened."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from territorial.domain import Account, LocatedBy, OptionError, Rep, Scenario
from territorial.domain.design_choices import UnitKind
from territorial.domain.publishing import NameTaken
from territorial.geo.builder import build_units
from territorial.sample.generate import generate_workspace
from territorial.services.design import DesignRequest, design_scenario

Workspace = tuple[list[Account], list[Rep], Scenario]


def request(name: str, territories: int, **options: Any) -> DesignRequest:
    """A quick, reproducible design request (two starts, a fixed seed)."""
    return DesignRequest(
        name=name,
        territories=territories,
        **{"time_limit": 20.0, "iterations": 2, "seed": 1, **options},
    )


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    ws = generate_workspace(seed=7, n_accounts=240, n_reps=4, months=1)
    return ws.accounts, ws.reps, ws.scenario


@pytest.fixture
def uow(workspace: Workspace) -> FakeUnitOfWork:
    accounts, reps, scenario = workspace
    return FakeUnitOfWork(accounts, reps, [scenario])


def stored(uow: FakeUnitOfWork, name: str) -> Scenario:
    return uow.committed.scenarios[name]


def test_a_segmented_design_keeps_each_territory_within_one_segment(uow: FakeUnitOfWork) -> None:
    outcome = design_scenario(uow, request("Seg", 6, segment="segment", balance=("accounts",)))
    segments = {a.external_id: a.extra["segment"] for a in uow.committed.accounts}
    assert sorted(s.segment or "" for s in outcome.segments) == sorted(set(segments.values()))
    assert sum(s.territories for s in outcome.segments) == 6
    members: dict[str, set[object]] = defaultdict(set)
    for account, territory in stored(uow, "Seg").assignments.items():
        members[territory].add(segments[account])
    assert len(members) == 6 and all(len(values) == 1 for values in members.values())
    assert [entry[1:3] for entry in uow.committed.audit] == [("design", "Seg")]


@pytest.mark.parametrize("by", [UnitKind.ZIP, UnitKind.COUNTY])
def test_zip_and_county_designs_keep_each_unit_whole(uow: FakeUnitOfWork, by: UnitKind) -> None:
    outcome = design_scenario(
        uow, request(f"By {by}", 4, by=by.value, balance=("accounts",), tolerance=0.25)
    )
    assert outcome.by is by
    plan = stored(uow, f"By {by}").assignments
    located = [a for a in uow.committed.accounts if a.is_located]
    units = build_units(
        np.array([a.latitude for a in located]),
        np.array([a.longitude for a in located]),
        [a.zip for a in located],
        [a.state for a in located],
        by.value,
    )
    territory_of_unit: dict[int, set[str]] = defaultdict(set)
    for account, unit in zip(located, units.unit_of_account, strict=True):
        territory_of_unit[int(unit)].add(plan[account.external_id])
    assert len(territory_of_unit) < len(located)  # units group accounts...
    assert all(len(t) == 1 for t in territory_of_unit.values())  # ...and none is split
    assert len(set(plan.values())) == 4


def test_a_target_gives_a_territory_its_multiple_of_the_mean(uow: FakeUnitOfWork) -> None:
    base = next(iter(uow.committed.scenarios.values()))
    names = sorted(set(base.assignments.values()))
    big = names[0]
    outcome = design_scenario(
        uow, request("Target", len(names), balance=("accounts",), tolerance=0.1, targets={big: 2.0})
    )
    counts: dict[str, int] = defaultdict(int)
    for territory in stored(uow, "Target").assignments.values():
        counts[territory] += 1
    total = sum(counts.values())
    share = {t: (2.0 if t == big else 1.0) / (len(names) + 1) for t in names}
    assert outcome.feasible
    for t in names:  # each within ±10% of its target: the big one twice the others
        assert abs(counts[t] / (share[t] * total) - 1) <= 0.1 + 1e-9, (t, counts)


def test_a_target_must_name_a_territory_of_the_base(uow: FakeUnitOfWork) -> None:
    with pytest.raises(OptionError) as refused:
        design_scenario(uow, request("X", 4, targets={"Atlantis": 2.0}))
    assert refused.value.option == "target" and "Atlantis" in refused.value.reason
    assert "X" not in uow.committed.scenarios and uow.committed.claims == {}


def test_a_taken_name_is_refused_unless_replaced(uow: FakeUnitOfWork) -> None:
    taken = next(iter(uow.committed.scenarios))
    with pytest.raises(NameTaken) as refused:
        design_scenario(uow, request(taken, 4))
    assert refused.value.option == "replace" and refused.value.remedy


def test_unlocated_accounts_keep_their_territory_and_the_design_says_so(
    workspace: Workspace,
) -> None:
    accounts, reps, scenario = workspace
    lost = replace(accounts[0], latitude=None, longitude=None, located_by=LocatedBy.UNLOCATED)
    uow = FakeUnitOfWork([lost, *accounts[1:]], reps, [scenario])
    outcome = design_scenario(uow, request("Kept", len(reps)))
    plan = stored(uow, "Kept").assignments
    assert plan[lost.external_id] == scenario.assignments[lost.external_id]
    assert len(plan) == len(accounts)
    assert any(
        note.startswith("1 account without a location") and "count in the balance" in note
        for note in outcome.notes
    )


def test_accounts_without_a_location_count_in_their_territorys_balance(
    workspace: Workspace,
) -> None:
    """A third of one territory's accounts lose their location: they stay in it, so the
    design gives it fewer located accounts, and every territory is within tolerance
    counting all the accounts, as the stored plan (and any CRM export of it) has them."""
    accounts, reps, scenario = workspace
    heavy = scenario.assignments[accounts[0].external_id]
    members = [a for a in accounts if scenario.assignments.get(a.external_id) == heavy]
    lost = {a.external_id for a in members[: len(members) // 3]}
    assert len(lost) >= 10
    moved = [
        replace(a, latitude=None, longitude=None, located_by=LocatedBy.UNLOCATED)
        if a.external_id in lost
        else a
        for a in accounts
    ]
    uow = FakeUnitOfWork(moved, reps, [scenario])
    outcome = design_scenario(uow, request("All", len(reps), balance=("accounts",), tolerance=0.1))
    plan = stored(uow, "All").assignments
    assert len(plan) == len(accounts) and all(plan[e] == heavy for e in lost)
    counts = np.array(
        [sum(1 for t in plan.values() if t == label) for label in sorted(set(plan.values()))]
    )
    assert outcome.feasible
    assert np.abs(counts / counts.mean() - 1).max() <= 0.1 + 1e-9, counts
    assert outcome.segments[0].max_deviation["accounts"] == pytest.approx(
        np.abs(counts / counts.mean() - 1).max()
    )
    # the per-rep table counts every account a territory holds
    assert {r.territory: r.accounts for r in outcome.reps} == dict(Counter(plan.values()))
