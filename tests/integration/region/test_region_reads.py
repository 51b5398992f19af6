"""What a manager limited to a region reads, in the services (SQLite and PostgreSQL): the
overview, reps, quotas, goals, plans, monitoring, the editor's balance and the exports
hold their region only; a territory outside is "no such territory"; files made for the
whole company are refused."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from tests.integration.workspaces import small_workspace

from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, Role
from territorial.services import editing
from territorial.services.actor import acting_as
from territorial.services.audit import entries
from territorial.services.crm_export import export_crm
from territorial.services.exports import export_accounts, export_assignments
from territorial.services.gis_export import export_gis
from territorial.services.goals import add_goal, export_goals, list_goals
from territorial.services.listing import list_reps
from territorial.services.monitor import export_attainment, run_monitor
from territorial.services.period_sales import rep_attainment
from territorial.services.plans import edit_plan, plan_territories, show_plan
from territorial.services.quotas import export_quotas, set_quotas, show_quotas
from territorial.services.region import NoSuchTerritory, actor_for
from territorial.services.reports import write_report
from territorial.services.reps_assign import export_rep_assignments
from territorial.services.users import add_user
from territorial.services.workspace import summarise
from territorial.storage import UnitOfWork

AS_OF = date(2026, 10, 15)


@pytest.fixture
def planned(uow: UnitOfWork) -> UnitOfWork:
    """A workspace with sales, a 2026 quota set and a goal in each of two regions."""
    small_workspace(uow, n_accounts=60, n_reps=6, sales=True)
    set_quotas(uow, period="2026", total=1_200_000)
    for territory in ("Central-1", "East-1"):
        add_goal(
            uow,
            territory=territory,
            metric="revenue",
            baseline=1,
            target=2,
            due=date(2026, 12, 31),
            start=date(2026, 1, 1),
        )
    add_goal(uow, rep="REP-005", metric="visits", baseline=0, target=10, due=date(2026, 12, 31))
    return uow


def _central(uow: UnitOfWork) -> Actor:
    return actor_for(uow, add_user(uow, "carla", "a-long-password", Role.MANAGER, region="Central"))


def _assigned(uow: UnitOfWork) -> dict[str, str]:
    with uow:
        current = uow.scenarios.get("Current")
    assert current is not None
    return current.assignments


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_overview_reps_and_plans_hold_the_region(planned: UnitOfWork) -> None:
    actor = _central(planned)
    assert actor.territories is not None
    central = {a for a, t in _assigned(planned).items() if t in actor.territories}
    with planned:
        everything = summarise(planned)
    with acting_as(actor):
        with planned:
            mine = summarise(planned)
            reps = list_reps(planned)
        _, plans = plan_territories(planned)
        with pytest.raises(NoSuchTerritory):
            show_plan(planned, "East-1")
        assert show_plan(planned, "Central-1").accounts > 0
    assert mine.accounts == len(central) < everything.accounts
    assert {n for n, _, _ in mine.territories} == {"Central-1", "Central-2"}
    assert 0 < mine.sales_rows < everything.sales_rows
    assert mine.reps == 2 and {r.rep.external_id for r in reps} == {"REP-003", "REP-004"}
    assert all(t.startswith("Central") for r in reps for t in r.territories)
    assert {p["name"] for p in plans} == set(actor.territories)


def test_quotas_goals_and_monitoring_hold_the_region(planned: UnitOfWork) -> None:
    actor = _central(planned)
    full = show_quotas(planned, "2026")
    report = run_monitor(planned, "2026", AS_OF)
    with acting_as(actor):
        quotas = show_quotas(planned, "2026")
        goals = list_goals(planned, AS_OF)
        mine = run_monitor(planned, "2026", AS_OF)
    assert {q.territory for q in quotas.quotas} == {"Central-1", "Central-2"}
    assert quotas.sum == sum(q.amount for q in full.quotas if q.territory.startswith("Central"))
    assert quotas.total == full.total  # the company target the set splits
    assert [g.record.subject for g in goals] == ["Central-1"]
    assert len(list_goals(planned, AS_OF)) == 3
    rows = {t.territory: t for t in report.territories}
    assert [t.territory for t in mine.territories] == ["Central-1", "Central-2"]
    for t in mine.territories:  # the same figures as the company's monitor
        assert t.attainment == rows[t.territory].attainment
    assert {r.subject for r in mine.reps} == {"REP-003", "REP-004"}
    assert mine.company.subject == "Central"
    assert mine.company.quota == pytest.approx(sum(t.attainment.quota for t in mine.territories))
    assert all(
        a.subject.startswith(("Central", "Rep")) or a.kind == "capacity" for a in mine.alerts
    )


def test_one_reps_attainment_is_the_monitors(planned: UnitOfWork) -> None:
    report = run_monitor(planned, None, AS_OF)
    assert report.reps
    for row in report.reps:
        found = rep_attainment(planned, row.subject, AS_OF)
        assert found is not None
        period, mine = found
        assert period == report.period and mine.subject == row.subject
        assert mine.quota == row.quota and mine.expected == row.expected
        for field in ("actual", "attainment", "pace", "projection"):
            assert getattr(mine, field) == pytest.approx(getattr(row, field)), field
    assert rep_attainment(planned, "REP-404", AS_OF) is None


def test_the_editor_balance_holds_the_region(planned: UnitOfWork) -> None:
    actor = _central(planned)
    full = editing.editor_state(planned, "Current")
    with acting_as(actor):
        mine = editing.editor_state(planned, "Current")
        names = editing.territory_names(planned, "Current")
    assert {t["name"] for t in mine["balance"]["territories"]} == {"Central-1", "Central-2"}
    assert set(mine["movable"]) == set(names) == {"Central-1", "Central-2"}
    assert mine["territories"] == full["territories"]  # indexes shared with the map
    by_index = {t["index"]: t for t in full["balance"]["territories"]}
    for t in mine["balance"]["territories"]:
        assert t == by_index[t["index"]]


def test_exports_hold_the_region_and_company_files_are_refused(
    planned: UnitOfWork, tmp_path: Path
) -> None:
    actor = _central(planned)
    assert actor.territories is not None
    central = {a for a, t in _assigned(planned).items() if t in actor.territories}
    with acting_as(actor):
        export_accounts(planned, tmp_path / "accounts.csv")
        export_assignments(planned, tmp_path / "assignments.csv")
        export_quotas(planned, tmp_path / "quotas.csv")
        export_rep_assignments(planned, tmp_path / "reps.csv")
        export_goals(planned, tmp_path / "goals.csv", AS_OF)
        export_attainment(planned, tmp_path / "attainment.csv", "2026", AS_OF)
        for refused in (
            lambda: export_crm(planned, "hubspot", tmp_path / "hubspot.csv"),
            lambda: export_gis(planned, "geojson", tmp_path / "map.geojson"),
            lambda: write_report(planned, "assessment", tmp_path / "a.html"),
        ):
            with pytest.raises(NotPermitted, match=r"limited to region Central.*whole company"):
                refused()
    assert {r["external_id"] for r in _rows(tmp_path / "accounts.csv")} == central
    assert {r["account_id"] for r in _rows(tmp_path / "assignments.csv")} == central
    for name in ("quotas", "reps", "attainment"):
        territories = {r["territory"] for r in _rows(tmp_path / f"{name}.csv")} - {""}
        assert territories == {"Central-1", "Central-2"}, name
    assert [r["subject"] for r in _rows(tmp_path / "goals.csv")] == ["Central-1"]
    assert not list(tmp_path.glob("hubspot*")) and not (tmp_path / "map.geojson").exists()


def test_the_audit_log_shows_a_limited_manager_their_own_entries(planned: UnitOfWork) -> None:
    actor = _central(planned)
    with acting_as(actor):
        edit_plan(planned, "Central-1", {"tactics": ["Call weekly"]})
        mine = entries(planned)
        assert entries(planned, actor="admin-someone") == []
    everyone = entries(planned)  # the local admin's view
    assert [e.actor for e in mine] == ["carla"] and mine[0].target.endswith("Central-1")
    assert len(everyone) > len(mine) and {e.actor for e in everyone} > {"carla"}
