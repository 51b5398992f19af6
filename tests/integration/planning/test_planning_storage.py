"""Planning repositories (quotas, goals, plans, visits, snapshots) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from territorial.domain import Account, LocatedBy, Rep, Scenario, ScenarioStatus, Territory, Visit
from territorial.domain.period import QuotaSlice, parse_period
from territorial.domain.planning import (
    BalanceSnapshot,
    GoalRecord,
    QuotaSet,
    TerritoryPlan,
    TerritoryQuota,
)
from territorial.storage import UnitOfWork


def _seed(uow: UnitOfWork) -> None:
    uow.accounts.add_many(
        [Account("A1", "One", latitude=40.0, longitude=-75.0, located_by=LocatedBy.COORDINATES)]
    )
    uow.reps.add_many([Rep("R1", "Rita"), Rep("R2", "Raj")])
    uow.scenarios.save(
        Scenario(
            "S",
            ScenarioStatus.ACTIVE,
            territories=[Territory("T1", rep_external_id="R1"), Territory("T2")],
            assignments={"A1": "T1"},
        )
    )


def _quota_set(total: str) -> QuotaSet:
    period = parse_period("2027-Q1")
    slices = [
        QuotaSlice("2027-01", date(2027, 1, 1), date(2027, 1, 31), Decimal("100.10")),
        QuotaSlice("2027-02", date(2027, 2, 1), date(2027, 2, 28), Decimal("200")),
        QuotaSlice("2027-03", date(2027, 3, 1), date(2027, 3, 31), Decimal("300")),
    ]
    return QuotaSet(
        scenario="S",
        period=period,
        total=Decimal(total),
        method="equal",
        unit=Decimal(1),
        granularity="month",
        weights={"potential": 0.5},
        seasonality=(1 / 12,) * 12,
        quotas=[
            TerritoryQuota("T1", Decimal("600.10"), "R1", slices=slices),
            TerritoryQuota("T2", Decimal(total) - Decimal("600.10"), None, overridden=True),
        ],
    )


def test_quota_set_round_trip_and_replace(uow: UnitOfWork) -> None:
    with uow:
        _seed(uow)
        uow.quotas.replace(_quota_set("1000.10"))
        uow.commit()
    with uow:
        uow.quotas.replace(_quota_set("2000.10"))
        uow.commit()
    with uow:
        found = uow.quotas.get("S", "2027-Q1")
        assert uow.quotas.get("S", "2027") is None
        periods = uow.quotas.periods("S")
    assert found is not None
    assert [p.label for p in periods] == ["2027-Q1"]
    assert found.total == Decimal("2000.10") and found.sum == Decimal("2000.10")
    assert found.quotas[0].rep_external_id == "R1"
    assert [s.amount for s in found.quotas[0].slices] == [
        Decimal("100.10"),
        Decimal("200"),
        Decimal("300"),
    ]
    assert found.quotas[1].overridden and found.quotas[1].slices == []
    assert found.rep_quotas() == {"R1": Decimal("600.10")}
    assert found.weights == {"potential": 0.5}
    assert found.created_at is not None and found.created_at.tzinfo is not None


def test_goals_plans_visits_snapshots(uow: UnitOfWork) -> None:
    with uow:
        _seed(uow)
        goal_id = uow.goals.add(
            GoalRecord(
                "territory",
                "T1",
                "revenue",
                10.0,
                20.0,
                date(2027, 1, 1),
                date(2027, 6, 30),
                "R1",
                "grow",
            )
        )
        uow.plans.save(TerritoryPlan("S", "T1", {"goals": ["grow 10%"], "threats": ["X"]}))
        uow.plans.save(TerritoryPlan("S", "T1", {"goals": ["grow 12%"]}))
        uow.visits.add_many(
            [Visit("A1", date(2027, 1, 5), "R1", 30.0, "visit"), Visit("A1", date(2027, 2, 5))]
        )
        uow.snapshots.add(
            BalanceSnapshot("S", "workload", {"T1": 0.1}, datetime(2026, 1, 1, tzinfo=UTC))
        )
        uow.snapshots.add(
            BalanceSnapshot("S", "workload", {"T1": 0.3}, datetime(2026, 2, 1, tzinfo=UTC))
        )
        uow.commit()
    with uow:
        goals = uow.goals.list()
        plan = uow.plans.get("S", "T1")
        visits = uow.visits.list(since=date(2027, 1, 1), until=date(2027, 1, 31))
        snap = uow.snapshots.first("S", "workload")
        assert uow.visits.count() == 2
    assert [g.id for g in goals] == [goal_id] and goals[0].due == date(2027, 6, 30)
    assert plan is not None and plan.sections == {"goals": ["grow 12%"]}
    assert visits == [Visit("A1", date(2027, 1, 5), "R1", 30.0, "visit")]
    assert snap is not None and snap.deviations == {"T1": 0.1}


def test_deleting_a_scenario_drops_its_quotas(uow: UnitOfWork) -> None:
    with uow:
        _seed(uow)
        uow.quotas.replace(_quota_set("1000"))
        uow.commit()
    with uow:
        uow.scenarios.delete("S")
        uow.commit()
    with uow:
        uow.scenarios.save(Scenario("S"))
        assert uow.quotas.get("S", "2027-Q1") is None
