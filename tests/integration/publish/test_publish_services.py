"""Approve, publish and monitor on a small hand-made workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from territorial.domain import (
    Account,
    LocatedBy,
    Rep,
    Sale,
    Scenario,
    ScenarioStatus,
    TerritorialError,
    Territory,
)
from territorial.metrics.performance import drift_alerts
from territorial.services.frame import load_frame
from territorial.services.history import scenario_history
from territorial.services.monitor import run_monitor
from territorial.services.period_sales import rep_attainment
from territorial.services.publish import approve_scenario, publish_scenario
from territorial.services.quotas import set_quotas, show_quotas
from territorial.services.snapshots import PUBLISH_REASON, drift_baseline, workload_deviations
from territorial.storage import UnitOfWork

# (id, lat, lon, potential, territory in S, territory in N)
ACCOUNTS = [
    ("A1", 40.0, -75.0, 100.0, "T1", "T1"),
    ("A2", 40.1, -75.1, 300.0, "T1", "T2"),  # moves T1 -> T2
    ("A3", 41.0, -80.0, 200.0, "T2", "T2"),
    ("A4", 41.1, -80.1, 200.0, "T2", "T2"),
    ("A5", 35.0, -90.0, 50.0, "T3", "T4"),  # moves to a new territory
    ("A6", 35.1, -90.1, 150.0, "T3", "T3"),
]
EFFECTIVE = date(2026, 7, 1)


def seed(uow: UnitOfWork) -> None:
    """6 accounts, 3 reps, active S, draft N; monthly sales in 2025 and Jan-Mar 2026."""
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    e,
                    f"Account {e}",
                    latitude=la,
                    longitude=lo,
                    potential=p,
                    visits_per_year=12,
                    visit_minutes=60,
                    located_by=LocatedBy.COORDINATES,
                )
                for e, la, lo, p, *_ in ACCOUNTS
            ]
        )
        uow.reps.add_many(
            [
                Rep(f"R{k}", f"Rep {k}", capacity_hours_per_week=40, yearly_cost=100000)
                for k in (1, 2, 3, 4)
            ]
        )
        reps = {"T1": "R1", "T2": "R2", "T3": "R3", "T4": "R4"}
        uow.scenarios.save(
            Scenario(
                "S",
                ScenarioStatus.ACTIVE,
                territories=[Territory(t, rep_external_id=reps[t]) for t in ("T1", "T2", "T3")],
                assignments={e: t for e, *_, t, _ in ACCOUNTS},
            )
        )
        uow.scenarios.save(
            Scenario(
                "N",
                ScenarioStatus.DRAFT,
                territories=[
                    Territory(t, rep_external_id=reps[t]) for t in ("T1", "T2", "T3", "T4")
                ],
                assignments={e: t for e, *_, t in ACCOUNTS},
            )
        )
        sales = []
        for k, (ext, *_rest) in enumerate(ACCOUNTS):
            for month in range(1, 13):
                sales.append(Sale(ext, date(2025, month, 1), 10.0 * (k + 1) + 3 * month))
            for month in range(1, 4):
                sales.append(Sale(ext, date(2026, month, 1), 12.0 * (k + 1)))
        uow.sales.add_many(sales)
        uow.commit()


@pytest.fixture
def ws(uow: UnitOfWork) -> UnitOfWork:
    seed(uow)
    return uow


def _status(uow: UnitOfWork) -> dict[str, str]:
    with uow:
        return dict(uow.scenarios.names())


def test_approve_publish_archive_and_history(ws: UnitOfWork) -> None:
    approve_scenario(ws, "N", by="ops")
    assert _status(ws) == {"S": "active", "N": "approved"}
    with pytest.raises(TerritorialError, match="already approved"):
        approve_scenario(ws, "N")
    report = publish_scenario(ws, "N", EFFECTIVE, by="ops")
    assert report.previous == "S" and report.status_before == "approved"
    assert report.moved_accounts == 2
    assert _status(ws) == {"S": "archived", "N": "active"}
    history = {r.name: r for r in scenario_history(ws).scenarios}
    assert history["N"].effective == EFFECTIVE and history["N"].replaced == "S"
    assert history["N"].approved_at is not None and history["N"].published_at is not None
    assert history["S"].archived_at is not None and history["S"].replaced_by == "N"
    kinds = [(e.scenario, e.kind.value) for e in scenario_history(ws).events]
    assert kinds == [("N", "approved"), ("N", "published"), ("S", "archived")]
    # what may not be published
    with pytest.raises(TerritorialError, match="archived"):
        publish_scenario(ws, "S", date(2026, 8, 1))
    with pytest.raises(TerritorialError, match="already the active"):
        publish_scenario(ws, "N", date(2026, 8, 1))
    with ws:
        ws.scenarios.save(Scenario("M", assignments={"A1": "T1"}, territories=[Territory("T1")]))
        ws.commit()
    with pytest.raises(TerritorialError, match="'M' is a draft, not approved"):
        publish_scenario(ws, "M", date(2026, 8, 1))
    with pytest.raises(TerritorialError, match="before 'N' takes effect"):
        publish_scenario(ws, "M", date(2026, 6, 30), force=True)
    assert _status(ws) == {"S": "archived", "N": "active", "M": "draft"}  # unchanged
    with pytest.raises(TerritorialError, match="archived"):
        approve_scenario(ws, "S")


def test_quota_moves_pro_rata_and_total_is_conserved(ws: UnitOfWork) -> None:
    old = set_quotas(ws, period="2026", total="1200", method="potential")
    assert {q.territory: q.amount for q in old.quotas} == {
        "T1": Decimal(480),
        "T2": Decimal(480),
        "T3": Decimal(240),
    }
    report = publish_scenario(ws, "N", EFFECTIVE, force=True)  # published without approval
    assert report.status_before == "draft" and "not approved" in report.overridden[0]
    [event] = [e for e in scenario_history(ws, "N").events if e.kind.value == "published"]
    assert event.overridden and "published with --force" in event.note
    [carried] = report.quotas

    def remaining(territory: str) -> Decimal:
        q = next(q for q in old.quotas if q.territory == territory)
        return sum((s.amount for s in q.slices if s.start >= EFFECTIVE), Decimal(0))

    # A2 holds 300 of T1's 400 potential, A5 50 of T3's 200: their share of what remains
    x1 = (remaining("T1") * Decimal("0.75")).quantize(Decimal(1), ROUND_HALF_EVEN)
    x2 = (remaining("T3") * Decimal("0.25")).quantize(Decimal(1), ROUND_HALF_EVEN)
    moved = {
        (x.account_external_id, x.from_territory, x.to_territory): x.amount
        for x in carried.transfers
    }
    assert moved == {("A2", "T1", "T2"): x1, ("A5", "T3", "T4"): x2}
    assert 0 < x1 < Decimal(480) * Decimal("0.75")  # only the part of the year still ahead
    assert carried.after == {
        "T1": 480 - x1,
        "T2": 480 + x1,
        "T3": 240 - x2,
        "T4": x2,
    }

    new = show_quotas(ws)  # the active alignment's set, with its transfers
    assert new.scenario == "N" and new.sum == old.total == Decimal(1200)
    assert len(new.transfers) == 2
    by_label_old: dict[str, Decimal] = {}
    by_label_new: dict[str, Decimal] = {}
    for qs, acc in ((old, by_label_old), (new, by_label_new)):
        for q in qs.quotas:
            assert sum((s.amount for s in q.slices), Decimal(0)) == q.amount
            for s in q.slices:
                acc[s.label] = acc.get(s.label, Decimal(0)) + s.amount
    assert by_label_new == by_label_old  # every month's company total is kept
    t1_old = next(q for q in old.quotas if q.territory == "T1")
    t1_new = next(q for q in new.quotas if q.territory == "T1")
    for a, b in zip(t1_old.slices, t1_new.slices, strict=True):
        if b.end < EFFECTIVE:
            assert a.amount == b.amount  # the first half stays where it was earned
    assert {q.territory: q.rep_external_id for q in new.quotas}["T4"] == "R4"
    kept = show_quotas(ws, scenario="S")  # the archived alignment keeps its own set
    assert kept.sum == Decimal(1200) and not kept.transfers


def test_monitor_after_publish(ws: UnitOfWork) -> None:
    set_quotas(ws, period="2026", total="1200", method="potential")
    with ws:
        ws.sales.add_many([Sale("A2", date(2026, 8, 3), 1000.0)])
        ws.commit()
    publish_scenario(ws, "N", EFFECTIVE, force=True)
    report = run_monitor(ws, "2026", date(2026, 12, 31))
    actual = {t.territory: t.attainment.actual for t in report.territories}
    # A2's sales before July count for T1 (its territory then), after July for T2
    assert actual["T1"] == pytest.approx(12 * 1 * 3 + 12 * 2 * 3)
    assert actual["T2"] == pytest.approx(12 * 3 * 3 + 12 * 4 * 3 + 1000)
    assert actual["T4"] == 0 and actual["T3"] == pytest.approx(12 * 5 * 3 + 12 * 6 * 3)
    total = sum(12.0 * (k + 1) * 3 for k in range(6)) + 1000
    assert report.company.actual == pytest.approx(total)
    assert report.company.quota == pytest.approx(1200)
    assert any("publish snapshot" in n for n in report.notes)
    assert any("sales before 2026-07-01" in n for n in report.notes)
    for row in report.reps:  # a rep's own view (/me) reads the same, for them alone
        found = rep_attainment(ws, row.subject, date(2026, 12, 31))
        assert found is not None and found[0] == report.period
        assert found[1].quota == row.quota
        assert found[1].actual == pytest.approx(row.actual)
        assert found[1].expected == pytest.approx(row.expected)


def test_drift_is_measured_against_the_publish(ws: UnitOfWork) -> None:
    # N's first snapshot is taken when quotas are set on the draft ...
    set_quotas(ws, period="2027", total="1000", scenario="N")
    # ... then A3 needs far more visits: T2's workload grows before N goes live
    with ws:
        accounts = ws.accounts.by_external_id()
        a3 = accounts["A3"]
        a3.visits_per_year = 120
        ws.accounts.update_many([a3])
        ws.commit()
    publish_scenario(ws, "N", EFFECTIVE, force=True)
    with ws:
        first = ws.snapshots.first("N", "workload")
        baseline = drift_baseline(ws, "N")
        scenario = ws.scenarios.get("N")
        assert scenario is not None
        current = workload_deviations(load_frame(ws, scenario))
    assert first is not None and baseline is not None
    assert baseline.reason.startswith(PUBLISH_REASON) and first.reason == "quota set 2027"
    assert baseline.deviations == pytest.approx(current)
    assert drift_alerts(current, first.deviations)  # against the quota set: drifted
    report = run_monitor(ws, "2027", date(2027, 3, 1))
    assert not [a for a in report.alerts if a.kind == "drift"]  # against the publish: none
    assert "drift measured against the publish snapshot" in " ".join(report.notes)


def test_publish_without_quotas_or_previous_alignment(ws: UnitOfWork) -> None:
    report = publish_scenario(ws, "N", EFFECTIVE, force=True)
    assert report.quotas == [] and report.previous == "S"
    with ws:
        ws.scenarios.delete("S")
        ws.scenarios.save(
            Scenario(
                "F", territories=[Territory("T1")], assignments={e: "T1" for e, *_ in ACCOUNTS}
            )
        )
        ws.commit()
    # N is active and took effect on 2026-07-01: F may start that day or later
    first = publish_scenario(ws, "F", EFFECTIVE, force=True)
    assert first.previous == "N" and _status(ws)["F"] == "active"


def test_existing_quota_set_of_the_new_scenario_is_kept(ws: UnitOfWork) -> None:
    set_quotas(ws, period="2026", total="1200")
    set_quotas(ws, period="2026", total="999", scenario="N")
    report = publish_scenario(ws, "N", EFFECTIVE, force=True)
    assert report.quotas[0].kept_existing
    assert show_quotas(ws, "2026").total == Decimal(999)
