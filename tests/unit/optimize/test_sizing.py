"""Sales force sizing."""

from __future__ import annotations

import pytest

from territorial.optimize.sizing import (
    headcount_state,
    reps_needed,
    sizing_report,
    what_if_headcount,
)


def test_reps_needed_hand_cases() -> None:
    assert reps_needed(10_000, 1840, 0.85) == 7  # 10000 / 1564 = 6.39
    assert reps_needed(1564 * 3, 1840, 0.85) == 3  # exact multiple: no extra rep
    assert reps_needed(0, 1840) == 0
    with pytest.raises(ValueError):
        reps_needed(100, 0)
    with pytest.raises(ValueError):
        reps_needed(100, 100, 0)


def test_sizing_report() -> None:
    r = sizing_report(10_000, 1840, current_reps=5, utilisation=0.85)
    assert r.reps_needed == 7 and r.gap == 2
    assert r.current_utilisation == pytest.approx(10_000 / (5 * 1840))
    assert "needs 7 reps: 2 more reps than today's 5" in r.sentence


def test_what_if_adding_one_rep() -> None:
    w = what_if_headcount(14_400, 8, 2000, +1)
    assert w.before.mean_workload == 1800 and w.after.mean_workload == 1600
    assert w.before.utilisation == pytest.approx(0.9)
    assert w.after.utilisation == pytest.approx(0.8)
    assert w.sentence.startswith("Adding one rep (8 → 9): mean workload per rep falls")


def test_what_if_with_callback_and_removal() -> None:
    def loads(n: int) -> list[float]:
        return [1200.0] * (n - 1) + [1200.0 + 600.0 * (4 - n)] if n < 4 else [900.0] * n

    w = what_if_headcount(3600, 3, 1500, -1, workloads=loads)
    assert w.after.reps == 2
    assert w.after.max_utilisation == pytest.approx(2400 / 1500)
    assert "busiest rep" in w.sentence and w.sentence.startswith("Removing one rep")
    with pytest.raises(ValueError):
        what_if_headcount(100, 1, 100, -1)
    with pytest.raises(ValueError, match="workloads"):
        headcount_state(100, 2, 100, [1.0])
