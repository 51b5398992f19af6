"""Planning services on a small hand-made workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import itertools
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from territorial.domain import (
    Account,
    InputRejected,
    LocatedBy,
    Rep,
    Sale,
    Scenario,
    ScenarioStatus,
    TerritorialError,
    Territory,
)
from territorial.optimize.assign import AccountTable, AssignWeights, RepProfile, cost_matrices
from territorial.services.actuals import import_actuals
from territorial.services.goals import add_goal, export_goals, list_goals
from territorial.services.monitor import export_attainment, run_monitor
from territorial.services.plans import edit_plan, show_plan
from territorial.services.quotas import export_quotas, set_quotas, show_quotas
from territorial.services.reps_assign import assign_scenario_reps, export_rep_assignments
from territorial.services.snapshots import DRIFT_MEASURE
from territorial.storage import UnitOfWork

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "planning"
# (id, lat, lon, industry, potential, territory)
ACCOUNTS = [
    ("A1", 40.0, -75.0, "Retail", 100.0, "T1"),
    ("A2", 40.1, -75.1, "Retail", 300.0, "T1"),
    ("A3", 41.0, -80.0, "Health", 200.0, "T2"),
    ("A4", 41.1, -80.1, "Health", 200.0, "T2"),
    ("A5", 35.0, -90.0, "Energy", 50.0, "T3"),
    ("A6", 35.1, -90.1, "Retail", 150.0, "T3"),
]


def seed(uow: UnitOfWork) -> None:
    """6 accounts, 3 reps, active scenario S, monthly sales in 2025 and Jan-Mar 2026."""
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    e,
                    f"Account {e}",
                    latitude=la,
                    longitude=lo,
                    industry=ind,
                    potential=p,
                    visits_per_year=12,
                    visit_minutes=60,
                    located_by=LocatedBy.COORDINATES,
                )
                for e, la, lo, ind, p, _ in ACCOUNTS
            ]
        )
        uow.reps.add_many(
            [
                Rep(
                    "R1",
                    "Rita",
                    home_latitude=40.0,
                    home_longitude=-75.0,
                    skills=["Retail"],
                    years_experience=8,
                    capacity_hours_per_week=40,
                    yearly_cost=100000,
                ),
                Rep(
                    "R2",
                    "Raj",
                    home_latitude=41.0,
                    home_longitude=-80.0,
                    skills=["Health"],
                    years_experience=2,
                    capacity_hours_per_week=40,
                    yearly_cost=80000,
                ),
                Rep(
                    "R3",
                    "Rosa",
                    home_latitude=35.0,
                    home_longitude=-90.0,
                    skills=["Energy"],
                    years_experience=5,
                    capacity_hours_per_week=30,
                    yearly_cost=90000,
                ),
            ]
        )
        uow.scenarios.save(
            Scenario(
                "S",
                ScenarioStatus.ACTIVE,
                territories=[
                    Territory("T1", rep_external_id="R1"),
                    Territory("T2", rep_external_id="R2"),
                    Territory("T3", rep_external_id="R3"),
                ],
                assignments={e: t for e, *_, t in ACCOUNTS},
            )
        )
        sales = []
        for k, (ext, *_rest) in enumerate(ACCOUNTS):
            for month in range(1, 13):
                sales.append(Sale(ext, date(2025, month, 1), 10.0 * (k + 1) + month))
            for month in range(1, 4):
                sales.append(Sale(ext, date(2026, month, 1), 12.0 * (k + 1)))
        uow.sales.add_many(sales)
        uow.commit()


@pytest.fixture
def ws(uow: UnitOfWork) -> UnitOfWork:
    seed(uow)
    return uow


@pytest.mark.parametrize("method", ["potential", "history", "blend", "growth", "equal"])
def test_quotas_sum_exactly_for_every_method(ws: UnitOfWork, method: str) -> None:
    weights = {"potential": 0.6, "history": 0.4} if method == "blend" else None
    qs = set_quotas(
        ws,
        period="2026",
        total="1000003.37",
        method=method,
        weights=weights,
        unit=1000,
        overrides={"T2": "250000.5"},
    )
    stored = show_quotas(ws, "2026")
    assert stored.total == Decimal("1000003.37")
    assert sum(q.amount for q in stored.quotas) == Decimal("1000003.37")
    assert {q.territory: q.amount for q in stored.quotas}["T2"] == Decimal("250000.5")
    for q in stored.quotas:
        assert sum(s.amount for s in q.slices) == q.amount
        assert len(q.slices) == 12
    assert stored.rep_quotas() == {q.rep_external_id: q.amount for q in qs.quotas}


def test_a_basis_that_is_zero_everywhere_is_named_not_silently_equal(uow: UnitOfWork) -> None:
    """A CRM export without potential, and no sales: asked to split by potential, the
    split is equal and the quota set says why; in a blend, the other basis decides."""
    with uow:
        uow.accounts.add_many(
            [
                Account(e, e, latitude=la, longitude=lo, located_by=LocatedBy.COORDINATES)
                for e, la, lo, *_ in ACCOUNTS
            ]
        )
        uow.scenarios.save(
            Scenario(
                "S",
                ScenarioStatus.ACTIVE,
                territories=[Territory(f"T{k}") for k in (1, 2, 3)],
                assignments={e: t for e, *_, t in ACCOUNTS},
            )
        )
        uow.commit()
    qs = set_quotas(uow, period="2027", total=3000, method="potential", store=False)
    assert {q.amount for q in qs.quotas} == {Decimal(1000)}
    assert "potential is 0 in every territory, so the total is split equally" in qs.notes
    both = {"potential": 0.5, "history": 0.5}
    qs = set_quotas(uow, period="2027", total=3000, method="blend", weights=both, store=False)
    assert "potential and history are 0 in every territory, so the total is split equally" in (
        qs.notes
    )
    by_count = {"potential": 0.5, "accounts": 0.5}
    qs = set_quotas(uow, period="2027", total=3000, method="blend", weights=by_count, store=False)
    assert "potential is 0 in every territory, so the total is split by the others" in qs.notes
    qs = set_quotas(uow, period="2027", total=3000, method="equal", store=False)
    assert not any("0 in every territory" in note for note in qs.notes)


def test_quota_set_replaces_and_learns_seasonality(ws: UnitOfWork) -> None:
    set_quotas(ws, period="2026", total=1000, method="equal")
    qs = set_quotas(ws, period="2026", total=3000, method="equal", granularity="quarter")
    assert [q.amount for q in show_quotas(ws).quotas] == [Decimal(1000)] * 3
    assert qs.seasonality_years == 1
    # 2025 sales grow by month, so December weighs more than January
    assert qs.seasonality[11] > qs.seasonality[0]
    assert [s.label for s in qs.quotas[0].slices] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    with pytest.raises(TerritorialError, match="no territory"):
        set_quotas(ws, period="2026", total=10, overrides={"T9": "1"})


def test_quota_preview_computes_the_same_set_and_stores_nothing(ws: UnitOfWork) -> None:
    preview = set_quotas(ws, period="2026", total=1000, method="potential", store=False)
    with ws:
        assert ws.quotas.periods(preview.scenario) == []
        assert ws.snapshots.first(preview.scenario, DRIFT_MEASURE) is None
    stored = set_quotas(ws, period="2026", total=1000, method="potential")
    assert [(q.territory, q.amount, q.slices) for q in preview.quotas] == [
        (q.territory, q.amount, q.slices) for q in stored.quotas
    ]
    with ws:
        assert [p.label for p in ws.quotas.periods(stored.scenario)] == ["2026"]


def test_history_basis_is_last_year_same_period(ws: UnitOfWork) -> None:
    qs = set_quotas(ws, period="2026", total=1000, method="history", unit="0.01")
    # 2025 sales per territory: account k sells 10(k+1)*12 + 78 a year
    year = [120 * (k + 1) + 78 for k in range(6)]
    hist = {"T1": year[0] + year[1], "T2": year[2] + year[3], "T3": year[4] + year[5]}
    for q in qs.quotas:
        assert float(q.amount) == pytest.approx(
            1000 * hist[q.territory] / sum(hist.values()), abs=0.011
        )


def test_assignment_is_optimal_and_applies(ws: UnitOfWork) -> None:
    report = assign_scenario_reps(ws, "S", pins={"Raj": "T2"})
    got = {a.territory_id: a.rep_id for a in report.result.assignments}
    assert got["T2"] == "R2"
    # brute force over every matching that keeps the pin
    with ws:
        reps = [RepProfile.from_rep(r) for r in ws.reps.list()]
    from territorial.services.frame import load_frame
    from territorial.services.territory_data import account_workload

    with ws:
        frame = load_frame(ws, ws.scenarios.get("S"))  # type: ignore[arg-type]
    table = AccountTable(
        territory=[frame.labels[j] for j in frame.territory],
        lat=frame.lat,
        lon=frame.lon,
        industry=[a.industry or "" for a in frame.accounts],
        potential=frame.measure("potential"),
        revenue=frame.measure("revenue"),
        workload=account_workload(frame),
        owner=[frame.scenario.rep_of(frame.scenario.assignments[e]) for e in frame.external_ids],
    )
    m = cost_matrices(reps, frame.labels, table, AssignWeights())
    ri = {r.id: i for i, r in enumerate(reps)}
    best = min(
        sum(m.total[ri[r], j] for j, r in enumerate(perm))
        for perm in itertools.permutations([r.id for r in reps])
        if perm[frame.labels.index("T2")] == "R2"
    )
    assert report.result.total_cost == pytest.approx(best)
    assert report.result.assignments[0].continuity_share == pytest.approx(1.0)
    assign_scenario_reps(ws, "S", pins={"R3": "T1"}, apply=True)
    with ws:
        scenario = ws.scenarios.get("S")
    assert scenario is not None and scenario.rep_of("T1") == "R3"


def test_assign_refuses_archived(ws: UnitOfWork) -> None:
    with ws:
        ws.scenarios.save(
            Scenario(
                "Old",
                ScenarioStatus.ARCHIVED,
                territories=[Territory("T1")],
                assignments={"A1": "T1"},
            )
        )
        ws.commit()
    with pytest.raises(TerritorialError, match="archived"):
        assign_scenario_reps(ws, "Old", apply=True)


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_actuals_import_idempotent_and_all_or_nothing(ws: UnitOfWork, tmp_path: Path) -> None:
    good = _write(
        tmp_path / "sales.csv",
        [
            "Account ID,Date,Amount,Order ID",
            "A1,2026-04-03,100,O-1",
            "A2,2026-04-04,50,O-2",
            "A1,2026-04-05,7,",
            "A1,2026-04-05,7,",
        ],
    )
    first = import_actuals(ws, good)
    assert (first.added, first.updated, first.unchanged) == (4, 0, 0)
    again = import_actuals(ws, good)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    changed = _write(
        tmp_path / "sales2.csv",
        [
            "Account ID,Date,Amount,Order ID",
            "A1,2026-04-03,120,O-1",
            "A1,2026-04-05,7,",
            "A1,2026-04-05,7,",
            "A1,2026-04-05,7,",
        ],
    )
    third = import_actuals(ws, changed)
    assert (third.added, third.updated, third.unchanged) == (1, 1, 2)
    with ws:
        before = ws.sales.count()
    bad = _write(
        tmp_path / "bad.csv",
        [
            "Account ID,Date,Amount",
            "A1,2026-05-01,10",
            "",
            "NOPE,2026-05-02,10",
            "A2,not a date,10",
        ],
    )
    with pytest.raises(InputRejected) as info:
        import_actuals(ws, bad)
    assert "bad.csv" in str(info.value) and "row 5" in str(info.value)
    unknown = _write(
        tmp_path / "unknown.csv",
        [
            "Account ID,Date,Amount",
            "A1,2026-05-01,10",
            "",
            "NOPE,2026-05-02,10",
        ],
    )
    with pytest.raises(InputRejected) as info:
        import_actuals(ws, unknown)
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "unknown.csv",
        4,
        "Account ID",
        "NOPE",
    )
    with ws:
        assert ws.sales.count() == before
    visits = _write(
        tmp_path / "visits.csv",
        [
            "Account ID,Date,Rep ID,Minutes",
            "A1,2026-02-01,R1,30",
            "A1,2026-02-01,R1,30",
        ],
    )
    assert import_actuals(ws, visits, "visits").added == 2
    assert import_actuals(ws, visits, "visits").added == 0


def test_goals_status_from_actuals(ws: UnitOfWork) -> None:
    g = add_goal(
        ws,
        territory="T1",
        metric="revenue",
        baseline=0,
        target=300,
        start=date(2026, 1, 1),
        due=date(2026, 6, 30),
    )
    add_goal(
        ws,
        rep="Rosa",
        metric="accounts",
        baseline=1,
        target=2,
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
    )
    rows = list_goals(ws, as_of=date(2026, 3, 31))
    # T1 = A1 + A2: 3 months x (12 + 24)
    assert rows[0].record.id == g.id and rows[0].progress.actual == pytest.approx(108.0)
    assert rows[0].progress.status.value == "at_risk"
    assert rows[1].progress.actual == 2 and rows[1].progress.status.value == "achieved"
    with pytest.raises(TerritorialError):
        add_goal(ws, territory="T9", metric="revenue", baseline=0, target=1, due=date(2027, 1, 1))


def test_plan_edit_and_show(ws: UnitOfWork) -> None:
    edit_plan(ws, "T1", {"goals": ["Grow 10%"], "threats": ["New rival"]})
    edit_plan(ws, "T1", {"strategies": ["Upsell"]})
    view = show_plan(ws, "T1")
    assert view.plan.sections == {
        "goals": ["Grow 10%"],
        "threats": ["New rival"],
        "strategies": ["Upsell"],
    }
    assert sum(view.tiers.values()) == 2 and view.rep == "Rita"
    assert view.calendar_years == 1 and view.calendar[11][2] == "peak"
    with pytest.raises(TerritorialError, match="unknown plan section"):
        edit_plan(ws, "T1", {"wishes": ["x"]})


def test_monitor_attainment_by_hand(ws: UnitOfWork) -> None:
    set_quotas(ws, period="2026", total=1200, method="equal", granularity="quarter")
    report = run_monitor(ws, "2026-Q1", as_of=date(2026, 2, 15))
    t1 = next(t for t in report.territories if t.territory == "T1")
    q1 = next(s for s in show_quotas(ws).quotas[0].slices if s.label == "2026-Q1")
    # T1 sales to 15 Feb: Jan and Feb x (12 + 24)
    assert t1.attainment.actual == pytest.approx(72.0)
    assert t1.attainment.quota == float(q1.amount)
    assert t1.attainment.attainment == pytest.approx(72.0 / float(q1.amount))
    assert t1.attainment.expected == pytest.approx(float(q1.amount) * 46 / 90)
    assert report.company.quota == pytest.approx(
        sum(t.attainment.quota for t in report.territories)
    )
    assert [r.subject for r in report.reps] == ["R1", "R2", "R3"]


def _golden(path: Path, name: str) -> None:
    if os.environ.get("TERRITORIAL_UPDATE_GOLDEN"):  # after a deliberate change; review the diff
        (GOLDEN / name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected


def test_exports_golden_and_recomputed(ws: UnitOfWork, tmp_path: Path, db_url: str) -> None:
    set_quotas(
        ws,
        period="2026",
        total="1000000",
        method="blend",
        weights={"potential": 0.6, "history": 0.4},
        unit=1000,
    )
    add_goal(
        ws,
        territory="T2",
        metric="revenue",
        baseline=0,
        target=500,
        start=date(2026, 1, 1),
        due=date(2026, 6, 30),
    )
    out = {n: tmp_path / f"{n}.csv" for n in ("quotas", "reps", "goals", "attainment")}
    export_quotas(ws, out["quotas"])
    export_rep_assignments(ws, out["reps"])
    export_goals(ws, out["goals"], as_of=date(2026, 3, 31))
    export_attainment(ws, out["attainment"], "2026-Q1", as_of=date(2026, 3, 31))
    for name, path in out.items():
        _golden(path, f"{name}.csv")
    # recompute attainment from the exported quotas and the raw sales
    quota: dict[str, Decimal] = {}
    with (out["quotas"]).open() as fh:
        for r in csv.DictReader(fh):  # the monthly slices of January to March
            if r["slice"] != "total" and "2026-01-01" <= r["start"] <= "2026-03-31":
                quota[r["territory"]] = quota.get(r["territory"], Decimal(0)) + Decimal(r["quota"])
    sales = {}
    for k, (_ext, *_rest, terr) in enumerate(ACCOUNTS):
        sales[terr] = sales.get(terr, 0.0) + 3 * 12.0 * (k + 1)
    with (out["attainment"]).open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["level"] == "territory":
            t = r["territory"]
            assert Decimal(r["quota"]) == quota[t]
            assert float(r["actual"]) == pytest.approx(sales[t])
            assert float(r["attainment"]) == pytest.approx(sales[t] / float(quota[t]), abs=1e-6)
    assert np.isclose(
        sum(float(r["quota"]) for r in rows if r["level"] == "rep"), float(sum(quota.values()))
    )
