"""Accounts without a location are off the map but in their territories: the assessment
and the approve/publish balance check count them, as a CRM export of the plan has them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from territorial.domain import LocatedBy
from territorial.metrics import TravelModel, haversine_km
from territorial.sample.generate import generate_workspace
from territorial.services.assess import assess_scenario
from territorial.services.balance_check import balance_misses
from territorial.services.compare import rep_changes
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.snapshots import workload_deviations


@pytest.fixture(scope="module")
def uow() -> FakeUnitOfWork:
    """A workspace where half of one territory's accounts have lost their location."""
    ws = generate_workspace(seed=11, n_accounts=240, n_reps=4, months=1)
    first = ws.scenario.assignments[ws.accounts[0].external_id]
    mine = [a for a in ws.accounts if ws.scenario.assignments.get(a.external_id) == first]
    lost = {a.external_id for a in mine[: len(mine) // 2]}
    accounts = [
        replace(a, latitude=None, longitude=None, located_by=LocatedBy.UNLOCATED)
        if a.external_id in lost
        else a
        for a in ws.accounts
    ]
    return FakeUnitOfWork(accounts, ws.reps, [ws.scenario])


def _frame(uow: FakeUnitOfWork) -> ScenarioFrame:
    (scenario,) = uow.committed.scenarios.values()
    with uow:
        return load_frame(uow, scenario)


def _all_counts(uow: FakeUnitOfWork) -> Counter[str]:
    (scenario,) = uow.committed.scenarios.values()
    return Counter(scenario.assignments.values())


def test_the_frame_keeps_unlocated_accounts_apart_with_their_territories(
    uow: FakeUnitOfWork,
) -> None:
    frame = _frame(uow)
    assert len(frame.unlocated) >= 10 and not set(frame.unlocated) & set(frame.external_ids)
    located = Counter(frame.labels[t] for t in frame.territory if t >= 0)
    off = frame.off_map_totals("accounts")
    assert {label: located[label] + off[j] for j, label in enumerate(frame.labels)} == dict(
        _all_counts(uow)
    )
    potential = {a.external_id: a.potential or 0.0 for a in uow.committed.accounts}
    lost = [e for e in frame.unlocated]
    assert frame.off_map_totals("potential").sum() == pytest.approx(sum(potential[e] for e in lost))
    # their workload: their visits, each with a located account's typical travel
    assert 0 < frame.off_map_totals("workload").sum() < frame.workload(TravelModel()).sum()


def test_the_assessment_counts_them_in_their_territory(uow: FakeUnitOfWork) -> None:
    counts = _all_counts(uow)
    report = assess_scenario(uow).to_dict()
    rows = {row["label"]: row for row in report["territories"]}
    assert {label: row["accounts"] for label, row in rows.items()} == dict(counts)
    mean = np.mean(list(counts.values()))
    for label, row in rows.items():
        assert row["deviation"]["accounts"] == pytest.approx(counts[label] / mean - 1)
    assert report["data_notes"]["unlocated_accounts_off_map"] >= 10
    summary = report["summary"]
    assert summary["accounts"] == summary["assigned"] == sum(counts.values())
    assert summary["off_map"] == report["data_notes"]["unlocated_accounts_off_map"]


def test_the_balance_check_counts_them(uow: FakeUnitOfWork) -> None:
    (scenario,) = uow.committed.scenarios.values()
    counts = _all_counts(uow)
    mean = np.mean(list(counts.values()))
    expected = {t for t, c in counts.items() if abs(c / mean - 1) > 0.05}
    misses = balance_misses(scenario.name, {"accounts": 0.05}, _frame(uow))
    assert {m.territory for m in misses} == expected
    for miss in misses:
        assert miss.deviation == pytest.approx(counts[miss.territory] / mean - 1)


def test_the_comparison_per_rep_counts_them_and_measures_km_over_the_located(
    uow: FakeUnitOfWork,
) -> None:
    (scenario,) = uow.committed.scenarios.values()
    frame = _frame(uow)
    rows = {r.rep_id: r for r in rep_changes(uow, scenario.name, scenario.name)}
    counts = _all_counts(uow)
    revenue = {a.external_id: a.annual_revenue or 0.0 for a in uow.committed.accounts}
    for label, count in counts.items():
        rep_id = scenario.rep_of(label)
        row = rows[rep_id]
        assert row.accounts_a == row.accounts_b == count
        mine = [e for e, t in scenario.assignments.items() if t == label]
        assert row.revenue_a == pytest.approx(sum(revenue[e] for e in mine))
        rep = frame.reps[rep_id or ""]
        located = [j for j, t in enumerate(frame.territory) if t >= 0 and frame.labels[t] == label]
        km = haversine_km(
            frame.lat[located], frame.lon[located], rep.home_latitude, rep.home_longitude
        )
        assert row.mean_km_a == pytest.approx(float(np.mean(km)))


def test_the_drift_baseline_counts_their_workload_as_the_assessment_does(
    uow: FakeUnitOfWork,
) -> None:
    rows = {row["label"]: row for row in assess_scenario(uow).to_dict()["territories"]}
    drift = workload_deviations(_frame(uow))
    assert drift == pytest.approx({t: row["deviation"]["workload"] for t, row in rows.items()})
