"""Tests for the demo workspace generator."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.domain import AccountStatus, LocatedBy, ScenarioStatus, TerritoryLevel
from territorial.sample import DemoWorkspace, generate_workspace
from territorial.sample.sales import month_starts

SOUTH, WEST, NORTH, EAST = 24.3, -125.0, 49.5, -66.8


@pytest.fixture(scope="module")
def ws() -> DemoWorkspace:
    return generate_workspace()


def leaf_potential(w: DemoWorkspace) -> dict[str, float]:
    pot: dict[str, float] = {
        t.name: 0.0 for t in w.scenario.territories if t.level is TerritoryLevel.TERRITORY
    }
    for a in w.accounts:
        pot[w.scenario.assignments[a.external_id]] += a.potential or 0.0
    return pot


def check_structure(w: DemoWorkspace, n_accounts: int, n_reps: int) -> None:
    """Invariants that hold for any arguments."""
    assert len(w.accounts) == n_accounts
    assert len(w.reps) == n_reps
    ids = [a.external_id for a in w.accounts]
    assert len(set(ids)) == len(ids)
    assert len({r.external_id for r in w.reps}) == n_reps
    names = [t.name for t in w.scenario.territories]
    assert len(set(names)) == len(names)

    by_name = {t.name: t for t in w.scenario.territories}
    expected_parent = {
        TerritoryLevel.TERRITORY: TerritoryLevel.DISTRICT,
        TerritoryLevel.DISTRICT: TerritoryLevel.REGION,
    }
    for t in w.scenario.territories:
        if t.level is TerritoryLevel.REGION:
            assert t.parent is None
        else:
            assert t.parent in by_name
            assert by_name[t.parent].level is expected_parent[t.level]

    leaves = [t for t in w.scenario.territories if t.level is TerritoryLevel.TERRITORY]
    assert len(leaves) == n_reps
    rep_ids = {r.external_id for r in w.reps}
    assert sorted(t.rep_external_id or "" for t in leaves) == sorted(rep_ids)

    assert set(w.scenario.assignments) == set(ids)
    for a in w.accounts:
        t = by_name[w.scenario.assignments[a.external_id]]
        assert t.level is TerritoryLevel.TERRITORY
        assert t.rep_external_id in rep_ids
        assert a.located_by is LocatedBy.COORDINATES and a.is_located
        assert a.latitude is not None and a.longitude is not None
        assert SOUTH <= a.latitude <= NORTH and WEST <= a.longitude <= EAST
        assert a.country == "US" and a.zip is not None and len(a.zip) == 5


def test_same_seed_same_workspace(ws: DemoWorkspace) -> None:
    assert generate_workspace() == ws


def test_different_seed_different_workspace(ws: DemoWorkspace) -> None:
    other = generate_workspace(seed=7)
    assert [a.name for a in other.accounts] != [a.name for a in ws.accounts]
    assert other.scenario.assignments != ws.scenario.assignments


def test_default_structure(ws: DemoWorkspace) -> None:
    check_structure(ws, 2500, 15)
    levels = Counter(t.level for t in ws.scenario.territories)
    assert levels[TerritoryLevel.REGION] == 3
    assert {t.name for t in ws.scenario.territories if t.level is TerritoryLevel.REGION} == {
        "West",
        "Central",
        "East",
    }
    assert ws.scenario.name == "Current" and ws.scenario.status is ScenarioStatus.ACTIVE
    assert ws.description
    assert all(a.external_id.startswith("ACC-") and len(a.external_id) == 9 for a in ws.accounts)


def test_account_attributes(ws: DemoWorkspace) -> None:
    n = len(ws.accounts)
    customers = sum(a.status is AccountStatus.CUSTOMER for a in ws.accounts)
    assert 0.5 < customers / n < 0.7
    tiers = Counter(a.tier for a in ws.accounts)
    assert tiers["A"] == pytest.approx(0.2 * n, abs=2)
    assert tiers["B"] == pytest.approx(0.3 * n, abs=2)
    industries = Counter(a.industry for a in ws.accounts)
    assert len(industries) == 8
    assert max(industries.values()) > 3 * min(industries.values())  # skewed shares
    for a in ws.accounts:
        assert a.employees is not None and a.employees >= 1
        assert a.annual_revenue is not None and a.potential is not None
        assert 0 < a.potential < a.annual_revenue
        assert a.visit_minutes is not None and 30 <= a.visit_minutes <= 90
        assert isinstance(a.extra["credit_limit"], float)
        assert a.extra["segment"] in {"SMB", "Mid-market", "Enterprise"}
        if a.status is AccountStatus.CUSTOMER:
            assert a.visits_per_year == {"A": 24, "B": 12, "C": 4}[a.tier or ""]
        else:
            assert a.visits_per_year is not None and a.visits_per_year < 12
    # Potential follows tiers: every A account outweighs every C account.
    a_min = min(a.potential or 0 for a in ws.accounts if a.tier == "A")
    c_max = max(a.potential or 0 for a in ws.accounts if a.tier == "C")
    assert a_min >= c_max


def test_reps(ws: DemoWorkspace) -> None:
    for r in ws.reps:
        assert r.email is not None and r.email.endswith("@example.com")
        assert 2 <= len(r.skills) <= 3
        assert r.years_experience is not None and 1 <= r.years_experience <= 25
        assert r.capacity_hours_per_week is not None and 35 <= r.capacity_hours_per_week <= 45
        assert r.yearly_cost is not None and 90_000 <= r.yearly_cost <= 160_000
        assert r.home_latitude is not None and r.home_longitude is not None
        assert SOUTH <= r.home_latitude <= NORTH and WEST <= r.home_longitude <= EAST
    assert len({r.home_city for r in ws.reps}) == len(ws.reps)
    assert len({r.email for r in ws.reps}) == len(ws.reps)


def test_current_alignment_is_unbalanced(ws: DemoWorkspace) -> None:
    pot = list(leaf_potential(ws).values())
    mean = sum(pot) / len(pot)
    assert max(pot) >= 1.4 * mean
    assert min(pot) <= 0.7 * mean


def test_sales_history(ws: DemoWorkspace) -> None:
    months = month_starts(date(2026, 10, 1), 24)
    assert months[0] == date(2024, 11, 1) and len(months) == 24
    valid = set(months)
    status = {a.external_id: a.status for a in ws.accounts}
    totals: dict[date, float] = defaultdict(float)
    for s in ws.sales:
        assert s.date in valid and s.date.day == 1
        assert s.amount >= 0 and round(s.amount, 2) == s.amount
        assert status[s.account_external_id] is AccountStatus.CUSTOMER
        totals[s.date] += s.amount
    assert set(totals) == valid
    assert max(totals.values()) / min(totals.values()) > 1.2  # seasonality
    with_sales = {s.account_external_id for s in ws.sales}
    customers = {k for k, v in status.items() if v is AccountStatus.CUSTOMER}
    assert len(with_sales) > 0.95 * len(customers)
    # The last year's sales are a share of the potential, not more.
    last_year = sum(s.amount for s in ws.sales if s.date >= months[-12])
    potential = sum(a.potential or 0 for a in ws.accounts if a.status is AccountStatus.CUSTOMER)
    assert 0.25 < last_year / potential < 0.65


def test_end_month_any_day_and_length() -> None:
    w = generate_workspace(n_accounts=150, n_reps=4, months=6, end_month=date(2025, 3, 17))
    assert {s.date for s in w.sales} <= set(month_starts(date(2025, 3, 1), 6))
    assert max(s.date for s in w.sales) == date(2025, 3, 1)


@pytest.mark.parametrize(
    "kwargs", [{"n_accounts": 0}, {"n_reps": 0}, {"months": 0}, {"n_accounts": 3, "n_reps": 4}]
)
def test_rejects_bad_arguments(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        generate_workspace(**kwargs)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_reps=st.integers(2, 24),
    n_accounts=st.integers(150, 700),
)
def test_any_size_is_consistent_and_unbalanced(seed: int, n_reps: int, n_accounts: int) -> None:
    w = generate_workspace(seed=seed, n_accounts=n_accounts, n_reps=n_reps, months=12)
    check_structure(w, n_accounts, n_reps)
    pot = list(leaf_potential(w).values())
    mean = sum(pot) / len(pot)
    assert max(pot) >= 1.4 * mean and min(pot) <= 0.7 * mean


def test_single_rep() -> None:
    w = generate_workspace(n_accounts=50, n_reps=1, months=3)
    check_structure(w, 50, 1)
