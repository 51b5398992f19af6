"""SMART goal statuses on hand cases."""

from __future__ import annotations

from datetime import date

import pytest

from territorial.metrics.goals import (
    Direction,
    Goal,
    GoalStatus,
    StatusMargins,
    evaluate_goals,
    goal_status,
)

START, DUE = date(2025, 1, 1), date(2025, 12, 31)  # 364 days
HALF = date(2025, 7, 2)  # 182 days: exactly half


def rev_goal(**kw: object) -> Goal:
    base = dict(
        id="g",
        metric="revenue",
        baseline=100.0,
        target=200.0,
        owner="ann",
        start=START,
        due=DUE,
        subject="T1",
    )
    base.update(kw)
    return Goal(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (200.0, GoalStatus.ACHIEVED),
        (250.0, GoalStatus.ACHIEVED),
        (150.0, GoalStatus.ON_TRACK),  # progress 0.50 = elapsed 0.50
        (146.0, GoalStatus.ON_TRACK),  # 0.46 >= 0.45
        (140.0, GoalStatus.AT_RISK),  # 0.40 within 0.05 + 0.15
        (130.0, GoalStatus.AT_RISK),  # 0.30 = 0.50 - 0.20
        (129.0, GoalStatus.BEHIND),
        (90.0, GoalStatus.BEHIND),
    ],
)
def test_increasing_goal(actual: float, status: GoalStatus) -> None:
    assert goal_status(rev_goal(), actual, HALF).status is status


def test_decreasing_cost_goal() -> None:
    g = Goal("c", "cost", baseline=1000.0, target=800.0, owner="ann", start=START, due=DUE)
    assert g.resolved_direction is Direction.DECREASE
    assert goal_status(g, 780.0, HALF).status is GoalStatus.ACHIEVED
    assert goal_status(g, 900.0, HALF).status is GoalStatus.ON_TRACK  # progress 0.5
    assert goal_status(g, 940.0, HALF).status is GoalStatus.AT_RISK  # 0.30
    assert goal_status(g, 950.0, HALF).status is GoalStatus.BEHIND  # 0.25
    assert goal_status(g, 1000.0, HALF).status is GoalStatus.BEHIND  # 0
    assert goal_status(g, 1100.0, START).status is GoalStatus.BEHIND  # -0.5 at start


def test_custom_margins_and_missed() -> None:
    tight = StatusMargins(on_track=0.0, at_risk=0.05)
    assert goal_status(rev_goal(), 146.0, HALF, tight).status is GoalStatus.AT_RISK
    assert goal_status(rev_goal(), 140.0, HALF, tight).status is GoalStatus.BEHIND
    assert goal_status(rev_goal(), 199.0, date(2026, 1, 5)).status is GoalStatus.MISSED


def test_progress_values_and_sentence() -> None:
    p = goal_status(rev_goal(), 150.0, HALF)
    assert p.progress == pytest.approx(0.5) and p.elapsed == pytest.approx(0.5)
    assert p.sentence.startswith("T1: revenue at 150")
    assert "on track" in p.sentence


def test_validation() -> None:
    with pytest.raises(ValueError, match="due date"):
        rev_goal(due=START)
    with pytest.raises(ValueError, match="does not increase"):
        rev_goal(direction=Direction.INCREASE, target=50.0)
    with pytest.raises(ValueError, match="owner"):
        rev_goal(owner="")


def test_evaluate_goals_defaults_to_baseline() -> None:
    out = evaluate_goals(
        [rev_goal(), rev_goal(id="h", metric="win_rate", baseline=0.2, target=0.3)],
        {"g": 210.0},
        HALF,
    )
    assert [p.status for p in out] == [GoalStatus.ACHIEVED, GoalStatus.BEHIND]
