"""Approval, effective-dated publishing and carry-over, on SQLite and PostgreSQL.

"Today" is injected (``today=`` / ``as_of=``), never waited for.
"""

from __future__ import annotations

from datetime import date

import pytest

from territorial.cli.wording import worded as cli_worded
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
from territorial.domain.errors import OptionError
from territorial.domain.publishing import ScenarioChanged
from territorial.services.goals import add_goal
from territorial.services.history import scenario_history
from territorial.services.locks import move_accounts, set_locks
from territorial.services.monitor import run_monitor
from territorial.services.plans import edit_plan, show_plan
from territorial.services.publish import (
    approve_scenario,
    preview_publish,
    publish_scenario,
)
from territorial.services.quotas import set_quotas, show_quotas
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

# (id, lat, lon, potential, territory in S, territory in N)
ACCOUNTS = [
    ("A1", 40.0, -75.0, 100.0, "T1", "T1"),
    ("A2", 40.1, -75.1, 300.0, "T1", "T2"),  # moves T1 -> T2
    ("A3", 41.0, -80.0, 200.0, "T2", "T2"),
    ("A4", 41.1, -80.1, 200.0, "T2", "T2"),
    ("A5", 35.0, -90.0, 50.0, "T3", "T4"),  # moves to a territory S does not have
    ("A6", 35.1, -90.1, 150.0, "T3", "T3"),
]
TODAY = date(2026, 12, 1)
NEXT_YEAR = date(2027, 1, 1)


@pytest.fixture
def ws(uow: UnitOfWork) -> UnitOfWork:
    """Active S (T1-T3), draft N (T1-T4, two accounts move), 2026 sales every month."""
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
        uow.reps.add_many([Rep(f"R{k}", f"Rep {k}") for k in (1, 2, 3, 4)])
        terr = [Territory(f"T{k}", rep_external_id=f"R{k}") for k in (1, 2, 3, 4)]
        uow.scenarios.save(
            Scenario(
                "S",
                ScenarioStatus.ACTIVE,
                territories=terr[:3],
                assignments={e: t for e, *_, t, _ in ACCOUNTS},
            )
        )
        uow.scenarios.save(
            Scenario("N", territories=terr, assignments={e: t for e, *_, t in ACCOUNTS})
        )
        sales = [
            Sale(e, date(2026, m, 1), 10.0 * (k + 1))
            for k, (e, *_) in enumerate(ACCOUNTS)
            for m in range(1, 13)
        ]
        uow.sales.add_many(sales)
        uow.commit()
    return uow


def statuses(uow: UnitOfWork, day: date) -> dict[str, str]:
    with uow:
        return dict(uow.scenarios.names(day))


def active(uow: UnitOfWork, day: date) -> str | None:
    with uow:
        return uow.scenarios.active_name(day)


def test_an_unapproved_publish_is_refused_with_the_reason(ws: UnitOfWork) -> None:
    with pytest.raises(TerritorialError) as refused:
        publish_scenario(ws, "N", NEXT_YEAR, today=TODAY)
    assert "'N' is a draft, not approved" in str(refused.value)
    assert isinstance(refused.value, OptionError) and refused.value.option == "force"
    assert "use --force to publish anyway" in cli_worded(refused.value)
    assert statuses(ws, TODAY) == {"S": "active", "N": "draft"}
    assert scenario_history(ws, "N").events == []  # nothing written
    preview = preview_publish(ws, "N", NEXT_YEAR, today=TODAY)
    assert preview.refusals and "not approved" in preview.refusals[0]
    assert preview.to_dict()["needs_force"] is True and preview.scheduled
    # the one override flag goes past it, and the publication record says so
    report = publish_scenario(ws, "N", NEXT_YEAR, today=TODAY, force=True, by="ops")
    assert report.overridden and "not approved" in report.overridden[0]
    [published] = [e for e in scenario_history(ws, "N").events if e.kind.value == "published"]
    assert published.overridden and published.by == "ops"
    assert "published with --force" in published.note and "not approved" in published.note
    assert report.to_dict()["overridden"] == report.overridden


def test_an_approved_publish_without_override_is_not_marked(ws: UnitOfWork) -> None:
    approve_scenario(ws, "N")
    report = publish_scenario(ws, "N", date(2026, 11, 1), today=TODAY)
    assert not report.overridden and not report.scheduled
    events = scenario_history(ws, "N").events
    assert [e.overridden for e in events] == [False, False]


def test_a_future_date_schedules_the_change(ws: UnitOfWork) -> None:
    approve_scenario(ws, "N")
    report = publish_scenario(ws, "N", NEXT_YEAR, today=TODAY)
    assert report.scheduled and report.previous == "S"
    assert report.to_dict()["status"] == "scheduled"
    assert report.to_dict()["previous_status"] == "active"
    # before the date: S holds and N waits; from the date on: N holds, S is archived
    for day in (TODAY, date(2026, 12, 31)):
        assert active(ws, day) == "S"
        assert statuses(ws, day) == {"S": "active", "N": "scheduled"}
    for day in (NEXT_YEAR, date(2027, 6, 30)):
        assert active(ws, day) == "N"
        assert statuses(ws, day) == {"S": "archived", "N": "active"}
    with ws:
        assert resolve_scenario(ws, None, TODAY).name == "S"
        assert resolve_scenario(ws, None, NEXT_YEAR).status is ScenarioStatus.ACTIVE
    # what is scheduled cannot be approved or published again
    with pytest.raises(TerritorialError, match="already published; it takes effect 2027-01-01"):
        publish_scenario(ws, "N", date(2027, 2, 1), today=TODAY, force=True)
    # a later publish follows the scheduled one, never goes before it
    with ws:
        ws.scenarios.save(
            Scenario(
                "L", territories=[Territory("T1")], assignments={e: "T1" for e, *_ in ACCOUNTS}
            )
        )
        ws.commit()
    with pytest.raises(TerritorialError, match="before 'N' takes effect"):
        publish_scenario(ws, "L", date(2026, 12, 15), today=TODAY, force=True)
    later = publish_scenario(ws, "L", date(2027, 3, 1), today=TODAY, force=True)
    assert later.previous == "N" and later.scheduled
    assert [active(ws, d) for d in (TODAY, NEXT_YEAR, date(2027, 3, 1))] == ["S", "N", "L"]


def test_monitoring_a_running_period_survives_a_scheduled_publish(ws: UnitOfWork) -> None:
    set_quotas(ws, period="2026-Q4", total="900", method="potential")
    approve_scenario(ws, "N")
    publish_scenario(ws, "N", NEXT_YEAR, today=TODAY)
    for as_of in (date(2026, 12, 15), date(2027, 2, 1)):  # during the period and after it
        report = run_monitor(ws, "2026-Q4", as_of)
        assert report.scenario == "S" and report.company.quota == pytest.approx(900)
        actual = {t.territory: t.attainment.actual for t in report.territories}
        assert actual["T1"] == pytest.approx(3 * (10.0 + 20.0))  # Oct-Dec of A1 and A2
    with pytest.raises(TerritorialError, match="no quotas cover 2027-Q1 in scenario 'N'"):
        run_monitor(ws, "2027-Q1", date(2027, 2, 1))  # N holds then, and has none


def test_plans_goals_and_locks_carry_over(ws: UnitOfWork) -> None:
    edit_plan(ws, "T1", {"strategies": ["Win hospital groups"], "threats": ["New rival"]})
    edit_plan(ws, "T3", {"objectives": ["Two new distributors"]})
    add_goal(
        ws,
        territory="T1",
        metric="revenue",
        baseline=0,
        target=500,
        start=date(2026, 1, 1),
        due=date(2027, 12, 31),
    )
    set_locks(ws, ["A1", "A2"])  # A1 stays in T1 in N; A2 moves to T2 in N
    edit_plan(ws, "T3", {"objectives": ["N's own objective"]}, scenario="N")
    approve_scenario(ws, "N")
    report = publish_scenario(ws, "N", date(2026, 11, 1), today=TODAY)
    assert report.plans_carried == ["T1"] and report.locks_carried == 1
    assert any("own plan for T3" in n for n in report.notes)
    assert any("1 locks of S are not carried" in n for n in report.notes)
    view = show_plan(ws, "T1")  # the active alignment is N now
    assert view.plan.scenario == "N"
    assert view.plan.section("strategies") == ["Win hospital groups"]
    assert view.plan.section("threats") == ["New rival"]
    assert [g.record.subject for g in view.goals] == ["T1"]
    assert show_plan(ws, "T3").plan.section("objectives") == ["N's own objective"]
    assert show_plan(ws, "T1", scenario="S").plan.section("threats") == ["New rival"]
    with ws:
        n = ws.scenarios.get("N")
    assert n is not None and n.locks == {"A1": "T1"}


def test_a_stale_version_is_refused(ws: UnitOfWork) -> None:
    with ws:
        n = ws.scenarios.get("N")
    assert n is not None
    seen = n.version
    edit = move_accounts(ws, ["A1"], "T4", "N", expect_version=seen, by="ann")
    assert edit.version == seen + 1 and edit.changed == 1
    with pytest.raises(ScenarioChanged) as stale:  # bob still shows the version ann changed
        set_locks(ws, ["A3"], "N", expect_version=seen, by="bob")
    message = str(stale.value)
    assert "'N' was changed by ann at " in message and message.endswith("reload")
    with ws:
        after = ws.scenarios.get("N")
    assert after is not None and after.version == seen + 1 and after.locks == {}
    assert after.changed_by == "ann" and after.assignments["A1"] == "T4"
    assert set_locks(ws, ["A3"], "N", expect_version=seen + 1, by="bob") == 1


def test_quotas_for_a_period_after_a_published_change_go_to_the_new_alignment(
    ws: UnitOfWork,
) -> None:
    """Set after N is published for next year, next year's quotas are N's (S's end
    before the period starts, so they would never apply); this year's stay S's."""
    today = date.today()
    nxt = date(today.year + 1, 1, 1)
    approve_scenario(ws, "N")
    publish_scenario(ws, "N", nxt, today=today)
    later = set_quotas(ws, period=str(nxt.year), total="4000", method="equal")
    now = set_quotas(ws, period=str(today.year), total="3000", method="equal")
    assert (later.scenario, now.scenario) == ("N", "S")
    assert {q.territory for q in later.quotas} == {"T1", "T2", "T3", "T4"}
    assert show_quotas(ws, str(nxt.year)).scenario == "N"
    assert show_quotas(ws, str(today.year)).scenario == "S"
