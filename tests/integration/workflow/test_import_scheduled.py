"""An import while a publish is scheduled assigns new accounts in both alignments."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from territorial.domain import Account, LocatedBy, Rep, Scenario, ScenarioStatus, Territory
from territorial.services.imports import import_accounts
from territorial.services.publish import approve_scenario, publish_scenario
from territorial.storage import UnitOfWork


def _seed(uow: UnitOfWork) -> None:
    """Active S (T1-T3) and draft N (T1, T2, T4: T3 is gone), four accounts."""
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    f"A{k}",
                    f"Account {k}",
                    latitude=40 + k / 10,
                    longitude=-75 - k / 10,
                    potential=100.0,
                    located_by=LocatedBy.COORDINATES,
                )
                for k in range(1, 5)
            ]
        )
        uow.reps.add_many([Rep(f"R{k}", f"Rep {k}") for k in range(1, 5)])
        terr = {k: Territory(f"T{k}", rep_external_id=f"R{k}") for k in range(1, 5)}
        uow.scenarios.save(
            Scenario(
                "S",
                ScenarioStatus.ACTIVE,
                territories=[terr[1], terr[2], terr[3]],
                assignments={"A1": "T1", "A2": "T2", "A3": "T3", "A4": "T3"},
            )
        )
        uow.scenarios.save(
            Scenario(
                "N",
                territories=[terr[1], terr[2], terr[4]],
                assignments={"A1": "T1", "A2": "T2", "A3": "T4", "A4": "T4"},
            )
        )
        uow.commit()


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["external_id", "name", "latitude", "longitude", "potential", "territory"])
        for k, (ext, territory) in enumerate(rows):
            out.writerow([ext, f"New {ext}", 41 + k / 10, -76, 50, territory])
    return path


def test_new_accounts_are_assigned_in_the_scheduled_alignment(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    _seed(uow)
    today = date.today()
    effective = today + timedelta(days=30)
    approve_scenario(uow, "N")
    publish_scenario(uow, "N", effective, today=today)
    with uow:
        assert uow.scenarios.active_name() == "S"
    # A5 to T1 (in both), A6 to T3 (gone in N), A1 re-assigned today only
    report = import_accounts(
        uow, _write(tmp_path / "new.csv", [("A5", "T1"), ("A6", "T3"), ("A1", "T2")])
    )
    assert report.alignment is not None
    assert report.alignment.scheduled_assigned == {"N": 1}
    assert report.alignment.scheduled_unassigned == {"N": ["A6"]}
    assert any("'N'" in w and "A6" in w and "unassigned" in w for w in report.warnings)
    assert report.to_dict()["alignment"]["scheduled_unassigned"] == {"N": ["A6"]}  # type: ignore[index]
    with uow:
        now = uow.scenarios.get("S")
        later_name = uow.scenarios.active_name(effective)
        later = uow.scenarios.get("N", effective)
    assert now is not None and later is not None and later_name == "N"
    assert (now.assignments["A5"], now.assignments["A6"], now.assignments["A1"]) == (
        "T1",
        "T3",
        "T2",
    )
    assert later.assignments["A5"] == "T1"  # on the effective date: assigned
    assert "A6" not in later.assignments  # no T3 there: unassigned, and the report said so
    assert later.assignments["A1"] == "T1"  # the scheduled plan's own choice is kept
    assert later.effective_from == effective and later.status is ScenarioStatus.ACTIVE


def test_without_a_scheduled_publish_the_report_names_none(uow: UnitOfWork, tmp_path: Path) -> None:
    _seed(uow)
    report = import_accounts(uow, _write(tmp_path / "new.csv", [("A5", "T1")]))
    assert report.alignment is not None
    assert report.alignment.scheduled_assigned == {}
    assert report.alignment.scheduled_unassigned == {}
