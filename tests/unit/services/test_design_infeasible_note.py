"""The note of a design that missed: what missed, joined without stray separators."""

from __future__ import annotations

from territorial.services.design import DesignRequest, SegmentResult, _infeasible_note


def _segment(misses: list[tuple[str, str, float]], disconnected: list[str]) -> SegmentResult:
    return SegmentResult(
        segment=None,
        units=1871,
        territories=15,
        feasible=False,
        max_deviation={},
        diameter_km=0.0,
        travel=0.0,
        moves=0,
        moved_weight=0.0,
        runtime=27.4,
        iterations=1,
        disconnected=disconnected,
        misses=misses,
    )


def test_a_plan_only_cut_in_pieces_names_the_territory_and_the_locks() -> None:
    note = _infeasible_note(
        _segment([], ["Central-3"]), DesignRequest(name="Z", territories=15, by="zip")
    )
    assert "(not contiguous: Central-3)" in note
    assert "unlock accounts locked far from their territory" in note


def test_misses_and_pieces_are_joined_by_one_separator() -> None:
    segment = _segment([("potential", "East-1", 0.082)], ["Central-3"])
    note = _infeasible_note(segment, DesignRequest(name="Z", territories=15, by="zip"))
    assert "(potential +8.2% in East-1; not contiguous: Central-3)" in note


def test_a_balance_miss_alone_does_not_mention_locks() -> None:
    note = _infeasible_note(
        _segment([("workload", "West-5", -0.152)], []),
        DesignRequest(name="Z", territories=15, by="county"),
    )
    assert "(workload -15.2% in West-5)" in note and "unlock" not in note
    assert "counties are coarse" in note


def test_measures_pulling_apart_in_one_territory_get_advice_that_names_them() -> None:
    """Over in one measure and under in the other: more time seldom helps (a held-out
    national ZIP design stayed off at 120 s), balancing one of them does."""
    misses = [("workload", "Cole Grant", -0.059), ("revenue", "Cole Grant", 0.055)]
    note = _infeasible_note(
        _segment(misses, []), DesignRequest(name="Z", territories=18, by="zip", contiguous=True)
    )
    assert "In Cole Grant revenue is over and workload under" in note
    assert "whole ZIPs may not even out" in note
    assert "--balance revenue" in note
    assert "longer time limit" not in note


def test_misses_in_one_direction_keep_the_general_advice() -> None:
    misses = [("workload", "A", -0.059), ("revenue", "B", 0.055), ("revenue", "A", -0.051)]
    note = _infeasible_note(_segment(misses, []), DesignRequest(name="Z", territories=18, by="zip"))
    assert "longer time limit (now" in note and "pull apart" not in note
